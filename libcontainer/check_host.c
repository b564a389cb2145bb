/*
 * The warnings of skiff_bundle_check(): fields of a valid config that this
 * host, or skiff running here, cannot honour.  Each names the field's JSON
 * path.  They look at the caller's own view of the host (its mounts, its
 * capability bounding set, its rlimits), which is what create would use.
 *   cgroups   a resource is set but its controller is mounted nowhere
 *   caps      a capability outside skiff's own bounding set
 *   rlimits   a limit above skiff's own hard limit without CAP_SYS_RESOURCE
 * What create refuses on this host (a missing rootfs or bind source, an
 * absent LSM, a seccomp profile libseccomp cannot make) is an error, of
 * create_requirements(), not a warning.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "libmount_load.h"

/* ---- what the host has: cgroup controllers and LSMs, from mountinfo ---- */

/* The v1 controllers a resource may need, in the order of the bits below. */
static const char *const controller_names[] = {
	"cpu", "cpuset", "memory", "pids", "blkio", "io", "hugetlb", "net_cls", "net_prio",
	"rdma", "devices", NULL,
};

typedef struct host_view {
	unsigned controllers; /* bit i: controller_names[i] is usable */
	bool cgroup2;         /* a cgroup2 hierarchy is mounted */
	char cgroup2_controllers[512]; /* its cgroup.controllers */
	bool selinux;         /* selinuxfs is mounted */
} host_view;

static int controller_bit(const char *name)
{
	for (int i = 0; controller_names[i]; i++)
		if (strcmp(controller_names[i], name) == 0)
			return i;
	return -1;
}

static bool word_in(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || isspace((unsigned char)p[-1])) &&
		    (p[n] == '\0' || isspace((unsigned char)p[n])))
			return true;
	return false;
}

/* A cgroup2 mount: its enabled controllers count as usable. */
static void add_cgroup2(host_view *h, const char *mountpoint)
{
	char path[4200], *text = NULL;
	size_t len;

	h->cgroup2 = true;
	snprintf(path, sizeof(path), "%s/cgroup.controllers", mountpoint);
	if (read_file_at(AT_FDCWD, path, 4096, &text, &len, NULL) < 0)
		return;
	snprintf(h->cgroup2_controllers, sizeof(h->cgroup2_controllers), "%s", text);
	free(text);
	for (int i = 0; controller_names[i]; i++)
		if (word_in(h->cgroup2_controllers, controller_names[i]))
			h->controllers |= 1u << i;
}

static void host_view_read(host_view *h)
{
	struct libmnt_table *tb;
	struct libmnt_iter *it;
	struct libmnt_fs *fs;

	memset(h, 0, sizeof(*h));
	if (libmount_ready(NULL) < 0)
		return;
	tb = mnt_new_table_from_file("/proc/self/mountinfo");
	it = mnt_new_iter(MNT_ITER_FORWARD);
	while (tb && it && mnt_table_next_fs(tb, it, &fs) == 0) {
		const char *type = mnt_fs_get_fstype(fs);
		const char *opts = mnt_fs_get_fs_options(fs);

		if (!type)
			continue;
		if (strcmp(type, "cgroup2") == 0 && mnt_fs_get_target(fs)) {
			add_cgroup2(h, mnt_fs_get_target(fs));
		} else if (strcmp(type, "cgroup") == 0 && opts) {
			/* A v1 hierarchy names its controllers in its options. */
			for (int i = 0; controller_names[i]; i++)
				if (mnt_optstr_get_option(opts, controller_names[i], NULL, NULL) == 0)
					h->controllers |= 1u << i;
		} else if (strcmp(type, "selinuxfs") == 0) {
			h->selinux = true;
		}
	}
	mnt_free_iter(it);
	mnt_unref_table(tb);
	/* cgroup v2 controls devices with eBPF, no controller needed. */
	if (h->cgroup2)
		h->controllers |= 1u << controller_bit("devices");
}

/* ---- cgroups ---- */

static void need_controller(check_report *r, const host_view *h, const char *path,
			    const char *controller)
{
	int bit = controller_bit(controller);

	if (bit >= 0 && !(h->controllers & (1u << bit)))
		check_warn(r, path,
			   "the %s cgroup controller is not mounted on this host: this limit cannot be applied",
			   controller);
}

/* blkio on cgroup v1, io on v2: either will do. */
static void need_block_io(check_report *r, const host_view *h, const char *path)
{
	if (!(h->controllers & (1u << controller_bit("blkio"))) &&
	    !(h->controllers & (1u << controller_bit("io"))))
		check_warn(r, path,
			   "neither the blkio nor the io cgroup controller is mounted on this host: this limit cannot be applied");
}

