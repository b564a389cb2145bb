/*
 * cgroup v2: linux.resources, written in v1 terms by the spec, converted
 * to the unified hierarchy's files as runc converts them; enabling
 * controllers down the tree; the freezer.
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <time.h>

#include "cgroups.h"

static int write_i64(const char *dir, const char *file, int64_t value, const char *field,
		     skiff_error *err)
{
	char text[32];

	snprintf(text, sizeof(text), "%" PRId64, value);
	return cg_write(dir, file, text, field, err);
}

/* v1 wrote -1 for "no limit"; v2 says max. */
static int write_limit(const char *dir, const char *file, int64_t value, const char *field,
		       skiff_error *err)
{
	if (value == -1)
		return cg_write(dir, file, "max", field, err);
	return write_i64(dir, file, value, field, err);
}

/* --------------------------------------------------------- conversions -- */

uint64_t cg2_cpu_weight(uint64_t shares)
{
	/* [2, 262144] linearly onto [1, 10000]. */
	if (shares == 0)
		return 0;
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t cg2_io_weight(uint16_t blkio_weight)
{
	/* [10, 1000] linearly onto [1, 10000]. */
	uint64_t w = blkio_weight;

	if (w == 0)
		return 0;
	if (w < 10)
		w = 10;
	if (w > 1000)
		w = 1000;
	return 1 + (w - 10) * 9999 / 990;
}

int cg2_swap_value(int64_t swap, int64_t limit, int64_t *out, bool *set, const char **why)
{
	*set = true;
	*out = 0;
	if (limit == -1 && swap == 0) {
		/* Unlimited memory, swap not mentioned: both unlimited, like v1. */
		*out = -1;
		return 0;
	}
	if (swap == -1 || swap == 0) {
		*out = swap;
		*set = swap != 0;
		return 0;
	}
	if (limit == -1) {
		*out = swap;
		return 0;
	}
	if (limit == 0) {
		*why = "unable to set swap limit without memory limit";
		return -1;
	}
	if (limit < 0) {
		*why = "invalid memory value";
		return -1;
	}
	if (swap < limit) {
		*why = "memory+swap limit should be >= memory limit";
		return -1;
	}
	*out = swap - limit;
	return 0;
}

/* ---------------------------------------------------------- controllers -- */

static bool has_word(const char *list, const char *word)
{
	size_t len = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += len)
		if ((p == list || p[-1] == ' ' || p[-1] == '\n') &&
		    (p[len] == ' ' || p[len] == '\n' || p[len] == '\0'))
			return true;
	return false;
}

bool cg2_has_controller(const char *dir, const char *controller)
{
	char *list;
	bool found;

	if (cg_read(dir, "cgroup.controllers", &list, NULL) < 0)
		return false;
	found = has_word(list, controller);
	free(list);
	return found;
}

