/*
 * Which resources need which controller, and which version's code writes
 * them: a controller's v1 hierarchy when it has one, else the cgroup2
 * directory when the controller lives there (enabled on the way down on a
 * hybrid host, only when something asks for it).  A non-default value with
 * nowhere to go is an error naming the field.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups.h"

static const char *memory_requested(const spec_resources *r)
{
	const spec_memory *m = r->memory;

	if (!m)
		return NULL;
	if (m->has_limit && m->limit > 0)
		return "linux.resources.memory.limit";
	if (m->has_reservation && m->reservation > 0)
		return "linux.resources.memory.reservation";
	if (m->has_swap && m->swap > 0)
		return "linux.resources.memory.swap";
	if (m->has_swappiness)
		return "linux.resources.memory.swappiness";
	if (m->has_disable_oom_killer && m->disable_oom_killer)
		return "linux.resources.memory.disableOOMKiller";
	return NULL;
}

static const char *cpu_requested(const spec_resources *r)
{
	const spec_cpu *c = r->cpu;

	if (!c)
		return NULL;
	if (c->has_shares && c->shares)
		return "linux.resources.cpu.shares";
	if (c->has_quota && c->quota > 0)
		return "linux.resources.cpu.quota";
	if (c->has_period && c->period)
		return "linux.resources.cpu.period";
	if (c->has_burst)
		return "linux.resources.cpu.burst";
	if (c->has_realtime_runtime && c->realtime_runtime)
		return "linux.resources.cpu.realtimeRuntime";
	if (c->has_realtime_period && c->realtime_period)
		return "linux.resources.cpu.realtimePeriod";
	if (c->has_idle && c->idle)
		return "linux.resources.cpu.idle";
	return NULL;
}

static const char *cpuset_requested(const spec_resources *r)
{
	if (r->cpu && r->cpu->cpus && r->cpu->cpus[0])
		return "linux.resources.cpu.cpus";
	if (r->cpu && r->cpu->mems && r->cpu->mems[0])
		return "linux.resources.cpu.mems";
	return NULL;
}

static const char *pids_requested(const spec_resources *r)
{
	return r->pids && r->pids->limit > 0 ? "linux.resources.pids.limit" : NULL;
}

static const char *blkio_requested(const spec_resources *r)
{
	const spec_block_io *b = r->block_io;

	if (!b)
		return NULL;
	if (b->has_weight && b->weight)
		return "linux.resources.blockIO.weight";
	if (b->has_leaf_weight && b->leaf_weight)
		return "linux.resources.blockIO.leafWeight";
	if (b->weight_device_len)
		return "linux.resources.blockIO.weightDevice";
	if (b->throttle_read_bps_device_len || b->throttle_write_bps_device_len ||
	    b->throttle_read_iops_device_len || b->throttle_write_iops_device_len)
		return "linux.resources.blockIO.throttle*Device";
	return NULL;
}

static const char *hugetlb_requested(const spec_resources *r)
{
	return r->hugepage_limits_len ? "linux.resources.hugepageLimits" : NULL;
}

static const char *net_cls_requested(const spec_resources *r)
{
	return r->network && r->network->has_class_id && r->network->class_id
		       ? "linux.resources.network.classID"
		       : NULL;
}

static const char *net_prio_requested(const spec_resources *r)
{
	return r->network && r->network->priorities_len ? "linux.resources.network.priorities"
							 : NULL;
}

static const char *rdma_requested(const spec_resources *r)
{
	return r->rdma_len ? "linux.resources.rdma" : NULL;
}

/* Each controller's resources, in the order runc's v1 driver sets them. */
static const struct resource_kind {
	const char *v1;
	const char *v2; /* NULL: cgroup v2 has no such controller */
	const char *(*requested)(const spec_resources *r);
	cg_set_fn set_v1, set_v2;
} resource_kinds[] = {
	{ "cpuset", "cpuset", cpuset_requested, cg_set_cpuset, cg_set_cpuset },
	{ "memory", "memory", memory_requested, cg1_set_memory, cg2_set_memory },
	{ "cpu", "cpu", cpu_requested, cg1_set_cpu, cg2_set_cpu },
	{ "pids", "pids", pids_requested, cg_set_pids, cg_set_pids },
	{ "blkio", "io", blkio_requested, cg1_set_blkio, cg2_set_io },
	{ "hugetlb", "hugetlb", hugetlb_requested, cg1_set_hugetlb, cg2_set_hugetlb },
	{ "net_cls", NULL, net_cls_requested, cg1_set_net_cls, NULL },
	{ "net_prio", NULL, net_prio_requested, cg1_set_net_prio, NULL },
	{ "rdma", "rdma", rdma_requested, cg_set_rdma, cg_set_rdma },
};

