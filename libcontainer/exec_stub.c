/*
 * The runtime's side of the exec stub (stub/stub.c says why it exists):
 * a sealed memfd copy of the stub, the memfds it reads (startContainer
 * hooks, their state JSON, a seccomp program to load last), and the exec
 * into it.  Everything that needs a syscall the user's seccomp filter might
 * refuse is done in stub_prepare() and stub_set_program(), before any
 * filter is loaded; what is left for stub_exec() is the exec itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"


/* The stub's bytes, linked in by stub_blob.S. */
extern const unsigned char skiff_stub_start[], skiff_stub_end[];

/* Not a memfd flag: leave the memfd unsealed, to be written later. */
#define MFD_NOSEAL_ 0x80000000U

/* A memfd holding data, its fd at `min` or above (below are stdio and the
 * fds the program is to inherit), sealed.  Not close-on-exec unless
 * asked: the stub needs them; it marks them so before its own exec. */
static int sealed_memfd(const char *name, const void *data, size_t len, unsigned flags, int min,
			skiff_error *err)
{
	unsigned seal = !(flags & MFD_NOSEAL_);
	const char *p = data;
	int fd;

	flags &= ~MFD_NOSEAL_;
	fd = memfd_create(name, MFD_ALLOW_SEALING | flags);

	/* Kernels before 6.3 know no MFD_EXEC (and need none). */
	if (fd < 0 && errno == EINVAL && (flags & MFD_EXEC))
		fd = memfd_create(name, MFD_ALLOW_SEALING | (flags & ~MFD_EXEC));
	if (fd < 0)
		return skiff_fail_errno(err, errno, "memfd_create %s", name);
	if (fd < min) {
		int moved = fcntl(fd, (flags & MFD_CLOEXEC) ? F_DUPFD_CLOEXEC : F_DUPFD, min);

		close(fd);
		if (moved < 0)
			return skiff_fail_errno(err, errno, "move the %s memfd", name);
		fd = moved;
	}
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int saved = n < 0 ? errno : EIO;

			close(fd);
			return skiff_fail_errno(err, saved, "write the %s memfd", name);
		}
		p += n;
		len -= (size_t)n;
	}
	if (seal && fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0) {
		int saved = errno;

		close(fd);
		return skiff_fail_errno(err, saved, "seal the %s memfd", name);
	}
	return fd;
}

/* "N\0", then per hook "TIMEOUT\0PATH\0ARGC\0ARGS...\0ENVC\0ENV...\0"
 * (ENVC -1: the program's env, stub.c). */
static int append(char **buf, size_t *len, const char *s)
{
	size_t n = strlen(s) + 1;
	char *grown = realloc(*buf, *len + n);

	if (!grown)
		return -1;
	memcpy(grown + *len, s, n);
	*buf = grown;
	*len += n;
	return 0;
}

static int append_num(char **buf, size_t *len, long long v)
{
	char num[24];

	snprintf(num, sizeof(num), "%lld", v);
	return append(buf, len, num);
}

static int serialize_hooks(const spec_hook *hooks, size_t n, char **out, size_t *len_out)
{
	char *buf = NULL;
	size_t len = 0;
	int rc = append_num(&buf, &len, (long long)n);

	for (size_t i = 0; rc == 0 && i < n; i++) {
		const spec_hook *h = &hooks[i];

		rc |= append_num(&buf, &len, h->has_timeout ? h->timeout : -1);
		rc |= append(&buf, &len, h->path);
		/* No args: the path is argv[0], as hooks.c does. */
		rc |= append_num(&buf, &len, h->args_len ? (long long)h->args_len : 1);
		for (size_t j = 0; j < h->args_len; j++)
			rc |= append(&buf, &len, h->args[j]);
		if (!h->args_len)
			rc |= append(&buf, &len, h->path);
		/* -1: no env in the config (not an empty one), the program's. */
		rc |= append_num(&buf, &len, h->env ? (long long)h->env_len : -1);
		for (size_t j = 0; j < h->env_len; j++)
			rc |= append(&buf, &len, h->env[j]);
	}
	if (rc != 0) {
		free(buf);
		return -1;
	}
	*out = buf;
	*len_out = len;
	return 0;
}