static void check_unified(check_report *r, const host_view *h, const spec_resources *res)
{
	char path[600], controller[64];

	for (size_t i = 0; i < res->unified_len; i++) {
		const char *key = res->unified[i].key;
		size_t n = key ? strcspn(key, ".") : 0;

		snprintf(path, sizeof(path), ".linux.resources.unified[\"%.500s\"]", key ? key : "");
		if (!h->cgroup2) {
			check_warn(r, path, "needs cgroup v2, which is not mounted on this host");
			continue;
		}
		if (n == 0 || n >= sizeof(controller) || !key[n])
			continue;
		memcpy(controller, key, n);
		controller[n] = '\0';
		/* cgroup.* files are the core's, not a controller's. */
		if (strcmp(controller, "cgroup") != 0 && !word_in(h->cgroup2_controllers, controller))
			check_warn(r, path,
				   "the %s controller is not enabled in this host's cgroup v2 hierarchy",
				   controller);
	}
}

static void check_cgroups(check_report *r, const host_view *h, const spec_resources *res)
{
	const spec_cpu *cpu = res->cpu;
	const spec_memory *mem = res->memory;

	if (res->devices_len)
		need_controller(r, h, ".linux.resources.devices", "devices");
	if (mem && (mem->has_limit || mem->has_reservation || mem->has_swap || mem->has_kernel ||
		    mem->has_kernel_tcp || mem->has_swappiness || mem->has_disable_oom_killer ||
		    mem->has_use_hierarchy || mem->has_check_before_update))
		need_controller(r, h, ".linux.resources.memory", "memory");
	if (cpu && (cpu->has_shares || cpu->has_quota || cpu->has_burst || cpu->has_period ||
		    cpu->has_realtime_runtime || cpu->has_realtime_period || cpu->has_idle))
		need_controller(r, h, ".linux.resources.cpu", "cpu");
	if (cpu && cpu->cpus && cpu->cpus[0])
		need_controller(r, h, ".linux.resources.cpu.cpus", "cpuset");
	if (cpu && cpu->mems && cpu->mems[0])
		need_controller(r, h, ".linux.resources.cpu.mems", "cpuset");
	if (res->pids)
		need_controller(r, h, ".linux.resources.pids", "pids");
	if (res->block_io)
		need_block_io(r, h, ".linux.resources.blockIO");
	if (res->hugepage_limits_len)
		need_controller(r, h, ".linux.resources.hugepageLimits", "hugetlb");
	if (res->network && res->network->has_class_id)
		need_controller(r, h, ".linux.resources.network.classID", "net_cls");
	if (res->network && res->network->priorities_len)
		need_controller(r, h, ".linux.resources.network.priorities", "net_prio");
	if (res->rdma_len)
		need_controller(r, h, ".linux.resources.rdma", "rdma");
	check_unified(r, h, res);
}

/* ---- capabilities ---- */

static void cap_warn(void *data, const char *path, const char *message)
{
	check_warn(data, path, "%s", message);
}

/* ---- mounts ---- */

/* ---- rlimits ---- */

static bool have_effective(cap_value_t cap)
{
	cap_flag_value_t v = CAP_CLEAR;
	cap_t caps = cap_get_proc();

	if (caps) {
		cap_get_flag(caps, cap, CAP_EFFECTIVE, &v);
		cap_free(caps);
	}
	return v == CAP_SET;
}

static void check_rlimits(check_report *r, const spec_process *p)
{
	bool can_raise = have_effective(CAP_SYS_RESOURCE);
	char path[64];

	for (size_t i = 0; !can_raise && i < p->rlimits_len; i++) {
		const spec_rlimit *rl = &p->rlimits[i];
		int resource = rl->type ? spec_rlimit_resource(rl->type) : -1;
		struct rlimit own;

		if (resource < 0 || getrlimit(resource, &own) < 0 || own.rlim_max == RLIM_INFINITY)
			continue;
		if (rl->hard <= own.rlim_max)
			continue;
		snprintf(path, sizeof(path), ".process.rlimits[%zu].hard", i);
		check_warn(r, path,
			   "%s hard limit %llu is above skiff's own (%llu), and raising it needs CAP_SYS_RESOURCE",
			   rl->type, (unsigned long long)rl->hard, (unsigned long long)own.rlim_max);
	}
}

void check_host(const spec_config *cfg, check_report *r)
{
	host_view h;

	host_view_read(&h);
	if (cfg->process) {
		capabilities_problems(cfg->process->capabilities, cap_warn, r);
		check_rlimits(r, cfg->process);
	}
	if (cfg->linux_ && cfg->linux_->resources)
		check_cgroups(r, &h, cfg->linux_->resources);
}
