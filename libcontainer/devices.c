/*
 * Device nodes in the container's /dev: the defaults every runtime gives
 * (null, zero, full, random, urandom, tty), linux.devices, and the usual
 * symlinks.  Inside a user namespace mknod is not allowed, so nodes are
 * bind mounts of the host's devices instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "internal.h"

static const struct {
	const char *path;
	unsigned major, minor;
} default_devices[] = {
	{ "/dev/null", 1, 3 },    { "/dev/zero", 1, 5 },    { "/dev/full", 1, 7 },
	{ "/dev/random", 1, 8 },  { "/dev/urandom", 1, 9 }, { "/dev/tty", 5, 0 },
};

static const struct {
	const char *target;
	const char *name;
} default_links[] = {
	{ "/proc/self/fd", "fd" },
	{ "/proc/self/fd/0", "stdin" },
	{ "/proc/self/fd/1", "stdout" },
	{ "/proc/self/fd/2", "stderr" },
};

/* Split "/dev/a/b" into an opened parent directory and the name "b". */
static int open_parent(int rootfd, const char *path, const char **base, skiff_error *err)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	size_t n;

	if (!slash || slash[1] == '\0')
		return skiff_fail_msg_at(err, 0, path, "invalid device path %s", path);
	n = (size_t)(slash - path);
	if (n >= sizeof(dir))
		return skiff_fail_errno_at(err, ENAMETOOLONG, path, "device path %s", path);
	memcpy(dir, path, n);
	dir[n] = '\0';
	*base = slash + 1;
	return path_open_in_root(rootfd, dir[0] ? dir : "/", true, false, err);
}

static int bind_host_device(int rootfd, const char *path, skiff_error *err)
{
	char target[64];
	int fd = path_open_in_root(rootfd, path, true, true, err);

	if (fd < 0)
		return -1;
	trace("device %s: bind the host's", path);
	snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
	if (mount(path, target, NULL, MS_BIND, NULL) < 0) {
		int saved = errno;

		close(fd);
		return skiff_fail_errno_at(err, saved, path, "bind mount device %s", path);
	}
	close(fd);
	return 0;
}

/* config-linux.md#devices: "If a file already exists at path that does not
 * match the requested device, the runtime MUST generate an error."  A
 * match (same type, and same numbers for a device) is kept: 1 when there
 * is one, 0 when nothing is there, -1 for a mismatch. */
static int existing_node(int rootfd, const char *path, mode_t type, unsigned major,
			 unsigned minor, skiff_error *err)
{
	struct stat st;

	if (path_lstat_in_root(rootfd, path, &st) < 0)
		return errno == ENOENT ? 0 : skiff_fail_errno_at(err, errno, path, "inspect %s", path);
	if ((st.st_mode & S_IFMT) == type &&
	    (type == S_IFIFO || st.st_rdev == makedev(major, minor)))
		return 1;
	if (type == S_IFIFO)
		return skiff_fail_msg_at(err, EEXIST, path,
					  "%s already exists and is not the requested fifo", path);
	return skiff_fail_msg_at(err, EEXIST, path,
				  "%s already exists and is not the requested device (%c %u:%u)", path,
				  type == S_IFBLK ? 'b' : 'c', major, minor);
}

/* A node at path; a default device (replace) takes the place of whatever
 * the rootfs had there, a configured one must match what is there. */
