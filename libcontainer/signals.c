/* Signal names as runc and kill(1) spell them, both ways. */
#include <errno.h>
#include <signal.h>
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
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
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
		return skiff_fail_code(err, EINVAL, "invalid signal: empty");
	/* 0 as with kill(2) and runc: check that the process exists, send
	 * nothing. */
	if (parse_small(text, 0, SIGRTMAX, &n) == 0) {
		*signo = n;
		return 0;
	}
	if (strncasecmp(name, "SIG", 3) == 0)
		name += 3;
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) {
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
	return skiff_fail_code(err, EINVAL, "unknown signal \"%.32s\"", text);
}
