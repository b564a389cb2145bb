/*
 * Where the container's cgroups go: the host's layout (v1, hybrid, v2),
 * the hierarchies mounted, our own cgroups, and linux.cgroupsPath resolved
 * as runc resolves it, one directory per hierarchy.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "cgroups.h"
#include "libmount_load.h"
#include "mount_facts.h"

/* The v1 controllers runc knows; hierarchies with none of them (other than
 * name=systemd, which runc also joins) are left alone. */
static const char *const known_controllers[] = {
	"cpuset", "cpu", "cpuacct", "memory", "devices", "freezer", "net_cls", "net_prio",
	"blkio", "perf_event", "hugetlb", "pids", "rdma", "misc", NULL,
};

static bool is_known(const char *name, size_t len)
{
	for (const char *const *c = known_controllers; *c; c++)
		if (strlen(*c) == len && !strncmp(*c, name, len))
			return true;
	return false;
}

/* --------------------------------------------------- layout and paths -- */

int cgroup_layout_detect(cg_layout *out, skiff_error *err)
{
	struct statfs sfs;

	if (statfs("/sys/fs/cgroup", &sfs) < 0)
		return skiff_fail_errno(err, errno, "cgroups: statfs /sys/fs/cgroup");
	if (sfs.f_type == CGROUP2_SUPER_MAGIC)
		*out = CG_LAYOUT_UNIFIED;
	else if (statfs("/sys/fs/cgroup/unified", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC)
		*out = CG_LAYOUT_HYBRID;
	else
		*out = CG_LAYOUT_V1;
	return 0;
}

char *cgroup_clean_path(const char *path)
{
	size_t len = strlen(path), used = 0;
	bool absolute = path[0] == '/';
	char *out = malloc(len + 2);

	if (!out)
		return NULL;
	for (const char *p = path; *p;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);

		if (n == 2 && p[0] == '.' && p[1] == '.') {
			/* Up one, but never above the root. */
			while (used > 0 && out[used - 1] != '/')
				used--;
			if (used > 0)
				used--;
		} else if (n > 0 && !(n == 1 && p[0] == '.')) {
			out[used++] = '/';
			memcpy(out + used, p, n);
			used += n;
		}
		p += n;
		if (*p == '/')
			p++;
	}
	out[used] = '\0';
	if (absolute && used == 0)
		return strcpy(out, "/");
	if (!absolute && used > 0)
		memmove(out, out + 1, used); /* drop the leading '/' again */
	return out;
}

/* The index of the entry of subs ("[controllers:]path", exec --cgroup)
 * for the hierarchy key: the one naming one of its controllers, else the
 * one without controllers, else -1.  matched[i] records the entries used. */
static long sub_for(const char *key, const char *const *subs, size_t n, bool *matched)
{
	long any = -1;

	for (size_t i = 0; i < n; i++) {
		const char *colon = strchr(subs[i], ':');

		if (!colon) {
			any = (long)i;
			continue;
		}
		for (const char *p = subs[i]; p < colon;) {
			size_t len = strcspn(p, ",:");
			char ctrl[64];

			if (len > 0 && len < sizeof(ctrl) && key[0]) {
				memcpy(ctrl, p, len);
				ctrl[len] = '\0';
				if (cg_key_has(key, ctrl)) {
					matched[i] = true;
					return (long)i;
				}
			}
			p += len + (p[len] == ',');
		}
	}
	if (any >= 0)
		matched[any] = true;
	return any;
}

/* Does sub, taken relative to the container's cgroup (a leading '/'
 * too), ever go above it?  runc 1.1.5 refuses such a path (".. is not a sub
 * cgroup path"); clamping it at the container's cgroup would run the
 * process somewhere the caller did not ask for. */
static bool sub_escapes(const char *sub)
{
	long depth = 0;

	for (const char *p = sub; *p;) {
		size_t len = strcspn(p, "/");

		if (len == 2 && p[0] == '.' && p[1] == '.') {
			if (--depth < 0)
				return true;
		} else if (len > 0 && !(len == 1 && p[0] == '.')) {
			depth++;
		}
		p += len;
		p += *p == '/';
	}
	return false;
}

