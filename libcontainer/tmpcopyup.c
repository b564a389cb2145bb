/*
 * The "tmpcopyup" mount option (config.md#linux-mount-options, MAY; podman
 * asks for it): a tmpfs mounted on a directory of the image starts with a
 * copy of what that directory held.  The copy is made by the init from the
 * directory it opened before the mount hid it.  The image is untrusted:
 * nothing is followed (symlinks are copied as symlinks, every open is
 * O_NOFOLLOW and relative to an fd), and the depth is bounded.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "internal.h"

#define COPY_MAX_DEPTH 64

static int copy_file(int from_dir, int to_dir, const char *name, const struct stat *st)
{
	char buf[65536];
	int in, out, rc = 0;
	ssize_t n;

	in = openat(from_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0)
		return -1;
	out = openat(to_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		     st->st_mode & 07777);
	if (out < 0) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write_all(out, buf, (size_t)n) < 0) {
			rc = -1;
			break;
		}
	if (n < 0)
		rc = -1;
	close(in);
	close(out);
	return rc;
}

/* Owner, mode and times of to_dir/name as from's, as far as we may: in a
 * user namespace an unmapped owner cannot be given, and is not. */
static void copy_attributes(int to_dir, const char *name, const struct stat *st)
{
	struct timespec times[2] = { st->st_atim, st->st_mtim };

	if (fchownat(to_dir, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0 &&
	    errno != EPERM && errno != EINVAL)
		return;
	if (!S_ISLNK(st->st_mode))
		fchmodat(to_dir, name, st->st_mode & 07777, 0);
	utimensat(to_dir, name, times, AT_SYMLINK_NOFOLLOW);
}

static int copy_tree(int from_dir, int to_dir, int depth, skiff_error *err);

static int copy_entry(int from_dir, int to_dir, const char *name, int depth, skiff_error *err)
{
	struct stat st;
	int rc = 0;

	if (fstatat(from_dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return skiff_fail_errno(err, errno, "tmpcopyup: stat %s", name);
	if (S_ISDIR(st.st_mode)) {
		int sub_from, sub_to;

		if (mkdirat(to_dir, name, 0700) < 0)
			return skiff_fail_errno(err, errno, "tmpcopyup: mkdir %s", name);
		sub_from = openat(from_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		sub_to = openat(to_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub_from < 0 || sub_to < 0)
			rc = skiff_fail_errno(err, errno, "tmpcopyup: open %s", name);
		else
			rc = copy_tree(sub_from, sub_to, depth + 1, err);
		if (sub_from >= 0)
			close(sub_from);
		if (sub_to >= 0)
			close(sub_to);
	} else if (S_ISREG(st.st_mode)) {
		if (copy_file(from_dir, to_dir, name, &st) < 0)
			rc = skiff_fail_errno(err, errno, "tmpcopyup: copy %s", name);
	} else if (S_ISLNK(st.st_mode)) {
		char target[4096];
		ssize_t n = readlinkat(from_dir, name, target, sizeof(target) - 1);

		if (n < 0)
			return skiff_fail_errno(err, errno, "tmpcopyup: readlink %s", name);
		target[n] = '\0';
		if (symlinkat(target, to_dir, name) < 0)
			rc = skiff_fail_errno(err, errno, "tmpcopyup: symlink %s", name);
	} else if (mknodat(to_dir, name, st.st_mode, st.st_rdev) < 0) {
		/* a device, fifo or socket: mknod may be denied (user namespace) */
		if (errno != EPERM)
			rc = skiff_fail_errno(err, errno, "tmpcopyup: mknod %s", name);
		return rc;
	}
	if (rc == 0)
		copy_attributes(to_dir, name, &st);
	return rc;
}

static int copy_tree(int from_dir, int to_dir, int depth, skiff_error *err)
{
	struct dirent *de;
	DIR *d;
	int fd, rc = 0;

	if (depth > COPY_MAX_DEPTH)
		return skiff_fail_msg(err, ELOOP, "tmpcopyup: deeper than %d directories", COPY_MAX_DEPTH);
	fd = dup(from_dir);
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return skiff_fail_errno(err, errno, "tmpcopyup: read a directory");
	}
	while (rc == 0 && (errno = 0, de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		rc = copy_entry(from_dir, to_dir, de->d_name, depth, err);
	}
	if (rc == 0 && errno)
		rc = skiff_fail_errno(err, errno, "tmpcopyup: read a directory");
	closedir(d);
	return rc;
}

int tmpfs_copy_up(int from_dir, int to_dir, skiff_error *err)
{
	return copy_tree(from_dir, to_dir, 0, err);
}
