/*
 * The ENOSYS prefix of a seccomp filter (seccomp_enosys.c): a few classic
 * BPF instructions put in front of libseccomp's program so that a syscall
 * numbered above the highest the profile names, on the architecture it is
 * made with, fails with ENOSYS instead of taking the default action, as
 * runc's patchbpf does.  glibc then falls back from a syscall newer than
 * the profile (clone3, faccessat2, openat2, ...) to the old one.
 *
 * Pure: no libseccomp, no syscalls; seccomp.c gathers the maxima.
 */
#ifndef SKIFF_SECCOMP_ENOSYS_H
#define SKIFF_SECCOMP_ENOSYS_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* x32 syscalls come with AUDIT_ARCH_X86_64 and this bit in the number. */
#define ENOSYS_X32_SYSCALL_BIT 0x40000000u
/* More architectures than any filter holds; keeps every jump of the
 * prefix within the 255 instructions a conditional jump can skip. */
#define ENOSYS_MAX_ARCHES 24

/* One value of seccomp_data.arch and the highest syscall number the
 * profile names for it.  AUDIT_ARCH_X86_64 carries two ABIs, told apart by
 * ENOSYS_X32_SYSCALL_BIT: x86_64 (max) and x32 (x32_max, the bit
 * included, as libseccomp numbers x32 syscalls). */
struct enosys_arch {
	uint32_t audit_arch;
	bool has_max;
	uint32_t max;
	bool has_x32_max;
	uint32_t x32_max;
};

/* Note that the profile names syscall nr on the architecture audit_arch
 * (x32: audit_arch AUDIT_ARCH_X86_64 and x32 true), in a table of *n
 * entries (ENOSYS_MAX_ARCHES at most); -1 when the table is full. */
int enosys_note(struct enosys_arch *tab, size_t *n, uint32_t audit_arch, bool x32, uint32_t nr);

/* The prefix for the n architectures of tab, written to out (room for
 * ENOSYS_PREFIX_MAX instructions).  Returns its length, or 0 when no
 * architecture has a syscall named (nothing to prefix).  The instruction
 * after the prefix is the first of the original program. */
#define ENOSYS_PREFIX_MAX (3 + 5 * ENOSYS_MAX_ARCHES)
size_t enosys_prefix(const struct enosys_arch *tab, size_t n, struct sock_filter *out);

/* The program a prepared plan (seccomp.c) loads at whatever stage, and
 * how many of its first instructions are the ENOSYS prefix: for tests. */
struct seccomp_plan;
const struct sock_filter *seccomp_plan_program(const struct seccomp_plan *plan, size_t *len,
					       size_t *prefix_len);

#endif