/* The topmost directory of the cgroup2 mount dir is in. */
static const char *v2_mount_of(const cgroup_set *set)
{
	return cg_set_is_unified(set) ? "/sys/fs/cgroup" : "/sys/fs/cgroup/unified";
}

/* Can the cgroup2 directory take this controller's files?  On a hybrid host
 * the controller is enabled on the way down only when something asks for it. */
static bool v2_usable(const cgroup_set *set, const char *controller, bool needed,
		      skiff_error *err, int *rc)
{
	const char *dir = cg_v2_dir(set);

	*rc = 0;
	if (!dir || !controller)
		return false;
	if (cg_set_is_unified(set))
		return cg2_has_controller(dir, controller);
	if (!needed || !cg2_has_controller(v2_mount_of(set), controller))
		return false;
	*rc = cg2_enable(dir, controller, err);
	return *rc == 0;
}

int cg_apply_resources(const cgroup_set *set, const spec_resources *r, skiff_error *err)
{
	const char *v2 = cg_v2_dir(set);

	for (size_t i = 0; i < ARRAY_SIZE(resource_kinds); i++) {
		const struct resource_kind *k = &resource_kinds[i];
		const char *field = k->requested(r), *v1 = cg_v1_dir(set, k->v1);
		int rc;

		if (v1) {
			if (k->set_v1(v1, r, err) < 0)
				return -1;
		} else if (v2_usable(set, k->v2, field != NULL, err, &rc)) {
			if (k->set_v2(v2, r, err) < 0)
				return -1;
		} else if (rc < 0) {
			return -1;
		} else if (field) {
			char context[80];

			snprintf(context, sizeof(context), ".%s", field);
			return skiff_fail_msg_at(err, ENOTSUP, context,
						  "%s: the %s controller is not available", field,
						  cg_set_is_unified(set) && k->v2 ? k->v2 : k->v1);
		}
	}
	if (!r->unified_len)
		return 0;
	if (!v2)
		return skiff_fail_msg_at(err, ENOTSUP, ".linux.resources.unified",
					  "linux.resources.unified: needs cgroup v2, and this host has only cgroup v1");
	/* On a hybrid host the files of the controllers named need enabling. */
	for (size_t i = 0; !cg_set_is_unified(set) && i < r->unified_len; i++) {
		const char *key = r->unified[i].key, *dot = strchr(key, '.');
		char controller[64];
		int rc;

		if (!dot || dot == key || (size_t)(dot - key) >= sizeof(controller))
			continue;
		snprintf(controller, sizeof(controller), "%.*s", (int)(dot - key), key);
		if (strcmp(controller, "cgroup") && !v2_usable(set, controller, true, err, &rc) && rc < 0)
			return -1;
	}
	return cg2_set_unified(v2, r, err);
}

int cg_apply_devices(const cgroup_set *set, const spec_config *cfg, skiff_error *err)
{
	const char *v1 = cg_v1_dir(set, "devices"), *v2 = cg_v2_dir(set);
	cg_device_rule *rules;
	size_t n;
	int rc;

	if (!v1 && !v2)
		/* runc too refuses to run without a device cgroup. */
		return skiff_fail_msg_at(err, ENOTSUP, ".linux.resources.devices",
				     "linux.resources.devices: the devices controller is not available");
	if (cg_device_rules(cfg, &rules, &n, err) < 0)
		return -1;
	rc = v1 ? cg1_set_devices(v1, rules, n, err) : cg_bpf_attach_devices(v2, rules, n, err);
	free(rules);
	return rc;
}

bool cgroup_optional(const spec_config *cfg, bool rootless, const skiff_error *err)
{
	const spec_linux *lx = cfg->linux_;
	const spec_resources *r = lx ? lx->resources : NULL;

	if (!rootless || !err ||
	    (err->errnum != EACCES && err->errnum != EPERM && err->errnum != EROFS))
		return false;
	if (lx && lx->cgroups_path && lx->cgroups_path[0])
		return false;
	for (size_t i = 0; r && i < ARRAY_SIZE(resource_kinds); i++)
		if (resource_kinds[i].requested(r))
			return false;
	return !r || (!r->unified_len && !r->devices_len);
}
