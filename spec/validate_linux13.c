/*
 * The rules about the config alone for the linux fields runtime-spec 1.2
 * and 1.3 added: netDevices, memoryPolicy, and intelRdt's values.  What
 * depends on the host (an interface that exists, a node the kernel has, a
 * mounted resctrl) is the runtime's: libcontainer/netdev.c, mempolicy.c,
 * intelrdt.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "schema.h"
#include "validate.h"

static const char *const memory_policy_flags[] = {
	"MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES", NULL,
};

const char *const *spec_memory_policy_flags(void)
{
	return memory_policy_flags;
}

int spec_node_list_parse(const char *list, unsigned long *mask, size_t bits, char *why,
			 size_t why_size)
{
	const char *s = list;

	memset(mask, 0, (bits + 8 * sizeof(long) - 1) / (8 * sizeof(long)) * sizeof(long));
	if (!list || !list[0])
		return 0;
	for (;;) {
		unsigned long lo, hi;
		char *end;

		if (*s < '0' || *s > '9')
			goto bad;
		lo = hi = strtoul(s, &end, 10);
		s = end;
		if (*s == '-') {
			s++;
			if (*s < '0' || *s > '9')
				goto bad;
			hi = strtoul(s, &end, 10);
			s = end;
		}
		if (hi < lo)
			goto bad;
		if (hi >= bits) {
			snprintf(why, why_size, "node %lu is out of range: at most %zu", hi, bits - 1);
			return -1;
		}
		for (unsigned long n = lo; n <= hi; n++)
			mask[n / (8 * sizeof(long))] |= 1UL << (n % (8 * sizeof(long)));
		if (!*s)
			return 0;
		if (*s++ != ',')
			goto bad;
	}
bad:
	snprintf(why, why_size, "not a node list such as \"0-3,7\"");
	return -1;
}

/* dev_valid_name() of the kernel: what a network interface may be called. */
static const char *netdev_name_problem(const char *name)
{
	if (!name[0])
		return "empty";
	if (strlen(name) > 15)
		return "longer than 15 bytes (IFNAMSIZ)";
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return "\".\" and \"..\" are not interface names";
	for (const char *c = name; *c; c++)
		if (*c == '/' || *c == ':' || *c == ' ' || (*c >= '\t' && *c <= '\r'))
			return "'/', ':' and white space are not allowed in an interface name";
	return NULL;
}

/* config-linux.md#network-devices: interfaces of the runtime's network
 * namespace moved into the container's, so the container must have one
 * (made or joined); each ends up with a valid name of its own. */
static int check_net_devices(struct vctx *v, const spec_linux *l)
{
	char msg[QBUF + 96], q[QBUF];

	if (!l->net_devices_len)
		return 0;
	if (!vhas_namespace(v->cfg, "network") &&
	    vfail(v, "unable to move network devices without a NET namespace", ".linux.netDevices") < 0)
		return -1;
	for (size_t i = 0; i < l->net_devices_len; i++) {
		const spec_net_device *d = &l->net_devices[i];
		const char *name = d->name && d->name[0] ? d->name : d->key;
		const char *why = netdev_name_problem(d->key);

		vquote(q, sizeof(q), d->key);
		if (why) {
			snprintf(msg, sizeof(msg), "host interface name %s: %s", q, why);
			if (vfail(v, msg, ".linux.netDevices[%s]", q) < 0)
				return -1;
		}
		if (d->name && (why = netdev_name_problem(d->name))) {
			char qn[QBUF];

			snprintf(msg, sizeof(msg), "%s: %s", vquote(qn, sizeof(qn), d->name), why);
			if (vfail(v, msg, ".linux.netDevices[%s].name", q) < 0)
				return -1;
		}
		for (size_t j = 0; j < i; j++) {
			const spec_net_device *o = &l->net_devices[j];
			const char *other = o->name && o->name[0] ? o->name : o->key;
			char qo[QBUF];

			if (strcmp(name, other))
				continue;
			snprintf(msg, sizeof(msg), "two devices would be named %s in the container (also %s)",
				 vquote(qo, sizeof(qo), name), vquote(q, sizeof(q), o->key));
			if (vfail(v, msg, ".linux.netDevices[%s]", vquote(q, sizeof(q), d->key)) < 0)
				return -1;
		}
	}
	return 0;
}

/* config-linux.md#memory-policy, with set_mempolicy(2)'s rules on which
 * modes take nodes: the kernel would refuse the rest with a bare EINVAL. */
