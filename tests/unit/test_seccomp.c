/*
 * Unit tests of the ENOSYS prefix of seccomp filters
 * (libcontainer/seccomp_enosys.c) and of the program seccomp_prepare()
 * makes with it: both are run here, on made-up seccomp_data, by a small
 * classic BPF interpreter that also checks what the kernel's checker would
 * (every jump lands inside the program, nothing runs off its end).
 * runc 1.1.5, observed on this host (tests/integration/seccomp.bats), and
 * its libcontainer/seccomp/patchbpf/enosys_linux.go say what is expected.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "seccomp_enosys.h"
#include "tap.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define RET_ENOSYS (SECCOMP_RET_ERRNO | ENOSYS)
#define RET_EPERM (SECCOMP_RET_ERRNO | EPERM)
/* What a made-up "original program" returns: reaching it means the
 * prefix let the syscall through to the filter. */
#define RET_FILTER (SECCOMP_RET_TRACE | 0x1234)
/* The interpreter's verdict on a program the kernel would refuse. */
#define BAD_PROGRAM 0xdeadbeefu

/* Run prog on (arch, nr), every argument 0: the 32-bit return value. */
static uint32_t run(const struct sock_filter *prog, size_t len, uint32_t arch, uint32_t nr)
{
	struct seccomp_data d = { .nr = (int)nr, .arch = arch };
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };
	const unsigned char *bytes = (const unsigned char *)&d;

	for (size_t pc = 0; pc < len; pc++) {
		const struct sock_filter *f = &prog[pc];
		uint32_t src = BPF_SRC(f->code) == BPF_X ? x : f->k;
		bool cond;

		switch (BPF_CLASS(f->code)) {
		case BPF_LD:
		case BPF_LDX: {
			uint32_t v;

			if (BPF_MODE(f->code) == BPF_ABS && BPF_SIZE(f->code) == BPF_W) {
				if (f->k % 4 || f->k + 4 > sizeof(d))
					return BAD_PROGRAM;
				memcpy(&v, bytes + f->k, 4);
			} else if (BPF_MODE(f->code) == BPF_IMM) {
				v = f->k;
			} else if (BPF_MODE(f->code) == BPF_MEM && f->k < BPF_MEMWORDS) {
				v = mem[f->k];
			} else {
				return BAD_PROGRAM;
			}
			if (BPF_CLASS(f->code) == BPF_LD)
				a = v;
			else
				x = v;
			break;
		}
		case BPF_ST:
		case BPF_STX:
			if (f->k >= BPF_MEMWORDS)
				return BAD_PROGRAM;
			mem[f->k] = BPF_CLASS(f->code) == BPF_ST ? a : x;
			break;
		case BPF_ALU:
			switch (BPF_OP(f->code)) {
			case BPF_ADD: a += src; break;
			case BPF_SUB: a -= src; break;
			case BPF_AND: a &= src; break;
			case BPF_OR: a |= src; break;
			case BPF_XOR: a ^= src; break;
			case BPF_LSH: a = src < 32 ? a << src : 0; break;
			case BPF_RSH: a = src < 32 ? a >> src : 0; break;
			case BPF_NEG: a = -a; break;
			default: return BAD_PROGRAM;
			}
			break;
		case BPF_JMP:
			if (BPF_OP(f->code) == BPF_JA) {
				if (f->k >= len - pc - 1)
					return BAD_PROGRAM;
				pc += f->k;
				break;
			}
			switch (BPF_OP(f->code)) {
			case BPF_JEQ: cond = a == src; break;
			case BPF_JGT: cond = a > src; break;
			case BPF_JGE: cond = a >= src; break;
			case BPF_JSET: cond = (a & src) != 0; break;
			default: return BAD_PROGRAM;
			}
			if ((size_t)f->jt >= len - pc - 1 || (size_t)f->jf >= len - pc - 1)
				return BAD_PROGRAM;
			pc += cond ? f->jt : f->jf;
			break;
		case BPF_RET:
			return BPF_RVAL(f->code) == BPF_A ? a : f->k;
		case BPF_MISC:
			if (BPF_MISCOP(f->code) == BPF_TAX)
				x = a;
			else
				a = x;
			break;
		default:
			return BAD_PROGRAM;
		}
	}
	return BAD_PROGRAM; /* ran off the end */
}

/* The prefix for tab, followed by the made-up filter; its length in *len. */
static struct sock_filter *patched(const struct enosys_arch *tab, size_t n, size_t *len)
{
	static struct sock_filter prog[ENOSYS_PREFIX_MAX + 1];

