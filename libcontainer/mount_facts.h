/*
 * The mount a path is on, as the kernel describes it with statmount(2)
 * (Linux 6.8; options as an array since 6.14), rather than as a line of
 * /proc/self/mountinfo that libmount must be loaded to parse.
 *
 * Only for questions where an answer of "cannot tell" is acceptable: every
 * caller has the mount table (libmount) to fall back on, which stays the
 * authority on older kernels, under valgrind, and whenever the quick
 * answer is not a clean yes.
 */
#ifndef SKIFF_MOUNT_FACTS_H
#define SKIFF_MOUNT_FACTS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct mount_facts {
	const char *fstype;  /* "cgroup", "cgroup2", "tmpfs" */
	const char *point;   /* where it is mounted, seen from our root */
	const char *root;    /* the directory of its filesystem it shows */
	const char *options; /* the filesystem's options, each NUL-terminated */
	size_t n_options;    /* 0 as well where the kernel cannot list them */
	void *buf;
} mount_facts;

/* The mount path's own directory entry is on (a final symlink is not
 * followed).  False, with nothing to free, when the path cannot be
 * looked up or the kernel has no statmount. */
bool mount_facts_of(const char *path, mount_facts *out);
void mount_facts_free(mount_facts *facts);
/* Every mount below the one path is on (on it, on those, and so on), in
 * the order they were made, as /proc/self/mountinfo lists them.  False,
 * with nothing to free, when the kernel cannot list them (listmount:
 * Linux 6.8) or describe one. */
bool mount_facts_below(const char *path, mount_facts **out, size_t *n);
void mount_facts_free_all(mount_facts *facts, size_t n);

#endif
