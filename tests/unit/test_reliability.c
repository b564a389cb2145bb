/*
 * Unit tests of the pure pieces the reliability work touches: mount option
 * planning, the state.json reader, the start-time check that keeps a
 * recycled pid from being taken for a container's init, fault injection's
 * step names, and error text truncation.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "mount_options.h"
#include "tap.h"

static int plan(mount_plan *p, const char *type, char **opts, size_t n)
{
	skiff_error err = { 0 };

	return mount_plan_make(opts, n, type, p, &err);
}

static void test_mount_plan(void)
{
	char *vfs[] = { "ro", "nosuid", "nodev", "mode=755", "size=65536k" };
	char *bind[] = { "rbind", "rprivate", "rro", "rnosuid", "shared" };
	char *atime[] = { "rnoatime", "rrelatime" };
	char *ignored[] = { "tmpcopyup", "idmap", "ridmap" };
	char *many[] = { "shared", "slave", "private", "unbindable", "rshared", "rslave" };
	mount_plan p;

	ok(plan(&p, "tmpfs", vfs, 5) == 0 && p.flags == (MS_RDONLY | MS_NOSUID | MS_NODEV) &&
		   !p.bind && p.data && !strcmp(p.data, "mode=755,size=65536k") &&
		   !p.propagation_len && !p.has_attr,
	   "VFS flags go to mount(2), the rest is filesystem data");
	mount_plan_clear(&p);
	ok(plan(&p, NULL, bind, 5) == 0 && p.bind && p.recursive_bind && p.propagation_len == 2 &&
		   p.propagation[0] == (MS_PRIVATE | MS_REC) && p.propagation[1] == MS_SHARED &&
		   p.has_attr && p.attr.attr_set == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID) &&
		   !p.data && !p.flags,
	   "rbind, propagation in order, recursive attributes");
	mount_plan_clear(&p);
	ok(plan(&p, NULL, atime, 2) == 0 && p.attr.attr_set == MOUNT_ATTR_RELATIME &&
		   (p.attr.attr_clr & MOUNT_ATTR__ATIME) == MOUNT_ATTR__ATIME,
	   "the last recursive atime mode wins, the field is cleared first");
	mount_plan_clear(&p);
	ok(plan(&p, NULL, atime + 1, 1) == 0 && p.has_attr && p.attr.attr_set == 0 &&
		   p.attr.attr_clr == MOUNT_ATTR__ATIME,
	   "rrelatime alone (MOUNT_ATTR_RELATIME is 0) still clears the atime field");
	mount_plan_clear(&p);
	ok(plan(&p, "bind", ignored, 3) == 0 && p.bind && !p.recursive_bind && !p.data &&
		   !p.flags && !p.has_attr,
	   "type bind binds; tmpcopyup and idmap are not mount options");
	mount_plan_clear(&p);
	ok(plan(&p, "tmpfs", many, 6) == 0 && p.propagation_len == MOUNT_PLAN_MAX_PROPAGATION,
	   "propagation changes are capped at %d", MOUNT_PLAN_MAX_PROPAGATION);
	mount_plan_clear(&p);
	ok(plan(&p, "proc", NULL, 0) == 0 && !p.flags && !p.data && !p.bind,
	   "no options: an empty plan");
	mount_plan_clear(&p);
	{
		char *ratime[] = { "rnoatime", "ratime" };

		ok(plan(&p, NULL, ratime, 2) == 0 && p.has_attr && p.attr.attr_set == 0 &&
			   (p.attr.attr_clr & MOUNT_ATTR__ATIME) == MOUNT_ATTR__ATIME,
		   "ratime undoes rnoatime: the kernel's default (relatime)");
		mount_plan_clear(&p);
	}
	{
		/* features.mountOptions: every name skiff lists is an option of
		 * its own, never filesystem data */
		const char *names[256];
		size_t n = mount_option_names(names, 256), as_data = 0;

		for (size_t i = 0; i < n; i++) {
			char *one[] = { (char *)names[i] };

			if (plan(&p, "tmpfs", one, 1) < 0 || p.data)
				as_data++;
			mount_plan_clear(&p);
		}
		ok(n > 50 && as_data == 0, "all %zu option names of the features document are recognized (%zu are not)",
		   n, as_data);
	}
}

