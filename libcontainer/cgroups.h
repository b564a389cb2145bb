/*
 * cgroups: the container's directories in the cgroup hierarchies, and the
 * resources, freezing, process lists and statistics that live there.
 *
 * Three layouts exist and are told apart at run time:
 *   v1       one mount per controller set under /sys/fs/cgroup (a tmpfs);
 *   hybrid   the same plus a cgroup2 mount at /sys/fs/cgroup/unified, whose
 *            controllers are the ones no v1 hierarchy took;
 *   unified  /sys/fs/cgroup itself is cgroup2.
 * A container has one directory per hierarchy (a cgroup_set).  Each resource
 * goes to the v1 hierarchy of its controller, or else to the cgroup2
 * directory when that controller lives there (always so on unified hosts).
 *
 * cgroups.c            layout, cgroupsPath resolution, create/enter/destroy
 * cgroups_resources.c  which version's code writes each resource
 * cgroups_v1.c, cgroups_v2.c      each version's files and conversions
 * cgroups_devices.c    device rules; the v2 device filter (eBPF)
 * cgroups_files.c      reading and writing cgroup files
 * cgroups_stats.c      statistics and OOM notifications
 * Nothing here is public; skiff.h has the API built on it.
 */
#ifndef SKIFF_CGROUPS_H
#define SKIFF_CGROUPS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "internal.h"

typedef enum cg_layout {
	CG_LAYOUT_V1,
	CG_LAYOUT_HYBRID,
	CG_LAYOUT_UNIFIED,
} cg_layout;

/*
 * The container's cgroups: dirs[i].key names the hierarchy as
 * /proc/<pid>/cgroup does ("cpu,cpuacct", "memory", "name=systemd"; "" for
 * cgroup2), dirs[i].value is the absolute directory.  state.json records the
 * same pairs as "cgroupPaths", so later commands need no resolution.
 */
typedef struct cgroup_set {
	spec_kv *dirs;
	size_t n;
} cgroup_set;

/* One rule of the device cgroup, in the order it takes effect. */
typedef struct cg_device_rule {
	bool allow;
	char type;       /* 'a', 'b' or 'c' */
	int64_t major;   /* -1: any */
	int64_t minor;   /* -1: any */
	char access[4];  /* a subset of "rwm" */
} cg_device_rule;

/* ---- cgroups.c ---- */

int cgroup_layout_detect(cg_layout *out, skiff_error *err);
/* cgroupsPath made safe like runc's CleanPath: "..", "." and repeated
 * slashes resolved without escaping the root; relative stays relative.
 * Returns a malloc'd string ("" for an empty path) or NULL without memory. */
char *cgroup_clean_path(const char *path);
/* Resolve where the container's cgroups go, touching nothing: the absolute
 * cgroupsPath under each hierarchy's root, a relative one under the
 * runtime's own cgroup (its parent on a unified host), none meaning the id. */
int cgroup_plan(const skiff_context *ctx, const spec_config *cfg, cgroup_set *out,
		skiff_error *err);
void cgroup_set_free(cgroup_set *set);
/* A view of a record's paths (borrowed, not to be freed). */
cgroup_set cgroup_set_of(const container_record *rec);

/* Refuse cgroups that hold processes already: shared with another
 * container, kill --all and delete would reach that one's too. */
int cgroup_check_unused(const cgroup_set *set, skiff_error *err);
/* Make the directories, then apply cfg's linux.resources and device
 * rules.  On failure the caller undoes with cgroup_destroy(). */
int cgroup_create(const cgroup_set *set, const spec_config *cfg, skiff_error *err);
/* runc's rule for rootless containers: when a rootless runtime (--rootless,
 * by default: not root) may not make cgroups (err from cgroup_create) and
 * asked for no cgroupsPath and no limits, the container runs in the
 * caller's cgroups. */
bool cgroup_optional(const spec_config *cfg, bool rootless, const skiff_error *err);
/* An fd of the cgroup2 directory for clone3(CLONE_INTO_CGROUP), or -1. */
int cgroup_v2_dirfd(const cgroup_set *set);
/* The set with exec --cgroup's sub-cgroups ("[controllers:]path", runc's
 * syntax) under its directories: an entry naming controllers goes to their
 * hierarchies, one without to the others; each must exist.  The caller
 * frees *out with cgroup_set_free(), also on failure. */
int cgroup_sub_set(const cgroup_set *set, const char *const *subs, size_t n, cgroup_set *out,
		   skiff_error *err);
/* Move pid into every directory of the set. */
int cgroup_enter(const cgroup_set *set, pid_t pid, skiff_error *err);
/* Apply the fields given in r to a live container (devices excepted). */
int cgroup_update(const cgroup_set *set, const spec_resources *r, skiff_error *err);
/* Kill what is left inside, then remove every directory (and any the
 * container made below them).  Missing directories are fine. */
int cgroup_destroy(const cgroup_set *set, skiff_error *err);
bool cgroup_exists(const cgroup_set *set);
/* Every pid in the container's cgroup and below it, in the host's pid
 * namespace; *pids is malloc'd. */
int cgroup_procs(const cgroup_set *set, pid_t **pids, size_t *n, skiff_error *err);
/* Signal every process: frozen while the list is taken so that none forks
 * past it, thawed after (a frozen process would not act on the signal). */
int cgroup_signal_all(const cgroup_set *set, int signo, skiff_error *err);
int cgroup_freeze(const cgroup_set *set, bool frozen, skiff_error *err);
bool cgroup_frozen(const cgroup_set *set);

/* Shared by the files below. */
bool cg_set_is_unified(const cgroup_set *set);
const char *cg_v1_dir(const cgroup_set *set, const char *controller);
const char *cg_v2_dir(const cgroup_set *set);
int cg_write(const char *dir, const char *file, const char *value, const char *field,
	     skiff_error *err);
