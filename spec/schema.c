/*
 * The descriptor tables of the config model, and the walkers that need no
 * JSON library: free and deep equality.  Plus the small path/quote/error
 * helpers shared by parse.c, serialize.c and validate.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "schema.h"

/*
 * Table-building macros.  Each one checks with _Generic that the member has
 * exactly the C type its kind implies, so a table that disagrees with
 * model.h does not compile.
 */
#define OFF(st, m, ctype) _Generic(((st *)0)->m, ctype: offsetof(st, m))
#define HAS(st, m) OFF(st, has_##m, bool)
#define LEN(st, m) OFF(st, m##_len, size_t)
#define FIELD(st, json, kind, fl, m, ctype, aux, sub, vals) \
	{ json, kind, fl, OFF(st, m, ctype), aux, sub, vals }

#define STR(st, json, m, fl) FIELD(st, json, SPEC_STRING, fl, m, char *, SPEC_NO_AUX, NULL, NULL)
#define ENUM(st, json, m, fl, vals) \
	FIELD(st, json, SPEC_STRING, fl, m, char *, SPEC_NO_AUX, NULL, vals)
#define BOOL(st, json, m, fl) FIELD(st, json, SPEC_BOOL, fl, m, bool, SPEC_NO_AUX, NULL, NULL)
#define OPT_BOOL(st, json, m) FIELD(st, json, SPEC_BOOL, 0, m, bool, HAS(st, m), NULL, NULL)
#define NUM(st, json, kind, ctype, m, fl) \
	FIELD(st, json, kind, fl, m, ctype, SPEC_NO_AUX, NULL, NULL)
#define OPT_NUM(st, json, kind, ctype, m) \
	FIELD(st, json, kind, 0, m, ctype, HAS(st, m), NULL, NULL)
#define I32(st, json, m, fl) NUM(st, json, SPEC_INT32, int32_t, m, fl)
#define U32(st, json, m, fl) NUM(st, json, SPEC_UINT32, uint32_t, m, fl)
#define I64(st, json, m, fl) NUM(st, json, SPEC_INT64, int64_t, m, fl)
#define U64(st, json, m, fl) NUM(st, json, SPEC_UINT64, uint64_t, m, fl)
#define OPT_I32(st, json, m) OPT_NUM(st, json, SPEC_INT32, int32_t, m)
#define OPT_U32(st, json, m) OPT_NUM(st, json, SPEC_UINT32, uint32_t, m)
#define OPT_U16(st, json, m) OPT_NUM(st, json, SPEC_UINT16, uint16_t, m)
#define OPT_I64(st, json, m) OPT_NUM(st, json, SPEC_INT64, int64_t, m)
#define OPT_U64(st, json, m) OPT_NUM(st, json, SPEC_UINT64, uint64_t, m)
#define OBJ(st, json, m, ctype, desc) \
	FIELD(st, json, SPEC_OBJECT, 0, m, ctype *, SPEC_NO_AUX, &desc, NULL)
#define OBJ_ARRAY(st, json, m, ctype, desc) \
	FIELD(st, json, SPEC_OBJECT_ARRAY, 0, m, ctype *, LEN(st, m), &desc, NULL)
#define STR_ARRAY(st, json, m, fl) \
	FIELD(st, json, SPEC_STRING_ARRAY, fl, m, char **, LEN(st, m), NULL, NULL)
#define U32_ARRAY(st, json, m) \
	FIELD(st, json, SPEC_UINT32_ARRAY, 0, m, uint32_t *, LEN(st, m), NULL, NULL)
#define STR_MAP(st, json, m) \
	FIELD(st, json, SPEC_STRING_MAP, 0, m, spec_kv *, LEN(st, m), NULL, NULL)
