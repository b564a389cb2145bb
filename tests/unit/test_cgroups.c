/*
 * Unit tests of the cgroup logic that needs no container: cgroupsPath
 * cleaning, the v1 -> v2 conversions, huge page names, the device rule list,
 * the eBPF device filter, both as generated instructions and, where
 * this host has a cgroup2 mount and lets us load BPF, as the kernel runs it
 * on a child process that tries to open devices; and which cgroup paths a
 * state.json may name (against this host's real hierarchies).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups.h"
#include "spec.h"
#include "tap.h"

static void test_clean_path(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "", "" },		{ "/", "/" },		 { "a/b", "a/b" },
		{ "/a/../b", "/b" },	{ "../x", "x" },	 { "/../x", "/x" },
		{ "a//b/./c/", "a/b/c" }, { "..", "" },	 { "/a/b/../../..", "/" },
		{ "./", "" },		{ "x/../../y/z", "y/z" }, { "system.slice:skiff:1", "system.slice:skiff:1" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = cgroup_clean_path(cases[i].in);

		is_str(got, cases[i].out, "clean cgroupsPath \"%s\"", cases[i].in);
		free(got);
	}
}

static void test_conversions(void)
{
	int64_t v;
	bool set;
	const char *why = NULL;

	ok(cg2_cpu_weight(0) == 0, "cpu shares 0 stay unset");
	ok(cg2_cpu_weight(2) == 1, "cpu shares 2 -> weight 1");
	ok(cg2_cpu_weight(1024) == 39, "cpu shares 1024 -> weight 39 (runc's formula)");
	ok(cg2_cpu_weight(262144) == 10000, "cpu shares 262144 -> weight 10000");
	ok(cg2_cpu_weight(1) == 1 && cg2_cpu_weight(1000000) == 10000, "out-of-range shares are clamped");
	ok(cg2_io_weight(0) == 0, "blkio weight 0 stays unset");
	ok(cg2_io_weight(10) == 1, "blkio weight 10 -> io weight 1");
	ok(cg2_io_weight(500) == 4950, "blkio weight 500 -> io weight 4950");
	ok(cg2_io_weight(1000) == 10000, "blkio weight 1000 -> io weight 10000");

	ok(cg2_swap_value(0, -1, &v, &set, &why) == 0 && set && v == -1,
	   "unlimited memory, swap unset: swap unlimited too");
	ok(cg2_swap_value(-1, 100, &v, &set, &why) == 0 && set && v == -1, "swap -1: max");
	ok(cg2_swap_value(0, 100, &v, &set, &why) == 0 && !set, "swap unset: left alone");
	ok(cg2_swap_value(300, 100, &v, &set, &why) == 0 && set && v == 200,
	   "memory+swap 300, memory 100: swap.max 200");
	ok(cg2_swap_value(100, 100, &v, &set, &why) == 0 && set && v == 0,
	   "memory+swap equal to memory: swap.max 0");
	ok(cg2_swap_value(300, -1, &v, &set, &why) == 0 && set && v == 300,
	   "unlimited memory: swap as given");
	ok(cg2_swap_value(50, 100, &v, &set, &why) < 0 &&
		   !strcmp(why, "memory+swap limit should be >= memory limit"),
	   "memory+swap below memory is refused");
	ok(cg2_swap_value(300, 0, &v, &set, &why) < 0 &&
		   !strcmp(why, "unable to set swap limit without memory limit"),
	   "swap without a memory limit is refused");
}

static void test_hugepage_names(void)
{
	char name[32];

	cg_hugepage_name(2097152, name, sizeof(name));
	is_str(name, "2MB", "2 MiB pages are 2MB");
	cg_hugepage_name(1073741824, name, sizeof(name));
	is_str(name, "1GB", "1 GiB pages are 1GB");
	cg_hugepage_name(65536, name, sizeof(name));
	is_str(name, "64KB", "64 KiB pages are 64KB");
}

static spec_config *parse(const char *json)
{
	spec_config *cfg = NULL;
	skiff_error err;

	if (spec_parse_config(json, strlen(json), "config.json", &cfg, &err) < 0)
		tap_diag("parse: %s", err.message);
	return cfg;
}

static void test_device_rules(void)
{
	spec_config *cfg = parse(
		"{\"ociVersion\": \"1.0.2\", \"linux\": {\"resources\": {\"devices\": ["
		"  {\"allow\": false, \"access\": \"rwm\"},"
		"  {\"allow\": true, \"type\": \"c\", \"major\": 10, \"minor\": 229, \"access\": \"rw\"}]},"
		" \"devices\": [{\"path\": \"/dev/null\", \"type\": \"c\", \"major\": 1, \"minor\": 3}]}}");
	cg_device_rule *rules = NULL;
	skiff_error err;
	size_t n = 0;
	bool has_null = false;

	if (!ok(cfg && cg_device_rules(cfg, &rules, &n, &err) == 0, "device rules of a config"))
		return;
	ok(n == 12, "the config's 2 rules and runc's 11 defaults but /dev/null's (%zu)", n);
	ok(!rules[0].allow && rules[0].type == 'a' && rules[0].major == -1 &&
		   !strcmp(rules[0].access, "rwm"),
	   "first: deny all, as written");
	ok(rules[1].allow && rules[1].type == 'c' && rules[1].major == 10 && rules[1].minor == 229 &&
		   !strcmp(rules[1].access, "rw"),
	   "second: the allow rule, as written");
	ok(rules[2].allow && rules[2].type == 'c' && rules[2].major == -1 && !strcmp(rules[2].access, "m"),
	   "then runc's defaults, in runc's order (c *:* m first)");
	for (size_t i = 0; i < n; i++)
		has_null |= rules[i].major == 1 && rules[i].minor == 3;
	ok(!has_null, "a default whose path linux.devices lists is dropped, as runc does");
	free(rules);
	spec_config_free(cfg);

	cfg = parse("{\"ociVersion\": \"1.0.2\", \"linux\": {\"resources\": {\"devices\": [{\"allow\": true, \"access\": \"rwx\"}]}}}");
	ok(cfg && cg_device_rules(cfg, &rules, &n, &err) < 0 &&
		   strstr(err.message, "linux.resources.devices[0].access: \"rwx\" is not a combination of r, w and m"),
	   "a bad access string names the rule");
	spec_config_free(cfg);
}

static void test_bpf_program(void)
{
	const cg_device_rule rules[] = {
		{ false, 'a', -1, -1, "rwm" },
		{ true, 'c', 1, 3, "rwm" },
		{ true, 'c', 1, 5, "r" },
	};
	struct bpf_insn *p;
	void *insns;
	size_t count;
	skiff_error err;

	if (!ok(cg_bpf_device_program(rules, 3, &insns, &count, &err) == 0, "generate a device filter"))
		return;
	p = insns;
	/* 6 loads; c 1:5 r: type, access (3), major, minor, verdict (2); c 1:3
	 * rwm: type, major, minor, verdict (2); deny all matches everything:
	 * verdict only, and nothing after it. */
	ok(count == 6 + 8 + 5 + 2, "instruction count %zu", count);
	ok(p[0].code == (BPF_LDX | BPF_MEM | BPF_W) && p[0].dst_reg == 2 && p[0].off == 0,
	   "loads the access type first");
	ok(p[6].code == (BPF_JMP | BPF_JNE | BPF_K) && p[6].imm == BPF_DEVCG_DEV_CHAR &&
		   p[6].off == 7,
	   "last rule first: a char device, else skip its block");
	ok(p[8].code == (BPF_ALU | BPF_AND | BPF_K) && p[8].imm == (BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_WRITE),
	   "read-only rule: mknod or write asked means no match");
	ok(p[12].imm == 1 && p[13].code == (BPF_JMP | BPF_EXIT), "an allow rule returns 1");
	ok(p[count - 2].imm == 0 && p[count - 1].code == (BPF_JMP | BPF_EXIT),
	   "deny all returns 0 and ends the program");
	free(insns);
}

