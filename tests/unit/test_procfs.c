/*
 * Unit tests of procfs.c: the runtime's own procfs handle, and the files
 * it will and will not open through it (CVE-2025-52881).  The mount over
 * a procfs file is tried in a private mount namespace when run as root.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "tap.h"

static char tmpdir[] = "/tmp/skiff-test-procfs.XXXXXX";

static char *read_fd(int fd)
{
	static char buf[256];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static bool same_mount(int fd, const char *path)
{
	struct statx a, b;

	return statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &a) == 0 &&
	       statx(AT_FDCWD, path, 0, STATX_MNT_ID, &b) == 0 && a.stx_mnt_id == b.stx_mnt_id;
}

static void test_root(int proc)
{
	struct statfs sfs;
	struct stat st;

	ok(fstatfs(proc, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC && fstat(proc, &st) == 0 &&
		   st.st_ino == 1,
	   "the handle is the root of a procfs");
	if (geteuid() == 0)
		ok(!same_mount(proc, "/proc"), "as root it is an instance of its own, not /proc's mount");
	else
		tap_skip("not root", "as root it is an instance of its own");
}

static void test_opens(int proc)
{
	char path[64], *text;
	skiff_error err;
	int fd;

	fd = procfs_open(proc, "thread-self/comm", O_WRONLY, &err);
	ok(fd >= 0 && write(fd, "skiff-procfs", 12) == 12, "thread-self resolves to this thread");
	if (fd >= 0)
		close(fd);
	text = NULL;
	read_file_at(AT_FDCWD, "/proc/thread-self/comm", 64, &text, NULL, NULL);
	is_str(text, "skiff-procfs\n", "and the write is this thread's");
	free(text);

	fd = procfs_open(proc, "sys/kernel/ostype", O_RDONLY, &err);
	is_str(fd >= 0 ? read_fd(fd) : NULL, "Linux\n", "a sysctl is read under sys/");
	if (fd >= 0)
		close(fd);

	snprintf(path, sizeof(path), "%d/stat", (int)getpid());
	fd = procfs_open(proc, path, O_RDONLY, &err);
	ok(fd >= 0, "our own pid directory by number");
	if (fd >= 0)
		close(fd);

	skiff_error_clear(&err);
	ok(procfs_open(proc, "../etc/passwd", O_RDONLY, &err) < 0 && err.errnum == EXDEV,
	   "nothing above the root: %s", err.message);
	skiff_error_clear(&err);
	ok(procfs_open(proc, "self/exe", O_RDONLY, &err) < 0 && err.errnum == ELOOP,
	   "no magic link: %s", err.message);
	skiff_error_clear(&err);
	ok(procfs_open(proc, "net/dev", O_RDONLY, &err) < 0 && err.errnum == ELOOP,
	   "no symlink (net is one): %s", err.message);
	ok(strstr(err.message, "/proc/net/dev") != NULL, "the error names the file");
}

static void test_not_procfs(void)
{
	char path[600];
	skiff_error err;
	int dir, fd;

	snprintf(path, sizeof(path), "%s/sys", tmpdir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/sys/x", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
	dir = open(tmpdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	skiff_error_clear(&err);
	ok(procfs_open(dir, "sys/x", O_WRONLY, &err) < 0 && err.errnum == EXDEV &&
		   strstr(err.message, "not on procfs"),
	   "a file that is not on procfs is refused: %s", err.message);
	close(dir);
}

/* In a private mount namespace: a tmp file bind-mounted over a sysctl, as a
 * container's mount would be.  Through /proc itself the open is refused
 * (RESOLVE_NO_XDEV), through a new instance it reaches the real sysctl.
 * The child says how it went in its exit status, one bit per check. */
static int overmount_child(void)
{
	char file[600], *text = NULL;
	skiff_error err;
	int plain, proc, fd, bits = 0;

	snprintf(file, sizeof(file), "%s/planted", tmpdir);
	fd = open(file, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, "planted\n", 8) != 8)
		return 64;
	close(fd);
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount(file, "/proc/sys/kernel/ostype", NULL, MS_BIND, NULL) < 0)
		return 64;
	if (read_file_at(AT_FDCWD, "/proc/sys/kernel/ostype", 64, &text, NULL, NULL) == 0 &&
	    !strcmp(text, "planted\n"))
		bits |= 1; /* the mount is there */
	free(text);
	plain = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (procfs_open(plain, "sys/kernel/ostype", O_RDONLY, &err) < 0 && err.errnum == EXDEV)
		bits |= 2;
	proc = procfs_open_root(PROCFS_ALL, &err);
	fd = proc >= 0 ? procfs_open(proc, "sys/kernel/ostype", O_RDONLY, &err) : -1;
	if (fd >= 0 && !strcmp(read_fd(fd), "Linux\n"))
		bits |= 4;
	return bits;
}

static void test_overmount(void)
{
	int status = 0;
	pid_t pid;

	if (geteuid() != 0) {
		tap_skip("not root", "a file mounted over a sysctl is not written through");
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(overmount_child());
	waitpid(pid, &status, 0);
	status = WIFEXITED(status) ? WEXITSTATUS(status) : 64;
	if (status == 64) {
		tap_skip("no private mount namespace here", "a file mounted over a sysctl");
		return;
	}
	ok(status & 1, "a file is mounted over /proc/sys/kernel/ostype");
	ok(status & 2, "/proc itself as the handle: the open crosses a mount and is refused");
	ok(status & 4, "a procfs of our own: the real sysctl, not the planted file");
}

int main(void)
{
	char cmd[600];
	skiff_error err;
	int proc, fd, rc;

	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	proc = procfs_open_root(PROCFS_ALL, &err);
	ok(proc >= 0, "a procfs handle: %s", proc < 0 ? err.message : "");
	if (proc >= 0) {
		test_root(proc);
		test_opens(proc);
		close(proc);
	}
	proc = procfs_open_root(PROCFS_PIDS, &err);
	fd = proc >= 0 ? procfs_open(proc, "thread-self/comm", O_RDONLY, &err) : -1;
	ok(fd >= 0, "a handle of the pid directories only has thread-self");
	if (fd >= 0)
		close(fd);
	if (proc >= 0)
		close(proc);
	test_not_procfs();
	test_overmount();
	rc = tap_done();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		tap_diag("could not remove %s", tmpdir);
	return rc;
}
