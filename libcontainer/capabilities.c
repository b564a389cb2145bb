/*
 * process.capabilities through libcap.  The bounding set is trimmed while
 * the init still has CAP_SETPCAP; the other sets are installed after the
 * switch to the container's user.  An unknown name is refused by
 * validation (spec/validate.c); a known one that cannot be had here (the
 * running kernel lacks it, or it is outside the runtime's own bounding set)
 * is a warning of create and exec, and left out (capabilities_problems()).
 *
 * Every set is written whole, never adjusted: the caller's inheritable and
 * ambient capabilities must not reach the container (CVE-2022-29162, where
 * a leaked inheritable set let a program with inheritable file capabilities
 * gain them).  No capabilities object means no capabilities, as in runc.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "internal.h"

static const spec_capabilities no_capabilities;

/* The kernel's number for a capability name, or -1 for a name that is not
 * one, or one newer than the running kernel. */
static int cap_value(const char *name, cap_value_t *out)
{
	if (!spec_capability_known(name) || cap_from_name(name, out) < 0 ||
	    *out < 0 || (unsigned)*out >= (unsigned)cap_max_bits())
		return -1;
	return 0;
}

/* config.md#linux-process: a capability that cannot be mapped to the
 * kernel, or cannot be granted, "MUST be logged as a warning"; runtimes
 * "SHOULD NOT fail".  Each such entry is reported (with its JSON path) and
 * then left out by the init, which would otherwise fail in capset(). */
static void set_problems(const char *set, char *const *names, size_t n, cap_problem_fn fn,
			 void *data)
{
	char path[96], msg[256];

	for (size_t i = 0; i < n; i++) {
		cap_value_t v;

		snprintf(path, sizeof(path), ".process.capabilities.%s[%zu]", set, i);
		if (!spec_capability_known(names[i]) || cap_from_name(names[i], &v) < 0)
			snprintf(msg, sizeof(msg), "unknown capability \"%.64s\": it is ignored",
				 names[i] ? names[i] : "");
		else if (v < 0 || (unsigned)v >= (unsigned)cap_max_bits())
			snprintf(msg, sizeof(msg), "%s is not known to this kernel: it is ignored",
				 names[i]);
		else if (cap_get_bound(v) != 1)
			snprintf(msg, sizeof(msg),
				 "%s is not in skiff's own bounding set, so the container cannot have it: it is ignored",
				 names[i]);
		else
			continue;
		fn(data, path, msg);
	}
}

void capabilities_problems(const spec_capabilities *caps, cap_problem_fn fn, void *data)
{
	if (!caps)
		return;
	set_problems("bounding", caps->bounding, caps->bounding_len, fn, data);
	set_problems("effective", caps->effective, caps->effective_len, fn, data);
	set_problems("inheritable", caps->inheritable, caps->inheritable_len, fn, data);
	set_problems("permitted", caps->permitted, caps->permitted_len, fn, data);
	set_problems("ambient", caps->ambient, caps->ambient_len, fn, data);
}

static bool listed(char *const *names, size_t n, cap_value_t cap)
{
	for (size_t i = 0; i < n; i++) {
		cap_value_t v;

		if (cap_value(names[i], &v) == 0 && v == cap)
			return true;
	}
	return false;
}

int capabilities_drop_bounding(const spec_capabilities *caps, skiff_error *err)
{
	unsigned max = cap_max_bits();

	if (!caps)
		caps = &no_capabilities;
	trace("capabilities: bounding set cut to the %zu listed", caps->bounding_len);
	for (unsigned c = 0; c < max; c++) {
		if (listed(caps->bounding, caps->bounding_len, (cap_value_t)c))
			continue;
		if (cap_drop_bound((cap_value_t)c) < 0 && errno != EINVAL)
			return skiff_fail_errno(err, errno, "drop %s from the bounding set",
					  cap_to_name((cap_value_t)c));
	}
	return 0;
}

/* Set flag for the names that can be had: allowed is what capset() lets
 * this process take (the kernel refuses the whole call otherwise). */
