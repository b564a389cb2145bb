/*
 * The ENOSYS prefix (seccomp_enosys.h).  For architectures A (x86_64 with
 * x32) and B, the prefix reads:
 *
 *        ld  [4]                          seccomp_data.arch
 *        jeq #A, 0, next_A                not A: try the next architecture
 *        ld  [0]                          seccomp_data.nr
 *        jset #0x40000000, x32, 0         x86_64 only: an x32 syscall
 *        jgt #max_A, enosys, filter       (ja filter when none is named)
 *   x32: jgt #x32_max_A, enosys, filter   (ja filter when x32 is not listed)
 * next_A:
 *        jeq #B, 0, next_B
 *        ld  [0]
 *        jeq #0, enosys, 0                s390 and s390x only (below)
 *        jgt #max_B, enosys, filter
 * next_B:
 *        ja  filter                       an architecture the profile does
 *                                         not name: the filter's bad-arch
 *                                         action decides
 * enosys:
 *        ret #SECCOMP_RET_ERRNO|ENOSYS
 * filter:
 *        (libseccomp's program, unchanged: it loads what it needs itself)
 *
 * Every jump goes forward and, with at most ENOSYS_MAX_ARCHES blocks of 5,
 * within the 255 instructions of a conditional jump.  An architecture for
 * which the profile names no syscall gets no block (runc: "could not find
 * any syscalls for arch"): all its syscalls go to the filter.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>

#include "seccomp_enosys.h"

int enosys_note(struct enosys_arch *tab, size_t *n, uint32_t audit_arch, bool x32, uint32_t nr)
{
	struct enosys_arch *a = NULL;

	for (size_t i = 0; i < *n && !a; i++)
		if (tab[i].audit_arch == audit_arch)
			a = &tab[i];
	if (!a) {
		if (*n >= ENOSYS_MAX_ARCHES)
			return -1;
		a = &tab[(*n)++];
		*a = (struct enosys_arch){ .audit_arch = audit_arch };
	}
	if (x32) {
		if (!a->has_x32_max || nr > a->x32_max)
			a->x32_max = nr;
		a->has_x32_max = true;
	} else {
		if (!a->has_max || nr > a->max)
			a->max = nr;
		a->has_max = true;
	}
	return 0;
}

/* s390 and s390x turn a syscall number too large for the instruction into
 * syscall 0 with the number in a register; 0 is no syscall of its own
 * since Linux 2.2 (setup), so it stands for any number the kernel may not
 * know: ENOSYS, as runc does. */
static bool multiplexes_on_zero(uint32_t audit_arch)
{
	return audit_arch == AUDIT_ARCH_S390 || audit_arch == AUDIT_ARCH_S390X;
}

static size_t block_len(const struct enosys_arch *a)
{
	if (!a->has_max && !a->has_x32_max)
		return 0;
	if (a->audit_arch == AUDIT_ARCH_X86_64)
		return 5;
	return multiplexes_on_zero(a->audit_arch) ? 4 : 3;
}

static struct sock_filter stmt(uint16_t code, uint32_t k)
{
	return (struct sock_filter){ .code = code, .jt = 0, .jf = 0, .k = k };
}

/* A conditional jump at index at, to instruction indexes t and f. */
static struct sock_filter jump(uint16_t code, uint32_t k, size_t at, size_t t, size_t f)
{
	return (struct sock_filter){ .code = code, .jt = (uint8_t)(t - at - 1),
				     .jf = (uint8_t)(f - at - 1), .k = k };
}

/* Compare nr with max at index at: above it, ENOSYS; else the filter.
 * Without a max (no syscall named for this ABI), straight to the filter. */
static struct sock_filter above(bool has_max, uint32_t max, size_t at, size_t enosys,
				size_t filter)
{
	if (!has_max)
		return stmt(BPF_JMP | BPF_JA | BPF_K, (uint32_t)(filter - at - 1));
	return jump(BPF_JMP | BPF_JGT | BPF_K, max, at, enosys, filter);
}

size_t enosys_prefix(const struct enosys_arch *tab, size_t n, struct sock_filter *out)
{
	size_t len = 1, at, enosys, filter;

	if (n > ENOSYS_MAX_ARCHES)
		n = ENOSYS_MAX_ARCHES;
	for (size_t i = 0; i < n; i++)
		len += block_len(&tab[i]);
	if (len == 1)
		return 0;
	len += 2;
	enosys = len - 1;
	filter = len;
	out[0] = stmt(BPF_LD | BPF_W | BPF_ABS, (uint32_t)offsetof(struct seccomp_data, arch));
	at = 1;
	for (size_t i = 0; i < n; i++) {
		const struct enosys_arch *a = &tab[i];
		size_t next = at + block_len(a);

		if (next == at)
			continue;
		out[at] = jump(BPF_JMP | BPF_JEQ | BPF_K, a->audit_arch, at, at + 1, next);
		at++;
		out[at++] = stmt(BPF_LD | BPF_W | BPF_ABS, (uint32_t)offsetof(struct seccomp_data, nr));
		if (a->audit_arch == AUDIT_ARCH_X86_64) {
			out[at] = jump(BPF_JMP | BPF_JSET | BPF_K, ENOSYS_X32_SYSCALL_BIT, at, at + 2,
				       at + 1);
			at++;
			out[at] = above(a->has_max, a->max, at, enosys, filter);
			at++;
			out[at] = above(a->has_x32_max, a->x32_max, at, enosys, filter);
			at++;
		} else {
			if (multiplexes_on_zero(a->audit_arch)) {
				out[at] = jump(BPF_JMP | BPF_JEQ | BPF_K, 0, at, enosys, at + 1);
				at++;
			}
			out[at] = above(a->has_max, a->max, at, enosys, filter);
			at++;
		}
	}
	out[at] = stmt(BPF_JMP | BPF_JA | BPF_K, (uint32_t)(filter - at - 1));
	at++;
	out[at] = stmt(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA));
	return len;
}