#define OBJ_MAP(st, json, m, ctype, desc, keys) \
	FIELD(st, json, SPEC_OBJECT_MAP, 0, m, ctype *, LEN(st, m), &desc, keys)

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
#define TYPE(var, st, fields) \
	static const struct spec_type var = { #st, sizeof(st), fields, N_ELEMS(fields) }

/* Required fields are also always written, as Go writes fields without
 * omitempty; the few optional fields written even when zero use ALWAYS. */
#define R (SPEC_REQUIRED | SPEC_ALWAYS)
#define A SPEC_ALWAYS

/* Maps are arrays of structs whose first member is the key. */
_Static_assert(offsetof(spec_rdma, key) == 0, "map element key first");
_Static_assert(offsetof(spec_net_device, key) == 0, "map element key first");
_Static_assert(offsetof(spec_time_offset, key) == 0, "map element key first");

static const char *const namespace_types[] = {
	"pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time", NULL,
};

const char *const *spec_namespace_types(void)
{
	return namespace_types;
}
static const char *const propagations[] = {
	"shared", "slave", "private", "unbindable",
	"rshared", "rslave", "rprivate", "runbindable", NULL,
};
static const char *const device_types[] = { "c", "b", "u", "p", NULL };
static const char *const cgroup_device_types[] = { "a", "c", "b", NULL };
static const char *const seccomp_actions[] = {
	"SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
	"SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG",
	"SCMP_ACT_NOTIFY", NULL,
};
static const char *const seccomp_ops[] = {
	"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
	"SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL,
};
static const char *const io_priority_classes[] = {
	"IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE", NULL,
};
static const char *const sched_policies[] = {
	"SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH",
	"SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE", NULL,
};
static const char *const personality_domains[] = { "LINUX", "LINUX32", NULL };
static const char *const clocks[] = { "monotonic", "boottime", NULL };

/* The tables, leaves first, fields in runc's output order. */

static const struct spec_field id_mapping_fields[] = {
	U32(spec_id_mapping, "containerID", container_id, R),
	U32(spec_id_mapping, "hostID", host_id, R),
	U32(spec_id_mapping, "size", size, R),
};
TYPE(t_id_mapping, spec_id_mapping, id_mapping_fields);

static const struct spec_field root_fields[] = {
	STR(spec_root, "path", path, R),
	BOOL(spec_root, "readonly", readonly, 0),
};
TYPE(t_root, spec_root, root_fields);

static const struct spec_field mount_fields[] = {
	STR(spec_mount, "destination", destination, R),
	STR(spec_mount, "type", type, 0),
	STR(spec_mount, "source", source, 0),
	STR_ARRAY(spec_mount, "options", options, 0),
	OBJ_ARRAY(spec_mount, "uidMappings", uid_mappings, spec_id_mapping, t_id_mapping),
	OBJ_ARRAY(spec_mount, "gidMappings", gid_mappings, spec_id_mapping, t_id_mapping),
};
TYPE(t_mount, spec_mount, mount_fields);

static const struct spec_field console_size_fields[] = {
	U32(spec_console_size, "height", height, R),
	U32(spec_console_size, "width", width, R),
};
TYPE(t_console_size, spec_console_size, console_size_fields);

static const struct spec_field user_fields[] = {
	U32(spec_user, "uid", uid, R),
	U32(spec_user, "gid", gid, R),
	OPT_U32(spec_user, "umask", umask),
	U32_ARRAY(spec_user, "additionalGids", additional_gids),
	STR(spec_user, "username", username, 0),
};
TYPE(t_user, spec_user, user_fields);

static const struct spec_field capabilities_fields[] = {
	STR_ARRAY(spec_capabilities, "bounding", bounding, 0),
	STR_ARRAY(spec_capabilities, "effective", effective, 0),
	STR_ARRAY(spec_capabilities, "inheritable", inheritable, 0),
	STR_ARRAY(spec_capabilities, "permitted", permitted, 0),
	STR_ARRAY(spec_capabilities, "ambient", ambient, 0),
};
TYPE(t_capabilities, spec_capabilities, capabilities_fields);

static const struct spec_field rlimit_fields[] = {
	STR(spec_rlimit, "type", type, R),
	U64(spec_rlimit, "hard", hard, R),
	U64(spec_rlimit, "soft", soft, R),
};
TYPE(t_rlimit, spec_rlimit, rlimit_fields);

static const struct spec_field io_priority_fields[] = {
	ENUM(spec_io_priority, "class", class_, R, io_priority_classes),
	I32(spec_io_priority, "priority", priority, R),
};
TYPE(t_io_priority, spec_io_priority, io_priority_fields);

static const struct spec_field scheduler_fields[] = {
	ENUM(spec_scheduler, "policy", policy, R, sched_policies),
	I32(spec_scheduler, "nice", nice, 0),
	I32(spec_scheduler, "priority", priority, 0),
	STR_ARRAY(spec_scheduler, "flags", flags, 0),
	U64(spec_scheduler, "runtime", runtime, 0),
	U64(spec_scheduler, "deadline", deadline, 0),
	U64(spec_scheduler, "period", period, 0),
};
TYPE(t_scheduler, spec_scheduler, scheduler_fields);

static const struct spec_field cpu_affinity_fields[] = {
	STR(spec_cpu_affinity, "initial", initial, 0),
	STR(spec_cpu_affinity, "final", final, 0),
};
TYPE(t_cpu_affinity, spec_cpu_affinity, cpu_affinity_fields);

static const struct spec_field process_fields[] = {
	BOOL(spec_process, "terminal", terminal, 0),
	OBJ(spec_process, "consoleSize", console_size, spec_console_size, t_console_size),
	OBJ(spec_process, "user", user, spec_user, t_user),
	STR_ARRAY(spec_process, "args", args, 0),
	STR(spec_process, "commandLine", command_line, 0),
	STR_ARRAY(spec_process, "env", env, 0),
	STR(spec_process, "cwd", cwd, R),
	OBJ(spec_process, "capabilities", capabilities, spec_capabilities, t_capabilities),
	OBJ_ARRAY(spec_process, "rlimits", rlimits, spec_rlimit, t_rlimit),
	BOOL(spec_process, "noNewPrivileges", no_new_privileges, 0),
	STR(spec_process, "apparmorProfile", apparmor_profile, 0),
	OPT_I32(spec_process, "oomScoreAdj", oom_score_adj),
	OBJ(spec_process, "scheduler", scheduler, spec_scheduler, t_scheduler),
	STR(spec_process, "selinuxLabel", selinux_label, 0),
	OBJ(spec_process, "ioPriority", io_priority, spec_io_priority, t_io_priority),
	OBJ(spec_process, "execCPUAffinity", exec_cpu_affinity, spec_cpu_affinity,
	    t_cpu_affinity),
};
const struct spec_type spec_type_process = {
	"spec_process", sizeof(spec_process), process_fields, N_ELEMS(process_fields),
};

static const struct spec_field hook_fields[] = {
	STR(spec_hook, "path", path, R),
	STR_ARRAY(spec_hook, "args", args, 0),
	STR_ARRAY(spec_hook, "env", env, SPEC_KEEP_EMPTY),
	OPT_I32(spec_hook, "timeout", timeout),
};
TYPE(t_hook, spec_hook, hook_fields);

static const struct spec_field hooks_fields[] = {
	OBJ_ARRAY(spec_hooks, "prestart", prestart, spec_hook, t_hook),
	OBJ_ARRAY(spec_hooks, "createRuntime", create_runtime, spec_hook, t_hook),
	OBJ_ARRAY(spec_hooks, "createContainer", create_container, spec_hook, t_hook),
	OBJ_ARRAY(spec_hooks, "startContainer", start_container, spec_hook, t_hook),
	OBJ_ARRAY(spec_hooks, "poststart", poststart, spec_hook, t_hook),
	OBJ_ARRAY(spec_hooks, "poststop", poststop, spec_hook, t_hook),
};
TYPE(t_hooks, spec_hooks, hooks_fields);

static const struct spec_field device_cgroup_fields[] = {
	BOOL(spec_device_cgroup, "allow", allow, R),
	ENUM(spec_device_cgroup, "type", type, 0, cgroup_device_types),
	OPT_I64(spec_device_cgroup, "major", major),
	OPT_I64(spec_device_cgroup, "minor", minor),
	STR(spec_device_cgroup, "access", access, 0),
};
TYPE(t_device_cgroup, spec_device_cgroup, device_cgroup_fields);

static const struct spec_field memory_fields[] = {
	OPT_I64(spec_memory, "limit", limit),
	OPT_I64(spec_memory, "reservation", reservation),
	OPT_I64(spec_memory, "swap", swap),
	OPT_I64(spec_memory, "kernel", kernel),
	OPT_I64(spec_memory, "kernelTCP", kernel_tcp),
	OPT_U64(spec_memory, "swappiness", swappiness),
	OPT_BOOL(spec_memory, "disableOOMKiller", disable_oom_killer),
	OPT_BOOL(spec_memory, "useHierarchy", use_hierarchy),
	OPT_BOOL(spec_memory, "checkBeforeUpdate", check_before_update),
};
TYPE(t_memory, spec_memory, memory_fields);

static const struct spec_field cpu_fields[] = {
	OPT_U64(spec_cpu, "shares", shares),
	OPT_I64(spec_cpu, "quota", quota),
	OPT_U64(spec_cpu, "burst", burst),
	OPT_U64(spec_cpu, "period", period),
	OPT_I64(spec_cpu, "realtimeRuntime", realtime_runtime),
	OPT_U64(spec_cpu, "realtimePeriod", realtime_period),
	STR(spec_cpu, "cpus", cpus, 0),
	STR(spec_cpu, "mems", mems, 0),
	OPT_I64(spec_cpu, "idle", idle),
};
TYPE(t_cpu, spec_cpu, cpu_fields);

static const struct spec_field pids_fields[] = {
	I64(spec_pids, "limit", limit, R),
};
TYPE(t_pids, spec_pids, pids_fields);

static const struct spec_field weight_device_fields[] = {
	I64(spec_weight_device, "major", major, R),
	I64(spec_weight_device, "minor", minor, R),
	OPT_U16(spec_weight_device, "weight", weight),
	OPT_U16(spec_weight_device, "leafWeight", leaf_weight),
};
TYPE(t_weight_device, spec_weight_device, weight_device_fields);

static const struct spec_field throttle_device_fields[] = {
	I64(spec_throttle_device, "major", major, R),
	I64(spec_throttle_device, "minor", minor, R),
	U64(spec_throttle_device, "rate", rate, R),
};
TYPE(t_throttle_device, spec_throttle_device, throttle_device_fields);

static const struct spec_field block_io_fields[] = {
	OPT_U16(spec_block_io, "weight", weight),
	OPT_U16(spec_block_io, "leafWeight", leaf_weight),
	OBJ_ARRAY(spec_block_io, "weightDevice", weight_device, spec_weight_device,
		  t_weight_device),
	OBJ_ARRAY(spec_block_io, "throttleReadBpsDevice", throttle_read_bps_device,
		  spec_throttle_device, t_throttle_device),
	OBJ_ARRAY(spec_block_io, "throttleWriteBpsDevice", throttle_write_bps_device,
		  spec_throttle_device, t_throttle_device),
	OBJ_ARRAY(spec_block_io, "throttleReadIOPSDevice", throttle_read_iops_device,
		  spec_throttle_device, t_throttle_device),
	OBJ_ARRAY(spec_block_io, "throttleWriteIOPSDevice", throttle_write_iops_device,
		  spec_throttle_device, t_throttle_device),
};
TYPE(t_block_io, spec_block_io, block_io_fields);

static const struct spec_field hugepage_limit_fields[] = {
	STR(spec_hugepage_limit, "pageSize", page_size, R),
	U64(spec_hugepage_limit, "limit", limit, R),
};
TYPE(t_hugepage_limit, spec_hugepage_limit, hugepage_limit_fields);

static const struct spec_field interface_priority_fields[] = {
	STR(spec_interface_priority, "name", name, R),
	U32(spec_interface_priority, "priority", priority, R),
};
TYPE(t_interface_priority, spec_interface_priority, interface_priority_fields);

static const struct spec_field network_fields[] = {
	OPT_U32(spec_network, "classID", class_id),
	OBJ_ARRAY(spec_network, "priorities", priorities, spec_interface_priority,
		  t_interface_priority),
};
TYPE(t_network, spec_network, network_fields);

static const struct spec_field rdma_fields[] = {
	OPT_U32(spec_rdma, "hcaHandles", hca_handles),
	OPT_U32(spec_rdma, "hcaObjects", hca_objects),
};
TYPE(t_rdma, spec_rdma, rdma_fields);

static const struct spec_field resources_fields[] = {
	OBJ_ARRAY(spec_resources, "devices", devices, spec_device_cgroup, t_device_cgroup),
	OBJ(spec_resources, "memory", memory, spec_memory, t_memory),
	OBJ(spec_resources, "cpu", cpu, spec_cpu, t_cpu),
	OBJ(spec_resources, "pids", pids, spec_pids, t_pids),
	OBJ(spec_resources, "blockIO", block_io, spec_block_io, t_block_io),
	OBJ_ARRAY(spec_resources, "hugepageLimits", hugepage_limits, spec_hugepage_limit,
		  t_hugepage_limit),
	OBJ(spec_resources, "network", network, spec_network, t_network),
	OBJ_MAP(spec_resources, "rdma", rdma, spec_rdma, t_rdma, NULL),
	STR_MAP(spec_resources, "unified", unified),
};
const struct spec_type spec_type_resources = {
	"spec_resources", sizeof(spec_resources), resources_fields, N_ELEMS(resources_fields),
};

static const struct spec_field namespace_fields[] = {
	ENUM(spec_namespace, "type", type, R, namespace_types),
	STR(spec_namespace, "path", path, 0),
};
TYPE(t_namespace, spec_namespace, namespace_fields);

static const struct spec_field device_fields[] = {
	STR(spec_device, "path", path, R),
	ENUM(spec_device, "type", type, R, device_types),
	I64(spec_device, "major", major, A),
	I64(spec_device, "minor", minor, A),
	OPT_U32(spec_device, "fileMode", file_mode),
	OPT_U32(spec_device, "uid", uid),
	OPT_U32(spec_device, "gid", gid),
};
TYPE(t_device, spec_device, device_fields);

static const struct spec_field net_device_fields[] = {
	STR(spec_net_device, "name", name, 0),
};
TYPE(t_net_device, spec_net_device, net_device_fields);

static const struct spec_field seccomp_arg_fields[] = {
	U32(spec_seccomp_arg, "index", index, R),
	U64(spec_seccomp_arg, "value", value, R),
	U64(spec_seccomp_arg, "valueTwo", value_two, 0),
	ENUM(spec_seccomp_arg, "op", op, R, seccomp_ops),
};
TYPE(t_seccomp_arg, spec_seccomp_arg, seccomp_arg_fields);

static const struct spec_field syscall_fields[] = {
	STR_ARRAY(spec_syscall, "names", names, R),
	ENUM(spec_syscall, "action", action, R, seccomp_actions),
	OPT_U32(spec_syscall, "errnoRet", errno_ret),
	OBJ_ARRAY(spec_syscall, "args", args, spec_seccomp_arg, t_seccomp_arg),
};
TYPE(t_syscall, spec_syscall, syscall_fields);

static const struct spec_field seccomp_fields[] = {
	ENUM(spec_seccomp, "defaultAction", default_action, R, seccomp_actions),
	OPT_U32(spec_seccomp, "defaultErrnoRet", default_errno_ret),
	STR_ARRAY(spec_seccomp, "architectures", architectures, 0),
	STR_ARRAY(spec_seccomp, "flags", flags, 0),
	STR(spec_seccomp, "listenerPath", listener_path, 0),
	STR(spec_seccomp, "listenerMetadata", listener_metadata, 0),
	OBJ_ARRAY(spec_seccomp, "syscalls", syscalls, spec_syscall, t_syscall),
};
TYPE(t_seccomp, spec_seccomp, seccomp_fields);

static const struct spec_field intel_rdt_fields[] = {
	STR(spec_intel_rdt, "closID", clos_id, 0),
	STR(spec_intel_rdt, "l3CacheSchema", l3_cache_schema, 0),
	STR(spec_intel_rdt, "memBwSchema", mem_bw_schema, 0),
	BOOL(spec_intel_rdt, "enableCMT", enable_cmt, 0),
	BOOL(spec_intel_rdt, "enableMBM", enable_mbm, 0),
	STR(spec_intel_rdt, "schemata", schemata, 0),
	BOOL(spec_intel_rdt, "enableMonitoring", enable_monitoring, 0),
};
TYPE(t_intel_rdt, spec_intel_rdt, intel_rdt_fields);

static const struct spec_field personality_fields[] = {
	ENUM(spec_personality, "domain", domain, R, personality_domains),
	STR_ARRAY(spec_personality, "flags", flags, 0),
};
TYPE(t_personality, spec_personality, personality_fields);

static const char *const memory_policy_modes[] = {
	"MPOL_DEFAULT", "MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE",
	"MPOL_PREFERRED", "MPOL_PREFERRED_MANY", "MPOL_LOCAL", NULL,
};

const char *const *spec_memory_policy_modes(void)
{
	return memory_policy_modes;
}

static const struct spec_field memory_policy_fields[] = {
	ENUM(spec_memory_policy, "mode", mode, R, memory_policy_modes),
	STR(spec_memory_policy, "nodes", nodes, 0),
	STR_ARRAY(spec_memory_policy, "flags", flags, 0),
};
TYPE(t_memory_policy, spec_memory_policy, memory_policy_fields);

static const struct spec_field time_offset_fields[] = {
	I64(spec_time_offset, "secs", secs, 0),
	U32(spec_time_offset, "nanosecs", nanosecs, 0),
};
TYPE(t_time_offset, spec_time_offset, time_offset_fields);

static const struct spec_field linux_fields[] = {
	OBJ_ARRAY(spec_linux, "uidMappings", uid_mappings, spec_id_mapping, t_id_mapping),
	OBJ_ARRAY(spec_linux, "gidMappings", gid_mappings, spec_id_mapping, t_id_mapping),
	STR_MAP(spec_linux, "sysctl", sysctl),
	OBJ(spec_linux, "resources", resources, spec_resources, spec_type_resources),
	STR(spec_linux, "cgroupsPath", cgroups_path, 0),
	OBJ_ARRAY(spec_linux, "namespaces", namespaces, spec_namespace, t_namespace),
	OBJ_ARRAY(spec_linux, "devices", devices, spec_device, t_device),
	OBJ_MAP(spec_linux, "netDevices", net_devices, spec_net_device, t_net_device, NULL),
	OBJ(spec_linux, "seccomp", seccomp, spec_seccomp, t_seccomp),
	ENUM(spec_linux, "rootfsPropagation", rootfs_propagation, 0, propagations),
	STR_ARRAY(spec_linux, "maskedPaths", masked_paths, 0),
	STR_ARRAY(spec_linux, "readonlyPaths", readonly_paths, 0),
	STR(spec_linux, "mountLabel", mount_label, 0),
	OBJ(spec_linux, "intelRdt", intel_rdt, spec_intel_rdt, t_intel_rdt),
	OBJ(spec_linux, "personality", personality, spec_personality, t_personality),
	OBJ(spec_linux, "memoryPolicy", memory_policy, spec_memory_policy, t_memory_policy),
	OBJ_MAP(spec_linux, "timeOffsets", time_offsets, spec_time_offset, t_time_offset,
		clocks),
};
TYPE(t_linux, spec_linux, linux_fields);

static const struct spec_field config_fields[] = {
	STR(spec_config, "ociVersion", oci_version, R),
	OBJ(spec_config, "process", process, spec_process, spec_type_process),
	OBJ(spec_config, "root", root, spec_root, t_root),
	STR(spec_config, "hostname", hostname, 0),
	STR(spec_config, "domainname", domainname, 0),
	OBJ_ARRAY(spec_config, "mounts", mounts, spec_mount, t_mount),
	OBJ(spec_config, "hooks", hooks, spec_hooks, t_hooks),
	STR_MAP(spec_config, "annotations", annotations),
	OBJ(spec_config, "linux", linux_, spec_linux, t_linux),
};
const struct spec_type spec_type_config = {
	"spec_config", sizeof(spec_config), config_fields, N_ELEMS(config_fields),
};

/* ---- free and equality ---- */

#define AT(base, off, type) ((type *)((char *)(base) + (off)))
#define CAT(base, off, type) ((const type *)((const char *)(base) + (off)))

/* Numbers and booleans: stored in place, owning nothing. */
static bool is_scalar(enum spec_kind kind)
{
	return kind >= SPEC_BOOL && kind <= SPEC_UINT64;
}

/* Length of an array or map field (0 for anything else). */
static size_t field_len(const struct spec_field *f, const void *base)
{
	if (is_scalar(f->kind) || f->aux_offset == SPEC_NO_AUX)
		return 0;
	return *CAT(base, f->aux_offset, size_t);
}

static void free_field(const struct spec_field *f, void *base)
{
	void *ptr;
	size_t len = field_len(f, base), i;

	if (is_scalar(f->kind))
		return; /* scalars own nothing */
	ptr = *AT(base, f->offset, void *);
	switch (f->kind) {
	case SPEC_STRING:
	case SPEC_UINT32_ARRAY:
		free(ptr);
		break;
	case SPEC_OBJECT:
		if (ptr)
			spec_schema_free(f->type, ptr);
		free(ptr);
		break;
	case SPEC_OBJECT_ARRAY:
	case SPEC_OBJECT_MAP:
		for (i = 0; ptr && i < len; i++) {
			void *elem = (char *)ptr + i * f->type->size;

			if (f->kind == SPEC_OBJECT_MAP)
				free(*(char **)elem);
			spec_schema_free(f->type, elem);
		}
		free(ptr);
		break;
	case SPEC_STRING_ARRAY:
		for (i = 0; ptr && i < len; i++)
			free(((char **)ptr)[i]);
		free(ptr);
		break;
	case SPEC_STRING_MAP:
		for (i = 0; ptr && i < len; i++) {
			free(((spec_kv *)ptr)[i].key);
			free(((spec_kv *)ptr)[i].value);
		}
		free(ptr);
		break;
	default:
		break;
	}
	*AT(base, f->offset, void *) = NULL;
	if (f->aux_offset != SPEC_NO_AUX)
		*AT(base, f->aux_offset, size_t) = 0;
}

void spec_schema_free(const struct spec_type *type, void *base)
{
	size_t i;

	if (!base)
		return;
	for (i = 0; i < type->n_fields; i++)
		free_field(&type->fields[i], base);
}

static bool str_equal(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static size_t scalar_size(enum spec_kind kind)
{
	switch (kind) {
	case SPEC_BOOL:
		return sizeof(bool);
	case SPEC_UINT16:
		return sizeof(uint16_t);
	case SPEC_INT32:
	case SPEC_UINT32:
		return sizeof(uint32_t);
	default:
		return sizeof(uint64_t);
	}
}

static bool field_equal(const struct spec_field *f, const void *a, const void *b)
{
	const void *pa, *pb;
	size_t len = field_len(f, a), i;

	if (is_scalar(f->kind)) {
		if (f->aux_offset != SPEC_NO_AUX &&
		    *CAT(a, f->aux_offset, bool) != *CAT(b, f->aux_offset, bool))
			return false;
		return memcmp((const char *)a + f->offset, (const char *)b + f->offset,
			      scalar_size(f->kind)) == 0;
	}
	if (len != field_len(f, b))
		return false;
	pa = *CAT(a, f->offset, void *);
	pb = *CAT(b, f->offset, void *);
	switch (f->kind) {
	case SPEC_STRING:
		return str_equal(pa, pb);
	case SPEC_OBJECT:
		if (!pa || !pb)
			return pa == pb;
		return spec_schema_equal(f->type, pa, pb);
	case SPEC_OBJECT_ARRAY:
	case SPEC_OBJECT_MAP:
		for (i = 0; i < len; i++) {
			const void *ea = (const char *)pa + i * f->type->size;
			const void *eb = (const char *)pb + i * f->type->size;

			if (f->kind == SPEC_OBJECT_MAP &&
			    !str_equal(*(char *const *)ea, *(char *const *)eb))
				return false;
			if (!spec_schema_equal(f->type, ea, eb))
				return false;
		}
		return true;
	case SPEC_STRING_ARRAY:
		if ((f->flags & SPEC_KEEP_EMPTY) && !pa != !pb)
			return false;
		for (i = 0; i < len; i++)
			if (!str_equal(((char *const *)pa)[i], ((char *const *)pb)[i]))
				return false;
		return true;
	case SPEC_UINT32_ARRAY:
		return len == 0 || memcmp(pa, pb, len * sizeof(uint32_t)) == 0;
	case SPEC_STRING_MAP:
		for (i = 0; i < len; i++) {
			const spec_kv *ka = (const spec_kv *)pa + i, *kb = (const spec_kv *)pb + i;

			if (!str_equal(ka->key, kb->key) || !str_equal(ka->value, kb->value))
				return false;
		}
		return true;
	default:
		return false;
	}
}

bool spec_schema_equal(const struct spec_type *type, const void *a, const void *b)
{
	size_t i;

	for (i = 0; i < type->n_fields; i++)
		if (!field_equal(&type->fields[i], a, b))
			return false;
	return true;
}

void spec_config_free(spec_config *cfg)
{
	spec_schema_free(&spec_type_config, cfg);
	free(cfg);
}

void spec_process_free(spec_process *process)
{
	spec_schema_free(&spec_type_process, process);
	free(process);
}

void spec_resources_free(spec_resources *resources)
{
	spec_schema_free(&spec_type_resources, resources);
	free(resources);
}

/* ---- paths, quoting, errors ---- */

void spec_path_init(struct spec_path *p)
{
	p->len = 0;
	p->buf[0] = '\0';
}

static size_t path_append(struct spec_path *p, const char *s)
{
	size_t old = p->len, n = strlen(s), room = sizeof(p->buf) - 1 - p->len;

	if (n <= room) {
		memcpy(p->buf + p->len, s, n);
		p->len += n;
	} else {
		/* Cut short; only messages use the path, so say so with "...". */
		memcpy(p->buf + p->len, s, room);
		p->len = sizeof(p->buf) - 1;
		memcpy(p->buf + p->len - 3, "...", 3);
	}
	p->buf[p->len] = '\0';
	return old;
}

size_t spec_path_push_field(struct spec_path *p, const char *name)
{
	size_t old = path_append(p, ".");

	path_append(p, name);
	return old;
}

size_t spec_path_push_index(struct spec_path *p, size_t index)
{
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "[%zu]", index);
	return path_append(p, tmp);
}

size_t spec_path_push_key(struct spec_path *p, const char *key)
{
	char quoted[SPEC_QUOTE_MAX * 6 + 8];
	size_t old = path_append(p, "[");

	path_append(p, spec_quote(quoted, sizeof(quoted), key));
	path_append(p, "]");
	return old;
}

void spec_path_pop(struct spec_path *p, size_t len)
{
	if (len < p->len) {
		p->len = len;
		p->buf[len] = '\0';
	}
}

char *spec_quote(char *buf, size_t size, const char *s)
{
	size_t n = strlen(s), cut = n, o = 0, i;
	bool cut_short = false;

	if (size < 8) { /* too small to say anything useful */
		if (size)
			buf[0] = '\0';
		return buf;
	}
	if (n > SPEC_QUOTE_MAX) {
		cut = SPEC_QUOTE_MAX;
		/* Do not split a UTF-8 sequence. */
		while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
			cut--;
		cut_short = true;
	}
	buf[o++] = '"';
	for (i = 0; i < cut; i++) {
		unsigned char ch = (unsigned char)s[i];
		char esc[8];
		size_t elen;

		if (ch == '"' || ch == '\\')
			snprintf(esc, sizeof(esc), "\\%c", ch);
		else if (ch == '\n')
			snprintf(esc, sizeof(esc), "\\n");
		else if (ch == '\t')
			snprintf(esc, sizeof(esc), "\\t");
		else if (ch < 0x20 || ch == 0x7f)
			snprintf(esc, sizeof(esc), "\\u%04x", ch);
		else {
			esc[0] = (char)ch;
			esc[1] = '\0';
		}
		elen = strlen(esc);
		if (o + elen + 5 > size) { /* keep room for ...", NUL */
			cut_short = true;
			break;
		}
		memcpy(buf + o, esc, elen);
		o += elen;
	}
	if (cut_short) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

int spec_fail_path(skiff_error *err, const char *name, const char *path, const char *fmt, ...)
{
	char problem[768];
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(problem, sizeof(problem), fmt, ap);
	va_end(ap);
	if (path && *path)
		return skiff_fail_at(err, 0, path, "%s: %s: %s", name, path, problem);
	return skiff_fail_at(err, 0, "", "%s: %s", name, problem);
}

/* ---- problem sinks ---- */

void spec_sink_init(struct spec_sink *s, const char *name, skiff_error *first, spec_problem_fn fn,
		    void *data)
{
	memset(s, 0, sizeof(*s));
	s->name = name;
	s->first = first;
	s->fn = fn;
	s->data = data;
}

/* The first problem goes to s->first, every one to s->fn.  errnum (0 if
 * none) is kept in s->first and spelled out after the problem. */
static void sink_record(struct spec_sink *s, int errnum, const char *path, const char *problem)
{
	if (s->count++ == 0 && s->first) {
		if (errnum)
			skiff_fail_at(s->first, errnum, path, "%s: %s", s->name, problem);
		else
			spec_fail_path(s->first, s->name, path, "%s", problem);
	}
	if (s->fn && errnum) {
		char full[1024], why[128];

		snprintf(full, sizeof(full), "%s: %s", problem, strerror_r(errnum, why, sizeof(why)));
		s->fn(s->data, path, full);
	} else if (s->fn) {
		s->fn(s->data, path, problem);
	}
}

int spec_report(struct spec_sink *s, const char *path, const char *fmt, ...)
{
	char problem[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(problem, sizeof(problem), fmt, ap);
	va_end(ap);
	sink_record(s, 0, path ? path : "", problem);
	return -1;
}

int spec_report_fatal(struct spec_sink *s, int errnum, const char *path, const char *fmt, ...)
{
	char problem[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(problem, sizeof(problem), fmt, ap);
	va_end(ap);
	s->fatal = true;
	sink_record(s, errnum, path ? path : "", problem);
	return -1;
}

bool spec_sink_goes_on(const struct spec_sink *s)
{
	return s->fn && !s->fatal;
}
