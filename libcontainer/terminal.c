/*
 * process.terminal: a pty made inside the container's own devpts, whose
 * slave becomes the process's controlling terminal and stdio.  The master
 * goes back to the runtime, which hands it to --console-socket (the
 * protocol of conmon and the containerd shim) or proxies it to its own
 * terminal in a foreground run or exec.  The init's pty is the container's
 * /dev/console as well, as with runc and crun.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "internal.h"

/* The container's /dev, reached from "/" without following any symlink. */
static int open_dev(skiff_error *err)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS,
	};
	int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), fd, saved;

	if (root < 0)
		return skiff_fail_errno(err, errno, "open /");
	fd = (int)syscall(SYS_openat2, root, "dev", &how, sizeof(how));
	saved = errno;
	close(root);
	if (fd < 0)
		return skiff_fail_errno_at(err, saved, "/dev/console",
				     "open /dev to bind the console (no symlink is followed)");
	return fd;
}

/*
 * Bind the pty's slave over /dev/console, made as an empty file when the
 * root has none (a symlink there is replaced: the mount must land on
 * /dev/console itself).  Both ends go by fd (CVE-2025-52565): the source is
 * the slave we hold, not "/dev/pts/N", which a /dev not of our making may
 * hold as a symlink to, say, /proc/sys/kernel/core_pattern; the target is
 * opened with no symlink followed and must be a file or a character device.
 */
static int bind_console(int slave, skiff_error *err)
{
	struct stat st;
	int dev = open_dev(err), fd, rc;

	if (dev < 0)
		return -1;
	if (fstatat(dev, "console", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode) &&
	    unlinkat(dev, "console", 0) < 0) {
		rc = skiff_fail_errno(err, errno, "replace the symlink /dev/console");
		goto out;
	}
	if (mknodat(dev, "console", S_IFREG | 0600, 0) < 0 && errno != EEXIST) {
		rc = skiff_fail_errno(err, errno, "create /dev/console");
		goto out;
	}
	/* Whatever is there now, a symlink raced in included, is opened as
	 * itself and checked. */
	fd = openat(dev, "console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		rc = skiff_fail_errno(err, errno, "open /dev/console");
		goto out;
	}
	if (fstat(fd, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISCHR(st.st_mode)))
		rc = skiff_fail_msg_at(err, EPERM, "/dev/console",
					"/dev/console is neither a file nor a character device: refusing to bind the console there");
	else
		rc = fd_bind_onto(slave, fd, 0, "/dev/console", err);
	close(fd);
out:
	close(dev);
	return rc;
}

int terminal_setup(const spec_process *p, bool console, int *master_out, skiff_error *err)
{
	int master, slave;

	/* /dev/ptmx is the container's (pts/ptmx): the pty lives in its devpts. */
	master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return skiff_fail_errno(err, errno, "open /dev/ptmx in the container");
	if (unlockpt(master) < 0) {
		close(master);
		return skiff_fail_errno(err, errno, "unlockpt");
	}
	/* TIOCGPTPEER opens the slave through the master, never by a path
	 * the container could have replaced. */
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0) {
		close(master);
		return skiff_fail_errno(err, errno, "open the pty slave");
	}
	if (p->user && fchown(slave, p->user->uid, (gid_t)-1) < 0 && errno != EINVAL) {
		int saved = errno;

		close(slave);
		close(master);
		return skiff_fail_errno(err, saved, "chown the pty slave");
	}
	if (console && bind_console(slave, err) < 0) {
		close(slave);
		close(master);
		return -1;
	}
	if (p->console_size) {
		struct winsize ws = {
			.ws_row = (unsigned short)p->console_size->height,
			.ws_col = (unsigned short)p->console_size->width,
		};

		ioctl(master, TIOCSWINSZ, &ws);
	}
	if (ioctl(slave, TIOCSCTTY, 0) < 0 || dup2(slave, 0) < 0 || dup2(slave, 1) < 0 ||
	    dup2(slave, 2) < 0) {
		int saved = errno;

		close(slave);
		close(master);
		return skiff_fail_errno(err, saved, "make the pty the controlling terminal");
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
		return skiff_fail_errno_at(err, ENAMETOOLONG, socket_path, "console socket %s", socket_path);
	strcpy(addr.sun_path, socket_path);
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return skiff_fail_errno(err, errno, "console socket");
	if (connect(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int saved = errno;

		close(sock);
		return skiff_fail_errno_at(err, saved, socket_path, "connect to console socket %s",
				     socket_path);
	}
	/* conmon wants at least one byte of data with the descriptor. */
	if (send_with_fd(sock, name, sizeof(name) - 1, master) < 0) {
		int saved = errno;

		close(sock);
		return skiff_fail_errno_at(err, saved, socket_path, "send the pty to %s", socket_path);
	}
	close(sock);
	return 0;
}

int terminal_host(void)
{
	/* Any of stdio may be redirected ("exec -t ID cmd < file", "| less"):
	 * the first that is a terminal is the caller's, else the controlling
	 * terminal, as runc finds it. */
	for (int fd = 0; fd <= 2; fd++)
		if (isatty(fd))
			return fd;
	return open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
}

int terminal_raw(int fd, struct termios *saved)
{
	struct termios raw;

	if (fd < 0 || !isatty(fd) || tcgetattr(fd, saved) < 0)
		return -1;
	raw = *saved;
	/* Output post-processing too: the container's pty already turned
	 * each "\n" into "\r\n"; the caller's terminal doing it again
	 * printed "\r\r\n". */
	cfmakeraw(&raw);
	return tcsetattr(fd, TCSANOW, &raw);
}

void terminal_copy_size(int from, int to)
{
	struct winsize ws;

	/* A caller without a real size keeps process.consoleSize. */
	if (ioctl(from, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
		ioctl(to, TIOCSWINSZ, &ws);
}
