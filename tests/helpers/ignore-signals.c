/*
 * ignore-signals N[,N...] CMD [ARGS...]: run CMD with signals N ignored,
 * by the raw syscall, which also sets 32 and 33 (glibc's sigaction()
 * refuses them): a caller whose ignored signals must not reach a container.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct kernel_sigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	unsigned long mask;
};

int main(int argc, char **argv)
{
	const struct kernel_sigaction ign = { .handler = SIG_IGN };
	char *list, *save = NULL;

	if (argc < 3) {
		fprintf(stderr, "usage: ignore-signals N[,N...] CMD [ARGS...]\n");
		return 2;
	}
	list = strdup(argv[1]);
	for (char *n = strtok_r(list, ",", &save); n; n = strtok_r(NULL, ",", &save)) {
		if (syscall(SYS_rt_sigaction, atoi(n), &ign, NULL, sizeof(ign.mask)) < 0) {
			perror("rt_sigaction");
			return 2;
		}
	}
	execvp(argv[2], argv + 2);
	perror(argv[2]);
	return 127;
}