int cgroup_sub_set(const cgroup_set *set, const char *const *subs, size_t n, cgroup_set *out,
		   skiff_error *err)
{
	out->dirs = NULL;
	out->n = 0;
	for (size_t i = 0; i < n; i++) {
		const char *colon = strchr(subs[i], ':');
		const char *sub = colon ? colon + 1 : subs[i];

		if (sub_escapes(sub))
			return skiff_fail_msg(err, EINVAL, "exec --cgroup: %s is not a sub cgroup path",
					       sub);
	}
	bool *matched = calloc(n ? n : 1, sizeof(*matched));

	out->dirs = calloc(set->n ? set->n : 1, sizeof(*out->dirs));
	out->n = 0;
	if (!matched || !out->dirs) {
		free(matched);
		return skiff_fail_errno(err, ENOMEM, "exec --cgroup");
	}
	for (size_t i = 0; i < set->n; i++) {
		long k = sub_for(set->dirs[i].key, subs, n, matched);
		const char *sub = k < 0 ? NULL : strchr(subs[k], ':') ? strchr(subs[k], ':') + 1 : subs[k];
		char *clean = sub ? cgroup_clean_path(sub) : NULL;
		struct stat st;

		out->dirs[i].key = strdup(set->dirs[i].key);
		if (clean && clean[0] == '/') /* below the container's cgroup, always */
			memmove(clean, clean + 1, strlen(clean));
		out->dirs[i].value = clean && clean[0] ? path_join(set->dirs[i].value, clean)
						       : strdup(set->dirs[i].value);
		out->n++;
		if ((sub && !clean) || !out->dirs[i].key || !out->dirs[i].value) {
			free(clean);
			free(matched);
			return skiff_fail_errno(err, ENOMEM, "exec --cgroup");
		}
		/* runc's rule: the sub-cgroup is one that exists. */
		if (clean && clean[0] && (stat(out->dirs[i].value, &st) < 0 || !S_ISDIR(st.st_mode))) {
			skiff_fail_msg(err, ENOENT, "exec --cgroup %s: no cgroup %s", subs[k],
					out->dirs[i].value);
			free(clean);
			free(matched);
			return -1;
		}
		free(clean);
	}
	for (size_t i = 0; i < n; i++) {
		if (!matched[i] && strchr(subs[i], ':')) {
			skiff_fail_msg(err, EINVAL,
					"exec --cgroup %s: the container has no cgroup of such a controller",
					subs[i]);
			free(matched);
			return -1;
		}
	}
	free(matched);
	return 0;
}

/* One line of /proc/self/cgroup: "ID:CONTROLLERS:PATH". */
typedef struct own_cgroup {
	char *key;
	char *path;
} own_cgroup;

static int read_own_cgroups(own_cgroup **out, size_t *n, skiff_error *err)
{
	char *text, *line, *save = NULL;
	own_cgroup *list = NULL;
	size_t count = 0;

	if (read_file_at(AT_FDCWD, "/proc/self/cgroup", 1u << 20, &text, NULL, err) < 0)
		return -1;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *key = strchr(line, ':'), *path;
		own_cgroup *grown;

		if (!key || !(path = strchr(++key, ':')))
			continue;
		*path++ = '\0';
		grown = realloc(list, (count + 1) * sizeof(*list));
		if (!grown)
			break;
		list = grown;
		list[count].key = strdup(key);
		list[count].path = strdup(path);
		if (!list[count].key || !list[count].path) {
			free(list[count].key);
			free(list[count].path);
			break;
		}
		count++;
	}
	free(text);
	if (line) {
		for (size_t i = 0; i < count; i++) {
			free(list[i].key);
			free(list[i].path);
		}
		free(list);
		return skiff_fail_errno(err, ENOMEM, "cgroups: read /proc/self/cgroup");
	}
	*out = list;
	*n = count;
	return 0;
}

/* Counts one option of a v1 mount against the hierarchy named by key:
 * false when it names a controller or a name= that key does not have. */
static bool option_in_key(const char *name, size_t namesz, const char *value, size_t valuesz,
			  const char *key, size_t *found)
{
	char token[256];

	if (namesz == 4 && !strncmp(name, "name", 4) && value)
		snprintf(token, sizeof(token), "name=%.*s", (int)valuesz, value);
	else if (is_known(name, namesz))
		snprintf(token, sizeof(token), "%.*s", (int)namesz, name);
	else
		return true;
	if (!cg_key_has(key, token))
		return false;
	(*found)++;
	return true;
}

static size_t key_items(const char *key)
{
	size_t n = 1;

	for (const char *p = key; *p; p++)
		n += *p == ',';
	return n;
}

/* Is the v1 mount (its super options) the hierarchy named by key?  Both
 * must list the same controllers and name=. */
