/*
 * What every file of skiff may use and no header of this libc or kernel
 * is sure to give: ARRAY_SIZE, and the kernel's flags newer than the
 * oldest headers skiff builds with (their values are the kernel's ABI).
 * Included by error.h (so by every file of the library) and spec.h; the
 * CLI, which sees only the public header, has its own ARRAY_SIZE.
 */
#ifndef SKIFF_COMPAT_H
#define SKIFF_COMPAT_H

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* clone3(2), Linux 5.7 */
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
/* Linux 5.6 */
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
/* close_range(2), Linux 5.11 */
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
/* memfd_create(2), Linux 6.3 */
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
/* fcntl(2) seals, Linux 5.1 */
#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif

#endif
