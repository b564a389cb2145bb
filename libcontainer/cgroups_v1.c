/*
 * cgroup v1: linux.resources written to each controller's own hierarchy,
 * with runc's orderings and its readable errors, plus the device cgroup
 * and the freezer.  Every function writes only the fields that are set.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <time.h>

#include "cgroups.h"

#define MEMSW "memory.memsw.limit_in_bytes"

static int write_i64(const char *dir, const char *file, int64_t value, const char *field,
		     skiff_error *err)
{
	char text[32];

	snprintf(text, sizeof(text), "%" PRId64, value);
	return cg_write(dir, file, text, field, err);
}

static int write_u64(const char *dir, const char *file, uint64_t value, const char *field,
		     skiff_error *err)
{
	char text[32];

	snprintf(text, sizeof(text), "%" PRIu64, value);
	return cg_write(dir, file, text, field, err);
}

/* ------------------------------------------------------------- memory -- */

static int set_limit(const char *dir, int64_t limit, skiff_error *err)
{
	uint64_t usage = 0, peak = 0;

	if (limit == 0 || write_i64(dir, "memory.limit_in_bytes", limit,
				    "linux.resources.memory.limit", err) == 0)
		return 0;
	if (!err || err->errnum != EBUSY)
		return -1;
	/* The kernel refuses a limit below what is in use: say so. */
	cg_read_u64(dir, "memory.usage_in_bytes", &usage);
	cg_read_u64(dir, "memory.max_usage_in_bytes", &peak);
	return skiff_fail_code_at(err, EBUSY, ".linux.resources.memory.limit",
			     "linux.resources.memory.limit: unable to set memory limit to %" PRId64
			     " (current usage: %" PRIu64 ", peak usage: %" PRIu64 ")",
			     limit, usage, peak);
}

static int set_swap(const char *dir, int64_t swap, skiff_error *err)
{
	if (swap == 0)
		return 0;
	if (!cg_file_exists(dir, MEMSW))
		return skiff_fail_code_at(err, ENOTSUP, ".linux.resources.memory.swap",
				     "linux.resources.memory.swap: the kernel does not account swap (no %s)",
				     MEMSW);
	return write_i64(dir, MEMSW, swap, "linux.resources.memory.swap", err);
}

int cg_check_memory_usage(const char *dir, const char *usage_file, int64_t limit,
			  skiff_error *err)
{
	uint64_t usage;

	if (limit <= 0 || cg_read_u64(dir, usage_file, &usage) < 0 || (uint64_t)limit >= usage)
		return 0;
	return skiff_fail_code_at(err, EBUSY, ".linux.resources.memory.limit",
			     "linux.resources.memory.limit: rejecting memory limit %" PRId64
			     " below usage %" PRIu64 " (checkBeforeUpdate)",
			     limit, usage);
}