static bool mount_is_hierarchy(const char *options, const char *key)
{
	char *name, *value, *opts = (char *)options;
	size_t namesz, valuesz, found = 0;

	while (opts && mnt_optstr_next_option(&opts, &name, &namesz, &value, &valuesz) == 0)
		if (!option_in_key(name, namesz, value, valuesz, key, &found))
			return false;
	return found == key_items(key);
}

/* The same for the options statmount lists, one string each: there is no
 * option string to parse, only "name" or "name=value". */
static bool listed_options_are_hierarchy(const mount_facts *m, const char *key)
{
	const char *opt = m->options;
	size_t found = 0;

	for (size_t i = 0; i < m->n_options; opt += strlen(opt) + 1, i++) {
		const char *eq = strchr(opt, '=');
		size_t namesz = eq ? (size_t)(eq - opt) : strlen(opt);

		if (!option_in_key(opt, namesz, eq ? eq + 1 : NULL, eq ? strlen(eq + 1) : 0, key,
				   &found))
			return false;
	}
	return found == key_items(key);
}

/* Where cgroup2 must be mounted to count, as runc expects it. */
static const char *unified_mount(cg_layout layout)
{
	return layout == CG_LAYOUT_UNIFIED ? "/sys/fs/cgroup" : "/sys/fs/cgroup/unified";
}

/* Where the hierarchy for key is mounted, and the cgroup at its root. */
static int find_mount(struct libmnt_table *tb, const char *key, cg_layout layout,
		      const char **target, const char **root)
{
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	struct libmnt_fs *fs;
	int rc = -1;

	if (!it)
		return -1;
	while (mnt_table_next_fs(tb, it, &fs) == 0) {
		const char *type = mnt_fs_get_fstype(fs), *mp = mnt_fs_get_target(fs);

		if (!type || !mp)
			continue;
		if (!key[0]) {
			if (strcmp(type, "cgroup2") || strcmp(mp, unified_mount(layout)))
				continue;
		} else if (strcmp(type, "cgroup") || strncmp(mp, "/sys/fs/cgroup/", 15) ||
			   !mount_is_hierarchy(mnt_fs_get_fs_options(fs), key)) {
			continue;
		}
		*target = mp;
		*root = mnt_fs_get_root(fs) ? mnt_fs_get_root(fs) : "/";
		rc = 0;
		break;
	}
	mnt_free_iter(it);
	return rc;
}

/* The directory for inner (clean) in one hierarchy mounted at target. */
static char *resolve_dir(const char *target, const char *mount_root, const char *own,
			 const char *inner, bool parent_of_own, skiff_error *err)
{
	char *base = NULL, *joined = NULL, *clean;
	size_t rootlen = strcmp(mount_root, "/") ? strlen(mount_root) : 0;

	if (inner[0] != '/') {
		/* Relative: below the runtime's own cgroup, as the mount shows it. */
		if (strncmp(own, mount_root, rootlen) || (own[rootlen] && own[rootlen] != '/')) {
			skiff_fail_msg(err, 0, "cgroups: our own cgroup %s is not visible at %s", own, target);
			return NULL;
		}
		base = strdup(own + rootlen);
		if (base && parent_of_own) {
			char *slash = strrchr(base, '/');

			if (slash)
				*slash = '\0';
		}
	} else {
		base = strdup("");
	}
	if (!base || asprintf(&joined, "%s/%s/%s", target, base, inner) < 0) {
		free(base);
		skiff_fail_errno(err, ENOMEM, "cgroups: resolve %s", inner);
		return NULL;
	}
	free(base);
	clean = cgroup_clean_path(joined);
	free(joined);
	if (!clean)
		skiff_fail_errno(err, ENOMEM, "cgroups: resolve %s", inner);
	return clean;
}

static bool hierarchy_wanted(const char *key)
{
	if (!key[0] || !strcmp(key, "name=systemd"))
		return true;
	for (const char *p = key; *p;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);

		if (is_known(p, n))
			return true;
		p += n + (comma != NULL);
	}
	return false;
}

static int add_dir(cgroup_set *set, const char *key, char *dir, skiff_error *err)
{
	spec_kv *grown = realloc(set->dirs, (set->n + 1) * sizeof(*set->dirs));

	if (!grown || !(grown[set->n].key = strdup(key))) {
		if (grown)
			set->dirs = grown;
		free(dir);
		return skiff_fail_errno(err, ENOMEM, "cgroups: plan");
	}
	set->dirs = grown;
	set->dirs[set->n++].value = dir;
	return 0;
}

