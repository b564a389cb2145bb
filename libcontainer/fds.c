/*
 * File descriptors a process being set up for the container must not
 * hold: whatever its caller leaked (engines leak sockets, shells leak
 * directories) and whatever the runtime had open (cgroup directories, the
 * state directory).  Closing them at exec (CLOSE_RANGE_CLOEXEC) is not
 * enough: until then a cwd or path through /proc/self/fd/N would reach the
 * host (CVE-2024-21626), so they go as soon as the process exists.
 */
#include <stdlib.h>
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