static int keep_at_or_above(int *fd, int min, skiff_error *err)
{
	int moved;

	if (*fd < 0)
		return 0;
	/* Inherited by the stub: close-on-exec off, number above the
	 * program's fds. */
	moved = fcntl(*fd, F_DUPFD, min);
	if (moved < 0)
		return skiff_fail_errno(err, errno, "pass an fd to the exec stub");
	close(*fd);
	*fd = moved;
	return 0;
}

int stub_prepare(stub_launch *l, const stub_request *req, skiff_error *err)
{
	*l = (stub_launch){ .stub = -1, .bpf = -1, .hooks = -1, .state = -1, .args = -1, .go = -1,
			    .reply = -1, .sync = -1, .proc = -1, .close_from = req->close_from };

	/* The socket closes at the stub's exec (close-on-exec), which tells
	 * the runtime the container is made; with labels to write, only once
	 * the stub wrote them, so that a bad one fails create. */
	bool pass_sync = req->sync && req->labels_len;

	if ((req->go && keep_at_or_above(req->go, req->close_from, err) < 0) ||
	    (req->reply && keep_at_or_above(req->reply, req->close_from, err) < 0) ||
	    (pass_sync && keep_at_or_above(req->sync, req->close_from, err) < 0))
		goto fail;
	l->go = req->go ? *req->go : -1;
	l->reply = req->reply ? *req->reply : -1;
	l->sync = pass_sync ? *req->sync : -1;
	if (req->labels_len) {
		int rc = append_num(&l->labels, &l->labels_len, (long long)req->labels_len);

		for (size_t i = 0; i < req->labels_len; i++)
			rc |= append(&l->labels, &l->labels_len, req->labels[i].attr) |
			      append(&l->labels, &l->labels_len, req->labels[i].value) |
			      append(&l->labels, &l->labels_len, req->labels[i].what);
		if (rc != 0) {
			skiff_fail_errno(err, ENOMEM, "LSM labels");
			goto fail;
		}
		l->proc = fcntl(req->proc, F_DUPFD, req->close_from);
		if (l->proc < 0) {
			skiff_fail_errno(err, errno, "pass the procfs handle to the exec stub");
			goto fail;
		}
	}
	/* Written by stub_exec(), once the program is known. */
	l->args = sealed_memfd("skiff-args", "", 0, MFD_NOSEAL_, req->close_from, err);
	if (l->args < 0)
		goto fail;
	l->stub = sealed_memfd("skiff-stub", skiff_stub_start,
			       (size_t)(skiff_stub_end - skiff_stub_start), MFD_CLOEXEC | MFD_EXEC,
			       req->close_from, err);
	if (l->stub < 0)
		goto fail;
	if (seccomp_export_last(req->seccomp, req->close_from, &l->bpf, &l->bpf_flags, err) < 0)
		goto fail;
	if (l->bpf >= 0 && (l->bpf_size = lseek(l->bpf, 0, SEEK_END)) < 0) {
		skiff_fail_errno(err, errno, "size the seccomp program");
		goto fail;
	}
	if (req->hooks_len) {
		char *blob;
		size_t len;

		if (serialize_hooks(req->hooks, req->hooks_len, &blob, &len) < 0) {
			skiff_fail_errno(err, ENOMEM, "startContainer hooks");
			goto fail;
		}
		l->hooks_size = (long)len;
		l->hooks = sealed_memfd("skiff-hooks", blob, len, 0, req->close_from, err);
		free(blob);
		if (l->hooks < 0)
			goto fail;
		l->state = sealed_memfd("skiff-state", req->state_json, strlen(req->state_json), 0,
					req->close_from, err);
		if (l->state < 0)
			goto fail;
	}
	return 0;
fail:
	stub_release(l);
	return -1;
}