/* Is a line of /proc/self/cgroup a hierarchy containers join?  On v1 a
 * cgroup2 line is some other mount's; on v2 the v1 lines are leftovers of
 * hierarchies without controllers. */
static bool hierarchy_joined(const char *key, cg_layout layout)
{
	return hierarchy_wanted(key) && !(layout == CG_LAYOUT_V1 && !key[0]) &&
	       !(layout == CG_LAYOUT_UNIFIED && key[0]);
}

static void own_cgroups_free(own_cgroup *own, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(own[i].key);
		free(own[i].path);
	}
	free(own);
}

/* Called for each hierarchy the runtime is in that a container joins:
 * key as in /proc/self/cgroup, where it is mounted, the cgroup at the
 * mount's root, and the runtime's own cgroup there. */
typedef int (*hierarchy_fn)(const char *key, const char *target, const char *mount_root,
			    const char *own, cg_layout layout, void *data, skiff_error *err);

/* The mount m is hierarchy key's, where find_mount would accept it. */
static bool facts_are_hierarchy(const mount_facts *m, const char *key, cg_layout layout)
{
	if (!key[0])
		return !strcmp(m->fstype, "cgroup2") && !strcmp(m->point, unified_mount(layout));
	return !strcmp(m->fstype, "cgroup") && !strncmp(m->point, "/sys/fs/cgroup/", 15) &&
	       listed_options_are_hierarchy(m, key);
}

/* Where a hierarchy is mounted by convention (systemd, cgroupfs-mount,
 * Docker's and runc's own layouts): /sys/fs/cgroup/ and the key, without
 * "name=" for a named one; the cgroup2 mount where runc looks for it. */
static int conventional_mount(const char *key, cg_layout layout, char *buf, size_t size)
{
	int n;

	if (!key[0])
		n = snprintf(buf, size, "%s", unified_mount(layout));
	else
		n = snprintf(buf, size, "/sys/fs/cgroup/%s",
			     strncmp(key, "name=", 5) ? key : key + 5);
	return n > 0 && (size_t)n < size ? 0 : -1;
}

/* each_hierarchy without the mount table (nor libmount loaded to read
 * it), when every hierarchy is where convention puts it and statmount
 * says so: true when it ran fn for each (*rc is then fn's verdict), false
 * when the table must be read.  Where a host mounts a hierarchy twice,
 * the table's first mount of it and this one may differ; both show the
 * same cgroups, and this is the one the conventional path reaches. */
static bool each_hierarchy_where_expected(const own_cgroup *own, size_t n_own, cg_layout layout,
					  hierarchy_fn fn, void *data, int *rc,
					  skiff_error *err)
{
	mount_facts *found = calloc(n_own ? n_own : 1, sizeof(*found));
	bool all = found != NULL;

	for (size_t i = 0; i < n_own && all; i++) {
		char where[PATH_MAX];

		if (!hierarchy_joined(own[i].key, layout))
			continue;
		all = conventional_mount(own[i].key, layout, where, sizeof(where)) == 0 &&
		      mount_facts_of(where, &found[i]) && !strcmp(found[i].point, where) &&
		      facts_are_hierarchy(&found[i], own[i].key, layout);
	}
	*rc = 0;
	for (size_t i = 0; i < n_own && all && *rc == 0; i++)
		if (found[i].buf)
			*rc = fn(own[i].key, found[i].point, found[i].root, own[i].path, layout, data,
				 err);
	for (size_t i = 0; found && i < n_own; i++)
		mount_facts_free(&found[i]);
	free(found);
	return all;
}

static int each_hierarchy(hierarchy_fn fn, void *data, bool table_only, skiff_error *err)
{
	struct libmnt_table *tb = NULL;
	own_cgroup *own = NULL;
	size_t n_own = 0;
	cg_layout layout;
	int rc = -1;

	if (cgroup_layout_detect(&layout, err) < 0 || read_own_cgroups(&own, &n_own, err) < 0)
		goto out;
	if (!table_only && each_hierarchy_where_expected(own, n_own, layout, fn, data, &rc, err))
		goto out;
	rc = -1;
	if (libmount_ready(err) < 0)
		goto out;
	tb = mnt_new_table_from_file("/proc/self/mountinfo");
	if (!tb) {
		skiff_fail_errno(err, errno ? errno : ENOMEM, "cgroups: read /proc/self/mountinfo");
		goto out;
	}
	for (size_t i = 0; i < n_own; i++) {
		const char *target, *root;

		if (!hierarchy_joined(own[i].key, layout))
			continue;
		if (find_mount(tb, own[i].key, layout, &target, &root) < 0)
			continue; /* not mounted: nothing to join, as with runc */
		if (fn(own[i].key, target, root, own[i].path, layout, data, err) < 0)
			goto out;
	}
	rc = 0;
out:
	own_cgroups_free(own, n_own);
	/* Not through the table when libmount could not be loaded. */
	if (tb)
		mnt_unref_table(tb);
	return rc;
}

