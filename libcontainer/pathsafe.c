/*
 * Resolving paths inside the container's root from the host side.
 *
 * A rootfs is hostile input: /etc may be a symlink to /etc on the host, and
 * a mount destination must never land outside the rootfs.  openat2() with
 * RESOLVE_IN_ROOT resolves every component (symlinks and ".." included) as if
 * the rootfs were "/", and missing components are created one at a time
 * relative to the directory that was resolved, never through a path string.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

static int open_in_root(int rootfd, const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, rootfd, path[0] ? path : ".", &how, sizeof(how));
}

/* Pop the next component of *todo into name; false when none is left. */
static bool next_component(char **todo, char *name, size_t size, bool *too_long)
{
	char *p = *todo, *end;
	size_t n;

	while (*p == '/')
		p++;
	if (!*p)
		return false;
	end = strchrnul(p, '/');
	n = (size_t)(end - p);
	*too_long = n >= size;
	if (!*too_long) {
		memcpy(name, p, n);
		name[n] = '\0';
	}
	*todo = end;
	return true;
}

/* Is there nothing but slashes left? */
static bool is_last(const char *todo)
{
	while (*todo == '/')
		todo++;
	return *todo == '\0';
}

/*
 * Walk dest inside the root one component at a time, creating what is
 * missing.  prefix only ever holds real directories: a symlink met on the
 * way is replaced by its target in the path still to walk (an absolute
 * target starts again at the root), so ".." can be taken lexically and
 * a dangling link to "/host/dir" creates <rootfs>/host/dir, never the host's.
 * Every step reopens prefix with RESOLVE_IN_ROOT, so a link swapped in
 * meanwhile by a process sharing a volume still cannot lead outside.
 */
static int create_in_root(int rootfd, const char *dest, bool as_file, skiff_error *err)
{
	char prefix[PATH_MAX] = "", todo_buf[2 * PATH_MAX], link[PATH_MAX], name[NAME_MAX + 1];
	char *todo = todo_buf;
	int hops = 0, fd;
	bool too_long;

	if ((size_t)snprintf(todo_buf, sizeof(todo_buf), "%s", dest) >= sizeof(todo_buf))
		return skiff_fail_errno_at(err, ENAMETOOLONG, dest, "open %s in the rootfs", dest);
	while (next_component(&todo, name, sizeof(name), &too_long)) {
		bool last = is_last(todo), raced = false;
		int parent, probe, saved;
		ssize_t n;

		if (too_long)
			return skiff_fail_errno_at(err, ENAMETOOLONG, dest, "open %s in the rootfs", dest);
		if (!strcmp(name, "."))
			continue;
		if (!strcmp(name, "..")) {
			char *slash = strrchr(prefix, '/');

			if (slash)
				*slash = '\0';
			continue;
		}
		parent = open_in_root(rootfd, prefix, O_PATH | O_DIRECTORY);
		if (parent < 0)
			return skiff_fail_errno_at(err, errno, dest, "open %s in the rootfs", dest);
		probe = openat(parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (probe >= 0) {
			struct stat st;

			if (fstat(probe, &st) == 0 && S_ISLNK(st.st_mode)) {
				n = readlinkat(probe, "", link, sizeof(link) - 1);
				saved = errno;
				close(probe);
				close(parent);
				if (n < 0)
					return skiff_fail_errno_at(err, saved, dest, "readlink in %s", dest);
				link[n] = '\0';
				if (++hops > 40 ||
				    strlen(link) + strlen(todo) + 2 > sizeof(todo_buf))
					return skiff_fail_errno_at(err, ELOOP, dest, "open %s in the rootfs",
							     dest);
				/* The rest of the path now follows the link's target. */
				memmove(todo_buf + n + 1, todo, strlen(todo) + 1);
				memcpy(todo_buf, link, (size_t)n);
				todo_buf[n] = '/';
				todo = todo_buf;
				if (link[0] == '/')
					prefix[0] = '\0';
				continue;
			}
			close(probe);
		} else if (errno != ENOENT) {
			saved = errno;
			close(parent);
			return skiff_fail_errno_at(err, saved, dest, "open %s in the rootfs", dest);
		} else if (last && as_file) {
			int f = openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
				       0644);

			if (f >= 0)
				close(f);
			else if (errno == EEXIST)
				raced = true;
			else {
				saved = errno;
				close(parent);
				return skiff_fail_errno_at(err, saved, dest, "create %s in the rootfs", dest);
			}
		} else if (mkdirat(parent, name, 0755) < 0) {
			saved = errno;
			raced = saved == EEXIST;
			if (!raced) {
				close(parent);
				return skiff_fail_errno_at(err, saved, dest, "mkdir %s in the rootfs", dest);
			}
		}
		close(parent);
		if (raced) {
			/* Someone made it meanwhile, maybe a symlink: look again
			 * (todo still holds the name just taken from it). */
			todo -= strlen(name);
			if (++hops > 40)
				return skiff_fail_errno_at(err, ELOOP, dest, "open %s in the rootfs", dest);
			continue;
		}
		if (strlen(prefix) + strlen(name) + 2 > sizeof(prefix))
			return skiff_fail_errno_at(err, ENAMETOOLONG, dest, "open %s in the rootfs", dest);
		strcat(prefix, "/");
		strcat(prefix, name);
	}
	fd = open_in_root(rootfd, prefix, O_PATH);
	if (fd < 0)
		return skiff_fail_errno_at(err, errno, dest, "open %s in the rootfs", dest);
	return fd;
}

