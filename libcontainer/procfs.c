/*
 * The procfs files the runtime writes, reached only through a procfs of
 * its own (CVE-2025-52881).
 *
 * A write by path to /proc/sys/..., /proc/self/attr/exec or
 * /proc/<pid>/uid_map goes wherever the mount table says at that moment,
 * and the container has a hand in that table: a bind mount over
 * /proc/sys/kernel/ns_last_pid (one of the few /proc files a bundle may
 * replace, for lxcfs), a mount namespace it has the init join, a race on
 * a shared volume.  The write then lands in a file of its choosing, or in
 * a procfs file that takes anything (another sysctl, sysrq-trigger), and
 * the label or the sysctl asked for is silently not applied.
 *
 * So a process that writes to procfs first makes one handle on it
 * (procfs_open_root), in order of preference:
 *   1. fsopen("proc") + fsmount: a new instance, detached, mounted
 *      nowhere, with nothing mounted on anything in it;
 *   2. when the kernel refuses that (before 5.2; in a user namespace, a
 *      new procfs that would show more than the mounted ones), a
 *      non-recursive open_tree(OPEN_TREE_CLONE) of /proc: a detached copy
 *      without whatever is mounted inside it;
 *   3. else /proc as it is.
 * The handle must be the root of a procfs, and every file is opened
 * relative to it with openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
 * RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV): no "..", no symlink, no mount
 * crossed.  That is what makes 3 safe as well: a file mounted over one in
 * it is refused, not written.  self and thread-self are symlinks: their
 * text is read in the handle and the pid directory it names is opened.
 *
 * Which instance: a procfs shows the pids of the pid namespace it was
 * made in, but /proc/sys shows the net, ipc and uts sysctls of the
 * process that opens and writes the file, whatever instance it is on.
 * So the init makes its handle before anything of the container's is
 * mounted or joined and opens sysctls through it once it is in all its
 * namespaces; a handle used for /proc/<pid> must be of the caller's own
 * pid namespace, which procfs_open checks through self.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

#ifndef PROC_ROOT_INO
#define PROC_ROOT_INO 1
#endif

/* 1.: a procfs instance of our own, or -1 with errno. */
static int fresh_instance(enum procfs_scope scope)
{
	int fs, mnt, saved;

	fs = (int)syscall(SYS_fsopen, "proc", FSOPEN_CLOEXEC);
	if (fs < 0)
		return -1;
	/* Only the pid directories when that is all the caller needs
	 * (5.8); a kernel without the option makes the whole procfs. */
	if (scope == PROCFS_PIDS)
		(void)syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "subset", "pid", 0);
	/* nosuid, nodev, noexec: a user namespace may make a procfs only
	 * as restricted as the one it sees mounted. */
	if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		mnt = -1;
	else
		mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
				   MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	saved = errno;
	close(fs);
	errno = saved;
	return mnt;
}

static int check_root(int fd, skiff_error *err)
{
	struct statfs sfs;
	struct stat st;

	if (fstatfs(fd, &sfs) < 0 || fstat(fd, &st) < 0)
		return skiff_fail_errno_at(err, errno, "/proc", "stat /proc");
	if ((long)sfs.f_type != PROC_SUPER_MAGIC || st.st_ino != PROC_ROOT_INO)
		return skiff_fail_msg_at(err, EXDEV, "/proc",
					  "/proc is not the root of a procfs: refusing to use it");
	return 0;
}

