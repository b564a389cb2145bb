/*
 * linux.intelRdt (config-linux.md#intelrdt, runtime-spec 1.3): the
 * container's processes in a resctrl control group.
 *
 * The group is the directory `closID` of the mounted resctrl filesystem,
 * or, without a closID, one named after the container id, which create
 * makes and delete removes.  With l3CacheSchema and/or memBwSchema create
 * writes them to the group's `schemata` (both: the non-"MB:" lines of the
 * first and the second), then `schemata` itself, last; an existing closID
 * group must already hold the L3/MB values asked for (compared value by
 * value, as the kernel pads and reformats them), else it is an error; a
 * closID with no schema must exist.  The init's pid goes to its `tasks`
 * (exec's processes join too).  enableMonitoring (and 1.2's enableCMT and
 * enableMBM, which ask for the same counters) adds a monitoring group
 * `mon_groups/<id>` under it for the container, removed by delete.
 *
 * No resctrl filesystem mounted in the runtime's mount namespace is an
 * error naming .linux.intelRdt, by create and by `skiff check` alike
 * (intelrdt_check).  FOR TESTS ONLY, $SKIFF_TEST_RESCTRL_ROOT names a
 * directory taken as the resctrl mount instead (tests/integration use a
 * plain directory tree there to check what is written where, as no
 * machine of this project has RDT); it is read here only.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* The resctrl mount point into buf; -1 if none is mounted. */
int intelrdt_root(char *buf, size_t size)
{
	const char *test = getenv("SKIFF_TEST_RESCTRL_ROOT");
	FILE *f;
	char line[4096];
	int rc = -1;

	if (test && test[0]) {
		snprintf(buf, size, "%s", test);
		return 0;
	}
	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return -1;
	/* id parent maj:min root mountpoint options ... - fstype source opts */
	while (rc < 0 && fgets(line, sizeof(line), f)) {
		char mnt[4096];

		if (strstr(line, " - resctrl ") && sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1) {
			snprintf(buf, size, "%s", mnt);
			rc = 0;
		}
	}
	fclose(f);
	return rc;
}

int intelrdt_check(const spec_config *cfg, skiff_error *err)
{
	char root[4096];

	if (!cfg->linux_ || !cfg->linux_->intel_rdt)
		return 0;
	if (intelrdt_root(root, sizeof(root)) < 0)
		return skiff_fail_code_at(err, ENOENT, ".linux.intelRdt",
					  ".linux.intelRdt: no resctrl filesystem is mounted, so Intel RDT cannot be applied");
	return 0;
}

static bool monitoring(const spec_intel_rdt *rdt)
{
	return rdt->enable_monitoring || rdt->enable_cmt || rdt->enable_mbm;
}

int intelrdt_write(const char *dir, const char *file, const char *value, const char *field,
		    skiff_error *err)
{
	char path[8500];
	int fd, saved;
	size_t len = strlen(value);

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	/* Appended: the kernel takes each write whole wherever it lands, and
	 * a test's plain file keeps every value written, in order. */
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return skiff_fail_at(err, errno, field, "%s: open %s", field, path);
	trace("intelRdt: write \"%s\" to %s", value, path);
	if (write(fd, value, len) != (ssize_t)len) {
		saved = errno;
		close(fd);
		return skiff_fail_at(err, saved, field, "%s: write \"%s\" to %s", field, value, path);
	}
	close(fd);
	return 0;
}

/* The value for `schemata` from l3CacheSchema and memBwSchema (spec's
 * rules), or NULL when neither is set.  Freed by the caller. */
char *intelrdt_schema(const spec_intel_rdt *rdt)
{
	const char *l3 = rdt->l3_cache_schema, *mb = rdt->mem_bw_schema;
	size_t size;
	char *out;

	if (!l3 && !mb)
		return NULL;
	size = (l3 ? strlen(l3) : 0) + (mb ? strlen(mb) : 0) + 3;
	out = calloc(1, size);
	if (!out)
		return NULL;
	for (const char *line = l3; line && *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);

		if (len && (!mb || strncmp(line, "MB:", 3) != 0)) {
			if (out[0])
				strcat(out, "\n");
			strncat(out, line, len);
		}
		line = end ? end + 1 : line + len;
	}
	if (mb) {
		if (out[0])
			strcat(out, "\n");
		strcat(out, mb);
	}
	return out;
}

/* The value of resource `type` ("L3", "MB") for domain `id` in a
 * schemata text; -1 if absent. */
static long long schema_value(const char *text, const char *type, unsigned long id)
{
	size_t tl = strlen(type);

	for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		while (*line == ' ' || *line == '\t')
			line++;
		if (strncmp(line, type, tl) != 0 || line[tl] != ':')
			continue;
		for (const char *p = line + tl + 1; *p && *p != '\n';) {
			char *end;
			unsigned long dom = strtoul(p, &end, 10);

			if (*end != '=')
				break;
			p = end + 1;
			long long val = (long long)strtoull(p, &end, strcmp(type, "MB") ? 16 : 10);

			if (dom == id)
				return val;
			p = end;
			while (*p == ';' || *p == ' ')
				p++;
		}
	}
	return -1;
}

/* Does the existing group's schemata hold every value of `want`? */
static bool schema_matches(const char *dir, const char *want)
{
	char path[8300], have[8192];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/schemata", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, have, sizeof(have) - 1);
	close(fd);
	if (n < 0)
		return false;
	have[n] = '\0';
	for (const char *line = want; line && *line;) {
		const char *colon = strchr(line, ':'), *nl = strchr(line, '\n');
		char type[16];

		if (!colon || (nl && colon > nl) || (size_t)(colon - line) >= sizeof(type))
			return false;
		memcpy(type, line, (size_t)(colon - line));
		type[colon - line] = '\0';
		for (const char *p = colon + 1; *p && *p != '\n';) {
			char *end;
			unsigned long dom = strtoul(p, &end, 10);

			if (*end != '=')
				return false;
			p = end + 1;
			long long val = (long long)strtoull(p, &end, strcmp(type, "MB") ? 16 : 10);

			if (schema_value(have, type, dom) != val)
				return false;
			p = end;
			while (*p == ';' || *p == ' ')
				p++;
		}
		line = nl ? nl + 1 : NULL;
	}
	return true;
}