/* Dispatch decisions that need no cgroup files: a set of v1 hierarchies
 * with no cgroup2 directory, as on a v1-only host. */
static void test_dispatch_errors(void)
{
	spec_kv dirs[] = { { "memory", "/nonexistent/memory/ctr" }, { "devices", "/nonexistent/devices/ctr" } };
	cgroup_set v1_only = { dirs, 2 };
	spec_resources *r = NULL;
	skiff_error err;
	const char *unified = "{\"unified\": {\"memory.high\": \"1000000\"}}";
	const char *huge = "{\"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 4194304}]}";
	const char *default_huge = "{\"cpu\": {\"shares\": 0}, \"pids\": {\"limit\": 0}}";

	ok(spec_parse_resources(unified, strlen(unified), "r", &r, &err) == 0 &&
		   cg_apply_resources(&v1_only, r, &err) < 0 &&
		   !strcmp(err.message, "linux.resources.unified: needs cgroup v2, and this host has only cgroup v1") &&
		   err.errnum == ENOTSUP,
	   "unified on a v1-only host is refused");
	spec_resources_free(r);
	ok(spec_parse_resources(huge, strlen(huge), "r", &r, &err) == 0 &&
		   cg_apply_resources(&v1_only, r, &err) < 0 &&
		   !strcmp(err.message, "linux.resources.hugepageLimits: the hugetlb controller is not available") &&
		   !strcmp(err.context, ".linux.resources.hugepageLimits"),
	   "hugepageLimits without a hugetlb controller: the error names the field");
	spec_resources_free(r);
	ok(spec_parse_resources(default_huge, strlen(default_huge), "r", &r, &err) == 0 &&
		   cg_apply_resources(&v1_only, r, &err) == 0,
	   "default values need no controller: no cpu or pids hierarchy, no error");
	spec_resources_free(r);
}

