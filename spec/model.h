/*
 * The OCI runtime-spec (1.2) config model for Linux, as plain C structs.
 *
 * Conventions, so that one generic walker (schema.c) can parse, validate and
 * serialize every struct from a descriptor table:
 *   - strings are `char *`, NULL when absent;
 *   - nested objects are pointers, NULL when absent;
 *   - arrays are `T *x; size_t x_len;` (strings: `char **x; size_t x_len;`);
 *   - JSON objects used as maps are arrays of a struct whose first member is
 *     `char *key` (string maps use spec_kv);
 *   - an optional scalar whose absence differs from zero has a `bool has_x`
 *     beside it.
 * Everything is owned by the spec_config and freed by spec_config_free()
 * (skiff_config_free() in the public API) with free(): a program that
 * changes a config allocates what it puts in with malloc(), calloc() or
 * strdup(), and frees what it takes out.  Installed as <skiff/model.h>;
 * adding a field changes the library's ABI (README.md, "Versioning").
 */
#ifndef SKIFF_SPEC_MODEL_H
#define SKIFF_SPEC_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct spec_kv {
	char *key;
	char *value;
} spec_kv;

typedef struct spec_id_mapping {
	uint32_t container_id;
	uint32_t host_id;
	uint32_t size;
} spec_id_mapping;

typedef struct spec_root {
	char *path;
	bool readonly;
} spec_root;

typedef struct spec_mount {
	char *destination;
	char *source;
	char *type;
	char **options;
	size_t options_len;
	spec_id_mapping *uid_mappings;
	size_t uid_mappings_len;
	spec_id_mapping *gid_mappings;
	size_t gid_mappings_len;
} spec_mount;

typedef struct spec_console_size {
	uint32_t height;
	uint32_t width;
} spec_console_size;

typedef struct spec_user {
	uint32_t uid;
	uint32_t gid;
	uint32_t umask;
	bool has_umask;
	uint32_t *additional_gids;
	size_t additional_gids_len;
	char *username;
} spec_user;

typedef struct spec_capabilities {
	char **bounding;
	size_t bounding_len;
	char **effective;
	size_t effective_len;
	char **inheritable;
	size_t inheritable_len;
	char **permitted;
	size_t permitted_len;
	char **ambient;
	size_t ambient_len;
} spec_capabilities;

typedef struct spec_rlimit {
	char *type;
	uint64_t hard;
	uint64_t soft;
} spec_rlimit;

typedef struct spec_io_priority {
	char *class_; /* "class" is a C++ keyword */
	int32_t priority;
} spec_io_priority;

typedef struct spec_scheduler {
	char *policy;
	int32_t nice;
	int32_t priority;
	char **flags;
	size_t flags_len;
	uint64_t runtime;
	uint64_t deadline;
	uint64_t period;
} spec_scheduler;

typedef struct spec_cpu_affinity {
	char *initial;
	char *final;
} spec_cpu_affinity;

typedef struct spec_process {
	bool terminal;
	spec_console_size *console_size;
	spec_user *user;
	char **args;
	size_t args_len;
	char *command_line;
	char **env;
	size_t env_len;
	char *cwd;
	spec_capabilities *capabilities;
	spec_rlimit *rlimits;
	size_t rlimits_len;
	bool no_new_privileges;
	char *apparmor_profile;
	int32_t oom_score_adj;
	bool has_oom_score_adj;
	char *selinux_label;
	spec_io_priority *io_priority;
	spec_scheduler *scheduler;
	spec_cpu_affinity *exec_cpu_affinity;
} spec_process;

typedef struct spec_hook {
	char *path;
	char **args;
	size_t args_len;
	/* NULL: no "env" in the config, the hook inherits (runc's rule: the
	 * runtime's env, or the process's for createContainer and
	 * startContainer); non-NULL with env_len 0: "env": [], none at all. */
	char **env;
	size_t env_len;
	int32_t timeout;
	bool has_timeout;
} spec_hook;

typedef struct spec_hooks {
	spec_hook *prestart;
	size_t prestart_len;
	spec_hook *create_runtime;
	size_t create_runtime_len;
	spec_hook *create_container;
	size_t create_container_len;
	spec_hook *start_container;
	size_t start_container_len;
	spec_hook *poststart;
	size_t poststart_len;
	spec_hook *poststop;
	size_t poststop_len;
} spec_hooks;

/* linux.resources */
typedef struct spec_device_cgroup {
	bool allow;
	char *type;
	int64_t major;
	bool has_major;
	int64_t minor;
	bool has_minor;
	char *access;
} spec_device_cgroup;

typedef struct spec_memory {
	int64_t limit;
	bool has_limit;
	int64_t reservation;
	bool has_reservation;
	int64_t swap;
	bool has_swap;
	int64_t kernel;
	bool has_kernel;
	int64_t kernel_tcp;
	bool has_kernel_tcp;
	uint64_t swappiness;
	bool has_swappiness;
	bool disable_oom_killer;
	bool has_disable_oom_killer;
	bool use_hierarchy;
	bool has_use_hierarchy;
	bool check_before_update;
	bool has_check_before_update;
} spec_memory;

typedef struct spec_cpu {
	uint64_t shares;
	bool has_shares;
	int64_t quota;
	bool has_quota;
	uint64_t burst;
	bool has_burst;
	uint64_t period;
	bool has_period;
	int64_t realtime_runtime;
	bool has_realtime_runtime;
	uint64_t realtime_period;
	bool has_realtime_period;
	char *cpus;
	char *mems;
	int64_t idle;
	bool has_idle;
} spec_cpu;

