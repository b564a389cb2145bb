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

int path_open_in_root(int rootfd, const char *dest, bool create, bool as_file,
		      skiff_error *err)
{
	char *prefix;
	size_t len, used = 0;
	const char *p;
	int fd;

	fd = open_in_root(rootfd, dest, O_PATH);
	if (fd >= 0 || errno != ENOENT || !create)
		return fd >= 0 ? fd : skiff_fail_at(err, errno, dest, "open %s in the rootfs", dest);

	len = strlen(dest);
	prefix = malloc(len + 2);
	if (!prefix)
		return skiff_fail(err, ENOMEM, "open %s in the rootfs", dest);
	prefix[0] = '\0';
	for (p = dest; *p;) {
		const char *end;
		char name[256];
		size_t n;
		int parent, probe;
		bool last;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		end = strchrnul(p, '/');
		n = (size_t)(end - p);
		if (n >= sizeof(name)) {
			free(prefix);
			return skiff_fail_at(err, ENAMETOOLONG, dest, "open %s in the rootfs", dest);
		}
		memcpy(name, p, n);
		name[n] = '\0';
		p = end;
		while (*p == '/')
			p++;
		last = *p == '\0';

		parent = open_in_root(rootfd, prefix, O_PATH | O_DIRECTORY);
		if (parent < 0) {
			int saved = errno;

			free(prefix);
			return skiff_fail_at(err, saved, dest, "open %s in the rootfs", dest);
		}
		probe = openat(parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (probe >= 0) {
			close(probe);
		} else if (last && as_file) {
			int f = openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);

			if (f < 0 && errno != EEXIST) {
				int saved = errno;

				close(parent);
				free(prefix);
				return skiff_fail_at(err, saved, dest, "create %s in the rootfs", dest);
			}
			if (f >= 0)
				close(f);
		} else if (mkdirat(parent, name, 0755) < 0 && errno != EEXIST) {
			int saved = errno;

			close(parent);
			free(prefix);
			return skiff_fail_at(err, saved, dest, "mkdir %s in the rootfs", dest);
		}
		close(parent);
		used += (size_t)snprintf(prefix + used, len + 2 - used, "/%s", name);
	}
	free(prefix);
	fd = open_in_root(rootfd, dest, O_PATH);
	if (fd < 0)
		return skiff_fail_at(err, errno, dest, "open %s in the rootfs", dest);
	return fd;
}
