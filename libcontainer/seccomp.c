/*
 * linux.seccomp through libseccomp.
 *
 * The filter is compiled by the init before it reports ready, so a bad
 * profile is an error of `create`, and loaded as late as it can be:
 *   - noNewPrivileges false: loading a filter then needs CAP_SYS_ADMIN, so
 *     it is the init's last step, after the switch to the container's user
 *     and capabilities with CAP_SYS_ADMIN kept for it (process.c; runc
 *     loads it before the switch);
 *   - an SCMP_ACT_NOTIFY rule: the listener fd must reach the agent while
 *     `create` still runs, so after capabilities and no_new_privs but
 *     before the init reports ready;
 *   - otherwise: the very last step before execve, once `start` came, so
 *     that no syscall of the runtime needs the profile's permission.
 * Choices follow runc: SCMP_ACT_KILL is KILL_THREAD, errno defaults to
 * EPERM, rules with the default action are dropped, syscall names this
 * libseccomp does not know are skipped, several conditions are ANDed in one
 * rule unless two of them test the same argument, in which case each
 * becomes a rule of its own (so they are ORed), NOTIFY can be neither the
 * default action nor the action of the syscall that hands the listener
 * over (here sendmsg, runc's write).  What the config alone decides (those
 * two, errno returns, argument indexes) spec/validate.c checks, so that
 * `skiff check` says it too; here remains what libseccomp and the kernel
 * decide (architectures, flags, notify support).
 *
 * Every stage loads the same program: libseccomp's, exported once here,
 * behind the ENOSYS prefix of seccomp_enosys.c (as runc's patchbpf does:
 * a syscall numbered above the highest the profile names, per
 * architecture, fails with ENOSYS rather than the default action, unless
 * that action lets syscalls through), loaded with seccomp(2) itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"
#include "seccomp_enosys.h"

#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif
#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif
#ifndef BPF_MAXINSNS
#define BPF_MAXINSNS 4096
#endif

struct seccomp_plan {
	scmp_filter_ctx ctx; /* while seccomp_prepare() builds it */
	enum seccomp_stage stage;
	bool notify;
	unsigned long kernel_flags; /* the profile's flags, as SECCOMP_FILTER_FLAG_* */
	struct sock_filter *prog;   /* what every stage loads */
	size_t len;
	size_t prefix_len; /* of which the ENOSYS prefix (0: none) */
};

#define SECCOMP_PATH ".linux.seccomp"

