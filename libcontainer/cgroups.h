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
 * cgroups.c            the set's life: create/enter/freeze/signal/destroy
 * cgroups_paths.c      layout, hierarchies, cgroupsPath resolution
 * cgroups_record.c     whether a state.json's cgroups may be acted on
 * cgroups_resources.c  which version's code writes each resource
 * cgroups_v1.c, cgroups_v2.c      each version's files and conversions
 * cgroups_devices.c    device rules; the v2 device filter (eBPF)
 * cgroups_files.c      reading and writing cgroup files
 * cgroups_stats.c      statistics and OOM notifications
 * cgroups_systemd.c    the systemd driver (--systemd-cgroup): the unit named
 *                      by cgroupsPath "slice:prefix:name", its life
 * cgroups_systemd_props.c  resources and device rules as unit properties
 * cgroups_systemd_bus.c    systemd's D-Bus API through sd-bus (libsystemd)
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
	/* With the systemd driver: the transient unit that owns the
	 * directories ("skiff-abc.scope"), recorded in state.json as well;
	 * NULL with the cgroupfs driver. */
	char *unit;
	bool user_manager; /* the unit is the user's manager's (rootless) */
	/* Only in a plan, for starting the unit: its parent slice and its
	 * cgroup from the hierarchy's root ("/system.slice/skiff-abc.scope"). */
	char *slice;
	char *unit_cgroup;
} cgroup_set;

/* One rule of the device cgroup, in the order it takes effect. */
typedef struct cg_device_rule {
	bool allow;
	char type;       /* 'a', 'b' or 'c' */
	int64_t major;   /* -1: any */
	int64_t minor;   /* -1: any */
	char access[4];  /* a subset of "rwm" */
} cg_device_rule;

/* ---- cgroups.c, cgroups_paths.c ---- */

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
/* The directories of cgroup path inner (clean; absolute: from each
 * hierarchy's root, relative: below the runtime's own cgroup) in every
 * hierarchy the runtime is in, added to out. */
int cgroup_plan_dirs(const char *inner, cgroup_set *out, skiff_error *err);
/* A hierarchy the runtime is in and a container would join. */
typedef struct cg_hierarchy {
	char *key;   /* as /proc/self/cgroup names it: "cpu,cpuacct", "" for cgroup2 */
	char *mount; /* where it is mounted: "/sys/fs/cgroup/cpu,cpuacct" */
	char *own;   /* the runtime's own cgroup there, as a directory; NULL when
		      * the mount does not show it */
} cg_hierarchy;
typedef struct cg_hierarchies {
	cg_hierarchy *items;
	size_t n;
} cg_hierarchies;
/* Found where convention puts them and statmount confirms it, else in
 * the mount table (libmount); _from_table always reads the table (for the
 * tests, which compare the two). */
int cgroup_hierarchies(cg_hierarchies *out, skiff_error *err);
int cgroup_hierarchies_from_table(cg_hierarchies *out, skiff_error *err);
void cgroup_hierarchies_free(cg_hierarchies *list);
void cgroup_set_free(cgroup_set *set);
/* A view of a record's paths (borrowed, not to be freed). */
cgroup_set cgroup_set_of(const container_record *rec);

/* Refuse cgroups that hold processes already: shared with another
 * container, kill --all and delete would reach that one's too. */
int cgroup_check_unused(const cgroup_set *set, skiff_error *err);
/* Make the directories, then apply cfg's linux.resources and device
 * rules.  On failure the caller undoes with cgroup_destroy().  With the
 * systemd driver, cgroup_systemd_start() does this once the init exists. */
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
/* The same in two parts: a process just cloned moves itself into each v1
 * hierarchy (cgroup_enter_self(), "0" to its tasks file: the kernel then
 * skips the global threadgroup lock, whose every taking waits for an RCU
 * grace period, 5-15 ms here, as any cgroup.procs write does), and
 * cgroup_enter_parted() moves pid into the rest: the v1 hierarchies unless
 * v1_by_self, the v2 directory unless clone3 put it there (v2_by_clone). */
int cgroup_enter_self(const cgroup_set *set, skiff_error *err);
int cgroup_enter_parted(const cgroup_set *set, pid_t pid, bool v1_by_self, bool v2_by_clone,
			skiff_error *err);
/* Apply the fields given in r to a live container (devices excepted). */
int cgroup_update(const cgroup_set *set, const spec_resources *r, skiff_error *err);
/* Kill what is left inside, stop the systemd unit if there is one, then
 * remove every directory (and any the container made below them).
 * Missing directories and units are fine. */
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
/* The same, given the state letter of a process in the cgroups (from
 * /proc/PID/stat): on the v1 freezer of Linux 6.1 and later, whose frozen
 * tasks all read 'D', any other letter means not frozen, and no file is
 * read. */