int cg1_set_memory(const char *dir, const spec_resources *r, skiff_error *err)
{
	const spec_memory *m = r->memory;
	int64_t limit, swap;

	if (!m)
		return 0;
	limit = m->has_limit ? m->limit : 0;
	swap = m->has_swap ? m->swap : 0;
	if (m->has_check_before_update && m->check_before_update &&
	    cg_check_memory_usage(dir, "memory.usage_in_bytes", limit, err) < 0)
		return -1;
	/* Unlimited memory without a word on swap: unlimited swap too. */
	if (limit == -1 && swap == 0 && cg_file_exists(dir, MEMSW))
		swap = -1;
	/* memsw may never be below the memory limit, so which file goes first
	 * depends on whether the limits grow or shrink. */
	if (limit != 0 && swap != 0) {
		uint64_t current = 0;

		cg_read_u64(dir, "memory.limit_in_bytes", &current);
		if (swap == -1 || current < (uint64_t)swap) {
			if (set_swap(dir, swap, err) < 0 || set_limit(dir, limit, err) < 0)
				return -1;
			goto rest;
		}
	}
	if (set_limit(dir, limit, err) < 0 || set_swap(dir, swap, err) < 0)
		return -1;
rest:
	/* kernel and kernelTCP are ignored, as by runc 1.1: the kernel
	 * deprecated kmem limits. */
	if (m->has_reservation && m->reservation &&
	    write_i64(dir, "memory.soft_limit_in_bytes", m->reservation,
		      "linux.resources.memory.reservation", err) < 0)
		return -1;
	if (m->has_disable_oom_killer && m->disable_oom_killer &&
	    cg_write(dir, "memory.oom_control", "1", "linux.resources.memory.disableOOMKiller",
		     err) < 0)
		return -1;
	if (m->has_swappiness) {
		if (m->swappiness > 100)
			return skiff_fail_code_at(err, EINVAL, ".linux.resources.memory.swappiness",
					     "linux.resources.memory.swappiness: invalid value %" PRIu64
					     ", the valid range is 0-100",
					     m->swappiness);
		if (write_u64(dir, "memory.swappiness", m->swappiness,
			      "linux.resources.memory.swappiness", err) < 0)
			return -1;
	}
	if (m->has_use_hierarchy &&
	    cg_write(dir, "memory.use_hierarchy", m->use_hierarchy ? "1" : "0",
		     "linux.resources.memory.useHierarchy", err) < 0)
		return -1;
	return 0;
}

/* ---------------------------------------------------------------- cpu -- */

static int set_shares(const char *dir, uint64_t shares, skiff_error *err)
{
	uint64_t got;

	if (write_u64(dir, "cpu.shares", shares, "linux.resources.cpu.shares", err) < 0)
		return -1;
	/* The kernel clamps silently; runc reads back to report it. */
	if (cg_read_u64(dir, "cpu.shares", &got) == 0 && got != shares)
		return skiff_fail_code_at(err, ERANGE, ".linux.resources.cpu.shares",
				     "linux.resources.cpu.shares: the %s allowed cpu-shares is %" PRIu64,
				     shares > got ? "maximum" : "minimum", got);
	return 0;
}

int cg1_set_cpu(const char *dir, const spec_resources *r, skiff_error *err)
{
	const spec_cpu *c = r->cpu;
	bool period_pending = false;

	if (!c)
		return 0;
	/* An idle group refuses new shares (EINVAL): leave idle before the
	 * shares are written, become idle after (as on v2). */
	if (c->has_idle && c->idle == 0 &&
	    write_i64(dir, "cpu.idle", 0, "linux.resources.cpu.idle", err) < 0)
		return -1;
	if (c->has_shares && c->shares && set_shares(dir, c->shares, err) < 0)
		return -1;
	if (c->has_period && c->period &&
	    write_u64(dir, "cpu.cfs_period_us", c->period, "linux.resources.cpu.period", err) < 0) {
		/* A shorter period can clash with the old quota against the
		 * parent's; when a quota comes too, retry after it. */
		if (!err || err->errnum != EINVAL || !c->has_quota || !c->quota)
			return -1;
		period_pending = true;
	}
	if (c->has_quota && c->quota) {
		if (write_i64(dir, "cpu.cfs_quota_us", c->quota, "linux.resources.cpu.quota", err) < 0)
			return -1;
		if (period_pending && write_u64(dir, "cpu.cfs_period_us", c->period,
						"linux.resources.cpu.period", err) < 0)
			return -1;
	}
	if (c->has_burst &&
	    write_u64(dir, "cpu.cfs_burst_us", c->burst, "linux.resources.cpu.burst", err) < 0)
		return -1;
	if (c->has_realtime_period && c->realtime_period &&
	    write_u64(dir, "cpu.rt_period_us", c->realtime_period,
		      "linux.resources.cpu.realtimePeriod", err) < 0)
		return -1;
	if (c->has_realtime_runtime && c->realtime_runtime &&
	    write_i64(dir, "cpu.rt_runtime_us", c->realtime_runtime,
		      "linux.resources.cpu.realtimeRuntime", err) < 0)
		return -1;
	if (c->has_idle && c->idle != 0 &&
	    write_i64(dir, "cpu.idle", c->idle, "linux.resources.cpu.idle", err) < 0)
		return -1;
	return 0;
}