/* A child in the cgroup opens each device; its exit code has one bit per
 * open that failed with EPERM. */
static int child_opens(void)
{
	static const struct {
		const char *path;
		int flags;
	} opens[] = {
		{ "/dev/null", O_RDWR }, { "/dev/zero", O_RDONLY }, { "/dev/zero", O_WRONLY }, { "/dev/full", O_RDONLY },
	};
	int denied = 0;

	for (size_t i = 0; i < sizeof(opens) / sizeof(opens[0]); i++) {
		int fd = open(opens[i].path, opens[i].flags);

		if (fd < 0 && errno == EPERM)
			denied |= 1 << i;
		if (fd >= 0)
			close(fd);
	}
	return denied;
}

static void test_bpf_in_kernel(void)
{
	const cg_device_rule rules[] = {
		{ false, 'a', -1, -1, "rwm" },
		{ true, 'c', 1, 3, "rwm" },
		{ true, 'c', 1, 5, "r" },
	};
	const char *mounts[] = { "/sys/fs/cgroup/unified", "/sys/fs/cgroup" };
	char dir[256] = "", pid_text[16];
	skiff_error err;
	struct statfs sfs;
	int status;
	pid_t pid;

	for (size_t i = 0; i < 2 && !dir[0]; i++)
		if (statfs(mounts[i], &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC)
			snprintf(dir, sizeof(dir), "%s/skiff-unit-bpf-%d", mounts[i], (int)getpid());
	if (geteuid() != 0 || !dir[0] || mkdir(dir, 0755) < 0) {
		tap_skip("needs root and a cgroup2 mount", "the kernel runs the device filter");
		return;
	}
	if (cg_bpf_attach_devices(dir, rules, 3, &err) < 0) {
		rmdir(dir);
		/* No right to load BPF, or no BPF at all; a refused program
		 * (EINVAL) is a bug here, not a reason to skip. */
		if (err.errnum == EPERM || err.errnum == ENOSYS)
			tap_skip(err.message, "the kernel runs the device filter");
		else
			ok(false, "attach the device filter: %s", err.message);
		return;
	}
	ok(true, "the kernel loads and attaches the generated filter");
	pid = fork();
	if (pid == 0) {
		/* In the cgroup first, then the opens. */
		snprintf(pid_text, sizeof(pid_text), "%d", (int)getpid());
		if (cg_write(dir, "cgroup.procs", pid_text, NULL, NULL) < 0)
			_exit(255);
		_exit(child_opens());
	}
	status = -1;
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) != 255, "a child joins the filtered cgroup");
	ok(WIFEXITED(status) && !(WEXITSTATUS(status) & 1), "allowed: /dev/null read-write");
	ok(WIFEXITED(status) && !(WEXITSTATUS(status) & 2), "allowed: /dev/zero read-only");
	ok(WIFEXITED(status) && (WEXITSTATUS(status) & 4), "denied: /dev/zero for writing (EPERM)");
	ok(WIFEXITED(status) && (WEXITSTATUS(status) & 8), "denied: /dev/full, no rule allows it");
	/* A second filter replaces the first instead of adding a vote. */
	ok(cg_bpf_attach_devices(dir, rules + 1, 1, &err) == 0, "a new filter replaces the old one");
	pid = fork();
	if (pid == 0) {
		snprintf(pid_text, sizeof(pid_text), "%d", (int)getpid());
		if (cg_write(dir, "cgroup.procs", pid_text, NULL, NULL) < 0)
			_exit(255);
		_exit(child_opens());
	}
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && (WEXITSTATUS(status) & 2),
	   "after the replacement only /dev/null is allowed: /dev/zero is denied");
	rmdir(dir);
}

