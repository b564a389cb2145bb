/*
 * Mount options, classified one by one: libmount's Linux option map gives
 * the MS_* flags of each; propagation options are applied by separate
 * mount(2) calls as the kernel requires; runc's recursive attributes (rro,
 * rnosuid, ...) go through mount_setattr(AT_RECURSIVE); whatever libmount
 * does not know as a VFS option is filesystem data (mode=755, size=...,
 * gid=5).  Pure: no syscalls, so it is fuzzed and unit tested.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "libmount_load.h"
#include "mount_options.h"

#define PROPAGATION_FLAGS (MS_SHARED | MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE)

/* atime: one of the atime modes, which share a field of mount_attr (and
 * MOUNT_ATTR_RELATIME is 0, so the flag alone cannot tell). */
static const struct {
	const char *name;
	bool clear, atime;
	uint64_t attr;
} recursive_attrs[] = {
	{ "rro", false, false, MOUNT_ATTR_RDONLY },
	{ "rrw", true, false, MOUNT_ATTR_RDONLY },
	{ "rnosuid", false, false, MOUNT_ATTR_NOSUID },
	{ "rsuid", true, false, MOUNT_ATTR_NOSUID },
	{ "rnodev", false, false, MOUNT_ATTR_NODEV },
	{ "rdev", true, false, MOUNT_ATTR_NODEV },
	{ "rnoexec", false, false, MOUNT_ATTR_NOEXEC },
	{ "rexec", true, false, MOUNT_ATTR_NOEXEC },
	{ "rnodiratime", false, false, MOUNT_ATTR_NODIRATIME },
	{ "rdiratime", true, false, MOUNT_ATTR_NODIRATIME },
	{ "rnosymfollow", false, false, MOUNT_ATTR_NOSYMFOLLOW },
	{ "rsymfollow", true, false, MOUNT_ATTR_NOSYMFOLLOW },
	{ "rrelatime", false, true, MOUNT_ATTR_RELATIME },
	{ "rnoatime", false, true, MOUNT_ATTR_NOATIME },
	{ "rstrictatime", false, true, MOUNT_ATTR_STRICTATIME },
	/* undoing one mode leaves the kernel's default, relatime */
	{ "ratime", true, true, MOUNT_ATTR_NOATIME },
	{ "rnorelatime", true, true, MOUNT_ATTR_RELATIME },
	{ "rnostrictatime", true, true, MOUNT_ATTR_STRICTATIME },
};

static bool take_recursive_attr(mount_plan *plan, const char *opt)
{
	for (size_t i = 0; i < ARRAY_SIZE(recursive_attrs); i++) {
		if (strcmp(opt, recursive_attrs[i].name))
			continue;
		if (recursive_attrs[i].atime) {
			/* The atime modes are one field: clear it, then set one. */
			plan->attr.attr_clr |= MOUNT_ATTR__ATIME;
			plan->attr.attr_set &= ~(uint64_t)MOUNT_ATTR__ATIME;
		}
		if (recursive_attrs[i].clear)
			plan->attr.attr_clr |= recursive_attrs[i].attr;
		else
			plan->attr.attr_set |= recursive_attrs[i].attr;
		plan->has_attr = true;
		return true;
	}
	return false;
}

static int append_option(char **optstr, const char *opt)
{
	return mnt_optstr_append_option(optstr, opt, NULL) == 0 ? 0 : -1;
}

int mount_plan_make(char *const *options, size_t n, const char *fstype, mount_plan *plan,
		    skiff_error *err)
{
	const struct libmnt_optmap *map;
	char *rest = NULL;

	memset(plan, 0, sizeof(*plan));
	if (libmount_ready(err) < 0)
		return -1;
	map = mnt_get_builtin_optmap(MNT_LINUX_MAP);
	for (size_t i = 0; i < n; i++) {
		const char *opt = options[i];
		unsigned long f = 0;

		if (take_recursive_attr(plan, opt))
			continue;
		if (!strcmp(opt, "tmpcopyup")) {
			plan->tmpcopyup = true;
			continue;
		}
		if (!strcmp(opt, "idmap") || !strcmp(opt, "ridmap"))
			continue;
		mnt_optstr_get_flags(opt, &f, map);
		if (f & PROPAGATION_FLAGS) {
			if (plan->propagation_len == MOUNT_PLAN_MAX_PROPAGATION)
				continue;
			plan->propagation[plan->propagation_len++] = f & (PROPAGATION_FLAGS | MS_REC);
		} else if (f & MS_BIND) {
			plan->bind = true;
			plan->recursive_bind |= (f & MS_REC) != 0;
		} else if (append_option(&rest, opt) < 0) {
			free(rest);
			return skiff_fail_errno(err, ENOMEM, "parse mount options");
		}
	}
	if (fstype && !strcmp(fstype, "bind"))
		plan->bind = true;
	if (rest) {
		char *fs = NULL;

		mnt_optstr_get_flags(rest, &plan->flags, map);
		if (mnt_split_optstr(rest, NULL, NULL, &fs, 0, 0) != 0) {
			free(rest);
			return skiff_fail_msg(err, EINVAL, "parse mount options");
		}
		plan->data = fs;
		free(rest);
	}
	return 0;
}

void mount_plan_clear(mount_plan *plan)
{
	free(plan->data);
	plan->data = NULL;
}

size_t mount_option_names(const char **out, size_t max)
{
	static const char *const own[] = { "defaults", "tmpcopyup", "idmap", "ridmap" };
	const struct libmnt_optmap *map = libmount_ready(NULL) == 0 ? mnt_get_builtin_optmap(MNT_LINUX_MAP) : NULL;
	size_t n = 0;

	/* libmount's VFS options (not its "name=" patterns, which are data) */
	for (; map && map->name; map++)
		if (!strchr(map->name, '=') && n < max)
			out[n++] = map->name;
	for (size_t i = 0; i < ARRAY_SIZE(recursive_attrs) && n < max; i++)
		out[n++] = recursive_attrs[i].name;
	for (size_t i = 0; i < ARRAY_SIZE(own) && n < max; i++)
		out[n++] = own[i];
	return n;
}
