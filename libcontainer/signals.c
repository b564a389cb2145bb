/* Signal names as runc and kill(1) spell them, both ways; and the
 * dispositions a container's process starts with. */
#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

static const struct {
	const char *name;
	int signo;
} signals[] = {
	{ "HUP", SIGHUP },     { "INT", SIGINT },       { "QUIT", SIGQUIT },
	{ "ILL", SIGILL },     { "TRAP", SIGTRAP },     { "ABRT", SIGABRT },
	{ "IOT", SIGIOT },     { "BUS", SIGBUS },       { "FPE", SIGFPE },
	{ "KILL", SIGKILL },   { "USR1", SIGUSR1 },     { "SEGV", SIGSEGV },
	{ "USR2", SIGUSR2 },   { "PIPE", SIGPIPE },     { "ALRM", SIGALRM },
	{ "TERM", SIGTERM },   { "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD },
	{ "CLD", SIGCHLD },    { "CONT", SIGCONT },     { "STOP", SIGSTOP },
	{ "TSTP", SIGTSTP },   { "TTIN", SIGTTIN },     { "TTOU", SIGTTOU },
	{ "URG", SIGURG },     { "XCPU", SIGXCPU },     { "XFSZ", SIGXFSZ },
	{ "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },   { "WINCH", SIGWINCH },
	{ "IO", SIGIO },       { "POLL", SIGPOLL },     { "PWR", SIGPWR },
	{ "SYS", SIGSYS },
};

const char *signal_name(int signo)
{
	for (size_t i = 0; i < ARRAY_SIZE(signals); i++)
		if (signals[i].signo == signo)
			return signals[i].name;
	return NULL;
}

/* Parse a decimal number in [lo, hi] with nothing after it. */
static int parse_small(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

int skiff_signal_parse(const char *text, int *signo, skiff_error *err)
{
	const char *name = text;
	int n;

	if (!text || !*text)
		return skiff_fail_msg(err, EINVAL, "invalid signal: empty");
	/* 0 as with kill(2) and runc: check that the process exists, send
	 * nothing. */
	if (parse_small(text, 0, SIGRTMAX, &n) == 0) {
		*signo = n;
		return 0;
	}
	if (strncasecmp(name, "SIG", 3) == 0)
		name += 3;
	for (size_t i = 0; i < ARRAY_SIZE(signals); i++) {
		if (strcasecmp(name, signals[i].name) == 0) {
			*signo = signals[i].signo;
			return 0;
		}
	}
	if (strncasecmp(name, "RTMIN", 5) == 0) {
		if (name[5] == '\0') {
			*signo = SIGRTMIN;
			return 0;
		}
		if (name[5] == '+' && parse_small(name + 6, 0, SIGRTMAX - SIGRTMIN, &n) == 0) {
			*signo = SIGRTMIN + n;
			return 0;
		}
	}
	if (strncasecmp(name, "RTMAX", 5) == 0) {
		if (name[5] == '\0') {
			*signo = SIGRTMAX;
			return 0;
		}
		if (name[5] == '-' && parse_small(name + 6, 0, SIGRTMAX - SIGRTMIN, &n) == 0) {
			*signo = SIGRTMAX - n;
			return 0;
		}
	}
	return skiff_fail_msg(err, EINVAL, "unknown signal \"%.32s\"", text);
}

/* The kernel's struct sigaction (glibc's has another layout). */
struct kernel_sigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	unsigned long mask;
};

void signals_reset_all(const sigset_t *mask)
{
	const struct kernel_sigaction dfl = { .handler = SIG_DFL };

	/* Every signal, by the raw syscall: glibc's sigaction() refuses 32
	 * and 33 (its own), which a caller that ignores them would otherwise
	 * pass on to the container (runc resets them too).  Handlers go at
	 * exec anyway; what is ignored would stay. */
	for (int sig = 1; sig < _NSIG; sig++)
		syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof(dfl.mask));
	sigprocmask(SIG_SETMASK, mask, NULL);
}

void signals_block_forwarded(bool foreground, sigset_t *forward, sigset_t *old)
{
	static const int forwarded[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH };

	sigemptyset(forward);
	sigaddset(forward, SIGCHLD);
	for (size_t i = 0; foreground && i < ARRAY_SIZE(forwarded); i++)
		sigaddset(forward, forwarded[i]);
	sigprocmask(SIG_BLOCK, forward, old);
}