static bool is_cgroup2(const char *dir)
{
	struct statfs sfs;

	return statfs(dir, &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC;
}

/* "+a +b" for every controller dir offers. */
static char *all_controllers(const char *dir)
{
	char *list, *out, *save = NULL;
	size_t used = 0;

	if (cg_read(dir, "cgroup.controllers", &list, NULL) < 0)
		return NULL;
	out = calloc(1, strlen(list) * 2 + 2);
	for (char *w = out ? strtok_r(list, " \n", &save) : NULL; w; w = strtok_r(NULL, " \n", &save))
		used += (size_t)sprintf(out + used, "%s+%s", used ? " " : "", w);
	free(list);
	return out;
}

/* Write "+name" (or every controller, one by one if they will not all go at
 * once, as runc does) to ancestor's cgroup.subtree_control. */
static int enable_in(const char *ancestor, const char *controller, skiff_error *err)
{
	char want[128], *all, *save = NULL;

	if (controller) {
		snprintf(want, sizeof(want), "+%s", controller);
		if (cg_write(ancestor, "cgroup.subtree_control", want, NULL, err) < 0)
			return skiff_error_prefix(err, "cgroups: enable the %s controller", controller);
		return 0;
	}
	all = all_controllers(ancestor);
	if (!all || !all[0] || cg_write(ancestor, "cgroup.subtree_control", all, NULL, NULL) == 0) {
		free(all);
		return 0;
	}
	for (char *w = strtok_r(all, " ", &save); w; w = strtok_r(NULL, " ", &save))
		cg_write(ancestor, "cgroup.subtree_control", w, NULL, NULL);
	free(all);
	return 0;
}

int cg2_enable(const char *dir, const char *controller, skiff_error *err)
{
	char *path = strdup(dir);
	size_t len, end;
	int rc = 0;

	if (!path)
		return skiff_fail(err, ENOMEM, "cgroups: enable controllers");
	len = strlen(path);
	/* The mount is the highest ancestor still on cgroup2: path[0, end). */
	for (end = len;;) {
		char *slash = memrchr(path, '/', end);
		bool v2;

		if (!slash || slash == path)
			break;
		*slash = '\0';
		v2 = is_cgroup2(path);
		*slash = '/';
		if (!v2)
			break;
		end = (size_t)(slash - path);
	}
	/* Then every ancestor from there down to dir's parent. */
	while (rc == 0 && end < len) {
		char *next;

		path[end] = '\0';
		rc = enable_in(path, controller, err);
		path[end] = '/';
		next = strchr(path + end + 1, '/');
		end = next ? (size_t)(next - path) : len;
	}
	free(path);
	return rc;
}

/* ------------------------------------------------------------ resources -- */

int cg2_set_memory(const char *dir, const spec_resources *r, skiff_error *err)
{
	const spec_memory *m = r->memory;
	int64_t limit, swap, reservation, swap_v2;
	const char *why = NULL;
	bool swap_set;

	if (!m)
		return 0;
	limit = m->has_limit ? m->limit : 0;
	swap = m->has_swap ? m->swap : 0;
	reservation = m->has_reservation ? m->reservation : 0;
	/* swappiness, disableOOMKiller, useHierarchy and kernel memory have no
	 * v2 files; runc ignores them there too. */
	if (!limit && !swap && !reservation)
		return 0;
	if (m->has_check_before_update && m->check_before_update &&
	    cg_check_memory_usage(dir, "memory.current", limit, err) < 0)
		return -1;
	if (swap && !limit) {
		/* An update of swap alone: convert against the current limit. */
		uint64_t current;

		if (cg_read_u64(dir, "memory.max", &current) == 0)
			limit = current == UINT64_MAX ? -1 : (int64_t)current;
		if (cg2_swap_value(swap, limit, &swap_v2, &swap_set, &why) < 0)
			return skiff_fail_code_at(err, EINVAL, ".linux.resources.memory.swap",
					     "linux.resources.memory.swap: %s", why);
		limit = 0;
	} else if (cg2_swap_value(swap, limit, &swap_v2, &swap_set, &why) < 0) {
		return skiff_fail_code_at(err, EINVAL, ".linux.resources.memory.swap",
				     "linux.resources.memory.swap: %s", why);
	}
	if (swap_set) {
		/* Without swap accounting there is no file; "none" or "any" is
		 * then what the kernel does anyway. */
		bool optional = swap_v2 == -1 || swap_v2 == 0;

		if (!(optional && !cg_file_exists(dir, "memory.swap.max")) &&
		    write_limit(dir, "memory.swap.max", swap_v2, "linux.resources.memory.swap", err) < 0)
			return -1;
	}
	if (limit && write_limit(dir, "memory.max", limit, "linux.resources.memory.limit", err) < 0)
		return -1;
	if (reservation && write_limit(dir, "memory.low", reservation,
				       "linux.resources.memory.reservation", err) < 0)
		return -1;
	return 0;
}

/* The "$QUOTA $PERIOD" of cpu.max now, for an update that changes one. */
static void current_cpu_max(const char *dir, int64_t *quota, uint64_t *period)
{
	char *text;

	*quota = -1;
	*period = 0;
	if (cg_read(dir, "cpu.max", &text, NULL) < 0)
		return;
	if (strncmp(text, "max", 3))
		*quota = strtoll(text, NULL, 10);
	if (strchr(text, ' '))
		*period = strtoull(strchr(text, ' ') + 1, NULL, 10);
	free(text);
}

int cg2_set_cpu(const char *dir, const spec_resources *r, skiff_error *err)
{
	const spec_cpu *c = r->cpu;
	bool quota = c && c->has_quota && c->quota, period = c && c->has_period && c->period;
	bool burst_pending = false;

	if (!c)
		return 0;
	if ((c->has_realtime_runtime && c->realtime_runtime) ||
	    (c->has_realtime_period && c->realtime_period))
		return skiff_fail_code_at(err, ENOTSUP, ".linux.resources.cpu.realtimeRuntime",
				     "linux.resources.cpu.realtimeRuntime: realtime limits do not exist in cgroup v2");
	/* An idle group has the kernel's minimum weight and refuses another
	 * (EINVAL): leave idle before the weight is written, become idle after. */
	if (c->has_idle && c->idle == 0 &&
	    write_i64(dir, "cpu.idle", 0, "linux.resources.cpu.idle", err) < 0)
		return -1;
	if (c->has_shares && c->shares) {
		char text[32];

		snprintf(text, sizeof(text), "%" PRIu64, cg2_cpu_weight(c->shares));
		if (cg_write(dir, "cpu.weight", text, "linux.resources.cpu.shares", err) < 0)
			return -1;
	}
	if (c->has_idle && c->idle != 0 &&
	    write_i64(dir, "cpu.idle", c->idle, "linux.resources.cpu.idle", err) < 0)
		return -1;
	if (c->has_burst && write_i64(dir, "cpu.max.burst", (int64_t)c->burst,
				      "linux.resources.cpu.burst", err) < 0) {
		/* A burst above the old quota waits for the new one. */
		if (!quota && !period)
			return -1;
		burst_pending = true;
	}
	if (quota || period) {
		int64_t q = quota ? c->quota : 0;
		uint64_t p = period ? c->period : 0, now_period;
		char text[64];

		if (!quota)
			current_cpu_max(dir, &q, &now_period);
		if (q > 0)
			snprintf(text, sizeof(text), "%" PRId64, q);
		else
			snprintf(text, sizeof(text), "max");
		if (p)
			snprintf(text + strlen(text), sizeof(text) - strlen(text), " %" PRIu64, p);
		if (cg_write(dir, "cpu.max", text, quota ? "linux.resources.cpu.quota"
							 : "linux.resources.cpu.period", err) < 0)
			return -1;
	}
	if (burst_pending && write_i64(dir, "cpu.max.burst", (int64_t)c->burst,
				       "linux.resources.cpu.burst", err) < 0)
		return -1;
	return 0;
}

int cg2_set_cpuset(const char *dir, const spec_resources *r, skiff_error *err)
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

int cg2_set_pids(const char *dir, const spec_resources *r, skiff_error *err)
{
	if (!r->pids || r->pids->limit == 0)
		return 0;
	if (r->pids->limit < 0)
		return cg_write(dir, "pids.max", "max", "linux.resources.pids.limit", err);
	return write_i64(dir, "pids.max", r->pids->limit, "linux.resources.pids.limit", err);
}

static int write_io_max(const char *dir, const spec_throttle_device *d, size_t n,
			const char *key, const char *field, skiff_error *err)
{
	for (size_t i = 0; i < n; i++) {
		char text[128], name[128];

		snprintf(text, sizeof(text), "%" PRId64 ":%" PRId64 " %s=%" PRIu64, d[i].major,
			 d[i].minor, key, d[i].rate);
		snprintf(name, sizeof(name), "linux.resources.blockIO.%s[%zu]", field, i);
		if (cg_write(dir, "io.max", text, name, err) < 0)
			return -1;
	}
	return 0;
}

int cg2_set_io(const char *dir, const spec_resources *r, skiff_error *err)
{
	const spec_block_io *b = r->block_io;
	/* BFQ takes v1's weights as they are; io.weight wants them converted. */
	bool bfq = cg_file_exists(dir, "io.bfq.weight");
	const char *file = bfq ? "io.bfq.weight" : "io.weight";
	char text[96];

	if (!b)
		return 0;
	if (b->has_leaf_weight && b->leaf_weight)
		return skiff_fail_code_at(err, ENOTSUP, ".linux.resources.blockIO.leafWeight",
				     "linux.resources.blockIO.leafWeight: leaf weights do not exist in cgroup v2");
	if (b->has_weight && b->weight) {
		snprintf(text, sizeof(text), "%" PRIu64,
			 bfq ? (uint64_t)b->weight : cg2_io_weight(b->weight));
		if (cg_write(dir, file, text, "linux.resources.blockIO.weight", err) < 0)
			return -1;
	}
	for (size_t i = 0; i < b->weight_device_len; i++) {
		const spec_weight_device *w = &b->weight_device[i];
		char field[80];

		snprintf(field, sizeof(field), "linux.resources.blockIO.weightDevice[%zu]", i);
		if (w->has_leaf_weight && w->leaf_weight)
			return skiff_fail_code_at(err, ENOTSUP, field,
					     "%s.leafWeight: leaf weights do not exist in cgroup v2",
					     field);
		if (!w->has_weight)
			continue;
		snprintf(text, sizeof(text), "%" PRId64 ":%" PRId64 " %" PRIu64, w->major, w->minor,
			 bfq ? (uint64_t)w->weight : cg2_io_weight(w->weight));
		if (cg_write(dir, file, text, field, err) < 0)
			return -1;
	}
	if (write_io_max(dir, b->throttle_read_bps_device, b->throttle_read_bps_device_len, "rbps",
			 "throttleReadBpsDevice", err) < 0 ||
	    write_io_max(dir, b->throttle_write_bps_device, b->throttle_write_bps_device_len,
			 "wbps", "throttleWriteBpsDevice", err) < 0 ||
	    write_io_max(dir, b->throttle_read_iops_device, b->throttle_read_iops_device_len,
			 "riops", "throttleReadIOPSDevice", err) < 0 ||
	    write_io_max(dir, b->throttle_write_iops_device, b->throttle_write_iops_device_len,
			 "wiops", "throttleWriteIOPSDevice", err) < 0)
		return -1;
	return 0;
}

int cg2_set_hugetlb(const char *dir, const spec_resources *r, skiff_error *err)
{
	for (size_t i = 0; i < r->hugepage_limits_len; i++) {
		char file[128], field[80], text[32];

		snprintf(field, sizeof(field), "linux.resources.hugepageLimits[%zu].limit", i);
		snprintf(text, sizeof(text), "%" PRIu64, r->hugepage_limits[i].limit);
		if (cg_hugetlb_file(dir, r, i, "max", file, sizeof(file), err) < 0 ||
		    cg_write(dir, file, text, field, err) < 0)
			return -1;
		snprintf(file, sizeof(file), "hugetlb.%s.rsvd.max", r->hugepage_limits[i].page_size);
		if (cg_file_exists(dir, file) && cg_write(dir, file, text, field, err) < 0)
			return -1;
	}
	return 0;
}

int cg2_set_unified(const char *dir, const spec_resources *r, skiff_error *err)
{
	for (size_t i = 0; i < r->unified_len; i++) {
		const char *key = r->unified[i].key, *dot = strchr(key, '.');
		char field[160], controller[64];

		snprintf(field, sizeof(field), "linux.resources.unified[\"%.100s\"]", key);
		/* A file of this cgroup, not a path; and a resource, not a move. */
		if (!dot || dot == key || strchr(key, '/') || !strcmp(key, "cgroup.procs") ||
		    !strcmp(key, "cgroup.threads"))
			return skiff_fail_code_at(err, EINVAL, field,
					     "%s: not a resource file of the container's cgroup", field);
		if (cg_write(dir, key, r->unified[i].value, field, err) == 0)
			continue;
		snprintf(controller, sizeof(controller), "%.*s", (int)(dot - key), key);
		if (err && (err->errnum == ENOENT || err->errnum == EPERM || err->errnum == EACCES) &&
		    strcmp(controller, "cgroup") && !cg2_has_controller(dir, controller))
			return skiff_fail_code_at(err, ENOTSUP, field, "%s: the %s controller is not available",
					     field, controller);
		return -1;
	}
	return 0;
}

/* -------------------------------------------------------------- freezer -- */

bool cg2_frozen(const char *dir)
{
	char text[32];

	return cg_read_short(dir, "cgroup.freeze", text, sizeof(text)) == 0 && text[0] == '1';
}

int cg2_freeze(const char *dir, bool frozen, skiff_error *err)
{
	struct timespec tick = { 0, 10 * 1000000L };
	uint64_t state;

	if (cg_write(dir, "cgroup.freeze", frozen ? "1" : "0", NULL, err) < 0)
		return -1;
	/* Done when cgroup.events says every task got there (~10 s at most). */
	for (int i = 0; i < 1000; i++) {
		if (cg_read_keyed(dir, "cgroup.events", "frozen", &state) < 0 ||
		    (state != 0) == frozen)
			return 0;
		nanosleep(&tick, NULL);
	}
	if (frozen)
		cg_write(dir, "cgroup.freeze", "0", NULL, NULL);
	return skiff_fail(err, ETIMEDOUT, "cgroups: %s %s", frozen ? "freeze" : "thaw", dir);
}
