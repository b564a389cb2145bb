/*
 * The container's filesystem, built by the init in its new mount namespace:
 *
 *   1. make "/" a slave (or linux.rootfsPropagation) so nothing propagates
 *      back to the host;
 *   2. bind the rootfs onto itself, so it is a mount point pivot_root accepts;
 *   3. mounts[] in order, devices and /dev symlinks (unless /dev is a
 *      bind mount), the cwd;
 *   4. pivot_root and detach the old root (or, with --no-pivot, detach
 *      every mount outside the rootfs, then MS_MOVE + chroot; without a
 *      mount namespace of its own, chroot alone, the mounts made in the
 *      namespace the container shares, as runc and crun do);
 *   5. after the init has written its sysctls (rootfs_finish): a read-only
 *      /dev made so, maskedPaths and readonlyPaths (masks.c), and
 *      root.readonly last.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "internal.h"
#include "libmount_load.h"

static int parse_propagation(const char *value, unsigned long *flags, skiff_error *err)
{
	unsigned long f = 0;

	if (mnt_optstr_get_flags(value, &f, mnt_get_builtin_optmap(MNT_LINUX_MAP)) != 0 ||
	    !(f & (MS_SHARED | MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE)))
		return skiff_fail_msg_at(err, 0, ".linux.rootfsPropagation",
				     "invalid linux.rootfsPropagation \"%s\"", value);
	*flags = f;
	return 0;
}

/* pivot_root refuses a new root whose parent mount is shared. */
static int make_parent_private(const char *rootfs, skiff_error *err)
{
	char *mp = mnt_get_mountpoint(rootfs);
	int rc = 0;

	if (mp && mount(NULL, mp, NULL, MS_PRIVATE, NULL) < 0)
		rc = skiff_fail_errno(err, errno, "make %s private", mp);
	free(mp);
	return rc;
}

static int pivot_into(int rootfd, skiff_error *err)
{
	int oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);

	if (oldroot < 0)
		return skiff_fail_errno(err, errno, "open /");
	trace("pivot_root into the rootfs, then detach the old root");
	if (fchdir(rootfd) < 0 || syscall(SYS_pivot_root, ".", ".") < 0) {
		int saved = errno;

		close(oldroot);
		return skiff_fail_errno(err, saved, "pivot_root");
	}
	/* The old root now sits under ".": detach it without letting the
	 * unmount propagate to the host. */
	if (fchdir(oldroot) < 0 || mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0 ||
	    umount2(".", MNT_DETACH) < 0) {
		int saved = errno;

		close(oldroot);
		return skiff_fail_errno(err, saved, "detach the old root");
	}
	close(oldroot);
	if (chdir("/") < 0)
		return skiff_fail_errno(err, errno, "chdir /");
	return 0;
}

/* Is path dir itself or below it? */
static bool path_within(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (n == 1 && dir[0] == '/')
		return true;
	return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == '\0');
}

/* The mount fs still sits at its mount point (and nothing covers it)? */
static bool still_mounted(struct libmnt_fs *fs)
{
	struct statx stx;

	return statx(AT_FDCWD, mnt_fs_get_target(fs), AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT,
		     STATX_MNT_ID, &stx) == 0 &&
	       (stx.stx_mask & STATX_MNT_ID) && stx.stx_mnt_id == (uint64_t)mnt_fs_get_id(fs);
}

/*
 * --no-pivot keeps the old root in the mount namespace, under the chroot.
 * A full procfs or sysfs anywhere in the namespace is all the kernel asks
 * before it lets a new user namespace mount its own, unmasked
 * (mount_too_revealing): so, as runc's msMoveRoot, the mounts outside the
 * rootfs go first (not those holding it, which are no procfs or sysfs).
 *
 * An unmount propagates through the parent's peers: with a shared root
 * (rootfsPropagation "rshared") it would unmount the host's own.  So every
 * mount outside the rootfs is made a slave first (the rootfs's own tree
 * keeps its propagation), then they are detached, the deepest first.  One
 * that cannot go (locked in a user namespace) is left, unreachable after
 * the chroot, except a procfs or sysfs, which gets a read-only tmpfs over
 * it.
 */
