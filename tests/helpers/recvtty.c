/*
 * recvtty: a --console-socket receiver for tests, like conmon's end.
 *   recvtty SOCKET INPUT
 * Listens on SOCKET, takes one pty master over SCM_RIGHTS, writes INPUT
 * (with \n escapes) to it, then copies everything the pty says to stdout
 * until it closes or 10 s pass.  Prints "recvtty: data=<bytes>" to stderr
 * so a test can check the data that came with the descriptor.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void unescape(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] == 'n') {
			*out++ = '\n';
			s++;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

int main(int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char data[256], control[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
			     .msg_controllen = sizeof(control) };
	struct cmsghdr *cm;
	int lsock, conn, master = -1;
	ssize_t n;

	if (argc != 3 || strlen(argv[1]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "usage: recvtty SOCKET INPUT\n");
		return 2;
	}
	strcpy(addr.sun_path, argv[1]);
	lsock = socket(AF_UNIX, SOCK_STREAM, 0);
	if (lsock < 0 || bind(lsock, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(lsock, 1) < 0) {
		perror("recvtty: listen");
		return 1;
	}
	conn = accept(lsock, NULL, NULL);
	if (conn < 0) {
		perror("recvtty: accept");
		return 1;
	}
	n = recvmsg(conn, &mh, 0);
	if (n <= 0) {
		fprintf(stderr, "recvtty: no message with the descriptor\n");
		return 1;
	}
	data[n] = '\0';
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
			memcpy(&master, CMSG_DATA(cm), sizeof(int));
	if (master < 0) {
		fprintf(stderr, "recvtty: no descriptor\n");
		return 1;
	}
	fprintf(stderr, "recvtty: data=%s\n", data);
	unescape(argv[2]);
	if (write(master, argv[2], strlen(argv[2])) < 0)
		perror("recvtty: write");
	for (;;) {
		struct pollfd pfd = { .fd = master, .events = POLLIN };
		char buf[4096];

		if (poll(&pfd, 1, 10000) <= 0)
			break;
		n = read(master, buf, sizeof(buf));
		if (n <= 0)
			break; /* EIO: the last slave closed */
		fwrite(buf, 1, (size_t)n, stdout);
		fflush(stdout);
	}
	return 0;
}
