/*
 * --pidfd-socket (runc 1.2): hand the caller a pidfd of the container's
 * init (create, run) or of exec's process, so that an engine can wait for
 * it and signal it without racing pid reuse.  As runc does, the runtime
 * connects to the AF_UNIX stream socket at the path and sends the pidfd
 * with SCM_RIGHTS, a few bytes of data ("pidfd") with it, once the process
 * exists and before the command returns; a failure fails the command
 * (which then undoes what it made), so the engine never waits on a socket
 * that nothing will write to.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "internal.h"

int pidfd_socket_send(const char *path, pid_t pid, skiff_error *err)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	static const char name[] = "pidfd";
	int sock, pidfd, saved;

	if (!path)
		return 0;
	if (strlen(path) >= sizeof(addr.sun_path))
		return skiff_fail_at(err, ENAMETOOLONG, path, "pidfd socket %s", path);
	strcpy(addr.sun_path, path);
	/* Our child (the init or exec's process) until we return, so the pid
	 * is still its own here. */
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return skiff_fail(err, errno, "open a pidfd of pid %d", (int)pid);
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0) {
		saved = errno;
		close(pidfd);
		return skiff_fail(err, saved, "pidfd socket");
	}
	if (connect(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		saved = errno;
		skiff_fail_at(err, saved, path, "connect to pidfd socket %s", path);
		goto fail;
	}
	if (send_with_fd(sock, name, sizeof(name) - 1, pidfd) < 0) {
		saved = errno;
		skiff_fail_at(err, saved, path, "send the pidfd to %s", path);
		goto fail;
	}
	trace("pidfd of pid %d sent to %s", (int)pid, path);
	close(sock);
	close(pidfd);
	return 0;
fail:
	close(sock);
	close(pidfd);
	return -1;
}
