/*
 * Unit tests of the systemd cgroup driver's pure parts: cgroupsPath in
 * its "slice:prefix:name" form (unit names, slice nesting, the errors),
 * and the translation of resources and device rules into unit
 * properties, for cgroup v2 and v1 names and for older systemd versions.
 * Talking to systemd is tested by tests/integration/cgroups-systemd.bats
 * where systemd is the init.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups.h"
#include "spec.h"
#include "tap.h"

/* ----------------------------------------------------------- the path -- */

static void test_expand_slice(void)
{
	static const struct {
		const char *in, *out; /* out NULL: refused */
	} cases[] = {
		{ "system.slice", "/system.slice" },
		{ "a-b.slice", "/a.slice/a-b.slice" },
		{ "a-b-c.slice", "/a.slice/a-b.slice/a-b-c.slice" },
		{ "user-1000.slice", "/user.slice/user-1000.slice" },
		{ "-.slice", "/" },
		{ ".slice", NULL },
		{ "system", NULL },
		{ "a/b.slice", NULL },
		{ "-a.slice", NULL },
		{ "a-.slice", NULL },
		{ "a--b.slice", NULL },
		{ "sp ace.slice", NULL },
		{ "x.scope", NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = cgsd_expand_slice(cases[i].in);

		is_str(got, cases[i].out, "slice \"%s\" expands to %s", cases[i].in,
		       cases[i].out ? cases[i].out : "nothing (refused)");
		free(got);
	}
}

static void test_unit_names(void)
{
	char long_name[300];

	ok(cgsd_unit_name_valid("skiff-abc.scope"), "skiff-abc.scope is a unit name");
	ok(cgsd_unit_name_valid("a:b_c\\x2d.scope"), "':', '_' and '\\' are allowed");
	ok(!cgsd_unit_name_valid("skiff-a+b.scope"), "'+' (allowed in ids) is not");
	ok(!cgsd_unit_name_valid("a/b.scope"), "'/' is not");
	ok(!cgsd_unit_name_valid(""), "an empty name is not");
	memset(long_name, 'a', 256);
	long_name[256] = '\0';
	ok(!cgsd_unit_name_valid(long_name), "256 characters is too long");
	long_name[255] = '\0';
	ok(cgsd_unit_name_valid(long_name), "255 characters is fine");
}

static void check_path(const char *path, const char *id, bool rootless, const char *slice,
		       const char *unit, const char *cgroup)
{
	skiff_error err;
	cgsd_path p;

	if (!ok(cgsd_parse_path(path, id, rootless, &p, &err) == 0, "cgroupsPath \"%s\"%s is valid",
		path ? path : "(none)", rootless ? " (rootless)" : "")) {
		tap_diag("%s", err.message);
		return;
	}
	is_str(p.slice, slice, "  its slice is %s", slice);
	is_str(p.unit, unit, "  its unit is %s", unit);
	is_str(p.cgroup, cgroup, "  its cgroup is %s", cgroup);
	cgsd_path_free(&p);
}

static void check_bad_path(const char *path, const char *id, const char *why)
{
	skiff_error err;
	cgsd_path p;
	bool failed = cgsd_parse_path(path, id, false, &p, &err) < 0;

	ok(failed && err.errnum == EINVAL && !strcmp(err.context, ".linux.cgroupsPath") &&
		   !strncmp(err.message, "linux.cgroupsPath: ", 19) && strstr(err.message, why),
	   "cgroupsPath \"%s\" is refused: ...%s...", path, why);
	if (failed && !strstr(err.message, why))
		tap_diag("got: %s", err.message);
	if (!failed)
		cgsd_path_free(&p);
}

static void test_parse_path(void)
{
	check_path("system.slice:skiff:abc", "x", false, "system.slice", "skiff-abc.scope",
		   "/system.slice/skiff-abc.scope");
	check_path(NULL, "ctr1", false, "system.slice", "skiff-ctr1.scope",
		   "/system.slice/skiff-ctr1.scope");
	check_path("", "ctr1", false, "system.slice", "skiff-ctr1.scope",
		   "/system.slice/skiff-ctr1.scope");
	check_path(NULL, "ctr1", true, "user.slice", "skiff-ctr1.scope", "/user.slice/skiff-ctr1.scope");
	check_path(":docker:42", "x", false, "system.slice", "docker-42.scope",
		   "/system.slice/docker-42.scope");
	check_path("machine-pods.slice:crio:7", "x", false, "machine-pods.slice", "crio-7.scope",
		   "/machine.slice/machine-pods.slice/crio-7.scope");
	check_path("-.slice:skiff:top", "x", false, "-.slice", "skiff-top.scope", "/skiff-top.scope");
	check_path("system.slice:ignored:pod-x.slice", "x", false, "system.slice", "pod-x.slice",
		   "/pod.slice/pod-x.slice");
	/* runc joins an empty prefix the same way */
	check_path("system.slice::n", "x", false, "system.slice", "-n.scope", "/system.slice/-n.scope");

	check_bad_path("/sys/fs/cgroup/x", "x", "is not of the form \"slice:prefix:name\"");
	check_bad_path("a:b", "x", "is not of the form \"slice:prefix:name\"");
	check_bad_path("a.slice:b:c:d", "x", "is not of the form");
	check_bad_path("system.slice:skiff:", "x", "has an empty name");
	check_bad_path("system:skiff:abc", "x", "names slice \"system\", which is not a systemd slice");
	check_bad_path("a--b.slice:skiff:abc", "x", "which is not a systemd slice");
	check_bad_path("system.slice:skiff:a/b", "x", "gives unit name \"skiff-a/b.scope\"");
	check_bad_path("system.slice:skiff:a--.slice", "x", "not a valid systemd slice");
	check_bad_path("", "a+b", "gives unit name \"skiff-a+b.scope\", which systemd does not allow");
}

/* ------------------------------------------------------- the cpu masks -- */

static void check_bits(const char *list, const char *want_hex)
{
	uint8_t *bytes;
	size_t len;
	char got[64] = "";

	if (!ok(cgsd_cpuset_bits(list, &bytes, &len) == 0, "cpu list \"%s\" parses", list))
		return;
	for (size_t i = 0; i < len && i < 20; i++)
		snprintf(got + 2 * i, 3, "%02x", bytes[i]);
	is_str(got, want_hex, "  as the bytes %s", want_hex);
	free(bytes);
}

static void test_cpuset_bits(void)
{
	static const char *const bad[] = { "", "a", "3-1", "1,", "1--2", "-1", "0-", "1 2", "9000" };
	uint8_t *bytes;
	size_t len;

	check_bits("0", "01");
	check_bits("0-3", "0f");
	check_bits("0,8", "0101");
	check_bits("1-2,10", "0604");
	check_bits("0-1, 4", "13");
	check_bits("15", "0080");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(cgsd_cpuset_bits(bad[i], &bytes, &len) < 0, "cpu list \"%s\" is refused", bad[i]);
}

/* ---------------------------------------------------------- resources -- */

static spec_resources *resources(const char *json)
{
	spec_resources *r = NULL;
	skiff_error err;

	if (spec_parse_resources(json, strlen(json), "resources", &r, &err) < 0)
		tap_diag("parse: %s", err.message);
	return r;
}

static bool has_u64(const cgsd_props *p, const char *name, uint64_t want)
{
	const cgsd_prop *x = cgsd_props_find(p, name);

	if (x && x->type == CGSD_U64 && x->u64 == want)
		return true;
	tap_diag("%s: %s", name,
		 !x ? "absent" : x->type != CGSD_U64 ? "not a number" : "another value");
	if (x && x->type == CGSD_U64)
		tap_diag("  %s = %llu, wanted %llu", name, (unsigned long long)x->u64,
			 (unsigned long long)want);
	return false;
}

static void test_v2_props(void)
{
	spec_resources *r = resources(
		"{\"memory\": {\"limit\": 1073741824, \"reservation\": 536870912, \"swap\": 2147483648},"
		" \"cpu\": {\"shares\": 1024, \"quota\": 50000, \"period\": 100000, \"cpus\": \"0-1\", \"mems\": \"0\"},"
		" \"pids\": {\"limit\": 100}, \"blockIO\": {\"weight\": 500}}");
	cgsd_props p;
	skiff_error err;
	const cgsd_prop *x;

	if (!ok(r && cgsd_resource_props(r, true, 252, &p, &err) == 0, "cgroup v2 properties"))
		return;
	ok(has_u64(&p, "MemoryMax", 1073741824), "memory.limit -> MemoryMax");
	ok(has_u64(&p, "MemoryLow", 536870912), "memory.reservation -> MemoryLow");
	ok(has_u64(&p, "MemorySwapMax", 1073741824), "memory.swap (memory+swap) -> MemorySwapMax, the swap part");
	ok(has_u64(&p, "CPUWeight", 39), "cpu.shares 1024 -> CPUWeight 39");
	ok(has_u64(&p, "CPUQuotaPerSecUSec", 500000), "quota 50000 per 100000 -> 500 ms per second");
	ok(has_u64(&p, "CPUQuotaPeriodUSec", 100000), "cpu.period -> CPUQuotaPeriodUSec");
	ok(has_u64(&p, "TasksMax", 100), "pids.limit -> TasksMax");
	ok(has_u64(&p, "IOWeight", 4950), "blockIO.weight 500 -> IOWeight 4950");
	x = cgsd_props_find(&p, "AllowedCPUs");
	ok(x && x->type == CGSD_BYTES && x->len == 1 && x->bytes[0] == 0x03, "cpus 0-1 -> AllowedCPUs 0x03");
	x = cgsd_props_find(&p, "AllowedMemoryNodes");
	ok(x && x->type == CGSD_BYTES && x->len == 1 && x->bytes[0] == 0x01, "mems 0 -> AllowedMemoryNodes 0x01");
	ok(!cgsd_props_find(&p, "MemoryLimit") && !cgsd_props_find(&p, "CPUShares") &&
		   !cgsd_props_find(&p, "BlockIOWeight"),
	   "no v1 names on v2");
	cgsd_props_free(&p);

	/* Older systemd: what it cannot take stays in the files only. */
	ok(cgsd_resource_props(r, true, 243, &p, &err) == 0 && !cgsd_props_find(&p, "AllowedCPUs") &&
		   !cgsd_props_find(&p, "AllowedMemoryNodes") && cgsd_props_find(&p, "CPUQuotaPeriodUSec"),
	   "systemd 243: no AllowedCPUs/AllowedMemoryNodes (they came with 244)");
	cgsd_props_free(&p);
	ok(cgsd_resource_props(r, true, 241, &p, &err) == 0 && !cgsd_props_find(&p, "CPUQuotaPeriodUSec") &&
		   cgsd_props_find(&p, "CPUQuotaPerSecUSec"),
	   "systemd 241: no CPUQuotaPeriodUSec (it came with 242)");
	cgsd_props_free(&p);
	spec_resources_free(r);
}

static void test_v1_props(void)
{
	spec_resources *r = resources(
		"{\"memory\": {\"limit\": 1073741824, \"reservation\": 536870912},"
		" \"cpu\": {\"shares\": 1, \"quota\": 33333},"
		" \"pids\": {\"limit\": -1}, \"blockIO\": {\"weight\": 500}}");
	cgsd_props p;
	skiff_error err;

	if (!ok(r && cgsd_resource_props(r, false, 252, &p, &err) == 0, "cgroup v1 properties"))
		return;
	ok(has_u64(&p, "MemoryLimit", 1073741824), "memory.limit -> MemoryLimit");
	ok(!cgsd_props_find(&p, "MemoryLow") && !cgsd_props_find(&p, "MemoryMax"),
	   "no v2 memory names on v1 (the reservation goes to the file)");
	ok(has_u64(&p, "CPUShares", 2), "cpu.shares 1 -> CPUShares 2 (clamped as the kernel does)");
	ok(has_u64(&p, "CPUQuotaPerSecUSec", 340000),
	   "quota 33333 per the default period -> 340 ms per second (rounded up to 10 ms, as runc)");
	ok(!cgsd_props_find(&p, "CPUQuotaPeriodUSec"), "no period given, none set");
	ok(has_u64(&p, "TasksMax", UINT64_MAX), "pids.limit -1 -> TasksMax infinity");
	ok(has_u64(&p, "BlockIOWeight", 500), "blockIO.weight -> BlockIOWeight as it is");
	cgsd_props_free(&p);
	spec_resources_free(r);

	r = resources("{\"cpu\": {\"quota\": -1}, \"memory\": {\"limit\": -1}, \"pids\": {\"limit\": 0}}");
	ok(r && cgsd_resource_props(r, false, 252, &p, &err) == 0 &&
		   has_u64(&p, "CPUQuotaPerSecUSec", UINT64_MAX) && has_u64(&p, "MemoryLimit", UINT64_MAX) &&
		   !cgsd_props_find(&p, "TasksMax"),
	   "quota -1 and limit -1 lift the limits; pids.limit 0 leaves TasksMax alone");
	cgsd_props_free(&p);
	spec_resources_free(r);
}

static void test_unified_props(void)
{
	spec_resources *r = resources(
		"{\"pids\": {\"limit\": 10}, \"unified\": {\"memory.high\": \"max\", \"memory.min\": \"4096\","
		" \"cpu.max\": \"20000 100000\", \"pids.max\": \"20\", \"io.weight\": \"50\", \"cpuset.cpus\": \"1\"}}");
	cgsd_props p;
	skiff_error err;
	const cgsd_prop *x;

	if (!ok(r && cgsd_resource_props(r, true, 252, &p, &err) == 0, "unified keys as properties"))
		return;
	ok(has_u64(&p, "MemoryHigh", UINT64_MAX), "memory.high max -> MemoryHigh infinity");
	ok(has_u64(&p, "MemoryMin", 4096), "memory.min -> MemoryMin");
	ok(has_u64(&p, "CPUQuotaPerSecUSec", 200000) && has_u64(&p, "CPUQuotaPeriodUSec", 100000),
	   "cpu.max \"20000 100000\" -> 200 ms per second, period 100 ms");
	ok(has_u64(&p, "TasksMax", 20), "unified pids.max comes after pids.limit and wins");
	x = cgsd_props_find(&p, "AllowedCPUs");
	ok(x && x->len == 1 && x->bytes[0] == 0x02, "cpuset.cpus -> AllowedCPUs");
	ok(!cgsd_props_find(&p, "IOWeight"), "io.weight is left to the file, as runc does");
	cgsd_props_free(&p);
	ok(cgsd_resource_props(r, false, 252, &p, &err) == 0 && !cgsd_props_find(&p, "MemoryHigh"),
	   "no unified properties on v1 (the files refuse them)");
	cgsd_props_free(&p);
	spec_resources_free(r);

	r = resources("{\"unified\": {\"memory.max\": \"lots\"}}");
	ok(r && cgsd_resource_props(r, true, 252, &p, &err) < 0 &&
		   !strcmp(err.context, ".linux.resources.unified[\"memory.max\"]") &&
		   strstr(err.message, "\"lots\" is not a valid value"),
	   "a bad unified value is an error naming the key");
	spec_resources_free(r);
	r = resources("{\"cpu\": {\"cpus\": \"0-\"}}");
	ok(r && cgsd_resource_props(r, true, 252, &p, &err) < 0 &&
		   !strcmp(err.context, ".linux.resources.cpu.cpus") &&
		   strstr(err.message, "linux.resources.cpu.cpus: \"0-\" is not a list"),
	   "a bad cpu list is an error naming the field");
	spec_resources_free(r);
	r = resources("{\"memory\": {\"limit\": 100, \"swap\": 50}}");
	ok(r && cgsd_resource_props(r, true, 252, &p, &err) < 0 &&
		   strstr(err.message, "memory+swap limit should be >= memory limit"),
	   "a swap below the memory limit is refused as the files refuse it");
	spec_resources_free(r);
}

/* ------------------------------------------------------------ devices -- */

static const cgsd_device *find_device(const cgsd_prop *allow, const char *path)
{
	for (size_t i = 0; allow && i < allow->len; i++)
		if (!strcmp(allow->devices[i].path, path))
			return &allow->devices[i];
	return NULL;
}

static void test_device_props(void)
{
	cg_device_rule spec_like[] = {
		{ false, 'a', -1, -1, "rwm" },
		{ true, 'c', 10, 229, "rw" },
		{ true, 'c', -1, -1, "m" },
		{ true, 'b', -1, -1, "m" },
		{ true, 'c', 1, 3, "rwm" },
		{ true, 'c', 136, -1, "rwm" },
		{ true, 'c', 5, 2, "rwm" },
		{ false, 'c', 5, 2, "w" },  /* takes w back from /dev/ptmx */
		{ false, 'c', 136, 3, "rwm" }, /* inside char-136: cannot be said */
		{ true, 'c', -1, 7, "r" },  /* any major: widened to char-* */
	};
	cg_device_rule allow_all[] = {
		{ false, 'a', -1, -1, "rwm" },
		{ true, 'a', -1, -1, "rwm" },
		{ false, 'c', 1, 3, "rwm" },
	};
	cgsd_props p;
	skiff_error err;
	const cgsd_prop *policy, *allow;
	const cgsd_device *d;

	if (!ok(cgsd_device_props(spec_like, sizeof(spec_like) / sizeof(spec_like[0]), &p, &err) == 0,
		"device rules as properties"))
		return;
	policy = cgsd_props_find(&p, "DevicePolicy");
	allow = cgsd_props_find(&p, "DeviceAllow");
	ok(policy && !strcmp(policy->str, "strict"), "a deny-all start: DevicePolicy=strict");
	ok(allow && allow->type == CGSD_DEVICES, "DeviceAllow is a list of (path, permissions)");
	ok((d = find_device(allow, "/dev/char/10:229")) && !strcmp(d->perms, "rw"),
	   "c 10:229 rw -> /dev/char/10:229 rw");
	ok((d = find_device(allow, "char-*")) && !strcmp(d->perms, "m"), "c *:* m -> char-* m");
	ok((d = find_device(allow, "block-*")) && !strcmp(d->perms, "m"), "b *:* m -> block-* m");
	ok((d = find_device(allow, "char-136")) && !strcmp(d->perms, "rwm"),
	   "c 136:* rwm -> char-136 rwm, the deny inside it left to skiff's own filter");
	ok((d = find_device(allow, "/dev/char/5:2")) && !strcmp(d->perms, "rm"),
	   "a deny of w on /dev/ptmx takes w back");
	ok(allow && allow->len == 7, "one entry per allowed rule (%zu)", allow ? allow->len : 0);
	cgsd_props_free(&p);

	ok(cgsd_device_props(allow_all, 3, &p, &err) == 0 &&
		   !strcmp(cgsd_props_find(&p, "DevicePolicy")->str, "auto") &&
		   cgsd_props_find(&p, "DeviceAllow")->len == 0,
	   "allow all (then a deny systemd cannot say): DevicePolicy=auto, no list");
	cgsd_props_free(&p);
}

static void test_start_props(void)
{
	cg_device_rule rules[] = { { false, 'a', -1, -1, "rwm" }, { true, 'c', 1, 3, "rwm" } };
	spec_resources *r = resources("{\"memory\": {\"limit\": 1048576}}");
	cgsd_props p;
	skiff_error err;
	const cgsd_prop *x;

	if (!ok(cgsd_start_props("skiff-a.scope", "system.slice", "a", 4242, true, 252, r, rules, 2,
				 &p, &err) == 0,
		"the properties of a new scope"))
		return;
	x = cgsd_props_find(&p, "Description");
	ok(x && !strcmp(x->str, "skiff container a"), "Description names the container");
	x = cgsd_props_find(&p, "Slice");
	ok(x && x->type == CGSD_STRING && !strcmp(x->str, "system.slice"), "Slice=system.slice");
	x = cgsd_props_find(&p, "PIDs");
	ok(x && x->type == CGSD_PID && x->u64 == 4242, "PIDs holds the init");
	x = cgsd_props_find(&p, "Delegate");
	ok(x && x->type == CGSD_BOOL && x->u64 == 1, "Delegate=yes");
	x = cgsd_props_find(&p, "DefaultDependencies");
	ok(x && x->u64 == 0, "DefaultDependencies=no");
	ok(cgsd_props_find(&p, "IOAccounting") && cgsd_props_find(&p, "TasksAccounting") &&
		   cgsd_props_find(&p, "MemoryAccounting") && cgsd_props_find(&p, "CPUAccounting"),
	   "accounting on (v2 names)");
	ok(has_u64(&p, "MemoryMax", 1048576), "the resources follow");
	ok(cgsd_props_find(&p, "DeviceAllow") && cgsd_props_find(&p, "DevicePolicy"),
	   "then the device rules");
	cgsd_props_free(&p);

	ok(cgsd_start_props("pod-x.slice", "system.slice", "a", 4242, false, 252, r, rules, 2, &p,
			    &err) == 0,
	   "the properties of a new slice");
	x = cgsd_props_find(&p, "Wants");
	ok(x && x->type == CGSD_STRINGS && !strcmp(x->str, "system.slice"),
	   "a slice Wants= its parent instead of Slice=");
	ok(!cgsd_props_find(&p, "PIDs") && !cgsd_props_find(&p, "Delegate") &&
		   !cgsd_props_find(&p, "Slice"),
	   "no PIDs, Delegate or Slice for a slice (systemd refuses them)");
	ok(cgsd_props_find(&p, "BlockIOAccounting") && has_u64(&p, "MemoryLimit", 1048576),
	   "v1 names on v1");
	cgsd_props_free(&p);
	spec_resources_free(r);
}

int main(void)
{
	test_expand_slice();
	test_unit_names();
	test_parse_path();
	test_cpuset_bits();
	test_v2_props();
	test_v1_props();
	test_unified_props();
	test_device_props();
	test_start_props();
	return tap_done();
}
