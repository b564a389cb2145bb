/*
 * Unit tests of lsm.c: how AppArmor and SELinux labels are written, against
 * a stand-in /proc tree (this host need not run either LSM), the refusal to
 * write a label anywhere but on procfs (CVE-2019-16884), the mount label
 * option, and the clear errors when a label is asked of an absent LSM.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "internal.h"
#include "tap.h"

static char tmpdir[] = "/tmp/skiff-test-lsm.XXXXXX";

static long fs_magic_of(const char *path)
{
	struct statfs sfs;

	return statfs(path, &sfs) == 0 ? (long)sfs.f_type : -1;
}

static char *slurp(const char *path)
{
	char *text = NULL;

	if (read_file_at(AT_FDCWD, path, 4096, &text, NULL, NULL) < 0)
		return NULL;
	return text;
}

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

static void test_write_attr(void)
{
	char file[512], link[512], *text;
	long magic = fs_magic_of(tmpdir);
	skiff_error err;

	snprintf(file, sizeof(file), "%s/attr", tmpdir);
	make_file(file);
	ok(lsm_write_attr(file, "exec profile", magic, &err) == 0, "a label is written where the filesystem is the one required");
	text = slurp(file);
	is_str(text, "exec profile", "the file holds exactly the label");
	free(text);

	skiff_error_clear(&err);
	make_file(file);
	ok(lsm_write_attr(file, "exec profile", PROC_SUPER_MAGIC, &err) < 0,
	   "a label is refused on a file that is not on procfs");
	ok(strstr(err.message, "is not on procfs") != NULL, "the error says so: %s", err.message);
	text = slurp(file);
	is_str(text, "", "and nothing was written");
	free(text);

	snprintf(link, sizeof(link), "%s/attr-link", tmpdir);
	ok(symlink(file, link) == 0, "make a symlink to the attribute file");
	skiff_error_clear(&err);
	ok(lsm_write_attr(link, "x", magic, &err) < 0 && err.errnum == ELOOP,
	   "a symlink in place of the attribute is not followed");

	/* The check passes on a real procfs: a file of ours that takes writes. */
	skiff_error_clear(&err);
	ok(lsm_write_attr("/proc/thread-self/comm", "skiff-lsm-test", PROC_SUPER_MAGIC, &err) == 0,
	   "a write to a file on the real procfs passes the check");
	text = slurp("/proc/thread-self/comm");
	is_str(text, "skiff-lsm-test\n", "and lands there");
	free(text);
}

static void test_apparmor_path(void)
{
	char proc[512], path[512], want[600];

	make_proc_tree(proc, sizeof(proc), "proc-new", true);
	ok(lsm_apparmor_attr_path(proc, path, sizeof(path)) == 0, "apparmor path on a kernel with per-LSM attributes");
	snprintf(want, sizeof(want), "%s/thread-self/attr/apparmor/exec", proc);
	is_str(path, want, "the per-LSM file is used");

	make_proc_tree(proc, sizeof(proc), "proc-old", false);
	ok(lsm_apparmor_attr_path(proc, path, sizeof(path)) == 0, "apparmor path on an older kernel");
	snprintf(want, sizeof(want), "%s/thread-self/attr/exec", proc);
	is_str(path, want, "attr/exec is used");

	ok(lsm_apparmor_attr_path(proc, path, 10) < 0, "a buffer too small is an error, not a truncated path");
}

static void test_apply_labels(void)
{
	spec_process p = { .apparmor_profile = "skiff-test-profile",
			   .selinux_label = "system_u:system_r:container_t:s0:c1,c2" };
	spec_process none = { 0 };
	char proc[512], path[600], *text;
	long magic = fs_magic_of(tmpdir);
	skiff_error err;

	make_proc_tree(proc, sizeof(proc), "proc-apply", true);
	ok(lsm_apply_exec_labels_at(&p, proc, magic, &err) == 0, "both labels are applied");
	snprintf(path, sizeof(path), "%s/thread-self/attr/apparmor/exec", proc);
	text = slurp(path);
	is_str(text, "exec skiff-test-profile", "AppArmor gets \"exec <profile>\", as aa_change_onexec");
	free(text);
	snprintf(path, sizeof(path), "%s/thread-self/attr/exec", proc);
	text = slurp(path);
	is_str(text, "system_u:system_r:container_t:s0:c1,c2", "SELinux gets the label, as setexeccon");
	free(text);

	make_proc_tree(proc, sizeof(proc), "proc-none", false);
	ok(lsm_apply_exec_labels_at(&none, proc, PROC_SUPER_MAGIC, &err) == 0,
	   "no labels asked: nothing is touched, whatever /proc is");

	/* /proc replaced by something else (the CVE-2019-16884 attack). */
	skiff_error_clear(&err);
	make_proc_tree(proc, sizeof(proc), "proc-fake", true);
	ok(lsm_apply_exec_labels_at(&p, proc, PROC_SUPER_MAGIC, &err) < 0,
	   "labels are refused when /proc is not a procfs");
	ok(strstr(err.message, "skiff-test-profile") && strstr(err.message, "is not on procfs"),
	   "the error names the profile and the reason: %s", err.message);
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
	test_write_attr();
	test_apparmor_path();
	test_apply_labels();
	test_mount_label();
	test_check();
	rc = tap_done();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		tap_diag("could not remove %s", tmpdir);
	return rc;
}
