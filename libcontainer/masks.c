/*
 * linux.maskedPaths and linux.readonlyPaths, after pivot_root and the
 * sysctls (rootfs_finish).
 *
 * Each path is opened inside the new root with openat2 (pathsafe.c): a
 * symlink cannot lead the mount out of the rootfs, and a magic link is
 * refused.  The mounts go from fd to fd (fdmount.c), never through a
 * "/proc/self/fd/N" of the container's /proc, which a config can fake.
 * A file is masked with the container's /dev/null opened without following
 * any symlink and checked to be the null device: masking with the path
 * "/dev/null" bound whatever the rootfs had put there, a writable procfs
 * file such as /proc/sys/kernel/core_pattern included (CVE-2025-31133).
 * What lies under /proc must be procfs (procfs.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "internal.h"

/* An O_PATH fd of path inside the root at rootfd; -2 when it does not
 * exist, which is not an error. */
static int open_protected_path(int rootfd, const char *path, const char *what, skiff_error *err)
{
	int fd = path_open_in_root(rootfd, path, false, false, NULL);

	if (fd < 0)
		return errno == ENOENT ? -2 : skiff_fail_errno_at(err, errno, path, "%s %s", what, path);
	if (path_is_under_proc(path) && procfs_check_fd(fd, path, err) < 0) {
		close(fd);
		return skiff_error_prefix(err, "%s %s", what, path);
	}
	return fd;
}

/* The container's /dev/null, to mask files with: no symlink followed
 * anywhere on the way, and the null device itself (char 1:3). */
static int open_dev_null(int rootfd, skiff_error *err)
{
	struct open_how how = {
		.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS,
	};
	struct stat st;
	int fd = (int)syscall(SYS_openat2, rootfd, "/dev/null", &how, sizeof(how));

	if (fd < 0)
		return skiff_fail_errno_at(err, errno, "/dev/null",
				     "open the container's /dev/null to mask paths with");
	if (fstat(fd, &st) < 0) {
		int saved = errno;

		close(fd);
		return skiff_fail_errno_at(err, saved, "/dev/null", "stat the container's /dev/null");
	}
	if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3)) {
		close(fd);
		return skiff_fail_msg_at(err, EPERM, "/dev/null",
					  "the container's /dev/null is not the null device (char 1:3): refusing to mask paths with it");
	}
	return fd;
}

/* *null is the container's /dev/null, opened the first time a file needs it. */
static int mask_path(int rootfd, const char *path, int *null, skiff_error *err)
{
	struct stat st;
	int fd = open_protected_path(rootfd, path, "mask", err), rc;

	if (fd < 0)
		return fd == -2 ? 0 : -1;
	trace("masked path %s", path);
	if (fstat(fd, &st) < 0) {
		rc = skiff_fail_errno_at(err, errno, path, "mask %s", path);
	} else if (S_ISDIR(st.st_mode)) {
		rc = fd_tmpfs_onto(fd, true, path, err);
	} else if (*null < 0 && (*null = open_dev_null(rootfd, err)) < 0) {
		rc = -1;
	} else {
		rc = fd_bind_onto(*null, fd, 0, path, err);
	}
	close(fd);
	return rc < 0 ? skiff_error_prefix(err, "mask %s", path) : 0;
}

/* A read-only bind of path onto itself; what is mounted below it comes
 * along (recursive bind) but keeps its own flags. */
static int protect_path(int rootfd, const char *path, skiff_error *err)
{
	int fd = open_protected_path(rootfd, path, "make read-only", err), rc;

	if (fd < 0)
		return fd == -2 ? 0 : -1;
	trace("read-only path %s", path);
	rc = fd_bind_onto(fd, fd, FD_BIND_RECURSIVE | FD_BIND_RDONLY, path, err);
	close(fd);
	return rc < 0 ? skiff_error_prefix(err, "make %s read-only", path) : 0;
}

int paths_mask_and_protect(const spec_config *cfg, skiff_error *err)
{
	const spec_linux *lx = cfg->linux_;
	int rootfd, null = -1, rc = 0;

	if (!lx || (!lx->masked_paths_len && !lx->readonly_paths_len))
		return 0;
	rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return skiff_fail_errno(err, errno, "open /");
	for (size_t i = 0; rc == 0 && i < lx->masked_paths_len; i++)
		rc = mask_path(rootfd, lx->masked_paths[i], &null, err);
	for (size_t i = 0; rc == 0 && i < lx->readonly_paths_len; i++)
		rc = protect_path(rootfd, lx->readonly_paths[i], err);
	if (null >= 0)
		close(null);
	close(rootfd);
	return rc;
}
