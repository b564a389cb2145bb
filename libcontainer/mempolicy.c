/*
 * linux.memoryPolicy (runtime-spec 1.3): the NUMA memory policy of the
 * container's processes, set with set_mempolicy(2) by the init and by
 * exec's process just before they exec (the policy is kept across execve
 * and inherited by children).  The rules about the config alone (which
 * modes take nodes, the flags, the node list) are spec/validate_linux13.c's;
 * what is left to fail here is the host's: a node it does not have or does
 * not allow (cpuset.mems), or a mode or flag this kernel is too old for
 * (MPOL_PREFERRED_MANY 5.15, MPOL_WEIGHTED_INTERLEAVE 6.9,
 * MPOL_F_NUMA_BALANCING 5.12).
 */
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

static const struct {
	const char *name;
	int value;
} modes[] = {
	/* <linux/mempolicy.h>, whose values are ABI (not every libc has them). */
	{ "MPOL_DEFAULT", 0 },	       { "MPOL_PREFERRED", 1 },	     { "MPOL_BIND", 2 },
	{ "MPOL_INTERLEAVE", 3 },      { "MPOL_LOCAL", 4 },	     { "MPOL_PREFERRED_MANY", 5 },
	{ "MPOL_WEIGHTED_INTERLEAVE", 6 },
}, flags[] = {
	{ "MPOL_F_STATIC_NODES", 1 << 15 },
	{ "MPOL_F_RELATIVE_NODES", 1 << 14 },
	{ "MPOL_F_NUMA_BALANCING", 1 << 13 },
};

static int lookup(const char *name, bool mode, int *value)
{
	size_t n = mode ? sizeof(modes) / sizeof(modes[0]) : sizeof(flags) / sizeof(flags[0]);

	for (size_t i = 0; i < n; i++)
		if (!strcmp(mode ? modes[i].name : flags[i].name, name)) {
			*value = mode ? modes[i].value : flags[i].value;
			return 0;
		}
	return -1;
}

int mempolicy_apply(const spec_config *cfg, skiff_error *err)
{
	const spec_memory_policy *mp = cfg->linux_ ? cfg->linux_->memory_policy : NULL;
	unsigned long mask[SPEC_NUMA_NODES_MAX / (8 * sizeof(long))];
	char why[80];
	int mode, flag;

	if (!mp || !mp->mode)
		return 0;
	/* Validated with the config: these only fail on a model changed since. */
	if (lookup(mp->mode, true, &mode) < 0)
		return skiff_fail_code_at(err, EINVAL, ".linux.memoryPolicy.mode",
					  "invalid memory policy mode %s", mp->mode);
	for (size_t i = 0; i < mp->flags_len; i++) {
		if (lookup(mp->flags[i], false, &flag) < 0)
			return skiff_fail_code_at(err, EINVAL, ".linux.memoryPolicy.flags",
						  "invalid memory policy flag %s", mp->flags[i]);
		mode |= flag;
	}
	if (spec_node_list_parse(mp->nodes, mask, SPEC_NUMA_NODES_MAX, why, sizeof(why)) < 0)
		return skiff_fail_code_at(err, EINVAL, ".linux.memoryPolicy.nodes",
					  "invalid memory policy nodes: %s", why);
	trace("set_mempolicy %s nodes \"%s\" (mode and flags 0x%x)", mp->mode,
	      mp->nodes ? mp->nodes : "", (unsigned)mode);
	/* maxnode counts one past the last bit the kernel reads. */
	if (syscall(SYS_set_mempolicy, mode, mp->nodes && mp->nodes[0] ? mask : NULL,
		    mp->nodes && mp->nodes[0] ? (unsigned long)SPEC_NUMA_NODES_MAX + 1 : 0UL) < 0) {
		int saved = errno;

		return skiff_fail_at(err, saved, ".linux.memoryPolicy",
				     ".linux.memoryPolicy: set_mempolicy %s, nodes \"%s\"%s", mp->mode,
				     mp->nodes ? mp->nodes : "",
				     saved == EINVAL ? " (a node this host does not have or allow, or a mode or flag this kernel does not know)" : "");
	}
	return 0;
}