	*len = enosys_prefix(tab, n, prog);
	prog[(*len)++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, RET_FILTER);
	return prog;
}

static const char *verdict(uint32_t r)
{
	static char other[32];

	switch (r) {
	case RET_ENOSYS: return "ENOSYS";
	case RET_EPERM: return "EPERM";
	case RET_FILTER: return "filter";
	case SECCOMP_RET_ALLOW: return "allow";
	case SECCOMP_RET_KILL_THREAD: return "kill";
	case BAD_PROGRAM: return "bad program";
	}
	snprintf(other, sizeof(other), "%#x", r);
	return other;
}

static void test_prefix(void)
{
	struct enosys_arch tab[ENOSYS_MAX_ARCHES] = { { 0 } };
	size_t n = 0, len;
	const struct sock_filter *p;
	static const struct {
		uint32_t arch, nr;
		const char *want, *why;
	} cases[] = {
		{ AUDIT_ARCH_X86_64, 0, "filter", "x86_64 0" },
		{ AUDIT_ARCH_X86_64, 300, "filter", "x86_64: the highest named" },
		{ AUDIT_ARCH_X86_64, 301, "ENOSYS", "x86_64: one above the highest named" },
		{ AUDIT_ARCH_X86_64, 1000, "ENOSYS", "x86_64: syscall(1000)" },
		{ AUDIT_ARCH_X86_64, 0xffffffffu, "ENOSYS", "x86_64: syscall(-1), compared unsigned" },
		{ AUDIT_ARCH_X86_64, ENOSYS_X32_SYSCALL_BIT | 547, "filter", "x32: the highest named" },
		{ AUDIT_ARCH_X86_64, ENOSYS_X32_SYSCALL_BIT | 548, "ENOSYS", "x32: one above it" },
		{ AUDIT_ARCH_X86_64, ENOSYS_X32_SYSCALL_BIT | 301, "filter",
		  "x32: above x86_64's highest but not x32's" },
		{ AUDIT_ARCH_I386, 400, "filter", "i386: its own highest" },
		{ AUDIT_ARCH_I386, 401, "ENOSYS", "i386: one above" },
		{ AUDIT_ARCH_S390X, 0, "ENOSYS", "s390x: 0 multiplexes unknown numbers" },
		{ AUDIT_ARCH_S390X, 1, "filter", "s390x: 1" },
		{ AUDIT_ARCH_S390X, 451, "ENOSYS", "s390x: above its highest" },
		{ AUDIT_ARCH_AARCH64, 5000, "filter", "an architecture not in the table: the filter decides" },
	};

	struct sock_filter none[ENOSYS_PREFIX_MAX];

	ok(enosys_prefix(tab, 0, none) == 0, "no architecture: no prefix");
	enosys_note(tab, &n, AUDIT_ARCH_X86_64, false, 12);
	enosys_note(tab, &n, AUDIT_ARCH_X86_64, false, 300);
	enosys_note(tab, &n, AUDIT_ARCH_X86_64, false, 100);
	enosys_note(tab, &n, AUDIT_ARCH_X86_64, true, ENOSYS_X32_SYSCALL_BIT | 547);
	enosys_note(tab, &n, AUDIT_ARCH_X86_64, true, ENOSYS_X32_SYSCALL_BIT | 2);
	enosys_note(tab, &n, AUDIT_ARCH_I386, false, 400);
	enosys_note(tab, &n, AUDIT_ARCH_S390X, false, 450);
	ok(n == 3 && tab[0].max == 300 && tab[0].x32_max == (ENOSYS_X32_SYSCALL_BIT | 547) &&
		   tab[1].max == 400 && !tab[1].has_x32_max,
	   "enosys_note keeps the highest per architecture, x32 apart");
	p = patched(tab, n, &len);
	ok(len == 1 + 5 + 3 + 4 + 2 + 1, "the prefix is 15 instructions for x86_64+x32, i386, s390x");
	ok(p[0].code == (BPF_LD | BPF_W | BPF_ABS) && p[0].k == offsetof(struct seccomp_data, arch),
	   "it starts by loading the architecture");
	ok(p[len - 2].code == (BPF_RET | BPF_K) && p[len - 2].k == RET_ENOSYS,
	   "it ends with ret ERRNO(ENOSYS), the original program right after");
	for (size_t i = 0; i < COUNT(cases); i++)
		is_str(verdict(run(p, len, cases[i].arch, cases[i].nr)), cases[i].want, "%s",
		       cases[i].why);

	/* x32 not in the filter: its syscalls go to the filter, whose bad-arch
	 * action decides (runc 1.1.5: killed, as without the prefix) */
	n = 0;
	enosys_note(tab, &n, AUDIT_ARCH_X86_64, false, 300);
	p = patched(tab, n, &len);
	is_str(verdict(run(p, len, AUDIT_ARCH_X86_64, ENOSYS_X32_SYSCALL_BIT | 9999)), "filter",
	       "x86_64 alone: an x32 syscall goes to the filter");
	is_str(verdict(run(p, len, AUDIT_ARCH_X86_64, 301)), "ENOSYS", "x86_64 alone: 301 is ENOSYS");
	/* x32 alone (an x32 host whose profile names no x86_64 syscall) */
	n = 0;
	enosys_note(tab, &n, AUDIT_ARCH_X86_64, true, ENOSYS_X32_SYSCALL_BIT | 20);
	p = patched(tab, n, &len);
	is_str(verdict(run(p, len, AUDIT_ARCH_X86_64, 5000)), "filter",
	       "x32 alone: an x86_64 syscall goes to the filter");
	is_str(verdict(run(p, len, AUDIT_ARCH_X86_64, ENOSYS_X32_SYSCALL_BIT | 21)), "ENOSYS",
	       "x32 alone: above its highest is ENOSYS");

	/* as many architectures as the table takes: every jump still fits */
	n = 0;
	for (uint32_t i = 0; i < ENOSYS_MAX_ARCHES; i++)
		ok(enosys_note(tab, &n, 0x1000 + i, false, 100 + i) == 0, "architecture %u noted", i);
	ok(enosys_note(tab, &n, 0x9999, false, 1) < 0, "one more than ENOSYS_MAX_ARCHES is refused");
	p = patched(tab, n, &len);
	ok(len <= ENOSYS_PREFIX_MAX + 1, "%zu instructions, within ENOSYS_PREFIX_MAX", len);
	{
		bool all = true;

		for (uint32_t i = 0; i < ENOSYS_MAX_ARCHES; i++)
			all &= run(p, len, 0x1000 + i, 100 + i) == RET_FILTER &&
				run(p, len, 0x1000 + i, 101 + i) == RET_ENOSYS;
		ok(all, "each of %d architectures gets its own highest", ENOSYS_MAX_ARCHES);
	}
}