/*
 * The common case in few syscalls: dest's parent resolves (inside the root,
 * by the kernel) and only its last component is missing (/dev/pts in a
 * fresh /dev).  It is made relative to that parent and opened without
 * following anything.  -2 when the case is another (a missing parent, a
 * symlink or ".." last, a race): create_in_root() walks it then.
 */
static int create_last_in_root(int rootfd, const char *dest, bool as_file)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS };
	char parent_path[PATH_MAX];
	const char *name, *slash;
	size_t len = strlen(dest);
	int parent, fd, rc;

	while (len > 1 && dest[len - 1] == '/')
		len--;
	if (len >= sizeof(parent_path))
		return -2;
	memcpy(parent_path, dest, len);
	parent_path[len] = '\0';
	slash = strrchr(parent_path, '/');
	name = slash ? slash + 1 : parent_path;
	if (!*name || !strcmp(name, ".") || !strcmp(name, ".."))
		return -2;
	if (slash)
		parent_path[slash - parent_path] = '\0';
	parent = open_in_root(rootfd, slash ? parent_path : "", O_PATH | O_DIRECTORY);
	if (parent < 0)
		return -2;
	if (as_file) {
		rc = openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (rc >= 0)
			close(rc);
	} else {
		rc = mkdirat(parent, name, 0755);
	}
	/* Only what we made ourselves: anything else is looked at the slow way. */
	fd = rc < 0 ? -2 : (int)syscall(SYS_openat2, parent, name, &how, sizeof(how));
	close(parent);
	return fd < 0 ? -2 : fd;
}

int path_open_in_root(int rootfd, const char *dest, bool create, bool as_file,
		      skiff_error *err)
{
	int fd = open_in_root(rootfd, dest, O_PATH);

	if (fd >= 0)
		return fd;
	if (errno != ENOENT || !create)
		return skiff_fail_errno_at(err, errno, dest, "open %s in the rootfs", dest);
	fd = create_last_in_root(rootfd, dest, as_file);
	if (fd >= 0)
		return fd;
	return create_in_root(rootfd, dest, as_file, err);
}

int path_lstat_in_root(int rootfd, const char *path, struct stat *st)
{
	int fd = open_in_root(rootfd, path, O_PATH | O_NOFOLLOW), rc;

	if (fd < 0)
		return -1;
	rc = fstat(fd, st);
	close(fd);
	return rc;
}

int path_in_root(int fd, const char *rootfs, char *out, size_t size)
{
	char link[64], resolved[PATH_MAX];
	size_t n = strlen(rootfs);
	ssize_t len;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	len = readlink(link, resolved, sizeof(resolved) - 1);
	if (len < 0)
		return -1;
	resolved[len] = '\0';
	if (strncmp(resolved, rootfs, n) || (resolved[n] != '/' && resolved[n] != '\0')) {
		errno = EXDEV;
		return -1;
	}
	if ((size_t)snprintf(out, size, "%s", resolved[n] ? resolved + n : "/") >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}
