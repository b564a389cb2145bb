/*
 * Unit tests of lsm.c: how AppArmor and SELinux labels are written, against
 * a stand-in /proc tree (this host need not run either LSM) and through a
 * procfs of our own (procfs.c, where the refusals of anything but the real
 * attribute are tested), the mount label option, and the clear errors when
 * a label is asked of an absent LSM.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "tap.h"

static char tmpdir[] = "/tmp/skiff-test-lsm.XXXXXX";


static void make_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd >= 0)
		close(fd);
}

/* <tmpdir>/<name>/thread-self/attr[/apparmor]/exec, as a procfs would have them. */
static void make_proc_tree(char *proc, size_t size, const char *name, bool per_lsm_dir)
{
	char path[512];

	snprintf(proc, size, "%s/%s", tmpdir, name);
	snprintf(path, sizeof(path), "%s/thread-self/attr", proc);
	mkdir_parents(path, 0755);
	snprintf(path, sizeof(path), "%s/thread-self/attr/exec", proc);
	make_file(path);
	if (per_lsm_dir) {
		snprintf(path, sizeof(path), "%s/thread-self/attr/apparmor", proc);
		mkdir(path, 0755);
		snprintf(path, sizeof(path), "%s/thread-self/attr/apparmor/exec", proc);
		make_file(path);
	}
}