/* A config whose linux.seccomp is the JSON s. */
static seccomp_plan *prepare(const char *s)
{
	char json[4096];
	spec_config *cfg = NULL;
	seccomp_plan *plan = NULL;
	skiff_error err = { 0 };
	int n = snprintf(json, sizeof(json),
			 "{\"ociVersion\":\"1.2.0\",\"process\":{\"args\":[\"true\"],\"cwd\":\"/\","
			 "\"noNewPrivileges\":true},\"root\":{\"path\":\"rootfs\"},"
			 "\"linux\":{\"seccomp\":%s}}",
			 s);

	if (n < 0 || (size_t)n >= sizeof(json) ||
	    spec_parse_config(json, (size_t)n, "config.json", &cfg, &err) < 0 ||
	    seccomp_prepare(cfg, &plan, &err) < 0)
		tap_diag("%s: %s", s, err.message);
	spec_config_free(cfg);
	return plan;
}

/* The action of the whole program plan loads for (arch, the syscall
 * name on arch, plus delta). */
static const char *action(seccomp_plan *plan, uint32_t token, const char *name, int delta)
{
	size_t len, plen;
	const struct sock_filter *p;
	int nr = seccomp_syscall_resolve_name_arch(token, name);
	uint32_t arch = token == SCMP_ARCH_X32 ? AUDIT_ARCH_X86_64 : token;

	if (!plan || nr < 0)
		return "no plan or no such syscall";
	p = seccomp_plan_program(plan, &len, &plen);
	return verdict(run(p, len, arch, (uint32_t)(nr + delta)));
}

static size_t prefix_of(const char *s)
{
	seccomp_plan *plan = prepare(s);
	size_t len, plen = (size_t)-1;

	if (plan)
		seccomp_plan_program(plan, &len, &plen);
	seccomp_plan_free(plan);
	return plen;
}

#define ALLOW "{\"names\":[\"read\",\"write\",\"writev\",\"exit_group\"],\"action\":\"SCMP_ACT_ALLOW\"}"

