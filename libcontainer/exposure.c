/*
 * What of the runtime a container could reach through /proc/<pid> of a
 * process that is still being set up (the init, or a process of exec):
 *
 *   - its fds: whatever its caller leaked (engines leak sockets, shells
 *     leak directories) and whatever the runtime had open (cgroup
 *     directories, the state directory).  Closing them at exec
 *     (CLOSE_RANGE_CLOEXEC) is not enough: until then a cwd or path through
 *     /proc/self/fd/N would reach the host (CVE-2024-21626), so they go as
 *     soon as the process exists;
 *   - its exe: until it execs the user's program the process is a clone of
 *     the runtime, so /proc/<pid>/exe is the skiff binary on the host
 *     (CVE-2019-5736).  A process sharing its pid namespace could open it
 *     and, once no skiff runs it any more, write through that fd.  A
 *     non-dumpable process is out of reach (exe, fds, cwd, mem) of anyone
 *     without CAP_SYS_PTRACE in the host's user namespace, and execve makes
 *     the user's program dumpable again.  That covers the setup only: what
 *     waits for `start` and execs the program is the exec stub, run from a
 *     sealed memfd (stub/stub.c), so the binary is never exec'd from, nor
 *     reachable, once anything of the container's can run.  runc instead
 *     re-execs itself from a sealed copy; skiff never re-execs, and a holder
 *     of that capability in a shared pid namespace could ptrace the process
 *     during its setup anyway.
 */
#include <sys/prctl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

static int compare_ints(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

void fds_close_all_but(int first, int *keep, size_t n)
{
	unsigned lo = (unsigned)first;

	qsort(keep, n, sizeof(*keep), compare_ints);
	for (size_t i = 0; i < n; i++) {
		if (keep[i] < first || (unsigned)keep[i] < lo)
			continue;
		if ((unsigned)keep[i] > lo)
			syscall(SYS_close_range, lo, (unsigned)keep[i] - 1, 0);
		lo = (unsigned)keep[i] + 1;
	}
	syscall(SYS_close_range, lo, ~0U, 0);
}

void fds_keep_only(int first, const int *own, size_t n_own, const host_fds *host)
{
	int *keep = malloc((n_own + 1 + 2 * (host ? host->mounts : 0)) * sizeof(*keep));
	size_t n = n_own;

	/* Out of memory: they still close at exec. */
	if (!keep)
		return;
	memcpy(keep, own, n_own * sizeof(*keep));
	if (host)
		n += host_fds_list(host, keep + n);
	fds_close_all_but(first, keep, n);
	free(keep);
}

void exposure_hide_binary(void)
{
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

pid_t exposure_clone_hidden(pid_t (*clone_fn)(void *data, skiff_error *err), void *data,
			    skiff_error *err)
{
	/* An unprivileged runtime writes the child's id maps itself, which
	 * needs the child dumpable until then: it hides itself afterwards. */
	int was = geteuid() == 0 ? prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) : -1;
	pid_t pid;

	if (was > 0)
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	pid = clone_fn(data, err);
	if (was > 0)
		prctl(PR_SET_DUMPABLE, was, 0, 0, 0);
	return pid;
}