static void test_state_parse(void)
{
	container_record rec;
	skiff_error err = { 0 };
	char *deep;
	size_t n = 100000;

	ok(state_parse("{\"id\":\"c\",\"pid\":42,\"pidStartTime\":7,\"phase\":\"created\","
		       "\"annotations\":{\"k\":\"v\",\"n\":1}}",
		       &rec, &err) == 0 &&
		   rec.recorded && rec.pid == 42 && rec.pid_start_time == 7 && rec.created &&
		   !strcmp(rec.bundle, "") && rec.annotations_len == 2 &&
		   !strcmp(rec.annotations[1].value, ""),
	   "a record: fields, missing ones empty, non-string annotations empty");
	container_record_clear(&rec);
	ok(state_parse("{\"phase\":\"creating\"}", &rec, &err) == 0 && rec.recorded &&
		   !rec.created && rec.pid == 0,
	   "a creating record without a pid");
	container_record_clear(&rec);
	ok(state_parse("[1]", &rec, &err) < 0 && !strcmp(err.message, "state.json is corrupt") &&
		   !rec.recorded,
	   "not an object: corrupt");
	deep = malloc(2 * n + 1);
	memset(deep, '[', n);
	memset(deep + n, ']', n);
	deep[2 * n] = '\0';
	ok(state_parse(deep, &rec, &err) < 0 && !strcmp(err.message, "state.json is corrupt"),
	   "deep nesting is refused before yajl could overflow the stack");
	free(deep);
	/* What the event reader takes, as the tree lookups it replaced did. */
	ok(state_parse("{\"id\":\"a\",\"id\":\"b\",\"pid\":\"7\",\"pid\":8,\"bundle\":{\"x\":1},"
		       "\"pidStartTime\":99999999999999999999,\"rootfsMountId\":1.5,"
		       "\"systemdUserManager\":true,\"phase\":\"created\"}",
		       &rec, &err) == 0 &&
		   !strcmp(rec.id, "a") && rec.pid == 0 && !strcmp(rec.bundle, "") &&
		   rec.pid_start_time == 0 && rec.rootfs_mount_id == 0 && rec.systemd_user &&
		   rec.created,
	   "first occurrence wins, wrong types and numbers that are not integers read as empty");
	container_record_clear(&rec);
	ok(state_parse("{\"cgroupPaths\":{\"memory\":\"/m\",\"\":[\"x\"],\"pids\":{\"a\":\"b\"},"
		       "\"memory\":\"/n\"},\"annotations\":[\"k\"],\"cgroupPaths\":{\"c\":\"d\"}}",
		       &rec, &err) == 0 &&
		   rec.cgroup_paths_len == 4 && !strcmp(rec.cgroup_paths[0].value, "/m") &&
		   !strcmp(rec.cgroup_paths[1].key, "") && !strcmp(rec.cgroup_paths[1].value, "") &&
		   !strcmp(rec.cgroup_paths[2].key, "pids") && !strcmp(rec.cgroup_paths[2].value, "") &&
		   !strcmp(rec.cgroup_paths[3].value, "/n") && rec.annotations_len == 0,
	   "a map keeps every entry in order (containers as \"\"), a map that is not an object is empty");
	container_record_clear(&rec);
	ok(state_parse("{\"id\":\"a\\u0000b\"}", &rec, &err) < 0 &&
		   state_parse("{\"x\":[{\"k\\u0000\":1}]}", &rec, &err) < 0 &&
		   state_parse("\"id\"", &rec, &err) < 0 && state_parse("", &rec, &err) < 0 &&
		   state_parse("{\"id\":\"a\"} {}", &rec, &err) < 0,
	   "\\u0000 anywhere, a scalar, nothing, or two documents: corrupt");
	/* The object and 64 arrays in it are 65 levels; 63 arrays, 64. */
	for (size_t arrays = 64; arrays >= 63; arrays--) {
		deep = calloc(1, 2 * arrays + 16);
		strcpy(deep, "{\"x\":");
		memset(deep + 5, '[', arrays);
		memset(deep + 5 + arrays, ']', arrays);
		strcpy(deep + 5 + 2 * arrays, "}");
		if (arrays == 64)
			ok(state_parse(deep, &rec, &err) < 0, "65 levels are too deep");
		else
			ok(state_parse(deep, &rec, &err) == 0, "64 levels are not");
		container_record_clear(&rec);
		free(deep);
	}
}

static void test_process_matches(void)
{
	pid_t self = getpid(), gone;
	uint64_t start = process_start_time(self);

	ok(start != 0 && process_matches(self, start), "a live pid with its start time matches");
	ok(!process_matches(self, start + 1), "another start time: a recycled pid, no match");
	ok(!process_matches(self, 0), "no start time in the record: never trusted");
	ok(!process_matches(0, start) && !process_matches(-1, start), "pid 0 and -1 never match");
	gone = fork();
	if (gone == 0)
		_exit(0);
	waitpid(gone, NULL, 0);
	ok(process_start_time(gone) == 0 && !process_matches(gone, start),
	   "a reaped pid has no start time");
}

static void test_debug_stop(void)
{
	skiff_context ctx = { 0 };
	skiff_error err = { 0 };

	ok(debug_stop_check(&ctx, &err) == 0, "no stop step: fine");
	ctx.debug_stop_at = "create-after-clone";
	ok(debug_stop_check(&ctx, &err) == 0, "a known step is accepted");
	/* Not the step we are at: nothing happens (else this test dies). */
	debug_stop(&ctx, "init-after-go");
	ok(true, "another step does not stop");
	ctx.debug_stop_at = "create-after-clon";
	ok(debug_stop_check(&ctx, &err) < 0 && err.errnum == EINVAL &&
		   !strcmp(err.message, "unknown debug stop step \"create-after-clon\""),
	   "a misspelt step is refused");
}

static void test_error_prefix(void)
{
	skiff_error err = { 0 };
	char big[2000];

	skiff_fail(&err, ENOENT, "open %s", "x");
	skiff_error_prefix(&err, "load %d", 1);
	is_str(err.message, "load 1: open x: no such file or directory", "prefix keeps the cause");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	skiff_fail(&err, 0, "cause");
	skiff_error_prefix(&err, "%s", big);
	ok(strlen(err.message) == sizeof(err.message) - 1, "a prefix that fills the message is cut");
	skiff_fail(&err, 0, "%s", big);
	skiff_error_prefix(&err, "short");
	ok(strlen(err.message) == sizeof(err.message) - 1 && !strncmp(err.message, "short: aaa", 10),
	   "a long cause is cut at the end, keeping its start");
}

int main(void)
{
	test_mount_plan();
	test_state_parse();
	test_process_matches();
	test_debug_stop();
	test_error_prefix();
	return tap_done();
}