static const struct {
	const char *name;
	uint32_t action; /* errno/trace data goes in the low 16 bits */
	bool takes_errno;
} actions[] = {
	{ "SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD, false },
	{ "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD, false },
	{ "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS, false },
	{ "SCMP_ACT_TRAP", SCMP_ACT_TRAP, false },
	{ "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0), true },
	{ "SCMP_ACT_TRACE", SCMP_ACT_TRACE(0), true },
	{ "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW, false },
	{ "SCMP_ACT_LOG", SCMP_ACT_LOG, false },
	{ "SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY, false },
};

static const struct {
	const char *name;
	enum scmp_compare op;
} operators[] = {
	{ "SCMP_CMP_NE", SCMP_CMP_NE },
	{ "SCMP_CMP_LT", SCMP_CMP_LT },
	{ "SCMP_CMP_LE", SCMP_CMP_LE },
	{ "SCMP_CMP_EQ", SCMP_CMP_EQ },
	{ "SCMP_CMP_GE", SCMP_CMP_GE },
	{ "SCMP_CMP_GT", SCMP_CMP_GT },
	{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

/* The action for name, with errno_ret (EPERM when not given) where the
 * action carries one.  Which actions take an errno, and its range, are
 * rules of the config (spec/validate.c); ctx names the action's JSON path
 * for a name the parser would not have let through. */
static int resolve_action(const char *name, bool has_errno, uint32_t errno_ret, const char *ctx,
			  uint32_t *out, skiff_error *err)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(actions); i++) {
		if (strcmp(name, actions[i].name))
			continue;
		*out = actions[i].action;
		if (actions[i].takes_errno)
			*out |= (has_errno ? errno_ret : EPERM) & 0xffff;
		return 0;
	}
	return skiff_fail_config(err, EINVAL, ctx, "unknown seccomp action \"%s\"", name ? name : "");
}

/* "SCMP_ARCH_X86_64" is libseccomp's "x86_64"; 0 when this libseccomp
 * does not know it. */
static uint32_t arch_token(const char *name)
{
	char lower[32];
	size_t i;

	if (!name || strncmp(name, "SCMP_ARCH_", 10) || strlen(name + 10) >= sizeof(lower))
		return 0;
	for (i = 0; name[10 + i]; i++)
		lower[i] = (char)(name[10 + i] >= 'A' && name[10 + i] <= 'Z' ? name[10 + i] + 32
									   : name[10 + i]);
	lower[i] = '\0';
	return seccomp_arch_resolve_name(lower);
}

/* One known to libseccomp (seccomp_requirements()). */
static int add_architecture(scmp_filter_ctx ctx, const char *name, skiff_error *err)
{
	int rc = seccomp_arch_add(ctx, arch_token(name));

	/* EDOM: an architecture of the other byte order, which one filter
	 * cannot hold with the native one.  No process here can make its
	 * syscalls, so there is nothing to filter: profiles that list every
	 * architecture (as the features document does) work on every host. */
	if (rc < 0 && rc != -EEXIST && rc != -EDOM)
		return skiff_fail_errno_at(err, -rc, SECCOMP_PATH ".architectures",
				     "add seccomp architecture %s", name);
	return 0;
}

/* The filter flags skiff knows (config-linux.md#seccomp lists them): the
 * libseccomp attribute that sets each, the API level (seccomp_api_get(3))
 * the kernel must give for it, and its SECCOMP_FILTER_FLAG_* value. */
static const struct {
	const char *name;
	bool built; /* this libseccomp has the attribute */
	int attr;
	unsigned api;
	unsigned long kernel_flag;
} filter_flags[] = {
	{ "SECCOMP_FILTER_FLAG_TSYNC", true, SCMP_FLTATR_CTL_TSYNC, 2, 1UL << 0 },
	{ "SECCOMP_FILTER_FLAG_LOG", true, SCMP_FLTATR_CTL_LOG, 3, 1UL << 1 },
	{ "SECCOMP_FILTER_FLAG_SPEC_ALLOW", true, SCMP_FLTATR_CTL_SSB, 4, 1UL << 2 },
#if SCMP_VER_MAJOR > 2 || (SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR >= 6)
	{ "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", true, SCMP_FLTATR_CTL_WAITKILL, 7, 1UL << 5 },
#else
	{ "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", false, 0, 7, 1UL << 5 },
#endif
};
#define N_FILTER_FLAGS (ARRAY_SIZE(filter_flags))

static int find_flag(const char *name)
{
	for (size_t i = 0; name && i < N_FILTER_FLAGS; i++)
		if (!strcmp(name, filter_flags[i].name))
			return (int)i;
	return -1;
}

/* As runc probes: seccomp(SET_MODE_FILTER) with a flag the kernel knows
 * and no filter fails with EFAULT, with one it does not with EINVAL.
 * Nothing is installed either way. */
static bool kernel_has_flag(unsigned long flag)
{
	return syscall(SYS_seccomp, 1 /* SECCOMP_SET_MODE_FILTER */, flag, NULL) < 0 &&
	       errno == EFAULT;
}

bool seccomp_flag_supported(const char *name)
{
	int i = find_flag(name);

	return i >= 0 && filter_flags[i].built && seccomp_api_get() >= filter_flags[i].api &&
	       kernel_has_flag(filter_flags[i].kernel_flag);
}

const char *seccomp_action_name(size_t i)
{
	return i < ARRAY_SIZE(actions) ? actions[i].name : NULL;
}

const char *seccomp_operator_name(size_t i)
{
	return i < ARRAY_SIZE(operators) ? operators[i].name : NULL;
}

const char *seccomp_flag_name(size_t i)
{
	return i < N_FILTER_FLAGS ? filter_flags[i].name : NULL;
}

/* A flag this libseccomp and this kernel can set (seccomp_requirements()). */
static int set_flag(seccomp_plan *plan, const char *flag, skiff_error *err)
{
	int i = find_flag(flag), rc;

	if (i < 0 || !filter_flags[i].built)
		return skiff_fail_config(err, EINVAL, SECCOMP_PATH ".flags", "cannot set %s", flag);
	rc = seccomp_attr_set(plan->ctx, (enum scmp_filter_attr)filter_flags[i].attr, 1);
	if (rc < 0)
		return skiff_fail_errno_at(err, -rc, SECCOMP_PATH ".flags", "set seccomp flag %s", flag);
	plan->kernel_flags |= filter_flags[i].kernel_flag;
	return 0;
}

int seccomp_requirements(const spec_config *cfg, struct spec_sink *sink)
{
	const spec_seccomp *sp = cfg->linux_ ? cfg->linux_->seccomp : NULL;
	const struct scmp_version *v = seccomp_version();
	const unsigned api = seccomp_api_get();
	size_t before = sink->count;
	char path[96];

	for (size_t i = 0; sp && i < sp->architectures_len; i++) {
		if (arch_token(sp->architectures[i]))
			continue;
		snprintf(path, sizeof(path), SECCOMP_PATH ".architectures[%zu]", i);
		spec_report(sink, path, "architecture %s is not known to libseccomp %u.%u.%u",
			    sp->architectures[i], v->major, v->minor, v->micro);
		if (!spec_sink_goes_on(sink))
			return -1;
	}
	for (size_t i = 0; sp && i < sp->flags_len; i++) {
		int f = find_flag(sp->flags[i]);

		/* An unknown name is spec/validate.c's. */
		if (f < 0 || (filter_flags[f].built && api >= filter_flags[f].api))
			continue;
		snprintf(path, sizeof(path), SECCOMP_PATH ".flags[%zu]", i);
		if (!filter_flags[f].built)
			spec_report(sink, path, "%s needs libseccomp 2.6 or later (skiff was built with %d.%d)",
				    sp->flags[i], SCMP_VER_MAJOR, SCMP_VER_MINOR);
		else
			spec_report(sink, path,
				    "%s is not supported by this kernel and libseccomp (API level %u, %u needed)",
				    sp->flags[i], api, filter_flags[f].api);
		if (!spec_sink_goes_on(sink))
			return -1;
	}
	if (seccomp_config_notifies(cfg) && api < 6)
		spec_report(sink, SECCOMP_PATH ".syscalls",
			    "seccomp notify needs libseccomp >= 2.5 and Linux >= 5.7 (API level %u, 6 needed)",
			    api);
	return sink->count > before ? -1 : 0;
}

static int find_operator(const char *name, enum scmp_compare *op)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(operators); i++) {
		if (!strcmp(name, operators[i].name)) {
			*op = operators[i].op;
			return 0;
		}
	}
	return -1;
}

/* The conditions of syscalls[index], and whether two test the same
 * argument.  Indexes are 0..5 (spec/validate.c). */
static int make_conditions(const spec_syscall *sc, size_t index, struct scmp_arg_cmp *conds,
			   bool *same_arg, skiff_error *err)
{
	unsigned seen[6] = { 0 };

	*same_arg = false;
	for (size_t i = 0; i < sc->args_len; i++) {
		const spec_seccomp_arg *a = &sc->args[i];
		enum scmp_compare op;

		if (a->index > 5 || find_operator(a->op, &op) < 0) {
			char path[96];

			snprintf(path, sizeof(path), SECCOMP_PATH ".syscalls[%zu].args[%zu]", index, i);
			return skiff_fail_config(err, EINVAL, path, "not a condition skiff can make");
		}
		*same_arg |= seen[a->index]++ > 0;
		/* MASKED_EQ: value is the mask, valueTwo what the masked argument must equal. */
		conds[i] = (struct scmp_arg_cmp){ .arg = a->index, .op = op, .datum_a = a->value,
						  .datum_b = a->value_two };
	}
	return 0;
}

static int add_syscall_rules(scmp_filter_ctx ctx, const spec_syscall *sc, size_t index,
			     uint32_t default_action, bool *notify, skiff_error *err)
{
	struct scmp_arg_cmp *conds;
	char path[96];
	uint32_t action;
	bool same_arg;
	int rc = 0;

	snprintf(path, sizeof(path), SECCOMP_PATH ".syscalls[%zu].action", index);
	if (resolve_action(sc->action, sc->has_errno_ret, sc->errno_ret, path, &action, err) < 0)
		return -1;
	conds = calloc(sc->args_len ? sc->args_len : 1, sizeof(*conds));
	if (!conds)
		return skiff_fail_errno(err, ENOMEM, "seccomp conditions");
	if (make_conditions(sc, index, conds, &same_arg, err) < 0) {
		free(conds);
		return -1;
	}
	/* Redundant, and libseccomp would refuse it. */
	for (size_t n = 0; action != default_action && n < sc->names_len && rc == 0; n++) {
		const char *name = sc->names[n];
		int nr = seccomp_syscall_resolve_name(name);

		/* Never sendmsg, which hands the listener over (spec/validate.c). */
		*notify |= action == SCMP_ACT_NOTIFY;
		/* A syscall this libseccomp (or architecture) does not know. */
		if (nr == __NR_SCMP_ERROR)
			continue;
		if (!same_arg) {
			rc = seccomp_rule_add_array(ctx, action, nr, (unsigned)sc->args_len, conds);
		} else {
			for (size_t i = 0; i < sc->args_len && rc == 0; i++)
				rc = seccomp_rule_add_array(ctx, action, nr, 1, &conds[i]);
		}
		if (rc < 0) {
			char path[64];

			snprintf(path, sizeof(path), SECCOMP_PATH ".syscalls[%zu]", index);
			skiff_fail_errno_at(err, -rc, path, "add the seccomp rule of syscalls[%zu] for %s",
					    index, name);
		}
	}
	free(conds);
	return rc < 0 ? -1 : 0;
}

/* libseccomp's program for ctx, as seccomp_load() would give the kernel,
 * in *prog (malloc'd) of *len instructions. */
static int export_program(scmp_filter_ctx ctx, struct sock_filter **prog, size_t *len,
			  skiff_error *err)
{
	int fd = memfd_create("skiff-seccomp-export", MFD_CLOEXEC), rc;
	struct stat st;
	size_t size, got = 0;

	*prog = NULL;
	*len = 0;
	if (fd < 0)
		return skiff_fail_errno(err, errno, "memfd_create for the seccomp filter");
	rc = seccomp_export_bpf(ctx, fd);
	if (rc < 0) {
		close(fd);
		return skiff_fail_errno(err, -rc, "export the seccomp filter");
	}
	if (fstat(fd, &st) < 0 || st.st_size <= 0 ||
	    st.st_size % (off_t)sizeof(struct sock_filter) != 0) {
		close(fd);
		return skiff_fail_msg(err, EPROTO, "libseccomp exported no BPF program");
	}
	size = (size_t)st.st_size;
	*prog = malloc(size);
	while (*prog && got < size) {
		ssize_t r = pread(fd, (char *)*prog + got, size - got, (off_t)got);

		if (r <= 0) {
			int saved = r < 0 ? errno : EIO;

			free(*prog);
			*prog = NULL;
			close(fd);
			return skiff_fail_errno(err, saved, "read the exported seccomp filter");
		}
		got += (size_t)r;
	}
	close(fd);
	if (!*prog)
		return skiff_fail_errno(err, ENOMEM, "seccomp filter");
	*len = size / sizeof(struct sock_filter);
	return 0;
}

/* runc leaves a permissive default alone (TRACE counts: a tracer should
 * handle new syscalls itself), and ENOSYS is already what the prefix
 * would give. */
static bool wants_enosys_prefix(uint32_t default_action)
{
	uint32_t base = default_action & 0xffff0000U; /* SECCOMP_RET_ACTION_FULL */

	if (default_action == SCMP_ACT_ALLOW || default_action == SCMP_ACT_LOG ||
	    base == SCMP_ACT_TRACE(0))
		return false;
	return default_action != SCMP_ACT_ERRNO(ENOSYS);
}

/* The highest syscall each architecture of the filter has named in the
 * profile: by every rule, even one whose action is the default (which
 * add_syscall_rules() drops) and one of a name another architecture has,
 * as runc counts.  The native architecture first (the filter always holds
 * it, and it is the likeliest); a listed one libseccomp left out of the
 * filter (the other byte order) not at all. */
static int enosys_maxima(scmp_filter_ctx ctx, const spec_seccomp *sp, struct enosys_arch *tab,
			 size_t *n)
{
	uint32_t tokens[ENOSYS_MAX_ARCHES + 1];
	size_t ntok = 0;

	*n = 0;
	tokens[ntok++] = seccomp_arch_native();
	for (size_t i = 0; i < sp->architectures_len && ntok < ENOSYS_MAX_ARCHES + 1; i++) {
		uint32_t t = arch_token(sp->architectures[i]);
		bool seen = false;

		if (t == SCMP_ARCH_NATIVE)
			t = seccomp_arch_native();
		for (size_t j = 0; j < ntok; j++)
			seen |= tokens[j] == t;
		if (t && !seen && seccomp_arch_exist(ctx, t) == 0)
			tokens[ntok++] = t;
	}
	for (size_t a = 0; a < ntok; a++) {
		bool x32 = tokens[a] == SCMP_ARCH_X32;
		/* SCMP_ARCH_* are AUDIT_ARCH_* but for x32 (see seccomp_enosys.h) */
		uint32_t audit = x32 ? SCMP_ARCH_X86_64 : tokens[a];

		for (size_t i = 0; i < sp->syscalls_len; i++) {
			const spec_syscall *sc = &sp->syscalls[i];

			for (size_t k = 0; k < sc->names_len; k++) {
				/* negative: unknown, or a pseudo-syscall of libseccomp's */
				int nr = seccomp_syscall_resolve_name_arch(tokens[a], sc->names[k]);

				if (nr >= 0 && enosys_note(tab, n, audit, x32, (uint32_t)nr) < 0)
					return -1;
			}
		}
	}
	return 0;
}

/* plan->prog: libseccomp's program behind the ENOSYS prefix, if any. */
static int build_program(seccomp_plan *plan, const spec_seccomp *sp, uint32_t default_action,
			 skiff_error *err)
{
	struct sock_filter prefix[ENOSYS_PREFIX_MAX], *filter, *all;
	struct enosys_arch tab[ENOSYS_MAX_ARCHES];
	size_t n = 0, len, plen = 0;

	if (export_program(plan->ctx, &filter, &len, err) < 0)
		return -1;
	if (wants_enosys_prefix(default_action)) {
		if (enosys_maxima(plan->ctx, sp, tab, &n) < 0) {
			free(filter);
			return skiff_fail_config(err, EINVAL, SECCOMP_PATH ".architectures",
						 "more than %d", ENOSYS_MAX_ARCHES);
		}
		plen = enosys_prefix(tab, n, prefix);
	}
	if (len + plen > BPF_MAXINSNS) {
		free(filter);
		return skiff_fail_config(err, E2BIG, SECCOMP_PATH ".syscalls",
					 "the filter takes %zu BPF instructions, more than the kernel's %d",
					  len + plen, BPF_MAXINSNS);
	}
	if (plen == 0) {
		plan->prog = filter;
		plan->len = len;
		return 0;
	}
	all = malloc((len + plen) * sizeof(*all));
	if (!all) {
		free(filter);
		return skiff_fail_errno(err, ENOMEM, "seccomp filter");
	}
	memcpy(all, prefix, plen * sizeof(*all));
	memcpy(all + plen, filter, len * sizeof(*all));
	free(filter);
	plan->prog = all;
	plan->len = len + plen;
	plan->prefix_len = plen;
	return 0;
}

/* The flags seccomp(2) gets: the profile's, and for a notify filter
 * NEW_LISTENER (with TSYNC, TSYNC_ESRCH too, or the kernel refuses the
 * pair); WAIT_KILLABLE_RECV only means something, and is only taken, with
 * a listener.  What libseccomp's seccomp_load() would pass. */
static unsigned long load_flags(const seccomp_plan *plan)
{
	unsigned long flags = plan->kernel_flags;

	if (!plan->notify)
		return flags & ~(unsigned long)SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
	if (flags & SECCOMP_FILTER_FLAG_TSYNC)
		flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
	return flags;
}

int seccomp_prepare(const spec_config *cfg, seccomp_plan **out, skiff_error *err)
{
	const spec_seccomp *sp = cfg->linux_ ? cfg->linux_->seccomp : NULL;
	const spec_process *p = cfg->process;
	struct spec_sink sink;
	seccomp_plan *plan;
	uint32_t default_action;
	int rc;

	*out = NULL;
	if (!sp)
		return 0;
	spec_sink_init(&sink, "config.json", err, NULL, NULL);
	if (seccomp_requirements(cfg, &sink) < 0)
		return -1;
	/* Never SCMP_ACT_NOTIFY (spec/validate.c). */
	if (resolve_action(sp->default_action, sp->has_default_errno_ret, sp->default_errno_ret,
			   SECCOMP_PATH ".defaultAction", &default_action, err) < 0)
		return -1;
	plan = calloc(1, sizeof(*plan));
	if (!plan)
		return skiff_fail_errno(err, ENOMEM, "seccomp");
	plan->ctx = seccomp_init(default_action);
	if (!plan->ctx) {
		free(plan);
		return skiff_fail_errno(err, ENOMEM, "initialise the seccomp filter");
	}
	/* no_new_privs is process.noNewPrivileges' business, not libseccomp's. */
	rc = seccomp_attr_set(plan->ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (rc < 0) {
		skiff_fail_errno(err, -rc, "seccomp: no_new_privs attribute");
		goto fail;
	}
	for (size_t i = 0; i < sp->architectures_len; i++)
		if (add_architecture(plan->ctx, sp->architectures[i], err) < 0)
			goto fail;
	for (size_t i = 0; i < sp->flags_len; i++)
		if (set_flag(plan, sp->flags[i], err) < 0)
			goto fail;
	for (size_t i = 0; i < sp->syscalls_len; i++)
		if (add_syscall_rules(plan->ctx, &sp->syscalls[i], i, default_action, &plan->notify,
				      err) < 0)
			goto fail;
	if (build_program(plan, sp, default_action, err) < 0)
		goto fail;
	seccomp_release(plan->ctx);
	plan->ctx = NULL;
	if (!p || !p->no_new_privileges)
		plan->stage = SECCOMP_PRIVILEGED;
	else if (plan->notify)
		plan->stage = SECCOMP_BEFORE_READY;
	else
		plan->stage = SECCOMP_BEFORE_EXEC;
	trace("seccomp: filter compiled: default action %s, %zu syscall rules, loaded %s",
	      sp->default_action, sp->syscalls_len, trace_seccomp_stage(plan->stage));
	trace("seccomp: %zu BPF instructions, of which an ENOSYS prefix of %zu", plan->len,
	      plan->prefix_len);
	*out = plan;
	return 0;
fail:
	seccomp_plan_free(plan);
	return -1;
}

int seccomp_load_at(seccomp_plan *plan, enum seccomp_stage stage, int *listener_fd,
		    skiff_error *err)
{
	struct sock_fprog prog;
	long rc;

	*listener_fd = -1;
	if (!plan || plan->stage != stage)
		return 0;
	prog = (struct sock_fprog){ .len = (unsigned short)plan->len, .filter = plan->prog };
	rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, load_flags(plan), &prog);
	if (rc < 0)
		return skiff_fail_errno(err, errno, "load the seccomp filter");
	trace("seccomp: filter loaded (%s)", trace_seccomp_stage(stage));
	/* With NEW_LISTENER, the listener; else 0 (TSYNC: no thread left out,
	 * as this process has but one). */
	if (plan->notify)
		*listener_fd = (int)rc;
	return 0;
}

int seccomp_load_and_hand_over(seccomp_plan *plan, enum seccomp_stage stage, int sock,
			       skiff_error *err)
{
	enum sync_type type;
	skiff_error peer;
	int listener, rc;

	if (seccomp_load_at(plan, stage, &listener, err) < 0)
		return -1;
	if (listener < 0)
		return 0;
	/* sendmsg may not be SCMP_ACT_NOTIFY (see add_syscall_rules): the
	 * agent has nothing yet to answer with.  Every later syscall may be. */
	rc = sync_send_full(sock, SYNC_SECCOMP, 0, listener, NULL);
	close(listener);
	if (rc < 0)
		return skiff_fail_errno(err, errno, "send the seccomp listener to the runtime");
	if (sync_recv(sock, &type, &peer, err) < 0 || type != SYNC_SECCOMP_DONE)
		return skiff_fail_msg(err, EPROTO, "the runtime did not take the seccomp listener");
	return 0;
}

int seccomp_export_last(const seccomp_plan *plan, int min, int *fd, unsigned long *flags,
			skiff_error *err)
{
	size_t size, done = 0;
	int tmp;

	*fd = -1;
	*flags = 0;
	if (!plan || plan->stage != SECCOMP_BEFORE_EXEC)
		return 0;
	/* The program seccomp_load_at() would load, prefix and all. */
	tmp = memfd_create("skiff-seccomp", MFD_ALLOW_SEALING);
	if (tmp < 0)
		return skiff_fail_errno(err, errno, "memfd_create for the seccomp filter");
	size = plan->len * sizeof(*plan->prog);
	while (done < size) {
		ssize_t w = write(tmp, (const char *)plan->prog + done, size - done);

		if (w <= 0) {
			int saved = w < 0 ? errno : EIO;

			close(tmp);
			return skiff_fail_errno(err, saved, "write the seccomp filter");
		}
		done += (size_t)w;
	}
	*fd = fcntl(tmp, F_DUPFD, min);
	close(tmp);
	if (*fd < 0 || fcntl(*fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0) {
		int saved = errno;

		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		return skiff_fail_errno(err, saved, "seal the seccomp filter");
	}
	*flags = load_flags(plan);
	trace("seccomp: filter exported for the exec stub to load just before execve");
	return 0;
}

const struct sock_filter *seccomp_plan_program(const seccomp_plan *plan, size_t *len,
					       size_t *prefix_len)
{
	*len = plan->len;
	*prefix_len = plan->prefix_len;
	return plan->prog;
}

void seccomp_plan_free(seccomp_plan *plan)
{
	if (!plan)
		return;
	if (plan->ctx)
		seccomp_release(plan->ctx);
	free(plan->prog);
	free(plan);
}

bool seccomp_config_notifies(const spec_config *cfg)
{
	const spec_seccomp *sc = cfg && cfg->linux_ ? cfg->linux_->seccomp : NULL;

	for (size_t i = 0; sc && i < sc->syscalls_len; i++)
		if (sc->syscalls[i].action && !strcmp(sc->syscalls[i].action, "SCMP_ACT_NOTIFY"))
			return true;
	return false;
}