int procfs_open_root(enum procfs_scope scope, skiff_error *err)
{
	int fd = fresh_instance(scope);

	if (fd < 0)
		fd = (int)syscall(SYS_open_tree, AT_FDCWD, "/proc",
				  OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (fd < 0)
		fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return skiff_fail_errno_at(err, errno, "/proc", "open /proc");
	if (check_root(fd, err) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int open_beneath(int proc, const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
			   RESOLVE_NO_XDEV,
	};

	return (int)syscall(SYS_openat2, proc, path, &how, sizeof(how));
}

static bool all_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* "N" for self, "N/task/T" for thread-self: nothing else is a pid directory. */
static bool is_pid_dir(const char *text, bool thread)
{
	const char *slash = strchr(text, '/');

	if (!thread)
		return all_digits(text, strlen(text));
	return slash && all_digits(text, (size_t)(slash - text)) && !strncmp(slash, "/task/", 6) &&
	       all_digits(slash + 6, strlen(slash + 6));
}

/* The text of the self or thread-self link of the handle: the caller's
 * pid directory in the pid namespace of that procfs. */
static int read_self(int proc, const char *name, char *buf, size_t size, skiff_error *err)
{
	ssize_t n;
	int fd;

	fd = open_beneath(proc, name, O_PATH | O_NOFOLLOW);
	if (fd < 0)
		return skiff_fail_errno_at(err, errno, name, "open /proc/%s", name);
	n = readlinkat(fd, "", buf, size - 1);
	if (n < 0) {
		int saved = errno;

		close(fd);
		return skiff_fail_errno_at(err, saved, name, "read /proc/%s", name);
	}
	close(fd);
	buf[n] = '\0';
	if (!is_pid_dir(buf, strcmp(name, "self") != 0))
		return skiff_fail_msg_at(err, EXDEV, name,
					  "/proc/%s is \"%s\", not a pid directory: refusing it", name,
					  buf);
	return 0;
}

/* Numbers in a handle name the pids of its pid namespace: it must be ours. */
static int check_own_pids(int proc, skiff_error *err)
{
	char self[32], own[32];

	if (read_self(proc, "self", self, sizeof(self), err) < 0)
		return -1;
	snprintf(own, sizeof(own), "%d", (int)getpid());
	if (strcmp(self, own))
		return skiff_fail_msg_at(err, EXDEV, "/proc/self",
					  "the runtime's procfs is of another pid namespace (self is %s, not %s)",
					  self, own);
	return 0;
}

/* path with a leading self/ or thread-self/ replaced by what it names. */
static int resolve_self(int proc, const char *path, char *out, size_t size, skiff_error *err)
{
	static const char *const links[] = { "thread-self", "self" };
	char pid[64];

	for (size_t i = 0; i < ARRAY_SIZE(links); i++) {
		size_t n = strlen(links[i]);

		if (strncmp(path, links[i], n) || path[n] != '/')
			continue;
		if (read_self(proc, links[i], pid, sizeof(pid), err) < 0)
			return -1;
		if ((size_t)snprintf(out, size, "%s%s", pid, path + n) >= size)
			return skiff_fail_errno_at(err, ENAMETOOLONG, path, "open /proc/%s", path);
		return 0;
	}
	if (path[0] >= '0' && path[0] <= '9' && check_own_pids(proc, err) < 0)
		return -1;
	if ((size_t)snprintf(out, size, "%s", path) >= size)
		return skiff_fail_errno_at(err, ENAMETOOLONG, path, "open /proc/%s", path);
	return 0;
}

int procfs_open(int proc, const char *path, int flags, skiff_error *err)
{
	char where[512];
	struct statfs sfs;
	int fd;

	if (resolve_self(proc, path, where, sizeof(where), err) < 0)
		return -1;
	fd = open_beneath(proc, where, flags);
	if (fd < 0) {
		/* EXDEV: something is mounted on the way, ELOOP: a symlink. */
		return skiff_fail_errno_at(err, errno, path, "open /proc/%s", path);
	}
	/* What openat2 already ensures for a procfs root; checked on the
	 * file itself all the same, as the runtime is about to trust it. */
	if (fstatfs(fd, &sfs) < 0 || (long)sfs.f_type != PROC_SUPER_MAGIC) {
		close(fd);
		return skiff_fail_msg_at(err, EXDEV, path,
					  "/proc/%s is not on procfs: refusing to use it", path);
	}
	return fd;
}

int procfs_write(int proc, const char *path, const char *text, skiff_error *err)
{
	int fd = procfs_open(proc, path, O_WRONLY, err);

	if (fd < 0)
		return -1;
	if (write_all(fd, text, strlen(text)) < 0) {
		int saved = errno;

		close(fd);
		return skiff_fail_errno_at(err, saved, path, "write /proc/%s", path);
	}
	close(fd);
	return 0;
}

/* The container's /proc as the init uses it after pivot_root (masks.c):
 * what it mounts over must be procfs on the very fd it uses. */
int procfs_check_fd(int fd, const char *path, skiff_error *err)
{
	struct statfs sfs;

	if (fstatfs(fd, &sfs) < 0)
		return skiff_fail_errno_at(err, errno, path, "statfs %s", path);
	if (sfs.f_type != PROC_SUPER_MAGIC)
		return skiff_fail_msg_at(err, EXDEV, path,
					  "%s is not on procfs (a fake /proc?): refusing to use it", path);
	return 0;
}

bool path_is_under_proc(const char *path)
{
	/* Lexically, as the container names it: "/proc", "//proc/./x",
	 * "/../proc/x" (".." stops at the root). */
	const char *p = path;

	for (;;) {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.')) {
			p += n;
			continue;
		}
		return n == 4 && !strncmp(p, "proc", 4);
	}
}