int cg_read(const char *dir, const char *file, char **out, skiff_error *err);
/* A number file; "max" reads as UINT64_MAX.  -1 when absent or unparsable. */
int cg_read_u64(const char *dir, const char *file, uint64_t *out);
/* The value of "key N" in a flat keyed file (memory.stat, cpu.stat, ...). */
int cg_read_keyed(const char *dir, const char *file, const char *key, uint64_t *out);
bool cg_file_exists(const char *dir, const char *file);
/* memory.checkBeforeUpdate: refuse a limit below the current usage rather
 * than make the kernel reclaim or kill to meet it. */
int cg_check_memory_usage(const char *dir, const char *usage_file, int64_t limit,
			  skiff_error *err);
/* hugetlb.<size>.<suffix> for hugepageLimits[i], or an error naming the size. */
int cg_hugetlb_file(const char *dir, const spec_resources *r, size_t i, const char *suffix,
		    char *file, size_t size, skiff_error *err);
/* "2MB" for 2097152: the names the kernel gives hugetlb files. */
void cg_hugepage_name(uint64_t bytes, char *out, size_t size);

/* ---- cgroups_resources.c ---- */

/* Write the resources set in r, each where its controller is. */
int cg_apply_resources(const cgroup_set *set, const spec_resources *r, skiff_error *err);
/* The device rules of cfg: devices.allow/deny on v1, else the eBPF filter. */
int cg_apply_devices(const cgroup_set *set, const spec_config *cfg, skiff_error *err);

/* ---- cgroups_v1.c: each writes the fields of r it owns that are set ---- */

typedef int (*cg_set_fn)(const char *dir, const spec_resources *r, skiff_error *err);

int cg1_set_memory(const char *dir, const spec_resources *r, skiff_error *err);
int cg1_set_cpu(const char *dir, const spec_resources *r, skiff_error *err);
int cg1_set_cpuset(const char *dir, const spec_resources *r, skiff_error *err);
/* Before a process can join a new v1 cpuset, its cpus and mems must be set:
 * copy them down from the nearest ancestor that has them. */
int cg1_cpuset_inherit(const char *dir, skiff_error *err);
int cg1_set_pids(const char *dir, const spec_resources *r, skiff_error *err);
int cg1_set_blkio(const char *dir, const spec_resources *r, skiff_error *err);
int cg1_set_hugetlb(const char *dir, const spec_resources *r, skiff_error *err);
int cg1_set_net_cls(const char *dir, const spec_resources *r, skiff_error *err);
int cg1_set_net_prio(const char *dir, const spec_resources *r, skiff_error *err);
/* rdma.max has one format in v1 and v2. */
int cg_set_rdma(const char *dir, const spec_resources *r, skiff_error *err);
int cg1_set_devices(const char *dir, const cg_device_rule *rules, size_t n, skiff_error *err);
int cg1_freeze(const char *dir, bool frozen, skiff_error *err);
bool cg1_frozen(const char *dir);

/* ---- cgroups_v2.c ---- */

/* v1 values in v2 terms, as runc converts them. */
uint64_t cg2_cpu_weight(uint64_t shares);
uint64_t cg2_io_weight(uint16_t blkio_weight);
/* memory.swap.max from the spec's memory+swap total; *out -1 is "max",
 * 0 with *set false means leave it.  Fails on contradictions. */
int cg2_swap_value(int64_t swap, int64_t limit, int64_t *out, bool *set, const char **why);
bool cg2_has_controller(const char *dir, const char *controller);
/* Make controller usable in dir: "+controller" in cgroup.subtree_control of
 * every ancestor from the mount down (all available ones when NULL). */
int cg2_enable(const char *dir, const char *controller, skiff_error *err);
int cg2_set_memory(const char *dir, const spec_resources *r, skiff_error *err);
int cg2_set_cpu(const char *dir, const spec_resources *r, skiff_error *err);
int cg2_set_cpuset(const char *dir, const spec_resources *r, skiff_error *err);
int cg2_set_pids(const char *dir, const spec_resources *r, skiff_error *err);
int cg2_set_io(const char *dir, const spec_resources *r, skiff_error *err);
int cg2_set_hugetlb(const char *dir, const spec_resources *r, skiff_error *err);
int cg2_set_unified(const char *dir, const spec_resources *r, skiff_error *err);
int cg2_freeze(const char *dir, bool frozen, skiff_error *err);
bool cg2_frozen(const char *dir);

/* ---- cgroups_devices.c ---- */

/* linux.resources.devices in order, then runc's defaults (minus those whose
 * path linux.devices also lists, as runc does).  *out is malloc'd. */
int cg_device_rules(const spec_config *cfg, cg_device_rule **out, size_t *n, skiff_error *err);

/* The BPF_PROG_TYPE_CGROUP_DEVICE program for rules (the last matching
 * rule decides, no match denies).  *insns is malloc'd, *count instructions. */
int cg_bpf_device_program(const cg_device_rule *rules, size_t n, void **insns, size_t *count,
			  skiff_error *err);
/* Load it and attach it to the cgroup2 directory dir. */
int cg_bpf_attach_devices(const char *dir, const cg_device_rule *rules, size_t n,
			  skiff_error *err);

/* ---- cgroups_stats.c ---- */

int cgroup_stats(const cgroup_set *set, skiff_stats *st, skiff_error *err);
/* A watch on the memory cgroup (see skiff_oom_watch in skiff.h). */
int cgroup_oom_watch(const cgroup_set *set, skiff_oom_watch **out, skiff_error *err);

#endif