/* The stand-in for procfs_open: the attribute file in the tree at data. */
static int open_in_tree(void *data, const char *path, skiff_error *err)
{
	char full[600];
	int fd;

	snprintf(full, sizeof(full), "%s/%s", (const char *)data, path);
	fd = open(full, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return skiff_fail_errno_at(err, errno, path, "open /proc/%s", path);
	return fd;
}

static void test_exec_labels(void)
{
	spec_process p = { .apparmor_profile = "skiff-test-profile",
			   .selinux_label = "system_u:system_r:container_t:s0:c1,c2" };
	spec_process aa = { .apparmor_profile = "skiff-test-profile" };
	spec_process none = { 0 };
	lsm_exec_label labels[2];
	char proc[512];
	skiff_error err;
	size_t n;

	make_proc_tree(proc, sizeof(proc), "proc-apply", true);
	ok(lsm_exec_labels(&p, open_in_tree, proc, labels, &n, &err) == 0 && n == 2,
	   "both labels are planned");
	is_str(labels[0].attr, "attr/apparmor/exec", "AppArmor's goes to its own directory");
	is_str(labels[0].value, "exec skiff-test-profile", "as \"exec <profile>\", as aa_change_onexec");
	is_str(labels[1].attr, "attr/exec", "SELinux's to attr/exec");
	is_str(labels[1].value, "system_u:system_r:container_t:s0:c1,c2", "the label, as setexeccon");
	lsm_exec_labels_free(labels, n);

	make_proc_tree(proc, sizeof(proc), "proc-old", false);
	ok(lsm_exec_labels(&aa, open_in_tree, proc, labels, &n, &err) == 0 && n == 1,
	   "an AppArmor profile on a kernel without per-LSM attributes");
	is_str(labels[0].attr, "attr/exec", "goes to attr/exec");
	lsm_exec_labels_free(labels, n);

	ok(lsm_exec_labels(&none, open_in_tree, "/nonexistent", labels, &n, &err) == 0 && n == 0 &&
		   !lsm_has_exec_labels(&none) && lsm_has_exec_labels(&p),
	   "no labels asked: nothing is opened");

	skiff_error_clear(&err);
	ok(lsm_exec_labels(&p, open_in_tree, "/nonexistent", labels, &n, &err) < 0 &&
		   err.errnum == ENOENT && n == 0,
	   "a missing attribute file is an error");
	ok(strstr(err.message, "skiff-test-profile") && strstr(err.message, "/proc/thread-self/attr/exec"),
	   "the error names the profile and the file: %s", err.message);
}

/* The real thing: this thread's attribute file, found through a procfs of
 * our own (the write is the exec stub's: attacks-procfs.bats). */
static void test_labels_through_procfs(void)
{
	spec_process label = { .selinux_label = "skiff-test-not-a-label" };
	lsm_exec_label labels[2];
	skiff_error err;
	size_t n = 0;
	int proc = procfs_open_root(PROCFS_PIDS, &err);

	ok(proc >= 0, "a procfs handle for the labels: %s", proc < 0 ? err.message : "");
	skiff_error_clear(&err);
	ok(lsm_exec_labels_in(&label, proc, labels, &n, &err) == 0 && n == 1 &&
		   !strcmp(labels[0].attr, "attr/exec"),
	   "the label's file is found in our procfs: %s", err.message);
	lsm_exec_labels_free(labels, n);
	if (proc >= 0)
		close(proc);
}

static void test_mount_label(void)
{
	char *out = NULL;

	ok(lsm_mount_data("mode=755,size=65536k", "system_u:object_r:container_file_t:s0:c1,c2", &out) == 0,
	   "a mount label is added to existing options");
	is_str(out, "mode=755,size=65536k,context=\"system_u:object_r:container_file_t:s0:c1,c2\"",
	       "as a quoted context= option after them");
	free(out);
	out = NULL;
	ok(lsm_mount_data(NULL, "system_u:object_r:container_file_t:s0", &out) == 0, "and to no options");
	is_str(out, "context=\"system_u:object_r:container_file_t:s0\"", "as the only option");
	free(out);
	ok(lsm_mount_takes_label("tmpfs") && lsm_mount_takes_label("devpts") && lsm_mount_takes_label("mqueue"),
	   "tmpfs, devpts and mqueue take the mount label");
	ok(!lsm_mount_takes_label("proc") && !lsm_mount_takes_label("sysfs") && !lsm_mount_takes_label(NULL),
	   "proc and sysfs do not");
}

static void test_check(void)
{
	spec_process p = { .apparmor_profile = "skiff-test-profile" };
	spec_process q = { .selinux_label = "system_u:system_r:container_t:s0" };
	spec_linux lx = { .mount_label = "system_u:object_r:container_file_t:s0" };
	spec_config with_apparmor = { .process = &p }, with_selinux = { .process = &q },
		    with_mount_label = { .linux_ = &lx }, plain = { 0 };
	bool apparmor = access("/sys/kernel/security/apparmor", F_OK) == 0;
	bool selinux = access("/sys/fs/selinux/enforce", F_OK) == 0;
	skiff_error err;

	ok(lsm_check(&plain, &err) == 0, "no labels: nothing to check");
	if (apparmor) {
		tap_skip("this host runs AppArmor", "an AppArmor profile without AppArmor is refused");
	} else {
		ok(lsm_check(&with_apparmor, &err) < 0 && strstr(err.message, "AppArmor is not enabled") &&
			   !strcmp(err.context, ".process.apparmorProfile"),
		   "an AppArmor profile without AppArmor is refused: %s", err.message);
	}
	if (selinux) {
		tap_skip("this host runs SELinux", "SELinux labels without SELinux are refused");
	} else {
		ok(lsm_check(&with_selinux, &err) < 0 && strstr(err.message, "SELinux is not enabled") &&
			   !strcmp(err.context, ".process.selinuxLabel"),
		   "an SELinux process label without SELinux is refused: %s", err.message);
		ok(lsm_check(&with_mount_label, &err) < 0 && strstr(err.message, "SELinux is not enabled") &&
			   !strcmp(err.context, ".linux.mountLabel"),
		   "an SELinux mount label without SELinux is refused: %s", err.message);
	}
}

int main(void)
{
	char cmd[600];
	int rc;

	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_exec_labels();
	test_labels_through_procfs();
	test_mount_label();
	test_check();
	rc = tap_done();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		tap_diag("could not remove %s", tmpdir);
	return rc;
}
