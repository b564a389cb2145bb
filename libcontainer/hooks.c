/*
 * OCI hooks: each runs with the container's state JSON on stdin, its own
 * args, its env, and an optional timeout.  A hook with "env" gets exactly
 * that ("env": [] none at all); one without inherits, as with runc and
 * crun: the runtime's env (prestart, createRuntime, poststart, poststop),
 * or the container process's (createContainer here, startContainer in the
 * stub).  Their output is collected so that a failing hook's error says
 * what it printed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static __attribute__((noreturn)) void hook_child(const spec_hook *h, const spec_process *inherit,
						  int in, int out)
{
	char *const *env = h->env;
	size_t env_len = h->env_len;
	char **argv, **envp;

	if (!env && inherit) {
		env = inherit->env;
		env_len = inherit->env_len;
	}

	/* A group of its own: a timeout kills what the hook started too. */
	setpgid(0, 0);
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		_exit(126);
	syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
	argv = calloc(h->args_len + 2, sizeof(*argv));
	envp = calloc(env_len + 1, sizeof(*envp));
	if (!argv || !envp)
		_exit(126);
	if (h->args_len)
		memcpy(argv, h->args, h->args_len * sizeof(*argv));
	else
		argv[0] = h->path;
	/* env may be NULL: memcpy from NULL is undefined even for 0 bytes
	 * (UBSan says so). */
	if (env_len)
		memcpy(envp, env, env_len * sizeof(*envp));
	/* No env anywhere: the runtime's own. */
	execve(h->path, argv, env ? envp : environ);
	dprintf(2, "exec %s: %s", h->path, strerror(errno));
	_exit(127);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Keep the last bytes a hook printed, for its error message. */
static void collect(int fd, char *buf, size_t size, size_t *used)
{
	char chunk[1024];
	ssize_t n = read(fd, chunk, sizeof(chunk));

	if (n <= 0)
		return;
	if ((size_t)n >= size - 1) {
		memcpy(buf, chunk + (size_t)n - (size - 1), size - 1);
		*used = size - 1;
	} else {
		if (*used + (size_t)n >= size) {
			size_t drop = *used + (size_t)n - (size - 1);

			memmove(buf, buf + drop, *used - drop);
			*used -= drop;
		}
		memcpy(buf + *used, chunk, (size_t)n);
		*used += (size_t)n;
	}
	buf[*used] = '\0';
}

static int run_one(const spec_hook *h, const spec_process *inherit, const char *kind, size_t index,
		   const char *state_json, skiff_error *err)
{
	int in[2], out[2], pidfd, outfd, status = 0;
	char output[512] = "";
	size_t used = 0;
	bool exited = false;
	pid_t pid;
	long long deadline = h->has_timeout ? now_ms() + (long long)h->timeout * 1000 : -1;

	trace("hook %s[%zu]: run %s", kind, index, h->path);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) < 0)
		return skiff_fail(err, errno, "%s hook %zu", kind, index);
	if (pipe2(out, O_CLOEXEC) < 0) {
		close(in[0]);
		close(in[1]);
		return skiff_fail(err, errno, "%s hook %zu", kind, index);
	}
	pid = fork();
	if (pid == 0)
		hook_child(h, inherit, in[1], out[1]);
	close(in[1]);
	close(out[1]);
	if (pid > 0) {
		setpgid(pid, pid); /* also here: the timeout may not find it otherwise */
		/* Our end only: what the hook leaves running may keep the pipe
		 * open, and the last read after its exit must not wait for that. */
		fcntl(out[0], F_SETFL, O_NONBLOCK);
	}
	if (pid < 0) {
		close(in[0]);
		close(out[0]);
		return skiff_fail(err, errno, "%s hook %zu: fork", kind, index);
	}
	/* The hook may ignore stdin: never die of SIGPIPE over it. */
	send(in[0], state_json, strlen(state_json), MSG_NOSIGNAL);
	close(in[0]);

	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	outfd = out[0];
	while (!exited) {
		struct pollfd fds[2] = {
			{ .fd = pidfd, .events = POLLIN },
			{ .fd = outfd, .events = POLLIN },
		};
		long long left = deadline < 0 ? -1 : deadline - now_ms();
		int n = deadline >= 0 && left <= 0 ? 0 : poll(fds, 2, (int)left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			trace("hook %s[%zu]: %s timed out after %d s: killed", kind, index, h->path,
			      h->timeout);
			close(pidfd);
			close(out[0]);
			return skiff_fail(err, ETIMEDOUT, "%s hook %zu (%s): timed out after %d s", kind,
					  index, h->path, h->timeout);
		}
		if (fds[1].revents & (POLLIN | POLLHUP))
			collect(out[0], output, sizeof(output), &used);
		if (fds[1].revents & POLLHUP)
			outfd = -1; /* all written: no more polling for it */
		if (fds[0].revents & POLLIN || pidfd < 0) {
			waitpid(pid, &status, 0);
			exited = true;
		}
	}
	collect(out[0], output, sizeof(output), &used);
	close(out[0]);
	if (pidfd >= 0)
		close(pidfd);
	if (WIFSIGNALED(status))
		trace("hook %s[%zu]: %s killed by signal %d", kind, index, h->path, WTERMSIG(status));
	else
		trace("hook %s[%zu]: %s exited with status %d", kind, index, h->path,
		      WEXITSTATUS(status));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	while (used > 0 && (output[used - 1] == '\n' || output[used - 1] == ' '))
		output[--used] = '\0';
	if (WIFSIGNALED(status))
		return skiff_fail(err, 0, "%s hook %zu (%s) killed by signal %d%s%s", kind, index,
				  h->path, WTERMSIG(status), used ? ": " : "", output);
	return skiff_fail(err, 0, "%s hook %zu (%s) exited with status %d%s%s", kind, index, h->path,
			  WEXITSTATUS(status), used ? ": " : "", output);
}

