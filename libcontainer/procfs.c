/*
 * The container's /proc as the init uses it after pivot_root: for its
 * sysctls, and for the maskedPaths and readonlyPaths under /proc.
 *
 * mounts.c lets nothing but a procfs onto /proc, but that check is made on
 * a path, at mount time.  What the init then writes or mounts over must be
 * procfs on the very fd it uses: a host directory dressed as /proc would
 * take a sysctl meant for the kernel (kernel.shmmax into a host file), and
 * its planted "self/fd/N" symlinks would send a mask elsewhere.  So: no
 * symlink followed on the way, and fstatfs() == PROC_SUPER_MAGIC on the fd.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

int procfs_check_fd(int fd, const char *path, skiff_error *err)
{
	struct statfs sfs;

	if (fstatfs(fd, &sfs) < 0)
		return skiff_fail_at(err, errno, path, "statfs %s", path);
	if (sfs.f_type != PROC_SUPER_MAGIC)
		return skiff_fail_code_at(err, EXDEV, path,
					  "%s is not on procfs (a fake /proc?): refusing to use it", path);
	return 0;
}

/* openat2 with no symlink at all (magic links included), beneath dirfd. */
static int open_beneath(int dirfd, const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS,
	};

	return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

int procfs_open_root(skiff_error *err)
{
	int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), fd, saved;

	if (root < 0)
		return skiff_fail(err, errno, "open /");
	fd = open_beneath(root, "proc", O_PATH | O_DIRECTORY);
	saved = errno;
	close(root);
	if (fd < 0)
		return skiff_fail_at(err, saved, "/proc", "open /proc");
	if (procfs_check_fd(fd, "/proc", err) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int procfs_open_at(int procfd, const char *sub, int flags, skiff_error *err)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "/proc/%s", sub);
	fd = open_beneath(procfd, sub, flags);
	if (fd < 0)
		return skiff_fail_at(err, errno, path, "open %s", path);
	if (procfs_check_fd(fd, path, err) < 0) {
		close(fd);
		return -1;
	}
	return fd;
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
