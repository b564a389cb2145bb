/*
 * Runs a command as on a kernel without some syscalls: each one named
 * fails with ENOSYS (a seccomp filter, kept across the exec), so tests can
 * take the paths skiff falls back on where a kernel is older than this
 * one.  Sets no_new_privs, which the filter needs.
 *   usage: enosys SYSCALL... -- COMMAND [ARG...]
 */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int i;

	if (!ctx)
		return 125;
	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		int nr = seccomp_syscall_resolve_name(argv[i]);

		/* Names this libseccomp predates are given by number. */
		if (nr == __NR_SCMP_ERROR && sscanf(argv[i], "%d", &nr) != 1) {
			fprintf(stderr, "enosys: unknown syscall %s\n", argv[i]);
			return 125;
		}
		if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0) < 0) {
			fprintf(stderr, "enosys: cannot filter %s\n", argv[i]);
			return 125;
		}
	}
	if (i + 1 >= argc) {
		fprintf(stderr, "usage: enosys SYSCALL... -- COMMAND [ARG...]\n");
		return 125;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_load(ctx) < 0) {
		perror("enosys: load the filter");
		return 125;
	}
	seccomp_release(ctx);
	execvp(argv[i + 1], argv + i + 1);
	perror(argv[i + 1]);
	return 127;
}
