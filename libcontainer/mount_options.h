/*
 * The pure part of mounting one config.json mounts[] entry: turning its
 * options into what the syscalls take.  No side effects, so it can be unit
 * tested and fuzzed (tests/fuzz/fuzz_mount_options.c).
 */
#ifndef SKIFF_MOUNT_OPTIONS_H
#define SKIFF_MOUNT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/mount.h>

#include "error.h"

#define MOUNT_PLAN_MAX_PROPAGATION 4

typedef struct mount_plan {
	unsigned long flags;          /* for mount(2): MS_RDONLY, MS_NOSUID, ... */
	bool bind, recursive_bind;
	/* each applied by its own mount(2) call, as the kernel requires */
	unsigned long propagation[MOUNT_PLAN_MAX_PROPAGATION];
	size_t propagation_len;
	struct mount_attr attr;       /* recursive attributes (mount_setattr) */
	bool has_attr;
	char *data;                   /* filesystem-specific options, malloc'd or NULL */
	bool tmpcopyup;               /* a tmpfs starts with a copy of what it hides */
} mount_plan;

/* Classify options[0..n) of a mount of fstype (may be NULL; "bind" makes a
 * bind mount).  On success the caller frees with mount_plan_clear(). */
int mount_plan_make(char *const *options, size_t n, const char *fstype, mount_plan *plan,
		    skiff_error *err);
void mount_plan_clear(mount_plan *plan);
/* Every option name mount_plan_make() knows as such (not as filesystem
 * data), at most max of them, for the features document. */
size_t mount_option_names(const char **out, size_t max);

#endif