int stub_set_program(stub_launch *l, const char *exe, char *const *args, size_t n,
		     skiff_error *err)
{
	const int passed[] = { l->bpf, l->hooks, l->state, l->args, l->go, l->reply, l->sync, l->proc };
	char *blob = NULL;
	size_t len = 0;
	int rc = append(&blob, &len, exe) | append_num(&blob, &len, (long long)n);

	for (size_t i = 0; i < n; i++)
		rc |= append(&blob, &len, args[i]);
	if (l->labels_len) {
		char *grown = realloc(blob, len + l->labels_len);

		rc |= !grown;
		if (grown) {
			memcpy(grown + len, l->labels, l->labels_len);
			blob = grown;
			len += l->labels_len;
		}
	}
	if (rc != 0 || write(l->args, blob, len) != (ssize_t)len) {
		free(blob);
		return skiff_fail_errno(err, rc ? ENOMEM : errno, "pass the program to the exec stub");
	}
	free(blob);
	l->exe = exe;
	l->args_size = (long)len;
	/* Everything of ours closes at the stub's exec but what it reads,
	 * which it closes at its own: then it needs no close_range (new in
	 * Linux 5.9, which older profiles refuse) for what the runtime had.
	 * Kernels before 5.11 lack the flag: the stub's close_range does it. */
	if (close_range((unsigned)l->close_from, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		for (size_t i = 0; i < ARRAY_SIZE(passed); i++)
			if (passed[i] >= 0 && fcntl(passed[i], F_SETFD, 0) < 0)
				return skiff_fail_errno(err, errno, "pass an fd to the exec stub");
	return 0;
}

int stub_exec(const stub_launch *l, char *const *env, skiff_error *err)
{
	char plan[256], fdpath[32], *args[] = { "skiff-stub", plan, NULL };
	int n;

	n = snprintf(plan, sizeof(plan), "v1,close=%d,args=%d,asize=%ld", l->close_from, l->args,
		     l->args_size);
	if (l->go >= 0)
		n += snprintf(plan + n, sizeof(plan) - (size_t)n, ",go=%d", l->go);
	if (l->reply >= 0)
		n += snprintf(plan + n, sizeof(plan) - (size_t)n, ",reply=%d", l->reply);
	if (l->sync >= 0)
		n += snprintf(plan + n, sizeof(plan) - (size_t)n, ",sync=%d", l->sync);
	if (l->proc >= 0)
		n += snprintf(plan + n, sizeof(plan) - (size_t)n, ",proc=%d", l->proc);
	if (l->hooks >= 0)
		n += snprintf(plan + n, sizeof(plan) - (size_t)n, ",hooks=%d,hsize=%ld,state=%d",
			      l->hooks, l->hooks_size, l->state);
	if (l->bpf >= 0)
		snprintf(plan + n, sizeof(plan) - (size_t)n, ",bpf=%d,bsize=%ld,flags=%lu", l->bpf,
			 l->bpf_size, l->bpf_flags);
	syscall(SYS_execveat, l->stub, "", args, env, AT_EMPTY_PATH);
	n = errno;
	/* A seccomp profile may allow execve and not execveat: the same
	 * memfd through the container's procfs. */
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", l->stub);
	execve(fdpath, args, (char **)env);
	return skiff_fail_errno(err, n, "exec the skiff stub (for %s)", l->exe ? l->exe : "the program");
}

void stub_release(stub_launch *l)
{
	int *fds[] = { &l->stub, &l->bpf, &l->hooks, &l->state, &l->args, &l->proc };

	for (size_t i = 0; i < ARRAY_SIZE(fds); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
	free(l->labels);
	l->labels = NULL;
	l->labels_len = 0;
}
