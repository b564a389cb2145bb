/*
 * A seccomp agent for the tests: it listens on SOCKET, takes one container
 * process state (JSON + the listener fd, as the runtime-spec describes),
 * writes the JSON to STATE, then answers every notification until the
 * container is gone:
 *   errno:N   the syscall fails with errno N
 *   fake      the syscall "succeeds" (returns 0) without being run
 *   continue  the kernel runs it as if there were no filter
 * Each notified syscall is printed on stdout by name.
 *   usage: seccomp-agent SOCKET STATE MODE
 */
#include <errno.h>
#include <poll.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

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

int main(int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	int lsock, conn, notify_fd, reply_errno = 0;
	const char *mode;

	if (argc != 4 || strlen(argv[1]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "usage: seccomp-agent SOCKET STATE errno:N|fake|continue\n");
		return 2;
	}
	mode = argv[3];
	if (!strncmp(mode, "errno:", 6))
		reply_errno = atoi(mode + 6);
	strcpy(addr.sun_path, argv[1]);
	unlink(argv[1]);
	lsock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lsock < 0 || bind(lsock, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(lsock, 1) < 0) {
		perror("seccomp-agent: listen");
		return 1;
	}
	conn = accept(lsock, NULL, NULL);
	if (conn < 0) {
		perror("seccomp-agent: accept");
		return 1;
	}
	notify_fd = receive_state(conn, argv[2]);
	close(conn);
	close(lsock);
	if (notify_fd < 0) {
		fprintf(stderr, "seccomp-agent: no listener fd received\n");
		return 1;
	}
	if (seccomp_notify_alloc(&req, &resp) < 0)
		return 1;
	for (;;) {
		struct pollfd pfd = { .fd = notify_fd, .events = POLLIN };
		char *name;

		/* POLLHUP: every process using the filter is gone. */
		if (poll(&pfd, 1, 30000) <= 0 || (pfd.revents & (POLLHUP | POLLERR)))
			break;
		memset(req, 0, sizeof(*req));
		if (seccomp_notify_receive(notify_fd, req) < 0)
			continue;
		name = seccomp_syscall_resolve_num_arch(req->data.arch, req->data.nr);
		printf("%s\n", name ? name : "?");
		fflush(stdout);
		free(name);
		memset(resp, 0, sizeof(*resp));
		resp->id = req->id;
		if (!strcmp(mode, "continue"))
			resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		else if (reply_errno)
			resp->error = -reply_errno;
		seccomp_notify_respond(notify_fd, resp);
	}
	seccomp_notify_free(req, resp);
	return 0;
}