typedef struct spec_pids {
	int64_t limit;
} spec_pids;

typedef struct spec_weight_device {
	int64_t major;
	int64_t minor;
	uint16_t weight;
	bool has_weight;
	uint16_t leaf_weight;
	bool has_leaf_weight;
} spec_weight_device;

typedef struct spec_throttle_device {
	int64_t major;
	int64_t minor;
	uint64_t rate;
} spec_throttle_device;

typedef struct spec_block_io {
	uint16_t weight;
	bool has_weight;
	uint16_t leaf_weight;
	bool has_leaf_weight;
	spec_weight_device *weight_device;
	size_t weight_device_len;
	spec_throttle_device *throttle_read_bps_device;
	size_t throttle_read_bps_device_len;
	spec_throttle_device *throttle_write_bps_device;
	size_t throttle_write_bps_device_len;
	spec_throttle_device *throttle_read_iops_device;
	size_t throttle_read_iops_device_len;
	spec_throttle_device *throttle_write_iops_device;
	size_t throttle_write_iops_device_len;
} spec_block_io;

typedef struct spec_hugepage_limit {
	char *page_size;
	uint64_t limit;
} spec_hugepage_limit;

typedef struct spec_interface_priority {
	char *name;
	uint32_t priority;
} spec_interface_priority;

typedef struct spec_network {
	uint32_t class_id;
	bool has_class_id;
	spec_interface_priority *priorities;
	size_t priorities_len;
} spec_network;

typedef struct spec_rdma {
	char *key; /* the device name */
	uint32_t hca_handles;
	bool has_hca_handles;
	uint32_t hca_objects;
	bool has_hca_objects;
} spec_rdma;

typedef struct spec_resources {
	spec_device_cgroup *devices;
	size_t devices_len;
	spec_memory *memory;
	spec_cpu *cpu;
	spec_pids *pids;
	spec_block_io *block_io;
	spec_hugepage_limit *hugepage_limits;
	size_t hugepage_limits_len;
	spec_network *network;
	spec_rdma *rdma;
	size_t rdma_len;
	spec_kv *unified;
	size_t unified_len;
} spec_resources;

typedef struct spec_namespace {
	char *type;
	char *path;
} spec_namespace;

typedef struct spec_device {
	char *type;
	char *path;
	int64_t major;
	int64_t minor;
	uint32_t file_mode;
	bool has_file_mode;
	uint32_t uid;
	bool has_uid;
	uint32_t gid;
	bool has_gid;
} spec_device;

typedef struct spec_net_device {
	char *key; /* the host interface name */
	char *name;
} spec_net_device;

typedef struct spec_seccomp_arg {
	uint32_t index;
	uint64_t value;
	uint64_t value_two;
	char *op;
} spec_seccomp_arg;

typedef struct spec_syscall {
	char **names;
	size_t names_len;
	char *action;
	uint32_t errno_ret;
	bool has_errno_ret;
	spec_seccomp_arg *args;
	size_t args_len;
} spec_syscall;

typedef struct spec_seccomp {
	char *default_action;
	uint32_t default_errno_ret;
	bool has_default_errno_ret;
	char **architectures;
	size_t architectures_len;
	char **flags;
	size_t flags_len;
	char *listener_path;
	char *listener_metadata;
	spec_syscall *syscalls;
	size_t syscalls_len;
} spec_seccomp;

typedef struct spec_intel_rdt {
	char *clos_id;
	char *l3_cache_schema;
	char *mem_bw_schema;
	bool enable_cmt;
	bool enable_mbm;
	char *schemata;         /* runtime-spec 1.3: written last, whole */
	bool enable_monitoring; /* runtime-spec 1.3: a resctrl monitoring group */
} spec_intel_rdt;

/* linux.memoryPolicy (runtime-spec 1.3): set_mempolicy(2) for the
 * container's processes. */
typedef struct spec_memory_policy {
	char *mode;  /* "MPOL_BIND", ... */
	char *nodes; /* "0-3,7": a node list, as cpuset.mems */
	char **flags;
	size_t flags_len;
} spec_memory_policy;

typedef struct spec_personality {
	char *domain;
	char **flags;
	size_t flags_len;
} spec_personality;

typedef struct spec_time_offset {
	char *key; /* "monotonic" or "boottime" */
	int64_t secs;
	uint32_t nanosecs;
} spec_time_offset;

typedef struct spec_linux {
	spec_id_mapping *uid_mappings;
	size_t uid_mappings_len;
	spec_id_mapping *gid_mappings;
	size_t gid_mappings_len;
	spec_time_offset *time_offsets;
	size_t time_offsets_len;
	spec_kv *sysctl;
	size_t sysctl_len;
	spec_resources *resources;
	char *cgroups_path;
	spec_namespace *namespaces;
	size_t namespaces_len;
	spec_device *devices;
	size_t devices_len;
	spec_net_device *net_devices;
	size_t net_devices_len;
	spec_seccomp *seccomp;
	char *rootfs_propagation;
	char **masked_paths;
	size_t masked_paths_len;
	char **readonly_paths;
	size_t readonly_paths_len;
	char *mount_label;
	spec_intel_rdt *intel_rdt;
	spec_personality *personality;
	spec_memory_policy *memory_policy;
} spec_linux;

typedef struct spec_config {
	char *oci_version;
	spec_root *root;
	spec_mount *mounts;
	size_t mounts_len;
	spec_process *process;
	char *hostname;
	char *domainname;
	spec_hooks *hooks;
	spec_kv *annotations;
	size_t annotations_len;
	spec_linux *linux_; /* "linux" is a predefined macro in GNU C */
} spec_config;

#endif
