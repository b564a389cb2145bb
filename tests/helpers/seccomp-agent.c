/*
 * A seccomp agent for the tests: it listens on SOCKET and takes every
 * container process state that comes (JSON + the listener fd, as the
 * runtime-spec describes: the init's at create, one more per exec),
 * writes the first JSON to STATE (the Nth, N > 1, to STATE.N), then
 * answers every notification until each process it got a listener for
 * is gone:
 *   errno:N    the syscall fails with errno N
 *   fake       the syscall "succeeds" (returns 0) without being run
 *   continue   the kernel runs it as if there were no filter
 *   hold:FILE  the process waits, unanswered, until FILE exists (60 s at
 *              most), then as continue: the tests look at a process
 *              stopped at a syscall, from outside
 * Each notified syscall is printed on stdout by name ("NAME PID" with
 * hold:, PID as the agent's pid namespace sees it).
 *   usage: seccomp-agent SOCKET STATE MODE
 */
#include <errno.h>
#include <poll.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* Listeners at once: the init's and a few of exec's are plenty. */
#define MAX_LISTENERS 32

static int receive_state(int conn, const char *state_path)
{
	char buf[65536], control[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) - 1 };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control, .msg_controllen = sizeof(control),
	};
	struct cmsghdr *cm;
	size_t used;
	ssize_t n;
	int fd = -1;
	FILE *out;

	n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
	if (n <= 0)
		return -1;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
			memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	used = (size_t)n;
	/* The rest of the JSON, if the runtime sent it in several parts. */
	while (used < sizeof(buf) - 1 && (n = read(conn, buf + used, sizeof(buf) - 1 - used)) > 0)
		used += (size_t)n;
	buf[used] = '\0';
	out = fopen(state_path, "w");
	if (!out || fputs(buf, out) < 0 || fclose(out) != 0)
		return -1;
	return fd;
}

/* hold:FILE: wait for FILE to appear, 60 s at most. */
static void hold_until(const char *file)
{
	struct timespec tick = { 0, 20 * 1000000L };
	struct stat st;

	for (int i = 0; i < 3000 && stat(file, &st) < 0; i++)
		nanosleep(&tick, NULL);
}

static void answer(int notify_fd, struct seccomp_notif *req, struct seccomp_notif_resp *resp,
		   const char *mode)
{
	char *name;

	memset(req, 0, sizeof(*req));
	if (seccomp_notify_receive(notify_fd, req) < 0)
		return;
	name = seccomp_syscall_resolve_num_arch(req->data.arch, req->data.nr);
	if (!strncmp(mode, "hold:", 5))
		printf("%s %u\n", name ? name : "?", req->pid);
	else
		printf("%s\n", name ? name : "?");
	fflush(stdout);
	free(name);
	memset(resp, 0, sizeof(*resp));
	resp->id = req->id;
	if (!strncmp(mode, "hold:", 5))
		hold_until(mode + 5);
	if (!strcmp(mode, "continue") || !strncmp(mode, "hold:", 5))
		resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	else if (strncmp(mode, "errno:", 6) == 0)
		resp->error = -atoi(mode + 6);
	seccomp_notify_respond(notify_fd, resp);
}

int main(int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	/* [0] the socket, then one per listener (-1 once it hung up) */
	struct pollfd pfds[1 + MAX_LISTENERS];
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	size_t taken = 0, open_ones = 0;
	const char *mode;
	int lsock;

	if (argc != 4 || strlen(argv[1]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "usage: seccomp-agent SOCKET STATE errno:N|fake|continue|hold:FILE\n");
		return 2;
	}
	mode = argv[3];
	strcpy(addr.sun_path, argv[1]);
	unlink(argv[1]);
	lsock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lsock < 0 || bind(lsock, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(lsock, 4) < 0) {
		perror("seccomp-agent: listen");
		return 1;
	}
	if (seccomp_notify_alloc(&req, &resp) < 0)
		return 1;
	pfds[0] = (struct pollfd){ .fd = lsock, .events = POLLIN };
	/* Until the first listener came and every one taken hung up
	 * (POLLHUP: all processes using that filter are gone). */
	while (taken == 0 || open_ones > 0) {
		if (poll(pfds, 1 + taken, 30000) <= 0)
			break;
		for (size_t i = 0; i < taken; i++) {
			struct pollfd *p = &pfds[1 + i];

			if (p->fd < 0 || !p->revents)
				continue;
			if (p->revents & (POLLHUP | POLLERR)) {
				close(p->fd);
				p->fd = -1;
				open_ones--;
			} else {
				answer(p->fd, req, resp, mode);
			}
		}
		if ((pfds[0].revents & POLLIN) && taken < MAX_LISTENERS) {
			char path[4096];
			int conn = accept(lsock, NULL, NULL), fd;

			if (conn < 0)
				continue;
			if (taken == 0)
				snprintf(path, sizeof(path), "%s", argv[2]);
			else
				snprintf(path, sizeof(path), "%s.%zu", argv[2], taken + 1);
			fd = receive_state(conn, path);
			close(conn);
			if (fd < 0) {
				fprintf(stderr, "seccomp-agent: no listener fd received\n");
				return 1;
			}
			pfds[1 + taken++] = (struct pollfd){ .fd = fd, .events = POLLIN };
			open_ones++;
		}
	}
	seccomp_notify_free(req, resp);
	return 0;
}