static void test_prepared(void)
{
	seccomp_plan *plan;

	if (seccomp_arch_native() != SCMP_ARCH_X86_64) {
		tap_skip("not x86_64", "the prepared profiles are x86_64's");
		return;
	}
	plan = prepare("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\","
		       "\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],\"syscalls\":[" ALLOW "]}");
	is_str(action(plan, SCMP_ARCH_X86_64, "exit_group", 0), "allow", "x86_64: exit_group allowed");
	is_str(action(plan, SCMP_ARCH_X86_64, "exit_group", 1), "ENOSYS",
	       "x86_64: the syscall after exit_group, the highest named, is ENOSYS");
	is_str(action(plan, SCMP_ARCH_X86_64, "exit_group", 1000), "ENOSYS", "x86_64: far above too");
	is_str(action(plan, SCMP_ARCH_X86_64, "getpid", 0), "EPERM",
	       "x86_64: an unnamed syscall below the highest: the default errno");
	is_str(action(plan, SCMP_ARCH_X86, "exit_group", 0), "allow", "i386: exit_group allowed");
	is_str(action(plan, SCMP_ARCH_X86, "exit_group", 1), "ENOSYS",
	       "i386: above i386's exit_group (252) is ENOSYS");
	is_str(action(plan, SCMP_ARCH_X86, "getpid", 0), "EPERM", "i386: getpid (20) is EPERM");
	is_str(action(plan, SCMP_ARCH_X32, "exit_group", 0), "allow", "x32: exit_group allowed");
	is_str(action(plan, SCMP_ARCH_X32, "exit_group", 1), "EPERM",
	       "x32: above its exit_group but below its writev (516): EPERM");
	is_str(action(plan, SCMP_ARCH_X32, "writev", 0), "allow", "x32: writev allowed");
	is_str(action(plan, SCMP_ARCH_X32, "writev", 1), "ENOSYS", "x32: above its writev: ENOSYS");
	is_str(action(plan, SCMP_ARCH_AARCH64, "read", 1000), "kill",
	       "an architecture not in the filter: libseccomp's bad-arch action");
	seccomp_plan_free(plan);

	/* a rule with the default action counts (runc 1.1.5: openat2 named
	 * with SCMP_ACT_ERRNO, 436 EPERM, 438 ENOSYS); no architectures: the
	 * native one all the same (runc 1.1.14 and later, not 1.1.5) */
	plan = prepare("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[" ALLOW
		       ",{\"names\":[\"openat2\",\"no_such_syscall\",\"socketcall\"],\"action\":\"SCMP_ACT_ERRNO\"}]}");
	is_str(action(plan, SCMP_ARCH_X86_64, "openat2", -1), "EPERM",
	       "below openat2, named with the default action: EPERM");
	is_str(action(plan, SCMP_ARCH_X86_64, "openat2", 0), "EPERM", "openat2 itself: EPERM");
	is_str(action(plan, SCMP_ARCH_X86_64, "openat2", 1), "ENOSYS", "above it: ENOSYS");
	seccomp_plan_free(plan);

	/* when runc adds no prefix */
	ok(prefix_of("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],"
		     "\"action\":\"SCMP_ACT_ERRNO\"}]}") == 0,
	   "default ALLOW: no prefix");
	/* libseccomp takes SCMP_ACT_LOG from API level 3 on, which it
	 * learns from the kernel (valgrind 3.19 hides seccomp(2) from it) */
	if (seccomp_api_get() < 3)
		tap_skip("libseccomp API level below 3", "default LOG: no prefix");
	else
		ok(prefix_of("{\"defaultAction\":\"SCMP_ACT_LOG\",\"syscalls\":[{\"names\":[\"mkdir\"],"
			     "\"action\":\"SCMP_ACT_ERRNO\"}]}") == 0,
		   "default LOG: no prefix");
	ok(prefix_of("{\"defaultAction\":\"SCMP_ACT_TRACE\",\"defaultErrnoRet\":1,\"syscalls\":[" ALLOW "]}") == 0,
	   "default TRACE: no prefix");
	ok(prefix_of("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,\"syscalls\":[" ALLOW "]}") == 0,
	   "default ERRNO(ENOSYS): no prefix");
	ok(prefix_of("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[]}") == 0,
	   "no syscall named: no prefix");
	plan = prepare("{\"defaultAction\":\"SCMP_ACT_KILL\",\"syscalls\":[" ALLOW "]}");
	is_str(action(plan, SCMP_ARCH_X86_64, "exit_group", 1), "ENOSYS",
	       "default KILL: above the highest is ENOSYS, as runc 1.1.5");
	is_str(action(plan, SCMP_ARCH_X86_64, "getpid", 0), "kill", "default KILL: below it, killed");
	seccomp_plan_free(plan);
}

int main(void)
{
	test_prefix();
	test_prepared();
	return tap_done();
}
