/*
 * Waiting for a foreground container process (run, exec): signals the
 * caller receives are forwarded to it, and with a terminal the pty master
 * is proxied to the caller's stdin and stdout, in raw mode, with the
 * window size following the caller's.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "internal.h"

static int exit_code(int status)
{
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* Copy what is readable on from to to; 0 at EOF (or EIO: the pty's last
 * slave closed), -1 on another error, else the bytes moved. */
static ssize_t pump(int from, int to)
{
	char buf[8192];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : (errno == EIO ? 0 : -1);
	if (n > 0 && write_all(to, buf, (size_t)n) < 0)
		return -1;
	return n;
}

/* Reap what has exited: pid (then *done and *status are set) and, with
 * all, every other child too. */
static void reap(pid_t pid, bool all, bool *done, int *status)
{
	for (;;) {
		int st;
		pid_t got = waitpid(all ? -1 : pid, &st, WNOHANG);

		if (got <= 0)
			return;
		if (got == pid) {
			*status = st;
			*done = true;
		}
		if (!all)
			return;
	}
}

int wait_foreground(pid_t pid, const sigset_t *forward, int master, bool reap_all,
		    int *exit_status, skiff_error *err)
{
	struct termios saved;
	bool raw = false, child_done = false;
	int sfd, status = 0, host = -1;
	struct pollfd fds[3];

	sfd = signalfd(-1, forward, SFD_CLOEXEC);
	if (sfd < 0)
		return skiff_fail_errno(err, errno, "signalfd");
	if (master >= 0) {
		host = terminal_host();
		raw = terminal_raw(host, &saved) == 0;
		terminal_copy_size(host, master);
	}
	fds[0] = (struct pollfd){ .fd = sfd, .events = POLLIN };
	fds[1] = (struct pollfd){ .fd = master >= 0 ? 0 : -1, .events = POLLIN };
	fds[2] = (struct pollfd){ .fd = master, .events = POLLIN };
	/* Done when the process is gone and its terminal output drained. */
	while (!child_done || fds[2].fd >= 0) {
		if (poll(fds, 3, child_done ? 100 : -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (child_done && !(fds[2].revents & (POLLIN | POLLHUP)))
			break;
		if (fds[0].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGCHLD) {
					reap(pid, reap_all, &child_done, &status);
				} else if (si.ssi_signo == SIGWINCH && master >= 0) {
					terminal_copy_size(host, master);
				} else {
					kill(pid, (int)si.ssi_signo);
				}
			}
		}
		if (fds[1].revents & (POLLIN | POLLHUP) && pump(0, master) <= 0)
			fds[1].fd = -1;
		if (fds[2].revents & (POLLIN | POLLHUP) && pump(master, 1) <= 0)
			fds[2].fd = -1;
	}
	if (!child_done && waitpid(pid, &status, 0) < 0) {
		int saved_errno = errno;

		if (raw)
			tcsetattr(host, TCSANOW, &saved);
		if (host > 2)
			close(host);
		close(sfd);
		return skiff_fail_errno(err, saved_errno, "wait for the container's process");
	}
	/* Orphans that died with the process, reparented to us. */
	if (reap_all)
		reap(pid, true, &child_done, &status);
	if (raw)
		tcsetattr(host, TCSANOW, &saved);
	if (host > 2)
		close(host);
	close(sfd);
	*exit_status = exit_code(status);
	return 0;
}
