/*
 * Reading and writing cgroup files.  The kernel takes one value per
 * write(), and a refused one gets an error naming the config field, the
 * file and the value.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups.h"

static int file_path(char *buf, size_t size, const char *dir, const char *file)
{
	int n = snprintf(buf, size, "%s/%s", dir, file);

	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int cg_write(const char *dir, const char *file, const char *value, const char *field,
	     skiff_error *err)
{
	char path[PATH_MAX], context[256];
	size_t len = strlen(value);
	int fd, saved = ENAMETOOLONG;

	trace("cgroup: write \"%s\" to %s/%s", value, dir, file);
	if (file_path(path, sizeof(path), dir, file) == 0) {
		/* cgroup files take one value per write(): never split it. */
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			ssize_t n;

			do
				n = write(fd, value, len);
			while (n < 0 && errno == EINTR);
			saved = n < 0 ? errno : (size_t)n == len ? 0 : EIO;
			close(fd);
			if (!saved)
				return 0;
		} else {
			saved = errno;
		}
	}
	if (!field)
		return skiff_fail_at(err, saved, path, "write \"%s\" to %s/%s", value, dir, file);
	snprintf(context, sizeof(context), ".%s", field);
	return skiff_fail_at(err, saved, context, "%s: set %s to \"%s\" in %s", field, file, value,
			     dir);
}

int cg_read(const char *dir, const char *file, char **out, skiff_error *err)
{
	char path[PATH_MAX];

	if (file_path(path, sizeof(path), dir, file) < 0)
		return skiff_fail(err, ENAMETOOLONG, "read %s/%s", dir, file);
	return read_file_at(AT_FDCWD, path, 16u << 20, out, NULL, err);
}

int cg_read_short(const char *dir, const char *file, char *buf, size_t size)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	if (size < 2 || file_path(path, sizeof(path), dir, file) < 0)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	/* A cgroup file's text comes whole from one read() when it fits. */
	do
		n = read(fd, buf, size);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n < 0 || (size_t)n == size)
		return -1;
	buf[n] = '\0';
	return 0;
}

int cg_read_u64(const char *dir, const char *file, uint64_t *out)
{
	char text[64], *end;

	if (cg_read_short(dir, file, text, sizeof(text)) < 0)
		return -1;
	if (!strncmp(text, "max", 3)) {
		*out = UINT64_MAX;
		return 0;
	}
	errno = 0;
	*out = strtoull(text, &end, 10);
	return !errno && end != text && (*end == '\n' || *end == '\0') ? 0 : -1;
}

int cg_read_keyed(const char *dir, const char *file, const char *key, uint64_t *out)
{
	size_t klen = strlen(key);
	char *text, *line, *save = NULL;
	int rc = -1;

	if (cg_read(dir, file, &text, NULL) < 0)
		return -1;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, key, klen) && line[klen] == ' ') {
			*out = strtoull(line + klen + 1, NULL, 10);
			rc = 0;
			break;
		}
	}
	free(text);
	return rc;
}

bool cg_file_exists(const char *dir, const char *file)
{
	char path[PATH_MAX];

	return file_path(path, sizeof(path), dir, file) == 0 && access(path, F_OK) == 0;
}

void cg_hugepage_name(uint64_t bytes, char *out, size_t size)
{
	static const char *const units[] = { "B", "KB", "MB", "GB", "TB", "PB" };
	size_t u = 0;

	while (bytes >= 1024 && bytes % 1024 == 0 && u + 1 < sizeof(units) / sizeof(units[0])) {
		bytes /= 1024;
		u++;
	}
	snprintf(out, size, "%llu%s", (unsigned long long)bytes, units[u]);
}