/* ------------------------------------------------------------- cpuset -- */

int cg1_set_cpuset(const char *dir, const spec_resources *r, skiff_error *err)
{
	const spec_cpu *c = r->cpu;

	if (!c)
		return 0;
	if (c->cpus && c->cpus[0] &&
	    cg_write(dir, "cpuset.cpus", c->cpus, "linux.resources.cpu.cpus", err) < 0)
		return -1;
	if (c->mems && c->mems[0] &&
	    cg_write(dir, "cpuset.mems", c->mems, "linux.resources.cpu.mems", err) < 0)
		return -1;
	return 0;
}

static bool is_cgroup_v1(const char *dir)
{
	struct statfs sfs;

	return statfs(dir, &sfs) == 0 && sfs.f_type == CGROUP_SUPER_MAGIC;
}

/* Copy file from the parent when empty here; the parent first. */
static int cpuset_fill(const char *dir, const char *file, int depth, skiff_error *err)
{
	char *mine = NULL, *parent = NULL, *theirs = NULL, *slash;
	int rc = -1;

	if (cg_read(dir, file, &mine, err) < 0)
		return -1;
	if (mine[0] && mine[0] != '\n') {
		free(mine);
		return 0;
	}
	parent = strdup(dir);
	slash = parent ? strrchr(parent, '/') : NULL;
	if (!slash || slash == parent || depth > 64) {
		skiff_fail(err, ENOENT, "cgroups: no cpuset above %s to inherit %s from", dir, file);
		goto out;
	}
	*slash = '\0';
	if (!is_cgroup_v1(parent)) {
		skiff_fail(err, ENOENT, "cgroups: %s has an empty %s", dir, file);
		goto out;
	}
	if (cpuset_fill(parent, file, depth + 1, err) < 0 || cg_read(parent, file, &theirs, err) < 0)
		goto out;
	theirs[strcspn(theirs, "\n")] = '\0';
	rc = cg_write(dir, file, theirs, NULL, err);
out:
	free(mine);
	free(parent);
	free(theirs);
	return rc;
}

int cg1_cpuset_inherit(const char *dir, skiff_error *err)
{
	if (cpuset_fill(dir, "cpuset.cpus", 0, err) < 0 || cpuset_fill(dir, "cpuset.mems", 0, err) < 0)
		return skiff_error_prefix(err, "cgroups: prepare the cpuset %s", dir);
	return 0;
}

/* --------------------------------------------------------------- pids -- */

int cg1_set_pids(const char *dir, const spec_resources *r, skiff_error *err)
{
	/* 0 leaves the limit alone, negative removes it: runc's reading. */
	if (!r->pids || r->pids->limit == 0)
		return 0;
	if (r->pids->limit < 0)
		return cg_write(dir, "pids.max", "max", "linux.resources.pids.limit", err);
	return write_i64(dir, "pids.max", r->pids->limit, "linux.resources.pids.limit", err);
}

/* -------------------------------------------------------------- blkio -- */

static int write_devices(const char *dir, const char *file, const spec_throttle_device *d,
			 size_t n, const char *field, skiff_error *err)
{
	for (size_t i = 0; i < n; i++) {
		char text[96], name[128];

		snprintf(text, sizeof(text), "%" PRId64 ":%" PRId64 " %" PRIu64, d[i].major,
			 d[i].minor, d[i].rate);
		snprintf(name, sizeof(name), "linux.resources.blockIO.%s[%zu]", field, i);
		if (cg_write(dir, file, text, name, err) < 0)
			return -1;
	}
	return 0;
}