static int make_node(int rootfd, const char *path, mode_t type, unsigned major, unsigned minor,
		     mode_t mode, uid_t uid, gid_t gid, bool in_userns, bool replace,
		     skiff_error *err)
{
	const char *base;
	int dirfd, found = 0;

	if (!replace && (found = existing_node(rootfd, path, type, major, minor, err)) < 0)
		return -1;
	if (in_userns)
		return found ? 0 : bind_host_device(rootfd, path, err);
	dirfd = open_parent(rootfd, path, &base, err);
	if (dirfd < 0)
		return -1;
	trace("device %s: %s %c %u:%u, mode %04o, owner %u:%u", path, found ? "keep" : "mknod",
	      type == S_IFBLK ? 'b' : type == S_IFIFO ? 'p' : 'c', major, minor,
	      (unsigned)(mode & 07777), (unsigned)uid, (unsigned)gid);
	if (found)
		goto created;
	if (mknodat(dirfd, base, type | (mode & 07777), makedev(major, minor)) < 0) {
		int saved = errno;

		if (saved == EEXIST && replace && unlinkat(dirfd, base, 0) == 0 &&
		    mknodat(dirfd, base, type | (mode & 07777), makedev(major, minor)) == 0)
			goto created;
		close(dirfd);
		if (saved == EPERM)
			return bind_host_device(rootfd, path, err);
		return skiff_fail_errno_at(err, saved, path, "mknod %s", path);
	}
created:
	/* mknod honours the umask; the config's mode is meant literally. */
	if (fchmodat(dirfd, base, mode & 07777, 0) < 0 ||
	    fchownat(dirfd, base, uid, gid, AT_SYMLINK_NOFOLLOW) < 0) {
		int saved = errno;

		close(dirfd);
		return skiff_fail_errno_at(err, saved, path, "set owner and mode of %s", path);
	}
	close(dirfd);
	return 0;
}

static mode_t device_type(const char *type)
{
	switch (type[0]) {
	case 'b':
		return S_IFBLK;
	case 'p':
		return S_IFIFO;
	default: /* 'c' and 'u' (unbuffered) are both character devices */
		return S_IFCHR;
	}
}

int devices_create(int rootfd, const spec_config *cfg, bool in_userns, skiff_error *err)
{
	const spec_linux *lx = cfg->linux_;
	int devfd;

	for (size_t i = 0; i < ARRAY_SIZE(default_devices); i++) {
		if (make_node(rootfd, default_devices[i].path, S_IFCHR, default_devices[i].major,
			      default_devices[i].minor, 0666, 0, 0, in_userns, true, err) < 0)
			return -1;
	}
	for (size_t i = 0; lx && i < lx->devices_len; i++) {
		const spec_device *d = &lx->devices[i];

		if (make_node(rootfd, d->path, device_type(d->type), (unsigned)d->major,
			      (unsigned)d->minor, d->has_file_mode ? d->file_mode : 0666,
			      d->has_uid ? d->uid : 0, d->has_gid ? d->gid : 0, in_userns, false,
			      err) < 0)
			return skiff_error_prefix(err, "linux.devices[%zu]", i);
	}

	devfd = path_open_in_root(rootfd, "/dev", true, false, err);
	if (devfd < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(default_links); i++) {
		if (symlinkat(default_links[i].target, devfd, default_links[i].name) < 0 &&
		    errno != EEXIST) {
			int saved = errno;

			close(devfd);
			return skiff_fail_errno(err, saved, "symlink /dev/%s", default_links[i].name);
		}
	}
	if (access("/proc/kcore", F_OK) == 0)
		symlinkat("/proc/kcore", devfd, "core");
	close(devfd);
	return 0;
}

/* With a private devpts, /dev/ptmx must lead to its ptmx, not the host's. */
int devices_link_ptmx(int rootfd, skiff_error *err)
{
	int devfd = path_open_in_root(rootfd, "/dev", true, false, err);

	if (devfd < 0)
		return -1;
	if (unlinkat(devfd, "ptmx", 0) < 0 && errno != ENOENT) {
		int saved = errno;

		close(devfd);
		return skiff_fail_errno(err, saved, "remove /dev/ptmx");
	}
	if (symlinkat("pts/ptmx", devfd, "ptmx") < 0) {
		int saved = errno;

		close(devfd);
		return skiff_fail_errno(err, saved, "symlink /dev/ptmx");
	}
	close(devfd);
	return 0;
}
