/*
 * reap RESULT PIDFILE TIMEOUT CMD...: run CMD (a runtime's `create` and
 * `start`, as engines call them) as a child subreaper's child, so the
 * container's init, orphaned when `create` exits, becomes ours; once CMD
 * has exited, wait up to TIMEOUT seconds for the pid in PIDFILE and write
 * to RESULT "cmd N" (CMD's exit status) and "exit N", "signal N" or
 * "timeout" (the container process's end; SIGKILLed on timeout).
 * tests/diff/run.sh compares those across runtimes.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void note(FILE *f, int status)
{
	if (WIFSIGNALED(status))
		fprintf(f, "signal %d\n", WTERMSIG(status));
	else
		fprintf(f, "exit %d\n", WEXITSTATUS(status));
}

#define MAX_EARLY 64

int main(int argc, char **argv)
{
	struct { pid_t pid; int status; } early[MAX_EARLY];
	int status, timeout, cmd_status, early_count = 0, i;
	pid_t cmd, init = -1, pid;
	time_t deadline;
	FILE *result, *pf;

	if (argc < 5) {
		fprintf(stderr, "usage: reap RESULT PIDFILE TIMEOUT CMD [ARGS...]\n");
		return 2;
	}
	timeout = atoi(argv[3]);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
		perror("reap: prctl");
		return 2;
	}
	cmd = fork();
	if (cmd < 0) {
		perror("reap: fork");
		return 2;
	}
	if (cmd == 0) {
		/* Every signal default and unblocked, so the runtimes compared
		 * all start alike, whatever the caller ignores (make check's
		 * harness ignores some): the raw syscall, as glibc's sigaction
		 * refuses its own signals 32 and 33. */
		struct { void *handler; unsigned long flags; void *restorer; unsigned long mask; }
			dfl = { SIG_DFL, 0, NULL, 0 };
		sigset_t none;

		for (int sig = 1; sig <= 64; sig++)
			if (sig != SIGKILL && sig != SIGSTOP)
				syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof(dfl.mask));
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execvp(argv[4], argv + 4);
		perror("reap: exec");
		_exit(127);
	}
	result = fopen(argv[1], "w");
	if (!result) {
		perror("reap: result file");
		return 2;
	}
	/* CMD first; orphans that end meanwhile are reaped and kept (the
	 * container's process may end before `start` returns, and only the
	 * pid file, read later, says which it was). */
	for (;;) {
		pid = waitpid(-1, &status, 0);
		if (pid == cmd)
			break;
		if (pid > 0 && early_count < MAX_EARLY) {
			early[early_count].pid = pid;
			early[early_count++].status = status;
		} else if (pid < 0 && errno != EINTR) {
			perror("reap: waitpid");
			return 2;
		}
	}
	cmd_status = status;
	fprintf(result, "cmd %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	pf = fopen(argv[2], "r");
	if (pf) {
		if (fscanf(pf, "%d", &init) != 1)
			init = -1;
		fclose(pf);
	}
	if (init <= 0 || !WIFEXITED(cmd_status) || WEXITSTATUS(cmd_status) != 0) {
		/* No container to wait for; reap what the runtime left. */
		if (init > 0)
			kill(init, SIGKILL);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		fclose(result);
		return 0;
	}
	for (i = 0; i < early_count; i++)
		if (early[i].pid == init) {
			note(result, early[i].status);
			goto done;
		}
	deadline = time(NULL) + timeout;
	for (;;) {
		struct timespec tick = { 0, 10 * 1000 * 1000 };

		pid = waitpid(-1, &status, WNOHANG);
		if (pid == init) {
			note(result, status);
			break;
		}
		if (pid < 0 && errno == ECHILD) {
			/* Not ours: the runtime parked it elsewhere. */
			fprintf(result, "exit unknown\n");
			break;
		}
		if (pid > 0)
			continue;
		if (time(NULL) > deadline) {
			kill(init, SIGKILL);
			fprintf(result, "timeout\n");
			break;
		}
		nanosleep(&tick, NULL);
	}
done:
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	fclose(result);
	return 0;
}