int cg1_set_blkio(const char *dir, const spec_resources *r, skiff_error *err)
{
	const spec_block_io *b = r->block_io;
	/* CFQ's files, or BFQ's where CFQ is gone (Linux 5.0 and later). */
	bool cfq = cg_file_exists(dir, "blkio.weight");
	const char *weight = cfq ? "blkio.weight" : "blkio.bfq.weight";
	const char *weight_device = cfq ? "blkio.weight_device" : "blkio.bfq.weight_device";

	if (!b)
		return 0;
	if (b->has_weight && b->weight &&
	    write_u64(dir, weight, b->weight, "linux.resources.blockIO.weight", err) < 0)
		return -1;
	if (b->has_leaf_weight && b->leaf_weight &&
	    write_u64(dir, "blkio.leaf_weight", b->leaf_weight, "linux.resources.blockIO.leafWeight",
		      err) < 0)
		return -1;
	for (size_t i = 0; i < b->weight_device_len; i++) {
		const spec_weight_device *w = &b->weight_device[i];
		char text[96], name[96];

		snprintf(name, sizeof(name), "linux.resources.blockIO.weightDevice[%zu]", i);
		if (w->has_weight) {
			snprintf(text, sizeof(text), "%" PRId64 ":%" PRId64 " %u", w->major, w->minor,
				 (unsigned)w->weight);
			if (cg_write(dir, weight_device, text, name, err) < 0)
				return -1;
		}
		if (w->has_leaf_weight) {
			snprintf(text, sizeof(text), "%" PRId64 ":%" PRId64 " %u", w->major, w->minor,
				 (unsigned)w->leaf_weight);
			if (cg_write(dir, "blkio.leaf_weight_device", text, name, err) < 0)
				return -1;
		}
	}
	if (write_devices(dir, "blkio.throttle.read_bps_device", b->throttle_read_bps_device,
			  b->throttle_read_bps_device_len, "throttleReadBpsDevice", err) < 0 ||
	    write_devices(dir, "blkio.throttle.write_bps_device", b->throttle_write_bps_device,
			  b->throttle_write_bps_device_len, "throttleWriteBpsDevice", err) < 0 ||
	    write_devices(dir, "blkio.throttle.read_iops_device", b->throttle_read_iops_device,
			  b->throttle_read_iops_device_len, "throttleReadIOPSDevice", err) < 0 ||
	    write_devices(dir, "blkio.throttle.write_iops_device", b->throttle_write_iops_device,
			  b->throttle_write_iops_device_len, "throttleWriteIOPSDevice", err) < 0)
		return -1;
	return 0;
}

/* ------------------------------------------------------------ hugetlb -- */

int cg_hugetlb_file(const char *dir, const spec_resources *r, size_t i, const char *suffix,
		    char *file, size_t size, skiff_error *err)
{
	const char *ps = r->hugepage_limits[i].page_size;

	snprintf(file, size, "hugetlb.%s.%s", ps, suffix);
	if (strchr(ps, '/') || !cg_file_exists(dir, file))
		return skiff_fail_code_at(err, EINVAL, ".linux.resources.hugepageLimits",
				     "linux.resources.hugepageLimits[%zu].pageSize: this host has no \"%s\" huge pages",
				     i, ps);
	return 0;
}