static int add_set(cap_t state, cap_flag_t flag, char *const *names, size_t n,
		   bool (*allowed)(cap_t now, cap_value_t v, const spec_capabilities *caps),
		   cap_t now, const spec_capabilities *caps)
{
	for (size_t i = 0; i < n; i++) {
		cap_value_t v;

		if (cap_value(names[i], &v) < 0 || !allowed(now, v, caps))
			continue;
		if (cap_set_flag(state, flag, 1, &v, CAP_SET) < 0)
			return -1;
	}
	return 0;
}

static bool has(cap_t now, cap_flag_t flag, cap_value_t v)
{
	cap_flag_value_t set = CAP_CLEAR;

	return cap_get_flag(now, v, flag, &set) == 0 && set == CAP_SET;
}

/* A process only keeps or lowers its permitted set. */
static bool may_permit(cap_t now, cap_value_t v, const spec_capabilities *caps)
{
	(void)caps;
	return has(now, CAP_PERMITTED, v);
}

/* Effective must be within the new permitted set. */
static bool may_make_effective(cap_t now, cap_value_t v, const spec_capabilities *caps)
{
	return has(now, CAP_PERMITTED, v) && listed(caps->permitted, caps->permitted_len, v);
}

/* Inheritable within the old inheritable and permitted sets (the rule
 * without CAP_SETPCAP, which is the stricter one). */
static bool may_inherit(cap_t now, cap_value_t v, const spec_capabilities *caps)
{
	(void)caps;
	return has(now, CAP_PERMITTED, v) || has(now, CAP_INHERITABLE, v);
}

int capabilities_apply(const spec_capabilities *caps, bool keep_admin, skiff_error *err)
{
	cap_value_t admin = CAP_SYS_ADMIN;
	cap_t state, now;

	if (!caps)
		caps = &no_capabilities;
	state = cap_init();
	now = cap_get_proc();
	if (!state || !now) {
		int saved = errno;

		cap_free(state);
		cap_free(now);
		return skiff_fail_errno(err, saved, "allocate capabilities");
	}
	if (add_set(state, CAP_EFFECTIVE, caps->effective, caps->effective_len, may_make_effective,
		    now, caps) < 0 ||
	    add_set(state, CAP_PERMITTED, caps->permitted, caps->permitted_len, may_permit, now,
		    caps) < 0 ||
	    add_set(state, CAP_INHERITABLE, caps->inheritable, caps->inheritable_len, may_inherit,
		    now, caps) < 0 ||
	    (keep_admin && has(now, CAP_PERMITTED, admin) &&
	     (cap_set_flag(state, CAP_PERMITTED, 1, &admin, CAP_SET) < 0 ||
	      cap_set_flag(state, CAP_EFFECTIVE, 1, &admin, CAP_SET) < 0)) ||
	    cap_set_proc(state) < 0) {
		int saved = errno;

		cap_free(state);
		cap_free(now);
		return skiff_fail_errno(err, saved, "set capabilities");
	}
	if (trace_active()) {
		char *text = cap_to_text(state, NULL);

		trace("capabilities: %s (ambient: %zu listed)", text ? text : "?", caps->ambient_len);
		cap_free(text);
	}
	cap_free(state);
	cap_free(now);
	/* One prctl: libcap's cap_reset_ambient() first asks the kernel about
	 * each capability (41 calls here). */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return skiff_fail_errno(err, errno, "clear ambient capabilities");
	for (size_t i = 0; i < caps->ambient_len; i++) {
		cap_value_t v;

		if (cap_value(caps->ambient[i], &v) < 0)
			continue;
		/* The kernel only raises an ambient capability that is also
		 * permitted and inheritable; like runc, others are skipped. */
		if (cap_set_ambient(v, CAP_SET) < 0 && errno != EPERM && errno != EINVAL)
			return skiff_fail_errno(err, errno, "raise ambient %s", caps->ambient[i]);
	}
	return 0;
}

static void warn_one(void *data, const char *path, const char *message)
{
	const skiff_context *ctx = data;
	skiff_error problem;

	skiff_error_clear(&problem);
	skiff_fail_config(&problem, 0, path, "%s", message);
	ctx->warn(ctx->warn_data, &problem);
}

void capabilities_warn(const skiff_context *ctx, const spec_capabilities *caps)
{
	if (ctx->warn)
		capabilities_problems(caps, warn_one, (void *)ctx);
}