bool cgroup_frozen_seen(const cgroup_set *set, char task_state);

/* Shared by the files below. */
bool cg_set_is_unified(const cgroup_set *set);
const char *cg_v1_dir(const cgroup_set *set, const char *controller);
/* Does the comma-separated hierarchy key ("cpu,cpuacct") name this controller? */
bool cg_key_has(const char *key, const char *controller);
const char *cg_v2_dir(const cgroup_set *set);
int cg_write(const char *dir, const char *file, const char *value, const char *field,
	     skiff_error *err);
/* A number, in decimal. */
int cg_write_i64(const char *dir, const char *file, int64_t value, const char *field,
		 skiff_error *err);
int cg_write_u64(const char *dir, const char *file, uint64_t value, const char *field,
		 skiff_error *err);
int cg_read(const char *dir, const char *file, char **out, skiff_error *err);
/* A short value's text (one read(), NUL-terminated); -1 if it does not fit. */
int cg_read_short(const char *dir, const char *file, char *buf, size_t size);
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
/* Before a process can join a new v1 cpuset, its cpus and mems must be set:
 * copy them down from the nearest ancestor that has them. */
int cg1_cpuset_inherit(const char *dir, skiff_error *err);
int cg1_set_blkio(const char *dir, const spec_resources *r, skiff_error *err);
int cg1_set_hugetlb(const char *dir, const spec_resources *r, skiff_error *err);
int cg1_set_net_cls(const char *dir, const spec_resources *r, skiff_error *err);
int cg1_set_net_prio(const char *dir, const spec_resources *r, skiff_error *err);
/* cpuset, pids.max and rdma.max have one format in v1 and v2. */
int cg_set_cpuset(const char *dir, const spec_resources *r, skiff_error *err);
int cg_set_pids(const char *dir, const spec_resources *r, skiff_error *err);
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

/* ---- cgroups_systemd.c: the systemd driver ---- */

/* cgroupsPath "slice:prefix:name" resolved, without asking systemd. */
typedef struct cgsd_path {
	char *slice;  /* the parent slice: "system.slice" */
	char *unit;   /* "prefix-name.scope", or name itself when it is a slice */
	char *cgroup; /* the unit's cgroup below its manager's: "/system.slice/prefix-name.scope" */
} cgsd_path;

/* path NULL or "" is ":skiff:<id>"; an empty slice is system.slice, or
 * user.slice when rootless.  Errors name .linux.cgroupsPath. */
int cgsd_parse_path(const char *path, const char *id, bool rootless, cgsd_path *out,
		    skiff_error *err);
void cgsd_path_free(cgsd_path *p);
/* "a-b.slice" -> "/a.slice/a-b.slice", "-.slice" -> "/" as systemd nests
 * slices; NULL for a name that is not a valid slice (or without memory). */
char *cgsd_expand_slice(const char *slice);
/* Can systemd take this as a unit name (characters and length)? */
bool cgsd_unit_name_valid(const char *name);
/* Is systemd the init here (sd_booted's test)? */
bool cgsd_systemd_running(void);
/* The plan of the systemd driver: *out gets the unit and its directories.
 * Fails clearly when systemd is not running or the build lacks libsystemd. */
int cgroup_plan_systemd(const skiff_context *ctx, const spec_config *cfg, cgroup_set *out,
			skiff_error *err);
/* After the clone: start the unit with pid in it and the resources as
 * properties, then make the directories systemd does not and write the
 * resources and device rules to the files, as cgroup_create() does. */
int cgroup_systemd_start(const cgroup_set *set, const spec_config *cfg, const char *id,
			 pid_t pid, skiff_error *err);
/* update: the properties first, then the files. */
int cgroup_systemd_update(const cgroup_set *set, const spec_resources *r, skiff_error *err);
/* Stop the unit and let systemd forget it (a unit that is gone is fine). */
int cgroup_systemd_stop(const cgroup_set *set, skiff_error *err);

/* ---- cgroups_systemd_props.c: unit properties (pure, for the tests) ---- */

typedef enum cgsd_prop_type {
	CGSD_STRING,  /* s */
	CGSD_STRINGS, /* as, with one string */
	CGSD_BOOL,    /* b */
	CGSD_U64,     /* t */
	CGSD_PID,     /* au, with one pid */
	CGSD_BYTES,   /* ay */
	CGSD_DEVICES, /* a(ss): DeviceAllow's (path, permissions) pairs */
} cgsd_prop_type;