int hooks_run(const spec_hook *hooks, size_t n, const spec_process *inherit, const char *kind,
	      const char *state_json, skiff_error *err)
{
	for (size_t i = 0; i < n; i++)
		if (run_one(&hooks[i], inherit, kind, i, state_json, err) < 0)
			return -1;
	return 0;
}

long long hooks_timeout_ms(const spec_hook *hooks, size_t n)
{
	long long total = 0;

	for (size_t i = 0; i < n; i++) {
		if (!hooks[i].has_timeout)
			return -1;
		total += (long long)hooks[i].timeout * 1000;
	}
	return total;
}

void hooks_run_late(const skiff_context *ctx, const spec_config *cfg, pid_t pid,
		    skiff_status status, const char *bundle)
{
	bool post_start = status == SKIFF_STATUS_RUNNING;
	const spec_hook *hooks;
	size_t n;
	char *state;

	if (!cfg || !cfg->hooks)
		return;
	hooks = post_start ? cfg->hooks->poststart : cfg->hooks->poststop;
	n = post_start ? cfg->hooks->poststart_len : cfg->hooks->poststop_len;
	if (!n)
		return;
	state = hooks_state_json(cfg, ctx->id, pid, status, bundle);
	for (size_t i = 0; i < n; i++) {
		skiff_error problem;

		if (!state)
			skiff_fail(&problem, ENOMEM, "%s hooks", post_start ? "poststart" : "poststop");
		else if (run_one(&hooks[i], NULL, post_start ? "poststart" : "poststop", i, state,
				 &problem) == 0)
			continue;
		if (ctx->warn)
			ctx->warn(ctx->warn_data, &problem);
		if (!state)
			break;
	}
	free(state);
}

int hooks_run_poststart(const skiff_context *ctx, const spec_config *cfg, pid_t pid,
			const char *bundle, skiff_error *err)
{
	char *state;
	int rc;

	if (!cfg || !cfg->hooks || !cfg->hooks->poststart_len)
		return 0;
	state = hooks_state_json(cfg, ctx->id, pid, SKIFF_STATUS_RUNNING, bundle);
	if (!state)
		return skiff_fail(err, ENOMEM, "poststart hooks");
	rc = hooks_run(cfg->hooks->poststart, cfg->hooks->poststart_len, NULL, "poststart", state,
		       err);
	free(state);
	return rc;
}

char *hooks_state_json(const spec_config *cfg, const char *id, pid_t pid, skiff_status status,
		       const char *bundle)
{
	skiff_state st = {
		.oci_version = SKIFF_OCI_VERSION,
		.id = (char *)id,
		.pid = pid,
		.status = status,
		.bundle = (char *)bundle,
		.rootfs = "",
		.created = "",
		.owner = "",
		.annotations = cfg->annotations,
		.annotations_len = cfg->annotations_len,
	};
	char *json = NULL;

	if (skiff_state_to_json(&st, false, &json, NULL) < 0)
		return NULL;
	return json;
}
