/*
 * Static, to run inside a busybox rootfs: makes syscall number NR with all
 * arguments 0 and prints how it went ("ok" or the errno's text), so tests
 * can see which action a seccomp profile takes for a syscall busybox has
 * no applet for.
 *   usage: try-syscall NR
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long nr, ret;

	if (argc != 2) {
		fprintf(stderr, "usage: try-syscall NR\n");
		return 2;
	}
	nr = strtol(argv[1], NULL, 10);
	ret = syscall(nr, 0L, 0L, 0L, 0L, 0L, 0L);
	if (ret < 0) {
		printf("%s\n", strerror(errno));
		return 1;
	}
	printf("ok\n");
	return 0;
}
