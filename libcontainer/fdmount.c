/*
 * Mounts from one fd onto another, with no path in between.
 *
 * After pivot_root the only "/proc/self/fd/N" the init could name is the
 * container's own /proc, which a hostile config or a racing container
 * process may have replaced; and a source given by path ("/dev/null",
 * "/dev/pts/3") is whatever the container made of it.  open_tree() +
 * move_mount() bind what the fds hold, and fsopen() + fsmount() make a
 * filesystem that is attached straight onto the fd.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

/* Put the detached mount tree onto target; tree is closed either way. */
static int attach(int tree, int target, const char *what, skiff_error *err)
{
	int rc = (int)syscall(SYS_move_mount, tree, "", target, "",
			      MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
	int saved = errno;

	close(tree);
	if (rc < 0)
		return skiff_fail_errno_at(err, saved, what, "mount on %s", what);
	return 0;
}

int fd_bind_onto(int source, int target, unsigned flags, const char *what, skiff_error *err)
{
	unsigned int clone = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH |
			     ((flags & FD_BIND_RECURSIVE) ? AT_RECURSIVE : 0);
	int tree = (int)syscall(SYS_open_tree, source, "", clone);

	if (tree < 0)
		return skiff_fail_errno_at(err, errno, what, "bind mount onto %s", what);
	if (flags & FD_BIND_RDONLY) {
		/* The top mount only, as a bind + remount would: what is
		 * mounted below keeps its own flags. */
		struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };

		if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0) {
			int saved = errno;

			close(tree);
			return skiff_fail_errno_at(err, saved, what, "make %s read-only", what);
		}
	}
	return attach(tree, target, what, err);
}

int fd_tmpfs_onto(int target, bool rdonly, const char *what, skiff_error *err)
{
	int fs = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC), mnt, saved;

	if (fs < 0)
		return skiff_fail_errno_at(err, errno, what, "mount a tmpfs on %s", what);
	/* "tmpfs" as its source in mountinfo, as mount(8) would show it;
	 * read-only, the filesystem is too (runc mounts it MS_RDONLY). */
	if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "source", "tmpfs", 0) < 0 ||
	    (rdonly && syscall(SYS_fsconfig, fs, FSCONFIG_SET_FLAG, "ro", NULL, 0) < 0) ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		saved = errno;
		close(fs);
		return skiff_fail_errno_at(err, saved, what, "mount a tmpfs on %s", what);
	}
	mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, rdonly ? MOUNT_ATTR_RDONLY : 0);
	saved = errno;
	close(fs);
	if (mnt < 0)
		return skiff_fail_errno_at(err, saved, what, "mount a tmpfs on %s", what);
	return attach(mnt, target, what, err);
}
