/*
 * The handshake between the runtime and a process it starts in a container
 * (the init, or a process of `exec`) runs over a SOCK_SEQPACKET socketpair:
 * one message per send, so a message is never split, and EOF tells either
 * side that the other died.  A message may carry one file descriptor (the
 * pty master) and one number (the init's host pid).
 *
 * After READY the process execs the exec stub (stub/stub.c), which has no
 * struct sync_msg: it may send one short datagram "E<why>" (a label it
 * could not apply) before it lets go of the socket; that reads as
 * SYNC_ERROR.
 *
 * With tracing on (trace.c) the child also sends SYNC_TRACE lines at any
 * time; every receive here passes them to the caller's callback and goes
 * on waiting, so the runtime drains them wherever it waits.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "internal.h"

struct sync_msg {
	int type;
	long long value;
	skiff_error error;
};

int sync_send_full(int sock, enum sync_type type, long long value, int passfd,
		   const skiff_error *payload)
{
	struct sync_msg msg;

	memset(&msg, 0, sizeof(msg));
	msg.type = type;
	msg.value = value;
	if (payload)
		msg.error = *payload;
	return send_with_fd(sock, &msg, sizeof(msg), passfd) == (ssize_t)sizeof(msg) ? 0 : -1;
}

int sync_send(int sock, enum sync_type type, const skiff_error *payload)
{
	return sync_send_full(sock, type, 0, -1, payload);
}

int sync_recv_full(int sock, enum sync_type *type, long long *value, int *fd_out,
		   skiff_error *payload, skiff_error *err)
{
	char control[CMSG_SPACE(sizeof(int))];
	struct sync_msg msg;
	struct iovec iov = { .iov_base = &msg, .iov_len = sizeof(msg) };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control,
		.msg_controllen = sizeof(control),
	};
	struct cmsghdr *cm;
	ssize_t n;

	if (fd_out)
		*fd_out = -1;
again:
	mh.msg_controllen = sizeof(control);
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return skiff_fail_errno(err, errno, "read from the container process");
	if (n == 0)
		return skiff_fail_msg(err, EPIPE, "the peer exited during setup");
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
			int fd;

			memcpy(&fd, CMSG_DATA(cm), sizeof(int));
			if (fd_out)
				*fd_out = fd;
			else
				close(fd);
		}
	}
	if (n > 1 && n < (ssize_t)sizeof(msg) && ((const char *)&msg)[0] == 'E') {
		const char *text = (const char *)&msg + 1;

		*type = SYNC_ERROR;
		if (payload) {
			skiff_error_clear(payload);
			skiff_fail_msg(payload, 0, "%.*s", (int)(n - 1), text);
		}
		return 0;
	}
	if (n != (ssize_t)sizeof(msg))
		return skiff_fail_msg(err, EPROTO, "short message during setup");
	/* The child's debug lines (trace.c), between the messages awaited. */
	if (msg.type == SYNC_TRACE) {
		msg.error.message[sizeof(msg.error.message) - 1] = '\0';
		trace_deliver(msg.error.message);
		goto again;
	}
	*type = (enum sync_type)msg.type;
	if (value)
		*value = msg.value;
	if (payload) {
		*payload = msg.error;
		payload->message[sizeof(payload->message) - 1] = '\0';
		payload->context[sizeof(payload->context) - 1] = '\0';
	}
	return 0;
}

int sync_recv(int sock, enum sync_type *type, skiff_error *payload, skiff_error *err)
{
	return sync_recv_full(sock, type, NULL, NULL, payload, err);
}

int sync_await_exec(int sock, skiff_error *err)
{
	enum sync_type type;
	skiff_error peer, ignored;

	/* The end of the socket: the stub let go of it (or the process died,
	 * which its state then says, as after any later death). */
	if (sync_recv(sock, &type, &peer, &ignored) < 0)
		return 0;
	if (type == SYNC_ERROR) {
		if (err)
			*err = peer;
		return -1;
	}
	return skiff_fail_msg(err, EPROTO, "unexpected message %d from the container process", (int)type);
}