static int detach_outside(const char *rootfs, skiff_error *err)
{
	struct libmnt_table *tb = mnt_new_table_from_file("/proc/self/mountinfo");
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	struct libmnt_fs *fs;
	int rc = -1;

	if (!tb || !it) {
		skiff_fail_errno(err, errno ? errno : ENOMEM, "read /proc/self/mountinfo");
		goto out;
	}
	while (mnt_table_next_fs(tb, it, &fs) == 0) {
		const char *target = mnt_fs_get_target(fs);

		if (!target || path_within(target, rootfs) || !still_mounted(fs))
			continue;
		/* Those holding the rootfs alone, the others with all below
		 * them (mounts stacked at one place included: the lower one
		 * is the upper one's parent, and out of reach by path). */
		if (mount(NULL, target, NULL, path_within(rootfs, target) ? MS_SLAVE : MS_SLAVE | MS_REC,
			  NULL) < 0) {
			skiff_fail_errno_at(err, errno, target, "--no-pivot: make %s a slave", target);
			goto out;
		}
	}
	mnt_reset_iter(it, MNT_ITER_BACKWARD);
	while (mnt_table_next_fs(tb, it, &fs) == 0) {
		const char *target = mnt_fs_get_target(fs), *type = mnt_fs_get_fstype(fs);
		bool pseudo = type && (!strcmp(type, "proc") || !strcmp(type, "sysfs"));

		if (!target || path_within(target, rootfs) || path_within(rootfs, target))
			continue;
		/* Gone with a parent already, or out of reach under another mount. */
		if (!still_mounted(fs) || umount2(target, MNT_DETACH | UMOUNT_NOFOLLOW) == 0)
			continue;
		if (errno != EINVAL && errno != EPERM) {
			skiff_fail_errno_at(err, errno, target, "--no-pivot: detach %s", target);
			goto out;
		}
		if (pseudo && mount("tmpfs", target, "tmpfs",
				    MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0") < 0) {
			skiff_fail_errno_at(err, errno, target, "--no-pivot: cover %s", target);
			goto out;
		}
	}
	rc = 0;
out:
	mnt_free_iter(it);
	mnt_unref_table(tb);
	return rc;
}

static int move_into(int rootfd, const char *rootfs, skiff_error *err)
{
	if (detach_outside(rootfs, err) < 0)
		return -1;
	if (fchdir(rootfd) < 0)
		return skiff_fail_errno(err, errno, "chdir %s", rootfs);
	trace("--no-pivot: move %s onto / and chroot", rootfs);
	if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
		return skiff_fail_errno(err, errno, "move %s to /", rootfs);
	if (chroot(".") < 0)
		return skiff_fail_errno(err, errno, "chroot");
	if (chdir("/") < 0)
		return skiff_fail_errno(err, errno, "chdir /");
	return 0;
}

/* Whether two mount destinations name the same place: a relative one is
 * relative to "/" (config.md#mounts), and repeated slashes are one. */
static bool same_destination(const char *a, const char *b)
{
	for (;;) {
		while (*a == '/')
			a++;
		while (*b == '/')
			b++;
		if (!*a || !*b)
			return !*a && !*b;
		for (; *a && *a != '/'; a++, b++)
			if (*a != *b)
				return false;
		if (*b && *b != '/')
			return false;
	}
}

static bool mounts_have(const spec_config *cfg, const char *dest, bool bind_only)
{
	for (size_t i = 0; i < cfg->mounts_len; i++) {
		const spec_mount *m = &cfg->mounts[i];
		bool bind = m->type && !strcmp(m->type, "bind");

		for (size_t j = 0; j < m->options_len && !bind; j++)
			bind = !strcmp(m->options[j], "bind") || !strcmp(m->options[j], "rbind");
		if (same_destination(m->destination, dest) && (!bind_only || bind))
			return true;
	}
	return false;
}

unsigned long mount_locked_flags(const char *path)
{
	static const struct {
		unsigned long st, ms;
	} keep[] = {
		{ ST_NOSUID, MS_NOSUID },         { ST_NODEV, MS_NODEV },
		{ ST_NOEXEC, MS_NOEXEC },         { ST_NOATIME, MS_NOATIME },
		{ ST_NODIRATIME, MS_NODIRATIME }, { ST_RELATIME, MS_RELATIME },
	};
	unsigned long flags = 0;
	struct statvfs sv;

	if (statvfs(path, &sv) == 0)
		for (size_t i = 0; i < ARRAY_SIZE(keep); i++)
			if (sv.f_flag & keep[i].st)
				flags |= keep[i].ms;
	return flags;
}

int remount_readonly(const char *path, skiff_error *err)
{
	/* A remount must repeat the flags that are locked on the mount. */
	unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY | mount_locked_flags(path);

	trace("remount %s read-only", path);
	if (mount(NULL, path, NULL, flags, NULL) < 0)
		return skiff_fail_errno_at(err, errno, path, "remount %s read-only", path);
	return 0;
}

bool rootfs_dev_readonly(const spec_mount *m)
{
	bool ro = false;

	if (!same_destination(m->destination, "/dev"))
		return false;
	for (size_t i = 0; i < m->options_len; i++) {
		if (!strcmp(m->options[i], "ro"))
			ro = true;
		else if (!strcmp(m->options[i], "rw"))
			ro = false;
	}
	return ro;
}

int rootfs_finish(const spec_config *cfg, skiff_error *err)
{
	/* A read-only /dev was mounted writable, for its nodes, links and
	 * submounts; now it is what the config asked, as runc does, and
	 * before the masks, whose binds of its null device then are
	 * read-only too (runc's order: finalizeRootfs, then the paths). */
	for (size_t i = 0; i < cfg->mounts_len; i++)
		if (rootfs_dev_readonly(&cfg->mounts[i]) && remount_readonly("/dev", err) < 0)
			return -1;
	if (paths_mask_and_protect(cfg, err) < 0)
		return -1;
	if (cfg->root && cfg->root->readonly && remount_readonly("/", err) < 0)
		return -1;
	return 0;
}

static int make_cwd(int rootfd, const spec_config *cfg, skiff_error *err)
{
	int fd;

	if (!cfg->process || !cfg->process->cwd)
		return 0;
	fd = path_open_in_root(rootfd, cfg->process->cwd, true, false, err);
	if (fd < 0 && err && err->errnum == ELOOP)
		return skiff_fail_msg_at(err, ELOOP, ".process.cwd",
					  "cwd \"%s\" is outside the container (magic links are not followed)",
					  cfg->process->cwd);
	if (fd < 0)
		return skiff_error_prefix(err, "process.cwd");
	close(fd);
	return 0;
}

/* Without a mount namespace of its own, as runc and crun: the mounts stay
 * in the namespace the container shares (the caller's), and the container
 * gets the rootfs as its root by chroot, never the caller's "/". */
static int chroot_into(int rootfd, skiff_error *err)
{
	trace("chroot into the rootfs (no mount namespace of its own)");
	if (fchdir(rootfd) < 0)
		return skiff_fail_errno(err, errno, "enter the rootfs");
	if (chroot(".") < 0)
		return skiff_fail_errno(err, errno, "chroot");
	if (chdir("/") < 0)
		return skiff_fail_errno(err, errno, "chdir /");
	return 0;
}

uint64_t rootfs_top_mount_id(const char *rootfs)
{
	struct statx stx;

	if (!rootfs || statx(AT_FDCWD, rootfs, AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &stx) < 0 ||
	    !(stx.stx_mask & STATX_MNT_ID))
		return 0;
	return stx.stx_mnt_id;
}

void rootfs_undo_shared(const char *rootfs, uint64_t mount_id)
{
	/* Only the mount we made, if it is still the one on top: whatever
	 * else is mounted there is somebody else's. */
	if (mount_id && rootfs_top_mount_id(rootfs) == mount_id)
		umount2(rootfs, MNT_DETACH);
}

/* The rootfs bound onto itself, a mount point pivot_root accepts; returns
 * an O_PATH fd of the new mount's root.  It goes by the fd the runtime
 * opened: inside a user namespace the container's root may not be allowed
 * to search the directories that lead to the bundle. */
static int bind_rootfs(const rootfs_opts *opts, skiff_error *err)
{
	int tree;

	trace("bind the rootfs %s onto itself", opts->rootfs);
	tree = (int)syscall(SYS_open_tree, opts->rootfs_fd, "",
			    AT_EMPTY_PATH | AT_RECURSIVE | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);

	if (tree < 0)
		return skiff_fail_errno_at(err, errno, opts->rootfs, "bind mount the rootfs %s",
				     opts->rootfs);
	if (syscall(SYS_move_mount, tree, "", opts->rootfs_fd, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0) {
		int saved = errno;

		close(tree);
		return skiff_fail_errno_at(err, saved, opts->rootfs, "bind mount the rootfs %s",
				     opts->rootfs);
	}
	return tree;
}

/* Stdio that is the host's /dev/null (a detached container's, often)
 * becomes the container's own /dev/null, as runc does: the same device,
 * but a file of the container's mount tree, which criu can checkpoint (the
 * host's is on a mount the container does not have: "Can't lookup mount").
 * A /dev/null of the container that is not the null device is left alone,
 * and so is the stdio then. */
static int reopen_dev_null(skiff_error *err)
{
	struct stat null, st;
	int fd = open("/dev/null", O_RDWR | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (fstat(fd, &null) < 0 || !S_ISCHR(null.st_mode) || null.st_rdev != makedev(1, 3)) {
		close(fd);
		return 0;
	}
	for (int i = 0; i <= 2; i++) {
		if (fstat(i, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != null.st_rdev)
			continue;
		if (dup3(fd, i, 0) < 0) {
			int saved = errno;

			close(fd);
			return skiff_fail_errno(err, saved, "reopen /dev/null as fd %d", i);
		}
	}
	close(fd);
	return 0;
}

int rootfs_setup(const spec_config *cfg, const rootfs_opts *opts, skiff_error *err)
{
	const char *prop_text = cfg->linux_ ? cfg->linux_->rootfs_propagation : NULL;
	unsigned long prop = MS_SLAVE | MS_REC;
	int rootfd, rc = -1;

	/* Loaded by create before the clone (libmount_load.h); checked here
	 * so that a path that did not fails rather than calls through NULL. */
	if (libmount_ready(err) < 0)
		return -1;
	if (prop_text && prop_text[0] && parse_propagation(prop_text, &prop, err) < 0)
		return -1;
	/* The whole copied tree first: a value for "/" alone would leave the
	 * bundle's mount shared with the host (pivot_root refuses that), and
	 * an unbindable tree could not be bound.  The value itself is applied
	 * to the container's "/" after pivot_root. */
	unsigned long initial = (prop & MS_REC) && !(prop & MS_UNBINDABLE) ? prop : MS_REC | MS_SLAVE;

	/* In the caller's own mount namespace "/" is the host's: not ours to
	 * change. */
	if (!opts->shared_mountns && trace_active()) {
		char flags[64];

		trace("propagation of /: %s", trace_mount_flags(initial, flags, sizeof(flags)));
	}
	if (!opts->shared_mountns && mount(NULL, "/", NULL, initial, NULL) < 0)
		return skiff_fail_errno(err, errno, "set the propagation of /");
	if (!opts->shared_mountns && (initial & MS_SHARED) &&
	    make_parent_private(opts->rootfs, err) < 0)
		return -1;
	rootfd = bind_rootfs(opts, err);
	if (rootfd < 0)
		return -1;

	for (size_t i = 0; i < cfg->mounts_len; i++) {
		if (mount_entry(rootfd, &cfg->mounts[i], i, opts, err) < 0) {
			skiff_error_prefix(err, "mounts[%zu]", i);
			goto out;
		}
	}
	/* A /dev bound from elsewhere is left as it is, as runc leaves it: a
	 * node, a link or an owner changed there would be changed on the host. */
	if (!mounts_have(cfg, "/dev", true)) {
		if (devices_create(rootfd, cfg, opts->in_userns, err) < 0)
			goto out;
		if (mounts_have(cfg, "/dev/pts", false) && devices_link_ptmx(rootfd, err) < 0)
			goto out;
	}
	if (make_cwd(rootfd, cfg, err) < 0)
		goto out;
	if (opts->before_pivot && opts->before_pivot(opts->before_pivot_data, err) < 0)
		goto out;
	if ((opts->shared_mountns ? chroot_into(rootfd, err) :
	     opts->no_pivot	  ? move_into(rootfd, opts->rootfs, err) :
				    pivot_into(rootfd, err)) < 0)
		goto out;
	if (prop_text && prop_text[0] && mount(NULL, "/", NULL, prop, NULL) < 0) {
		skiff_fail_errno(err, errno, "set the propagation of the container's /");
		goto out;
	}
	if (reopen_dev_null(err) < 0)
		goto out;
	rc = 0;
out:
	close(rootfd);
	return rc;
}
