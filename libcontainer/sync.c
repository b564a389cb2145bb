/*
 * The handshake between the runtime and the container's init runs over a
 * SOCK_SEQPACKET socketpair: one message per send, so a message is never
 * split, and EOF tells either side that the other died.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"

struct sync_msg {
	int type;
	skiff_error error;
};

int sync_send(int fd, enum sync_type type, const skiff_error *payload)
{
	struct sync_msg msg;
	ssize_t n;

	memset(&msg, 0, sizeof(msg));
	msg.type = type;
	if (payload)
		msg.error = *payload;
	do
		n = send(fd, &msg, sizeof(msg), MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(msg) ? 0 : -1;
}

int sync_recv(int fd, enum sync_type *type, skiff_error *payload, skiff_error *err)
{
	struct sync_msg msg;
	ssize_t n;

	do
		n = recv(fd, &msg, sizeof(msg), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return skiff_fail(err, errno, "read from the container's init");
	if (n == 0)
		return skiff_fail(err, EPIPE, "the peer exited during setup");
	if (n != (ssize_t)sizeof(msg))
		return skiff_fail(err, EPROTO, "short message during setup");
	*type = (enum sync_type)msg.type;
	if (payload) {
		*payload = msg.error;
		payload->message[sizeof(payload->message) - 1] = '\0';
		payload->context[sizeof(payload->context) - 1] = '\0';
	}
	return 0;
}
