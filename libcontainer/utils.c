/* Small file, path and process helpers used across libcontainer/. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

void fd_release(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int read_file_at(int dirfd, const char *path, size_t max, char **out, size_t *len_out,
		 skiff_error *err)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return skiff_fail_errno_at(err, errno, path, "open %s", path);
	rc = read_file_fd(fd, path, max, out, len_out, err);
	close(fd);
	return rc;
}

int read_file_fd(int fd, const char *path, size_t max, char **out, size_t *len_out,
		 skiff_error *err)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);

	if (!buf)
		return skiff_fail_errno(err, ENOMEM, "read %s", path);
	for (;;) {
		ssize_t n;

		if (len + 1 >= cap) {
			char *grown;

			if (cap > max) {
				free(buf);
				return skiff_fail_errno_at(err, EFBIG, path, "read %s", path);
			}
			grown = realloc(buf, cap * 2);
			if (!grown) {
				free(buf);
				return skiff_fail_errno(err, ENOMEM, "read %s", path);
			}
			buf = grown;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int saved = errno;

			free(buf);
			return skiff_fail_errno_at(err, saved, path, "read %s", path);
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*out = buf;
	if (len_out)
		*len_out = len;
	return 0;
}

int write_file_atomic(int dirfd, const char *name, const void *data, size_t len,
		      mode_t mode, skiff_error *err)
{
	char tmp[256];
	int fd;

	snprintf(tmp, sizeof(tmp), ".%s.%d.tmp", name, (int)getpid());
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return skiff_fail_errno_at(err, errno, name, "write %s", name);
	if (write_all(fd, data, len) < 0 || close(fd) < 0) {
		int saved = errno;

		unlinkat(dirfd, tmp, 0);
		return skiff_fail_errno_at(err, saved, name, "write %s", name);
	}
	/* Over an existing file, an exchange and an unlink of the old one:
	 * ext4 answers a rename that replaces a file by writing the new
	 * file's data out first (auto_da_alloc), which took up to 3 ms of a
	 * `run` here, twice; an exchange is as atomic for readers and does
	 * not.  The first write (nothing to exchange with) is a rename. */
	if (renameat2(dirfd, tmp, dirfd, name, RENAME_EXCHANGE) == 0) {
		unlinkat(dirfd, tmp, 0);
		return 0;
	}
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		int saved = errno;

		unlinkat(dirfd, tmp, 0);
		return skiff_fail_errno_at(err, saved, name, "rename %s", name);
	}
	return 0;
}

/* The directory itself first: its parents usually exist (a cgroup under
 * each of a dozen hierarchies), and each of them asked is a syscall. */
static int mkdir_up(char *buf, mode_t mode)
{
	char *slash;

	if (mkdir(buf, mode) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT || !(slash = strrchr(buf, '/')) || slash == buf)
		return -1;
	*slash = '\0';
	int rc = mkdir_up(buf, mode);

	*slash = '/';
	if (rc < 0)
		return -1;
	return mkdir(buf, mode) < 0 && errno != EEXIST ? -1 : 0;
}

int mkdir_parents(const char *path, mode_t mode)
{
	char buf[4096];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, len + 1);
	while (len > 1 && buf[len - 1] == '/')
		buf[--len] = '\0';
	return mkdir_up(buf, mode);
}

int remove_tree_at(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *dir;
	struct dirent *de;

	if (fd < 0) {
		if (errno == ENOTDIR || errno == ELOOP)
			return unlinkat(dirfd, name, 0);
		return errno == ENOENT ? 0 : -1;
	}
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return -1;
	}
	while ((de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (de->d_type == DT_DIR)
			remove_tree_at(fd, de->d_name);
		else
			unlinkat(fd, de->d_name, 0);
	}
	closedir(dir);
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return -1;
	return 0;
}

uint64_t process_start_time(pid_t pid)
{
	return process_stat(pid, NULL);
}

uint64_t process_stat(pid_t pid, char *state)
{
	char path[64], buf[1024];
	unsigned long long start = 0;
	ssize_t n;
	char *p;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* The command name may hold spaces and parentheses: fields start after the last ')'. */
	p = strrchr(buf, ')');
	if (!p)
		return 0;
	/* After ") " come fields 3..; starttime is field 22. */
	p += 2;
	for (int field = 3; field < 22 && p; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (!p || p[0] == '\0')
		return 0;
	/* A zombie, or one its parent is reaping (X), is as good as gone for
	 * our purposes. */
	if (strrchr(buf, ')')[2] == 'Z' || strrchr(buf, ')')[2] == 'X')
		return 0;
	if (state)
		*state = strrchr(buf, ')')[2];
	start = strtoull(p, NULL, 10);
	return start;
}

bool process_matches_in_state(pid_t pid, uint64_t start_time, char *state)
{
	/* Without a start time (a record that lost it, or an init that was
	 * gone when it was taken) nothing proves the pid is still ours: a
	 * rebooted host or a recycled pid must never be signalled. */
	if (pid <= 0 || start_time == 0)
		return false;
	return process_stat(pid, state) == start_time;
}

bool process_matches(pid_t pid, uint64_t start_time)
{
	char state;

	return process_matches_in_state(pid, start_time, &state);
}

void rfc3339_now(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;
	char base[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%09ldZ", base, ts.tv_nsec);
}

char *path_join(const char *a, const char *b)
{
	char *out;

	if (b[0] == '/')
		return strdup(b);
	if (asprintf(&out, "%s/%s", a, b) < 0)
		return NULL;
	return out;
}

ssize_t send_with_fd(int sock, const void *data, size_t len, int fd)
{
	char control[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (fd >= 0) {
		struct cmsghdr *cm;

		memset(control, 0, sizeof(control));
		mh.msg_control = control;
		mh.msg_controllen = sizeof(control);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n;
}

/* create, exec and restore alike: digits only, no newline (containerd
 * refuses anything else), replaced atomically in its directory. */
int pid_file_write(const char *path, pid_t pid, skiff_error *err)
{
	char text[16], *copy = strdup(path), *slash;
	const char *dir = ".", *base = path;
	int dirfd, rc;

	if (!copy)
		return skiff_fail_errno(err, ENOMEM, "write pid file");
	slash = strrchr(copy, '/');
	if (slash) {
		*slash = '\0';
		dir = copy[0] ? copy : "/";
		base = slash + 1;
	}
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		rc = skiff_fail_errno_at(err, errno, path, "write pid file %s", path);
		free(copy);
		return rc;
	}
	/* Digits only, no newline: containerd refuses anything else. */
	snprintf(text, sizeof(text), "%d", (int)pid);
	rc = write_file_atomic(dirfd, base, text, strlen(text), 0644, err);
	close(dirfd);
	free(copy);
	return rc < 0 ? skiff_error_prefix(err, "write pid file %s", path) : 0;
}