static int check_memory_policy(struct vctx *v, const spec_memory_policy *mp)
{
	unsigned long mask[SPEC_NUMA_NODES_MAX / (8 * sizeof(long))];
	bool has_nodes, static_ = false, relative = false;
	char msg[QBUF + 96], q[QBUF], why[80];

	if (!mp || !mp->mode)
		return 0;
	has_nodes = mp->nodes && mp->nodes[0];
	if (spec_node_list_parse(mp->nodes, mask, SPEC_NUMA_NODES_MAX, why, sizeof(why)) < 0) {
		snprintf(msg, sizeof(msg), "invalid memory policy nodes %s: %s",
			 vquote(q, sizeof(q), mp->nodes), why);
		if (vfail(v, msg, ".linux.memoryPolicy.nodes") < 0)
			return -1;
	}
	for (size_t i = 0; i < mp->flags_len; i++) {
		if (!vin_list(memory_policy_flags, mp->flags[i])) {
			snprintf(msg, sizeof(msg),
				 "invalid memory policy flag %s: expected MPOL_F_NUMA_BALANCING, MPOL_F_RELATIVE_NODES or MPOL_F_STATIC_NODES",
				 vquote(q, sizeof(q), mp->flags[i]));
			if (vfail(v, msg, ".linux.memoryPolicy.flags[%zu]", i) < 0)
				return -1;
		}
		static_ |= !strcmp(mp->flags[i], "MPOL_F_STATIC_NODES");
		relative |= !strcmp(mp->flags[i], "MPOL_F_RELATIVE_NODES");
	}
	if (static_ && relative &&
	    vfail(v, "MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each other",
		  ".linux.memoryPolicy.flags") < 0)
		return -1;
	if (!strcmp(mp->mode, "MPOL_DEFAULT") || !strcmp(mp->mode, "MPOL_LOCAL")) {
		snprintf(msg, sizeof(msg), "%s takes no nodes", mp->mode);
		if (has_nodes && vfail(v, msg, ".linux.memoryPolicy.nodes") < 0)
			return -1;
		snprintf(msg, sizeof(msg), "%s takes no flags", mp->mode);
		if (mp->flags_len && !strcmp(mp->mode, "MPOL_DEFAULT") &&
		    vfail(v, msg, ".linux.memoryPolicy.flags") < 0)
			return -1;
	} else if (strcmp(mp->mode, "MPOL_PREFERRED") != 0) {
		snprintf(msg, sizeof(msg), "%s needs nodes", mp->mode);
		if (!has_nodes && vfail(v, msg, ".linux.memoryPolicy.nodes") < 0)
			return -1;
	} else if (!has_nodes && (static_ || relative) &&
		   vfail(v, "MPOL_PREFERRED without nodes (local allocation) takes no MPOL_F_STATIC_NODES or MPOL_F_RELATIVE_NODES",
			 ".linux.memoryPolicy.flags") < 0) {
		return -1;
	}
	return 0;
}

/* config-linux.md#intelrdt: the values alone (the runtime checks the
 * resctrl filesystem). */
static int check_intel_rdt(struct vctx *v, const spec_intel_rdt *rdt)
{
	char msg[QBUF + 96], q[QBUF];

	if (!rdt)
		return 0;
	if (rdt->clos_id &&
	    (!rdt->clos_id[0] || strchr(rdt->clos_id, '/') || !strcmp(rdt->clos_id, ".") ||
	     !strcmp(rdt->clos_id, ".."))) {
		snprintf(msg, sizeof(msg), "must name a directory of the resctrl filesystem, got %s",
			 vquote(q, sizeof(q), rdt->clos_id));
		if (vfail(v, msg, ".linux.intelRdt.closID") < 0)
			return -1;
	}
	if (rdt->mem_bw_schema &&
	    (strncmp(rdt->mem_bw_schema, "MB:", 3) != 0 || strchr(rdt->mem_bw_schema, '\n')) &&
	    vfail(v, "must start with \"MB:\" and hold no newline", ".linux.intelRdt.memBwSchema") < 0)
		return -1;
	return 0;
}

int validate_linux13(struct vctx *v, const spec_linux *l)
{
	if (check_net_devices(v, l) < 0 || check_memory_policy(v, l->memory_policy) < 0)
		return -1;
	return check_intel_rdt(v, l->intel_rdt);
}
