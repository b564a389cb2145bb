/*
 * recv-pidfd SOCKET [SIGNAL]: the receiving end of --pidfd-socket, as an
 * engine has it.  Listens on the AF_UNIX stream socket SOCKET (made here;
 * "listening" is printed to stderr once it accepts), takes one connection,
 * (failing if none comes within 60 s), and reads one message carrying a file descriptor by SCM_RIGHTS.  Checks
 * the fd is a pidfd (its /proc/self/fdinfo has a "Pid:" line, which only
 * pidfds have) and prints "pid N" (N from fdinfo: the process the pidfd
 * refers to) and the data that came with it ("data pidfd").  With SIGNAL
 * (a number) it then sends it through the pidfd (pidfd_send_signal) and
 * waits until the pidfd is readable, which is when the process has exited,
 * and prints "exited".  Exits 1 on any failure, saying why.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static int fail(const char *what)
{
	fprintf(stderr, "recv-pidfd: %s: %s\n", what, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char data[64] = "", cbuf[CMSG_SPACE(sizeof(int))], path[64], line[256];
	struct iovec iov = { data, sizeof(data) - 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	int sock, conn, fd = -1;
	long pid = -2;
	ssize_t n;
	FILE *f;

	if (argc < 2 || strlen(argv[1]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "usage: recv-pidfd SOCKET [SIGNAL]\n");
		return 2;
	}
	strcpy(addr.sun_path, argv[1]);
	sock = socket(AF_UNIX, SOCK_STREAM, 0);
	if (sock < 0 || bind(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(sock, 1) < 0)
		return fail("listen");
	fprintf(stderr, "listening\n");
	/* A runtime that never connects fails the test in a minute, never
	 * hangs it. */
	struct pollfd lp = { .fd = sock, .events = POLLIN };

	if (poll(&lp, 1, 60000) == 0) {
		fprintf(stderr, "recv-pidfd: nothing connected within 60 s\n");
		return 1;
	}
	conn = accept(sock, NULL, NULL);
	if (conn < 0)
		return fail("accept");
	n = recvmsg(conn, &msg, 0);
	if (n < 0)
		return fail("recvmsg");
	data[n] = '\0';
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	if (fd < 0) {
		fprintf(stderr, "recv-pidfd: no file descriptor came (data \"%s\")\n", data);
		return 1;
	}
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return fail(path);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Pid: %ld", &pid) == 1)
			break;
	fclose(f);
	if (pid == -2) {
		fprintf(stderr, "recv-pidfd: fd %d is not a pidfd (no Pid: in its fdinfo)\n", fd);
		return 1;
	}
	if (pid < 0) {
		fprintf(stderr, "recv-pidfd: fd %d is a pidfd of a process that has exited already\n", fd);
		return 1;
	}
	printf("pid %ld\ndata %s\n", pid, data);
	fflush(stdout);
	if (argc > 2) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (syscall(SYS_pidfd_send_signal, fd, atoi(argv[2]), NULL, 0) < 0)
			return fail("pidfd_send_signal");
		while (poll(&p, 1, -1) < 0)
			if (errno != EINTR)
				return fail("poll");
		printf("exited\n");
	}
	return 0;
}
