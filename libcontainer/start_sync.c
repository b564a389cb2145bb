/*
 * The start handshake between `start` and the waiting init, through two
 * fifos of the state directory (both opened by `create` for the init, which
 * never sees that directory):
 *
 *   start                                      the init's exec stub
 *   -----                                      (after READY; stub/stub.c)
 *                                              --------------------------
 *   open exec.reply (read), exec.fifo (write:
 *     ENXIO when no init holds it any more)
 *   write "0" to exec.fifo  -----------------> wakes up
 *                                              startContainer hooks
 *   wait, bounded, for                         load seccomp, execve: its
 *    - POLLERR on exec.fifo: no reader  <----- exec.fifo fd is close-on-exec,
 *      left, the program runs (or the          so the exec itself says so
 *      init died);
 *    - a message on exec.reply  <------------- "H" once startContainer hooks
 *                                              ran, "E<why>" when a hook, the
 *                                              seccomp load or execve failed
 *
 * The stub keeps its exec.fifo fd until exec for that: nothing else may
 * hold a read end (create closes its own as soon as the init has it), or
 * the POLLERR would never come; the wait is bounded all the same, so a
 * leaked fd, a stopped init or an exec held up by a seccomp agent cannot
 * hang `start`: START_EXEC_TIMEOUT_MS after the hooks (whose own timeouts
 * bound them; a hook without one is waited for, as the spec has `start`
 * run them), `start` returns and says the program is late.
 * exec.reply is opened O_RDWR by the init, so its writes never block nor
 * raise SIGPIPE, and `start` opens it before waking the init, so nothing
 * written is lost (a fifo's data lives while any end is open).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

int start_fifos_make(int statefd, int *go, int *reply, skiff_error *err)
{
	*go = *reply = -1;
	if (mkfifoat(statefd, EXEC_FIFO_NAME, 0600) < 0 ||
	    mkfifoat(statefd, EXEC_REPLY_NAME, 0600) < 0)
		return skiff_fail_errno(err, errno, "create the exec fifo");
	/* Inside a user namespace the init could not open a file of the state
	 * directory, and it never sees that directory at all. */
	*go = openat(statefd, EXEC_FIFO_NAME, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (*go >= 0)
		*reply = openat(statefd, EXEC_REPLY_NAME, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (*reply < 0) {
		int saved = errno;

		if (*go >= 0)
			close(*go);
		*go = -1;
		return skiff_fail_errno(err, saved, "open the exec fifo");
	}
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* What the init wrote: 1 for "hooks done", -1 for its failure, else 0.
 * Both messages fit in PIPE_BUF together, so one read takes them. */
static int read_reply(int reply, skiff_error *err)
{
	char msg[PIPE_BUF + 1], *p = msg;
	ssize_t n = reply < 0 ? -1 : read(reply, msg, sizeof(msg) - 1);
	int rc = 0;

	if (n <= 0)
		return 0;
	msg[n] = '\0';
	for (; *p == 'H'; p++)
		rc = 1;
	if (*p == 'E')
		return skiff_fail_msg(err, 0, "%s", p + 1);
	return rc;
}

/*
 * A write to a fifo whose reader has gone raises SIGPIPE, which would kill
 * the caller of a library: the init can die (a concurrent `kill`) between
 * start's open of exec.fifo and its write.  So SIGPIPE is blocked for the
 * write, and one it raised is taken (it goes to the writing thread).
 */
static ssize_t write_no_sigpipe(int fd, const void *buf, size_t len)
{
	sigset_t pipe_only, old;
	ssize_t n;
	int saved;

	sigemptyset(&pipe_only);
	sigaddset(&pipe_only, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
	n = write(fd, buf, len);
	saved = errno;
	if (n < 0 && saved == EPIPE && !sigismember(&old, SIGPIPE)) {
		struct timespec now = { 0, 0 };

		sigtimedwait(&pipe_only, NULL, &now);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = saved;
	return n;
}

int start_release(int dirfd, int pidfd, int hooks_ms, bool *late, skiff_error *err)
{
	int reply, go, rc = 0;
	long long deadline;

	*late = false;
	/* No exec.reply: a container made by an older skiff, which only
	 * needs the fifo. */
	reply = openat(dirfd, EXEC_REPLY_NAME, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	/* Non-blocking: with no init left there is no reader, and ENXIO says
	 * so instead of hanging. */
	go = openat(dirfd, EXEC_FIFO_NAME, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (go < 0) {
		rc = skiff_fail_errno(err, errno == ENXIO ? 0 : errno,
				"cannot start a container that has stopped");
		goto out;
	}
	if (write_no_sigpipe(go, "0", 1) != 1) {
		/* EPIPE: the init went since the open, as ENXIO above. */
		if (errno == EPIPE)
			rc = skiff_fail_msg(err, 0, "cannot start a container that has stopped");
		else
			rc = skiff_fail_errno(err, errno, "start the container");
		goto out;
	}
	/* Gone from the directory at once: from here state says running. */
	unlinkat(dirfd, EXEC_FIFO_NAME, 0);
	unlinkat(dirfd, EXEC_REPLY_NAME, 0);
	deadline = hooks_ms < 0 ? -1 : now_ms() + hooks_ms + START_EXEC_TIMEOUT_MS;
	for (;;) {
		struct pollfd fds[3] = {
			{ .fd = go, .events = 0 },          /* POLLERR: no reader left */
			{ .fd = reply, .events = POLLIN },  /* the init's failure */
			{ .fd = pidfd, .events = POLLIN },  /* the init died */
		};
		long long left = deadline < 0 ? -1 : deadline - now_ms();
		int n;

		if (deadline >= 0 && left <= 0) {
			*late = true;
			break;
		}
		n = poll(fds, 3, (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = skiff_fail_errno(err, errno, "wait for the container's process");
			break;
		}
		if (fds[1].revents & POLLIN) {
			rc = read_reply(reply, err);
			if (rc < 0) {
				rc = -2;
				break;
			}
			if (rc > 0) /* the hooks are done: the exec is next */
				deadline = now_ms() + START_EXEC_TIMEOUT_MS;
			rc = 0;
		}
		if (fds[0].revents & (POLLERR | POLLHUP) || fds[2].revents & POLLIN) {
			/* A failure is written before the init lets go of the fifo. */
			rc = read_reply(reply, err) < 0 ? -2 : 0;
			break;
		}
	}
out:
	if (go >= 0)
		close(go);
	if (reply >= 0)
		close(reply);
	return rc;
}
