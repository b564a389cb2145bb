/*
 * process.terminal: a pty made inside the container's own devpts, whose
 * slave becomes the process's controlling terminal and stdio.  The master
 * goes back to the runtime, which hands it to --console-socket (the
 * protocol of conmon and the containerd shim) or proxies it to its own
 * terminal in a foreground run or exec.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/mount.h>
#include <termios.h>
#include <unistd.h>

#include "internal.h"

/* config-linux.md#default-devices: with a terminal, /dev/console is "set
 * up ... by bind mounting the pseudoterminal pty to /dev/console".  The
 * target is found inside the root without following links the image may
 * have planted; the source is the slave itself, through its fd. */
static int bind_console(int slave, skiff_error *err)
{
	char from[64], to[64];
	int root, target, rc = 0;

	root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return skiff_fail(err, errno, "open /");
	target = path_open_in_root(root, "/dev/console", true, true, err);
	close(root);
	if (target < 0)
		return skiff_error_prefix(err, "/dev/console");
	snprintf(from, sizeof(from), "/proc/self/fd/%d", slave);
	snprintf(to, sizeof(to), "/proc/self/fd/%d", target);
	if (mount(from, to, NULL, MS_BIND, NULL) < 0)
		rc = skiff_fail(err, errno, "bind mount the pty on /dev/console");
	close(target);
	return rc;
}

int terminal_setup(const spec_process *p, bool console, int *master_out, skiff_error *err)
{
	int master, slave;

	/* /dev/ptmx is the container's (pts/ptmx): the pty lives in its devpts. */
	master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return skiff_fail(err, errno, "open /dev/ptmx in the container");
	if (unlockpt(master) < 0) {
		close(master);
		return skiff_fail(err, errno, "unlockpt");
	}
	/* TIOCGPTPEER opens the slave through the master, never by a path
	 * the container could have replaced. */
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0) {
		close(master);
		return skiff_fail(err, errno, "open the pty slave");
	}
	if (p->user && fchown(slave, p->user->uid, (gid_t)-1) < 0 && errno != EINVAL) {
		int saved = errno;

		close(slave);
		close(master);
		return skiff_fail(err, saved, "chown the pty slave");
	}
	if (p->console_size) {
		struct winsize ws = {
			.ws_row = (unsigned short)p->console_size->height,
			.ws_col = (unsigned short)p->console_size->width,
		};

		ioctl(master, TIOCSWINSZ, &ws);
	}
	if (console && bind_console(slave, err) < 0) {
		close(slave);
		close(master);
		return -1;
	}
	if (ioctl(slave, TIOCSCTTY, 0) < 0 || dup2(slave, 0) < 0 || dup2(slave, 1) < 0 ||
	    dup2(slave, 2) < 0) {
		int saved = errno;

		close(slave);
		close(master);
		return skiff_fail(err, saved, "make the pty the controlling terminal");
	}
	if (slave > 2)
		close(slave);
	*master_out = master;
	return 0;
}

int terminal_send(const char *socket_path, int master, skiff_error *err)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	static const char name[] = "/dev/ptmx";
	int sock;

	if (strlen(socket_path) >= sizeof(addr.sun_path))
		return skiff_fail_at(err, ENAMETOOLONG, socket_path, "console socket %s", socket_path);
	strcpy(addr.sun_path, socket_path);
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return skiff_fail(err, errno, "console socket");
	if (connect(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int saved = errno;

		close(sock);
		return skiff_fail_at(err, saved, socket_path, "connect to console socket %s",
				     socket_path);
	}
	/* conmon wants at least one byte of data with the descriptor. */
	if (send_with_fd(sock, name, sizeof(name) - 1, master) < 0) {
		int saved = errno;

		close(sock);
		return skiff_fail_at(err, saved, socket_path, "send the pty to %s", socket_path);
	}
	close(sock);
	return 0;
}

int terminal_raw(int fd, struct termios *saved)
{
	struct termios raw;

	if (!isatty(fd) || tcgetattr(fd, saved) < 0)
		return -1;
	raw = *saved;
	cfmakeraw(&raw);
	/* Output post-processing stays: the container's pty already did it. */
	raw.c_oflag = saved->c_oflag;
	return tcsetattr(fd, TCSANOW, &raw);
}

void terminal_copy_size(int from, int to)
{
	struct winsize ws;

	/* A caller without a real size keeps process.consoleSize. */
	if (ioctl(from, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
		ioctl(to, TIOCSWINSZ, &ws);
}