int cg1_set_hugetlb(const char *dir, const spec_resources *r, skiff_error *err)
{
	for (size_t i = 0; i < r->hugepage_limits_len; i++) {
		char file[128], field[80];

		snprintf(field, sizeof(field), "linux.resources.hugepageLimits[%zu].limit", i);
		if (cg_hugetlb_file(dir, r, i, "limit_in_bytes", file, sizeof(file), err) < 0 ||
		    write_u64(dir, file, r->hugepage_limits[i].limit, field, err) < 0)
			return -1;
		/* Reservations count too where the kernel tracks them (5.7+). */
		snprintf(file, sizeof(file), "hugetlb.%s.rsvd.limit_in_bytes",
			 r->hugepage_limits[i].page_size);
		if (cg_file_exists(dir, file) &&
		    write_u64(dir, file, r->hugepage_limits[i].limit, field, err) < 0)
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------ network, rdma -- */

int cg1_set_net_cls(const char *dir, const spec_resources *r, skiff_error *err)
{
	if (!r->network || !r->network->has_class_id)
		return 0;
	return write_u64(dir, "net_cls.classid", r->network->class_id,
			 "linux.resources.network.classID", err);
}

int cg1_set_net_prio(const char *dir, const spec_resources *r, skiff_error *err)
{
	for (size_t i = 0; r->network && i < r->network->priorities_len; i++) {
		const spec_interface_priority *p = &r->network->priorities[i];
		char text[128], field[80];

		snprintf(text, sizeof(text), "%s %u", p->name, (unsigned)p->priority);
		snprintf(field, sizeof(field), "linux.resources.network.priorities[%zu]", i);
		if (cg_write(dir, "net_prio.ifpriomap", text, field, err) < 0)
			return -1;
	}
	return 0;
}

int cg_set_rdma(const char *dir, const spec_resources *r, skiff_error *err)
{
	for (size_t i = 0; i < r->rdma_len; i++) {
		const spec_rdma *d = &r->rdma[i];
		char text[256], field[128];
		int n = snprintf(text, sizeof(text), "%s", d->key);

		if (d->has_hca_handles)
			n += snprintf(text + n, sizeof(text) - (size_t)n, " hca_handle=%u",
				      (unsigned)d->hca_handles);
		if (d->has_hca_objects && (size_t)n < sizeof(text))
			snprintf(text + n, sizeof(text) - (size_t)n, " hca_object=%u",
				 (unsigned)d->hca_objects);
		snprintf(field, sizeof(field), "linux.resources.rdma[\"%.64s\"]", d->key);
		if (cg_write(dir, "rdma.max", text, field, err) < 0)
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ devices -- */

static void rule_text(const cg_device_rule *rule, char *out, size_t size)
{
	char major[24] = "*", minor[24] = "*";

	if (rule->major >= 0)
		snprintf(major, sizeof(major), "%" PRId64, rule->major);
	if (rule->minor >= 0)
		snprintf(minor, sizeof(minor), "%" PRId64, rule->minor);
	snprintf(out, size, "%c %s:%s %s", rule->type, major, minor, rule->access);
}

int cg1_set_devices(const char *dir, const cg_device_rule *rules, size_t n, skiff_error *err)
{
	/* Deny everything, then each rule in order, as runc does: later rules
	 * override earlier ones, like the writes themselves. */
	if (cg_write(dir, "devices.deny", "a", "linux.resources.devices", err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char text[80];

		rule_text(&rules[i], text, sizeof(text));
		if (cg_write(dir, rules[i].allow ? "devices.allow" : "devices.deny", text,
			     "linux.resources.devices", err) < 0)
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ freezer -- */

bool cg1_frozen(const char *dir)
{
	char state[32];

	return cg_read_short(dir, "freezer.state", state, sizeof(state)) == 0 &&
	       !strncmp(state, "FROZEN", 6);
}

int cg1_freeze(const char *dir, bool frozen, skiff_error *err)
{
	struct timespec tick = { 0, 10 * 1000000L };

	if (!frozen)
		return cg_write(dir, "freezer.state", "THAWED", NULL, err);
	/* FREEZING can stall on a task that is busy in the kernel; asking
	 * again now and then gets it through, as runc found.  ~10 s in all. */
	for (int i = 0; i < 1000; i++) {
		if (i % 50 == 0) {
			if (i)
				cg_write(dir, "freezer.state", "THAWED", NULL, NULL);
			if (cg_write(dir, "freezer.state", "FROZEN", NULL, err) < 0)
				return -1;
		}
		if (cg1_frozen(dir))
			return 0;
		nanosleep(&tick, NULL);
	}
	cg_write(dir, "freezer.state", "THAWED", NULL, NULL);
	return skiff_fail(err, ETIMEDOUT, "cgroups: freeze %s", dir);
}