/* One record of a single directory in hierarchy h, checked. */
static int check_one(const char *key, const char *dir, const char *unit, const char *id,
		     const char *cgroups_path, skiff_error *err)
{
	spec_kv kv = { (char *)key, (char *)dir };
	container_record rec = {
		.cgroup_paths = &kv,
		.cgroup_paths_len = 1,
		.systemd_unit = (char *)unit,
	};

	return cgroup_record_check(&rec, id, true, cgroups_path, err);
}

static char *joined(const char *a, const char *b)
{
	char *out;

	return asprintf(&out, "%s%s", a, b) < 0 ? NULL : out;
}

static void test_record_check(void)
{
	cg_hierarchies hs;
	const cg_hierarchy *h;
	skiff_error err;
	char *p;

	if (cgroup_hierarchies(&hs, NULL) < 0 || hs.n == 0) {
		tap_skip("no cgroup hierarchy is mounted here", "state.json cgroup paths are checked");
		return;
	}
	h = &hs.items[0];
	/* What create writes: below the mount, ending in the id or the
	 * cgroupsPath (relative: under any cgroup; absolute: exactly). */
	p = joined(h->mount, "/some/parent/unit-ctr");
	ok(check_one(h->key, p, NULL, "unit-ctr", NULL, &err) == 0, "a record ending in the id passes");
	ok(check_one(h->key, p, NULL, "other", "parent/unit-ctr", &err) == 0,
	   "a record ending in the relative cgroupsPath passes");
	ok(check_one(h->key, p, NULL, "other", "/some/parent/unit-ctr", &err) == 0,
	   "a record that is the absolute cgroupsPath passes");
	ok(check_one(h->key, p, NULL, "other", "/parent/unit-ctr", &err) < 0 && err.errnum == EPERM,
	   "an absolute cgroupsPath is below the mount's root, not anywhere");
	ok(check_one(h->key, p, NULL, "ctr", NULL, &err) < 0,
	   "a record not ending in the id is refused (\"ctr\" is not \"unit-ctr\")");
	is_str(strstr(err.message, "which is not the cgroup its config names"),
	       "which is not the cgroup its config names: refusing to act on it "
	       "(a record skiff did not write; remove the state directory by hand)",
	       "the error says why");
	free(p);
	ok(check_one(h->key, h->mount, NULL, "unit-ctr", NULL, &err) < 0,
	   "the hierarchy's root is refused");
	p = joined(h->mount, "/");
	ok(check_one(h->key, p, NULL, "unit-ctr", "/", &err) < 0, "the root with a slash is refused");
	free(p);
	p = joined(h->mount, "/x/../unit-ctr");
	ok(check_one(h->key, p, NULL, "unit-ctr", NULL, &err) < 0, "\"..\" is refused");
	free(p);
	p = joined(h->mount, "//unit-ctr");
	ok(check_one(h->key, p, NULL, "unit-ctr", NULL, &err) < 0, "a path not clean is refused");
	free(p);
	ok(check_one(h->key, "/tmp/unit-ctr", NULL, "unit-ctr", NULL, &err) < 0,
	   "a directory outside the hierarchy is refused");
	p = joined(h->mount, "/unit-ctr");
	ok(check_one("name=skiff-no-such", p, NULL, "unit-ctr", NULL, &err) < 0,
	   "a hierarchy that is not mounted is refused");
	{
		spec_kv two[2] = { { h->key, p }, { h->key, p } };
		container_record rec = { .cgroup_paths = two, .cgroup_paths_len = 2 };

		ok(cgroup_record_check(&rec, "unit-ctr", true, NULL, &err) < 0,
		   "two directories in one hierarchy are refused");
	}
	free(p);
	/* No saved config: a create killed between its record and its config
	 * made no cgroup yet; any other name is refused where it exists. */
	{
		char *missing = joined(h->mount, "/skiff-unit-no-such-cgroup");
		spec_kv kv = { h->key, missing };
		container_record rec = { .cgroup_paths = &kv, .cgroup_paths_len = 1 };

		ok(cgroup_record_check(&rec, "unit-ctr", false, NULL, &err) == 0,
		   "no saved config: a directory that does not exist passes, whatever its name");
		ok(cgroup_record_check(&rec, "unit-ctr", true, NULL, &err) < 0,
		   "with a saved config it must have the config's name");
		if (geteuid() == 0 && mkdir(missing, 0755) == 0) {
			ok(cgroup_record_check(&rec, "unit-ctr", false, NULL, &err) < 0,
			   "no saved config: one that exists must end in the id");
			rmdir(missing);
		} else {
			tap_skip("needs root", "no saved config: one that exists must end in the id");
		}
		free(missing);
	}
	/* systemd: the unit is the one the config names, the directories its. */
	p = joined(h->mount, "/system.slice/skiff-unit-ctr.scope");
	ok(check_one(h->key, p, "skiff-unit-ctr.scope", "unit-ctr", NULL, &err) == 0,
	   "systemd: the default unit and its cgroup pass");
	ok(check_one(h->key, p, "sshd.service", "unit-ctr", NULL, &err) < 0,
	   "systemd: a unit the config does not name is refused (stop would stop it)");
	ok(check_one(h->key, p, "skiff-unit-ctr.scope", "unit-ctr", "system.slice:skiff:other", &err) < 0,
	   "systemd: the unit of another cgroupsPath is refused");
	free(p);
	p = joined(h->mount, "/system.slice/sshd.service");
	ok(check_one(h->key, p, "skiff-unit-ctr.scope", "unit-ctr", NULL, &err) < 0,
	   "systemd: a directory that is not the unit's is refused");
	free(p);
	/* Our own cgroup, or one above it: its processes are ours. */
	for (size_t i = 0; i < hs.n; i++) {
		const char *own = hs.items[i].own, *name;

		if (!own || !strcmp(own, hs.items[i].mount))
			continue;
		name = strrchr(own, '/') + 1;
		ok(check_one(hs.items[i].key, own, NULL, name, NULL, &err) < 0,
		   "the runtime's own cgroup %s is refused", own);
		is_str(strstr(err.message, "which is the runtime's own cgroup or one above it"),
		       "which is the runtime's own cgroup or one above it: refusing to act on it "
		       "(a record skiff did not write; remove the state directory by hand)",
		       "the error says why");
		cgroup_hierarchies_free(&hs);
		return;
	}
	tap_skip("the runtime is in every hierarchy's root cgroup", "its own cgroup is refused");
	cgroup_hierarchies_free(&hs);
}