/* Under $SKIFF_TEST_RESCTRL_ROOT nothing makes the files the kernel gives
 * a new resctrl group: the test tree gets them here (empty), and loses
 * them before its rmdir.  Never used on a real resctrl mount. */
static void test_tree_files(const char *dir, bool make)
{
	static const char *const files[] = { "tasks", "schemata" };
	char path[8500];

	if (!getenv("SKIFF_TEST_RESCTRL_ROOT") || !getenv("SKIFF_TEST_RESCTRL_ROOT")[0])
		return;
	for (size_t i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if (make)
			close(open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644));
		else
			unlink(path);
	}
	snprintf(path, sizeof(path), "%s/mon_groups", dir);
	if (make)
		mkdir(path, 0755);
	else
		rmdir(path);
}

void intelrdt_group_dir(const char *root, const char *id, const spec_intel_rdt *rdt, char *buf,
		       size_t size)
{
	snprintf(buf, size, "%s/%s", root, rdt->clos_id ? rdt->clos_id : id);
}

static int make_group(const char *id, const spec_intel_rdt *rdt, const char *dir,
		      skiff_error *err)
{
	char *schema = intelrdt_schema(rdt);
	bool any = schema || rdt->schemata;
	int rc = 0;

	if ((rdt->l3_cache_schema || rdt->mem_bw_schema) && !schema)
		return skiff_fail(err, ENOMEM, "intelRdt");
	if (rdt->clos_id && !any) {
		/* a pre-configured group, taken as it is: it must exist */
		if (access(dir, F_OK) < 0)
			rc = skiff_fail_at(err, errno, ".linux.intelRdt.closID",
					   ".linux.intelRdt.closID: the pre-configured resctrl group %s", dir);
		return rc;
	}
	if (mkdir(dir, 0755) == 0) {
		trace("intelRdt: made %s", dir);
		test_tree_files(dir, true);
	} else if (errno != EEXIST) {
		rc = skiff_fail_at(err, errno, ".linux.intelRdt", ".linux.intelRdt: make the resctrl group %s", dir);
	} else if (!rdt->clos_id) {
		rc = skiff_fail_code_at(err, EEXIST, ".linux.intelRdt",
					".linux.intelRdt: the resctrl group %s of container %s exists already", dir, id);
	} else if (schema && !schema_matches(dir, schema)) {
		rc = skiff_fail_code_at(err, EINVAL, ".linux.intelRdt.closID",
					".linux.intelRdt.closID: the resctrl group %s exists with a schemata other than l3CacheSchema/memBwSchema ask",
					dir);
		free(schema);
		return rc;
	}
	if (rc == 0 && schema)
		rc = intelrdt_write(dir, "schemata", schema, ".linux.intelRdt", err);
	if (rc == 0 && rdt->schemata)
		rc = intelrdt_write(dir, "schemata", rdt->schemata, ".linux.intelRdt.schemata", err);
	free(schema);
	return rc;
}

int intelrdt_enter(const char *id, const spec_config *cfg, pid_t pid, bool create,
		   skiff_error *err)
{
	const spec_intel_rdt *rdt = cfg->linux_ ? cfg->linux_->intel_rdt : NULL;
	char root[4096], dir[8192], mon[8300], value[32];

	if (!rdt)
		return 0;
	if (intelrdt_check(cfg, err) < 0 || intelrdt_root(root, sizeof(root)) < 0)
		return -1;
	intelrdt_group_dir(root, id, rdt, dir, sizeof(dir));
	if (create && make_group(id, rdt, dir, err) < 0)
		return -1;
	snprintf(value, sizeof(value), "%d", (int)pid);
	if (intelrdt_write(dir, "tasks", value, ".linux.intelRdt", err) < 0)
		return -1;
	if (!monitoring(rdt))
		return 0;
	snprintf(mon, sizeof(mon), "%s/mon_groups/%s", dir, id);
	if (create && mkdir(mon, 0755) < 0)
		return skiff_fail_at(err, errno, ".linux.intelRdt.enableMonitoring",
				     ".linux.intelRdt.enableMonitoring: make the resctrl monitoring group %s", mon);
	if (create)
		test_tree_files(mon, true);
	return intelrdt_write(mon, "tasks", value, ".linux.intelRdt.enableMonitoring", err);
}

void intelrdt_remove(const char *id, const spec_config *cfg)
{
	const spec_intel_rdt *rdt = cfg && cfg->linux_ ? cfg->linux_->intel_rdt : NULL;
	char root[4096], dir[8192], mon[8300];

	if (!rdt || intelrdt_root(root, sizeof(root)) < 0)
		return;
	intelrdt_group_dir(root, id, rdt, dir, sizeof(dir));
	snprintf(mon, sizeof(mon), "%s/mon_groups/%s", dir, id);
	if (monitoring(rdt)) {
		test_tree_files(mon, false);
		if (rmdir(mon) == 0)
			trace("intelRdt: removed %s", mon);
	}
	/* A closID group may be shared with other containers: it stays. */
	if (!rdt->clos_id) {
		test_tree_files(dir, false);
		if (rmdir(dir) == 0)
			trace("intelRdt: removed %s", dir);
	}
}