typedef struct cgsd_device {
	char path[64];  /* "/dev/char/1:3", "char-136", "block-*" */
	char perms[4];  /* a subset of "rwm" */
} cgsd_device;

typedef struct cgsd_prop {
	const char *name; /* static */
	cgsd_prop_type type;
	uint64_t u64;     /* CGSD_U64, CGSD_PID, CGSD_BOOL (0 or 1) */
	char *str;        /* CGSD_STRING(S) */
	uint8_t *bytes;   /* CGSD_BYTES */
	cgsd_device *devices;
	size_t len;       /* of bytes or devices */
} cgsd_prop;

typedef struct cgsd_props {
	cgsd_prop *items;
	size_t n;
} cgsd_props;

void cgsd_props_free(cgsd_props *props);
/* The last property of that name (systemd takes the last assignment), or NULL. */
const cgsd_prop *cgsd_props_find(const cgsd_props *props, const char *name);
/* A cpuset list ("0-3,8") as systemd's AllowedCPUs bitmask: bit i of
 * byte i/8 for cpu i.  Fails on a malformed list. */
int cgsd_cpuset_bits(const char *list, uint8_t **bytes, size_t *len);
/* The fields of r that are set, as runc maps them: cgroup v2 names when
 * unified (MemoryMax, CPUWeight, IOWeight, ...), else v1 ones
 * (MemoryLimit, CPUShares, BlockIOWeight, ...); version is systemd's
 * (properties it does not know yet are left to the files). */
int cgsd_resource_props(const spec_resources *r, bool unified, unsigned version,
			cgsd_props *out, skiff_error *err);
/* DevicePolicy and DeviceAllow for the rules (cgroups_devices.c), at least
 * as permissive as they are: the exact rules are also written to the
 * files (v1) or attached as skiff's own eBPF filter (v2), and the kernel
 * needs every filter to allow.  What systemd cannot say (a deny carved out
 * of an allowed range, a rule for any major) is widened, never narrowed. */
int cgsd_device_props(const cg_device_rule *rules, size_t n, cgsd_props *out, skiff_error *err);
/* Everything StartTransientUnit gets: description, slice (or Wants= for a
 * slice unit), the pid, Delegate=yes, accounting, DefaultDependencies=no,
 * then the resources and the device rules. */
int cgsd_start_props(const char *unit, const char *slice, const char *id, pid_t pid,
		     bool unified, unsigned version, const spec_resources *r,
		     const cg_device_rule *rules, size_t n_rules, cgsd_props *out,
		     skiff_error *err);

/* ---- cgroups_systemd_bus.c: systemd over D-Bus ---- */

/* The manager's version (252) and its own cgroup ("" or "/" for the
 * system's, "/user.slice/user-1000.slice/user@1000.service" for a user's). */
int cgsd_bus_manager(bool user, unsigned *version, char **control_group, skiff_error *err);
/* StartTransientUnit, and wait (30 s at most) until its job is done.  A
 * failed unit of that name left from before is reset and tried again once. */
int cgsd_bus_start(bool user, const char *unit, const cgsd_props *props, skiff_error *err);
/* The cgroup systemd gave the unit ("" before it has one). */
int cgsd_bus_unit_cgroup(bool user, const char *unit, char **out, skiff_error *err);
int cgsd_bus_set(bool user, const char *unit, const cgsd_props *props, skiff_error *err);
/* StopUnit and wait, then ResetFailedUnit; a unit systemd does not know is fine. */
int cgsd_bus_stop(bool user, const char *unit, skiff_error *err);

/* ---- cgroups_record.c ---- */

/* May the commands act on the cgroups (and systemd unit) that rec, read
 * from container id's state.json, names?  cgroups_path is the saved
 * config's linux.cgroupsPath (NULL: none), have_config whether there is a
 * saved config at all.  Fails (EPERM) naming the first directory skiff
 * could not have made for this container. */
int cgroup_record_check(const container_record *rec, const char *id, bool have_config,
			const char *cgroups_path, skiff_error *err);

/* ---- cgroups_stats.c ---- */

int cgroup_stats(const cgroup_set *set, skiff_stats *st, skiff_error *err);
/* A watch on the memory cgroup (see skiff_oom_watch in skiff.h). */
int cgroup_oom_watch(const cgroup_set *set, skiff_oom_watch **out, skiff_error *err);

#endif
