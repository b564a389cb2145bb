/*
 * subreaper CMD...: run CMD as a child subreaper's child, wait for it, give
 * stray processes half a second to die, then report on stdout how many
 * zombies CMD left us ("zombies: N") before reaping them.  A zombie here is
 * a process that died while CMD (or something under it) should have reaped
 * it: when CMD exits, its unreaped children are reparented to us.
 * Exits with CMD's status (128+N for signal N).
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec half = { 0, 500000000 };
	int status, zombies = 0;
	siginfo_t si;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: subreaper CMD [ARGS...]\n");
		return 2;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
		perror("subreaper: prctl");
		return 2;
	}
	pid = fork();
	if (pid < 0) {
		perror("subreaper: fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		perror("subreaper: exec");
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid) {
		perror("subreaper: waitpid");
		return 2;
	}
	nanosleep(&half, NULL);
	/* Count the dead children, reaping each. */
	for (;;) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG) < 0 || si.si_pid == 0)
			break;
		zombies++;
	}
	printf("zombies: %d\n", zombies);
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}
