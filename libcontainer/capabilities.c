/*
 * process.capabilities through libcap.  The bounding set is trimmed while
 * the init still has CAP_SETPCAP; the other sets are installed after the
 * switch to the container's user.  Names the running kernel does not know
 * are skipped (the config was validated against libcap's names already).
 *
 * Every set is written whole, never adjusted: the caller's inheritable and
 * ambient capabilities must not reach the container (CVE-2022-29162, where
 * a leaked inheritable set let a program with inheritable file capabilities
 * gain them).  No capabilities object means no capabilities, as in runc.
 */
#include <errno.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "internal.h"

static const spec_capabilities no_capabilities;

static bool listed(char *const *names, size_t n, cap_value_t cap)
{
	for (size_t i = 0; i < n; i++) {
		cap_value_t v;

		if (cap_from_name(names[i], &v) == 0 && v == cap)
			return true;
	}
	return false;
}

int capabilities_drop_bounding(const spec_capabilities *caps, skiff_error *err)
{
	unsigned max = cap_max_bits();

	if (!caps)
		caps = &no_capabilities;
	for (unsigned c = 0; c < max; c++) {
		if (listed(caps->bounding, caps->bounding_len, (cap_value_t)c))
			continue;
		if (cap_drop_bound((cap_value_t)c) < 0 && errno != EINVAL)
			return skiff_fail(err, errno, "drop %s from the bounding set",
					  cap_to_name((cap_value_t)c));
	}
	return 0;
}

static int add_set(cap_t state, cap_flag_t flag, char *const *names, size_t n)
{
	unsigned max = cap_max_bits();

	for (size_t i = 0; i < n; i++) {
		cap_value_t v;

		if (cap_from_name(names[i], &v) < 0 || (unsigned)v >= max)
			continue;
		if (cap_set_flag(state, flag, 1, &v, CAP_SET) < 0)
			return -1;
	}
	return 0;
}

int capabilities_apply(const spec_capabilities *caps, skiff_error *err)
{
	unsigned max = cap_max_bits();
	cap_t state;

	if (!caps)
		caps = &no_capabilities;
	state = cap_init();
	if (!state)
		return skiff_fail(err, errno, "allocate capabilities");
	if (add_set(state, CAP_EFFECTIVE, caps->effective, caps->effective_len) < 0 ||
	    add_set(state, CAP_PERMITTED, caps->permitted, caps->permitted_len) < 0 ||
	    add_set(state, CAP_INHERITABLE, caps->inheritable, caps->inheritable_len) < 0 ||
	    cap_set_proc(state) < 0) {
		int saved = errno;

		cap_free(state);
		return skiff_fail(err, saved, "set capabilities");
	}
	cap_free(state);
	if (cap_reset_ambient() < 0 && errno != EINVAL)
		return skiff_fail(err, errno, "clear ambient capabilities");
	for (size_t i = 0; i < caps->ambient_len; i++) {
		cap_value_t v;

		if (cap_from_name(caps->ambient[i], &v) < 0 || (unsigned)v >= max)
			continue;
		/* The kernel only raises an ambient capability that is also
		 * permitted and inheritable; like runc, others are skipped. */
		if (cap_set_ambient(v, CAP_SET) < 0 && errno != EPERM && errno != EINVAL)
			return skiff_fail(err, errno, "raise ambient %s", caps->ambient[i]);
	}
	return 0;
}