/* The hierarchies found without the mount table (where convention puts
 * them, confirmed by statmount) are those the table gives, on this host. */
static void test_hierarchies_agree(void)
{
	cg_hierarchies quick, table;
	bool same;

	if (cgroup_hierarchies(&quick, NULL) < 0)
		quick = (cg_hierarchies){ 0 };
	if (cgroup_hierarchies_from_table(&table, NULL) < 0 || table.n == 0) {
		cgroup_hierarchies_free(&quick);
		tap_skip("no cgroup hierarchy is mounted here",
			 "the hierarchies agree with the mount table's");
		return;
	}
	same = quick.n == table.n;
	for (size_t i = 0; same && i < table.n; i++)
		same = !strcmp(quick.items[i].key, table.items[i].key) &&
		       !strcmp(quick.items[i].mount, table.items[i].mount) &&
		       !strcmp(quick.items[i].own ? quick.items[i].own : "-",
			       table.items[i].own ? table.items[i].own : "-");
	ok(same, "the %zu hierarchies found without the mount table are the table's", table.n);
	cgroup_hierarchies_free(&quick);
	cgroup_hierarchies_free(&table);
}

int main(void)
{
	test_clean_path();
	test_conversions();
	test_hugepage_names();
	test_device_rules();
	test_bpf_program();
	test_dispatch_errors();
	test_bpf_in_kernel();
	test_record_check();
	test_hierarchies_agree();
	return tap_done();
}