static int plan_one(const char *key, const char *target, const char *mount_root, const char *own,
		    cg_layout layout, void *data, skiff_error *err)
{
	const char *inner = ((const char **)data)[0];
	cgroup_set *out = ((cgroup_set **)data)[1];
	char *dir = resolve_dir(target, mount_root, own, inner, layout == CG_LAYOUT_UNIFIED, err);

	return dir ? add_dir(out, key, dir, err) : -1;
}

int cgroup_plan_dirs(const char *inner, cgroup_set *out, skiff_error *err)
{
	void *data[2] = { (void *)inner, out };

	if (each_hierarchy(plan_one, data, false, err) < 0)
		return -1;
	if (out->n == 0)
		return skiff_fail_msg(err, ENOENT,
				  "cgroups: no cgroup hierarchy is mounted under /sys/fs/cgroup");
	return 0;
}

static int list_one(const char *key, const char *target, const char *mount_root, const char *own,
		    cg_layout layout, void *data, skiff_error *err)
{
	cg_hierarchies *list = data;
	cg_hierarchy *grown = realloc(list->items, (list->n + 1) * sizeof(*grown));
	cg_hierarchy *h;

	(void)layout;
	if (!grown)
		return skiff_fail_errno(err, ENOMEM, "cgroups: list the hierarchies");
	list->items = grown;
	h = &grown[list->n];
	h->key = strdup(key);
	h->mount = strdup(target);
	/* NULL when the mount does not show our cgroup (another cgroup
	 * namespace's root): then nothing below it is ours or above ours. */
	h->own = resolve_dir(target, mount_root, own, ".", false, NULL);
	list->n++;
	if (!h->key || !h->mount)
		return skiff_fail_errno(err, ENOMEM, "cgroups: list the hierarchies");
	return 0;
}

static int hierarchies(cg_hierarchies *out, bool table_only, skiff_error *err)
{
	memset(out, 0, sizeof(*out));
	if (each_hierarchy(list_one, out, table_only, err) < 0) {
		cgroup_hierarchies_free(out);
		return -1;
	}
	return 0;
}

int cgroup_hierarchies(cg_hierarchies *out, skiff_error *err)
{
	return hierarchies(out, false, err);
}

int cgroup_hierarchies_from_table(cg_hierarchies *out, skiff_error *err)
{
	return hierarchies(out, true, err);
}


void cgroup_hierarchies_free(cg_hierarchies *list)
{
	for (size_t i = 0; i < list->n; i++) {
		free(list->items[i].key);
		free(list->items[i].mount);
		free(list->items[i].own);
	}
	free(list->items);
	memset(list, 0, sizeof(*list));
}

int cgroup_plan(const skiff_context *ctx, const spec_config *cfg, cgroup_set *out,
		skiff_error *err)
{
	const char *path = cfg->linux_ ? cfg->linux_->cgroups_path : NULL;
	char *inner;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (ctx->systemd_cgroup)
		return cgroup_plan_systemd(ctx, cfg, out, err);
	/* Absent: the container's id, relative, as runc's cgroupfs driver does. */
	inner = cgroup_clean_path(path && path[0] ? path : ctx->id);
	if (!inner)
		return skiff_fail_errno(err, ENOMEM, "cgroups: plan");
	if (!inner[0] || !strcmp(inner, "/")) {
		/* It would be the runtime's own cgroup or a hierarchy's root, whose
		 * processes delete would kill. */
		skiff_fail_msg_at(err, 0, ".linux.cgroupsPath",
			      "linux.cgroupsPath: \"%s\" names no cgroup of the container's own",
			      path ? path : "");
		goto out;
	}
	rc = cgroup_plan_dirs(inner, out, err);
	for (size_t i = 0; rc == 0 && i < out->n; i++)
		trace("cgroup: %s: %s", out->dirs[i].key[0] ? out->dirs[i].key : "cgroup2",
		      out->dirs[i].value);
out:
	if (rc < 0)
		cgroup_set_free(out);
	free(inner);
	return rc;
}
