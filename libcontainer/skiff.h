/*
 * libskiff: run OCI containers from C.  This header (installed as
 * <skiff/skiff.h>, with the config model <skiff/model.h>) is the whole
 * public API; `pkg-config --cflags --libs skiff` gives the flags.  The
 * library exports nothing else (libskiff.sym lists the symbols).
 *
 * Errors.  Every function that can fail returns 0 on success and -1 on
 * failure, and fills the caller's skiff_error, which may be NULL when the
 * caller does not care.  Nothing here prints, calls exit(), or keeps global
 * mutable state.  Messages follow runc's wording where engines match it
 * ("container does not exist", "container not running").
 *
 * Memory.  Strings and structs passed in are borrowed for the duration of
 * the call only.  Objects handed out (configs, processes, states,
 * diagnostics, JSON text) belong to the caller, who frees them with the
 * matching *_free() function (free() for text).  On failure nothing is
 * handed out: there is nothing to free.  Every *_free() accepts NULL.
 *
 * Threads.  Functions may be called from several threads at once on
 * different objects and different containers; commands on one container id
 * are serialised by a lock file in its state directory, so that separate
 * processes may also act on it concurrently.  skiff_container_create(),
 * _run() and _exec() clone the calling process, and the child runs
 * library code (malloc included) until it execs the container's program:
 * call them only while no other thread of the process can hold a lock
 * that code needs, in practice from a single-threaded process.  _run() and
 * _exec() in the foreground change the calling thread's signal mask while
 * they wait (see there); they wait only for the children they make.
 *
 * Privileges.  Creating containers needs root (or the capabilities runc
 * needs: CAP_SYS_ADMIN and friends).  Parsing, validating and checking do
 * not.
 *
 * Versioning.  The SONAME (libskiff.so.N) changes whenever a function or a
 * public struct changes incompatibly, which includes a field added to a
 * struct of this header or of model.h; functions added compatibly get a new
 * symbol version node.  README.md ("Versioning") has the rules.
 */
#ifndef SKIFF_H
#define SKIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The OCI runtime-spec version this build implements. */
#define SKIFF_OCI_VERSION "1.3.0"
/* Where container state lives unless the caller says otherwise. */
#define SKIFF_DEFAULT_ROOT "/run/skiff"

/*
 * One error type for the whole library, filled by the function that fails
 * (fixed-size: no allocation, nothing to free).
 * message: the full human-readable text, "what failed: why", NUL-terminated
 *          and cut to fit.
 * context: what it concerns, for programs, of the kind `kind` says: the
 *          JSON path of a config field, with every index
 *          (".process.rlimits[2].type"), or a file's path (on the host, or
 *          a mount's destination in the container); empty for none
 *          (SKIFF_CONTEXT_NONE).
 * errnum:  the errno behind the failure (ENOENT for a container that does
 *          not exist, EEXIST for an id in use, EINVAL for bad input, ENOMEM
 *          when memory ran out), 0 when it is not a system error.
 */
typedef enum skiff_context_kind {
	SKIFF_CONTEXT_NONE = 0,
	SKIFF_CONTEXT_JSON_PATH, /* a field of config.json (or process.json) */
	SKIFF_CONTEXT_FILE,      /* a path on the host or in the container */
} skiff_context_kind;

typedef struct skiff_error {
	int errnum;
	skiff_context_kind kind;
	char context[256];
	char message[1024];
} skiff_error;

/* ---- configs ---- */

/* The config model (model.h: plain structs, one per OCI object, which the
 * caller may read and change) under its public name. */
typedef struct spec_config skiff_config;

/*
 * Parse and validate a config.json, stopping at the first problem: a JSON
 * syntax error, a wrong type, a value out of range or not allowed, a
 * missing required field, or a rule across fields (absolute paths, unique
 * namespaces, ...).  A capability that cannot be mapped or granted is no
 * error: create and exec tell ctx->warn and leave it out, as the
 * runtime-spec asks.  The message names the file and
 * the JSON path at fault, which is also err->context:
 *   config.json: .linux.resources.memory.limit: expected a 64-bit integer, got "1g"
 * Unknown fields are ignored.  _file() uses the file's base name in
 * messages; _data() uses `name` (NULL: "config.json") and reads `len`
 * bytes of `json` (no NUL needed; NUL bytes inside are refused).
 * Documents larger than 64 MiB or nested deeper than 64 levels are
 * refused.  On success *out is a config to free with skiff_config_free().
 * skiff_bundle_check() reports every problem instead of the first.
 */
int skiff_config_load_file(const char *path, skiff_config **out, skiff_error *err);
int skiff_config_load_data(const char *json, size_t len, const char *name,
			   skiff_config **out, skiff_error *err);
/* Free a config and everything it points to.  NULL is fine. */
void skiff_config_free(skiff_config *cfg);

/* Serialize a config back to JSON, with runc's field order, indented when
 * pretty.  *json_out is NUL-terminated, *len_out (may be NULL) its length
 * without the NUL; free() it.  Fails on a string that is not valid
 * UTF-8, naming its JSON path. */
int skiff_config_to_json(const skiff_config *cfg, bool pretty, char **json_out,
			 size_t *len_out, skiff_error *err);

/* The default config `skiff spec` writes, the same as `runc spec`'s;
 * rootless adds a user namespace mapping the caller's euid and egid and
 * drops what needs root on the host.  Free it with skiff_config_free(). */
int skiff_config_default(bool rootless, skiff_config **out, skiff_error *err);

/* Whether the runtime acts without privilege over cgroups, as runc's
 * --rootless.  AUTO (the zero value) means: when not running as root, or
 * as root of a user namespace that does not map the host's root. */
typedef enum skiff_rootless {
	SKIFF_ROOTLESS_AUTO = 0,
	SKIFF_ROOTLESS_TRUE,
	SKIFF_ROOTLESS_FALSE,
} skiff_rootless;

/* ---- containers ---- */

/*
 * Debug tracing: told each step of create, start, run, exec, kill, delete,
 * update, pause and resume as it is taken, one line (no newline) per step:
 * the config and bundle used, the namespaces made and joined, the cgroup
 * directories and every cgroup file written with its value, each mount
 * (source, destination, type, flags and data), pivot_root or chroot, the
 * devices made, masked and read-only paths, sysctls, hooks (which, path,
 * exit status), the seccomp filter (compiled, loaded at which stage),
 * rlimits, the user and capabilities switched to, the program exec'd, and
 * the signals sent.  The wording is for people and may change between
 * releases; do not parse it.
 *
 * Steps of the container's init and of exec's new process happen in those
 * processes: they send their lines to the calling process over the setup
 * socket, and the library calls the callback with them there, in order
 * with its own, prefixed "init: " or "exec: ".  So the callback is only
 * ever called in the calling thread, during the call that traces (never in
 * another process or thread); `msg` is borrowed for the call.  It may not
 * call the library back on the same container.  Steps of the exec stub
 * (waiting for start, startContainer hooks, the last seccomp filter, the
 * program's execve) are not traced: the stub carries no library.
 */
typedef void (*skiff_trace_fn)(void *trace_data, const char *msg);

/* What one command acts on: the caller fills it (zeroed first) and keeps
 * it, and the strings it points to, alive during the call.  Unset pointers
 * take the documented defaults. */
typedef struct skiff_context {
	const char *root;           /* state root; NULL: SKIFF_DEFAULT_ROOT */
	const char *id;             /* container id (validated) */
	const char *bundle;         /* bundle dir; NULL: the current directory */
	const char *console_socket; /* AF_UNIX socket to receive the pty master */
	const char *pid_file;       /* written with the init's host pid */
	int preserve_fds;           /* pass fds 3..3+N-1 into the container */
	int listen_fds;             /* socket activation: N more fds after stdio, and
				       LISTEN_FDS=N LISTEN_PID=1 in the init's env */
	bool no_pivot;              /* move + chroot instead of pivot_root */
	bool no_new_keyring;        /* keep the caller's session keyring */
	/* create: the systemd cgroup driver, cgroupsPath is slice:prefix:name
	 * (skiff(8), --systemd-cgroup); ENOTSUP where systemd is not the init
	 * or the library was built without libsystemd.  Later calls find the
	 * unit in the container's state, whatever this says. */
	bool systemd_cgroup;
	skiff_rootless rootless;    /* rootless mode: cgroups are left alone */
	/* skiff_container_run() in the foreground: the caller made itself a
	 * child subreaper (prctl PR_SET_CHILD_SUBREAPER) and has no children
	 * of its own, so processes the container abandons become its
	 * children; reap every child while waiting and before returning, so
	 * none stays a zombie (as `runc run` does; --no-subreaper: false). */
	bool subreaper;
	/* FOR TESTS ONLY: the name of a step of create, run or exec (listed in
	 * libcontainer/debug_stop.c) where the process reaching it kills itself
	 * with SIGKILL, to test recovery from a crash there.  The skiff CLI sets
	 * it from $SKIFF_DEBUG_STOP_AT.  NULL (the default) in production; an
	 * unknown name fails the command with EINVAL. */
	const char *debug_stop_at;
	/* Told about problems that do not fail the command (a failing
	 * poststop hook); NULL to ignore them.  Called in the
	 * calling thread, during the call; `problem` is borrowed. */
	void (*warn)(void *warn_data, const skiff_error *problem);
	void *warn_data;
	/* Debug tracing (`skiff --debug`); NULL (the default) traces nothing
	 * and costs nothing: no line is even formatted.  See skiff_trace_fn.
	 * Since libskiff.so.2 (these two fields changed the struct's size). */
	skiff_trace_fn trace;
	void *trace_data;
	/* create, run and exec: an AF_UNIX stream socket that receives a
	 * pidfd of the init (create, run) or of exec's process, by
	 * SCM_RIGHTS with the data "pidfd", before the call returns (runc's
	 * --pidfd-socket); failing to send it fails the call.  NULL: none.
	 * Since libskiff.so.3. */
	const char *pidfd_socket;
} skiff_context;

typedef enum skiff_status {
	SKIFF_STATUS_CREATING,
	SKIFF_STATUS_CREATED,
	SKIFF_STATUS_RUNNING,
	SKIFF_STATUS_PAUSED,
	SKIFF_STATUS_STOPPED,
} skiff_status;

/* "creating", "created", "running", "paused", "stopped" ("unknown" for a
 * value outside the enum): a static string, not to be freed. */
const char *skiff_status_name(skiff_status status);

/* The state of a container as the runtime-spec defines it (plus runc's
 * rootfs, created and owner fields).  Every string is allocated and owned
 * by the struct; free it with skiff_state_free(). */
typedef struct skiff_state {
	char *oci_version;
	char *id;
	pid_t pid; /* 0 once the container is stopped */
	skiff_status status;
	char *bundle;
	char *rootfs;
	char *created; /* RFC 3339 with nanoseconds, UTC */
	char *owner;   /* user name of the creator ("" when unknown) */
	spec_kv *annotations;
	size_t annotations_len;
} skiff_state;

/* Free a state and its strings.  NULL is fine. */
void skiff_state_free(skiff_state *state);

/* runc's state JSON (what `skiff state` prints), indented when pretty;
 * *json_out is NUL-terminated, free() it. */
int skiff_state_to_json(const skiff_state *state, bool pretty, char **json_out,
			skiff_error *err);

/* Is `id` a valid container id?  Letters, digits, '_', '-', '.', '+', not
 * starting with '.', at most 1024 bytes.  0 if so, else -1 with EINVAL and
 * the reason.  Every command checks the id it is given the same way. */
int skiff_id_validate(const char *id, skiff_error *err);

/*
 * Create the container ctx->id from ctx->bundle: namespaces, mounts,
 * pivot_root, devices, rlimits, user, capabilities; the createRuntime and
 * createContainer hooks; then the init waits in the container for
 * skiff_container_start().  cfg may be NULL to load <bundle>/config.json;
 * a given cfg is borrowed (the bundle still gives the rootfs's base).
 * On return the init is running and blocked, its pid (in the host's pid
 * namespace) is in ctx->pid_file and the state directory, and no process
 * made by this call remains its parent: the caller's subreaper, or init,
 * reaps it.  With process.terminal set, ctx->console_socket receives the
 * pty master.  Errors: EEXIST when the id is in use, EINVAL for a bad id
 * or config, the errno of the step that failed otherwise (the message
 * says which; a config field at fault is named by its JSON path).  On
 * failure nothing is left behind: no state directory, process or mount.
 */
int skiff_container_create(const skiff_context *ctx, const skiff_config *cfg,
			   skiff_error *err);

/* Let a created container's init run the startContainer hooks and exec
 * the user's program, wait until it did, then run the poststart hooks.  A
 * failing startContainer hook, seccomp filter or execve fails the call
 * with the init's message, and so does a failing poststart hook
 * (runtime-spec 1.3, runc 1.2: the first failure, the later hooks do not
 * run); the container is then destroyed and its poststop hooks run.  With an SCMP_ACT_NOTIFY rule in the profile
 * there is no waiting (the seccomp agent may be this very caller), and
 * such a failure only reaches the container's stderr.  Once it returns the
 * container is running (or already stopped), never "created".  Starting a
 * container that is not "created" fails with EINVAL ("cannot start an
 * already running container", ... "that has stopped"); one that does not
 * exist with ENOENT ("container does not exist"). */
int skiff_container_start(const skiff_context *ctx, skiff_error *err);

/*
 * create + start.  With detach, returns once started (exit_status is not
 * touched and may be NULL).  Otherwise waits for the init to exit and
 * stores its status in *exit_status (128+N if killed by signal N),
 * forwarding the signals a shell sends (HUP, INT, QUIT, TERM, USR1, USR2,
 * WINCH) to the init and proxying its terminal to stdin/stdout when
 * process.terminal is set and there is no ctx->console_socket; the
 * container is then deleted.  While it waits, those signals and SIGCHLD
 * are blocked in the calling thread (its old mask is restored on return),
 * and it reaps only the init.  Errors as skiff_container_create(); a
 * container that started and exited is a success, whatever its status.
 */
int skiff_container_run(const skiff_context *ctx, const skiff_config *cfg, bool detach,
			int *exit_status, skiff_error *err);
/* skiff_container_run() with flags: SKIFF_RUN_DETACH is detach;
 * SKIFF_RUN_KEEP (`run --keep`, as runc's) keeps the container once its
 * process has exited in the foreground: it stays, "stopped", cgroups and
 * all, until skiff_container_delete() (which runs the poststop hooks).  A
 * create or start that fails still leaves nothing.  Since SKIFF_0.2. */
#define SKIFF_RUN_DETACH 0x1u
#define SKIFF_RUN_KEEP 0x2u
int skiff_container_run_flags(const skiff_context *ctx, const skiff_config *cfg, unsigned flags,
			      int *exit_status, skiff_error *err);

/* Read a container's state; a container whose init died reads "stopped".
 * Takes no lock: it may run while another command acts on the container.
 * ENOENT ("container does not exist") when there is none.  Free *out with
 * skiff_state_free(). */
int skiff_container_state(const skiff_context *ctx, skiff_state **out, skiff_error *err);

/* Send signal signo to the init, or with all to every process of the
 * container (those in its pid namespace, when it has its own).  The init
 * is reached through a pidfd: a recycled pid is never signalled.  A stopped
 * container fails with "container not running"; signo 0 sends nothing and
 * only checks that the init is alive (as kill(2)). */
int skiff_container_kill(const skiff_context *ctx, int signo, bool all, skiff_error *err);

/* Remove a stopped, or created but never started, container: its init is
 * killed, the poststop hooks run (failures go to ctx->warn) and the state
 * directory goes.  A running container fails with EBUSY unless force,
 * which SIGKILLs it first and also succeeds when the container does not
 * exist (engines delete twice). */
int skiff_container_delete(const skiff_context *ctx, bool force, skiff_error *err);

/* Every container under root (NULL: SKIFF_DEFAULT_ROOT), sorted by id; a
 * root that does not exist has none.  *out is an array of *count states
 * (NULL when there are none) to free with skiff_state_list_free(). */
int skiff_container_list(const char *root, skiff_state ***out, size_t *count,
			 skiff_error *err);
/* Free what skiff_container_list() gave.  NULL is fine. */
void skiff_state_list_free(skiff_state **states, size_t count);

/* ---- exec ---- */

/*
 * exec: run another process in a created or running container ctx->id.
 * It joins every namespace of the container's init and gets `process`'s
 * user, capabilities, rlimits and no_new_privs (build one with
 * skiff_exec_process() or skiff_process_load_*(); it is borrowed).  With
 * detach, returns once the process runs (its pid in ctx->pid_file; no
 * process made by this call remains its parent); otherwise waits for it as
 * skiff_container_run() waits (same signals blocked in the calling thread,
 * same forwarding and terminal proxy) and stores its status (128+N if
 * killed by signal N) in *exit_status.  ctx->console_socket receives the
 * pty master when process->terminal is set, and is required then with
 * detach.  A stopped container fails with "container not running", a
 * paused one unless ignore_paused.
 */
int skiff_container_exec(const skiff_context *ctx, const spec_process *process, bool detach,
			 bool ignore_paused, int *exit_status, skiff_error *err);
/* skiff_container_exec() in sub-cgroups of the container (`exec --cgroup`,
 * runc's syntax): each of sub_cgroups[0..n) is "PATH" (in every hierarchy)
 * or "CONTROLLER[,CONTROLLER...]:PATH" (in those controllers' v1
 * hierarchies), PATH relative to the container's cgroup, which it cannot
 * leave (EINVAL "PATH is not a sub cgroup path" when a ".." would go above
 * it, as runc), and existing.  Since SKIFF_0.2. */
int skiff_container_exec_cgroups(const skiff_context *ctx, const spec_process *process,
				 bool detach, bool ignore_paused, const char *const *sub_cgroups,
				 size_t n_sub_cgroups, int *exit_status, skiff_error *err);

/* An OCI process object (exec --process FILE), parsed and validated like
 * a config's process, errors naming the JSON path; free it with
 * skiff_process_free(). */
int skiff_process_load_file(const char *path, spec_process **out, skiff_error *err);
int skiff_process_load_data(const char *json, size_t len, const char *name, spec_process **out,
			    skiff_error *err);
/* Free a process and everything it points to.  NULL is fine. */
void skiff_process_free(spec_process *process);

/* What `skiff exec` may change of the container's own process.  Arrays
 * are borrowed; unset (NULL, 0, false) fields keep the container's values. */
typedef struct skiff_exec_overrides {
	char *const *args;          /* the command: required */
	size_t args_len;
	char *const *env;           /* NAME=VALUE, replacing or adding */
	size_t env_len;
	const char *cwd;
	bool set_user;              /* use uid and gid */
	uint32_t uid, gid;
	const uint32_t *additional_gids;
	size_t additional_gids_len;
	char *const *caps;          /* added to the bounding, effective, permitted sets */
	size_t caps_len;
	bool tty;
	bool no_new_privs;
	const char *apparmor;
	const char *process_label;
} skiff_exec_overrides;

/* The process runc's `exec` would run: the container's process (from the
 * config saved at create) with the overrides applied, validated.  Free it
 * with skiff_process_free().  EINVAL when overrides->args is empty;
 * ENOENT when the container does not exist. */
int skiff_exec_process(const skiff_context *ctx, const skiff_exec_overrides *overrides,
		       spec_process **out, skiff_error *err);
/* skiff_exec_process() then skiff_container_exec_cgroups() in one call
 * (what `skiff exec ID COMMAND` does), reading the saved config once
 * instead of twice.  Since SKIFF_0.3. */
int skiff_container_exec_command(const skiff_context *ctx, const skiff_exec_overrides *overrides,
				 bool detach, bool ignore_paused, const char *const *sub_cgroups,
				 size_t n_sub_cgroups, int *exit_status, skiff_error *err);

/* A signal as `kill` takes it: a name with or without "SIG", in any case
 * ("KILL", "SIGKILL" and "kill" all give SIGKILL), a number ("9"; "0", as
 * with kill(2), sends nothing), "RTMIN+N" or "RTMAX-N".  EINVAL for
 * anything else. */
int skiff_signal_parse(const char *text, int *signo, skiff_error *err);

/*
 * Resources and cgroups.  A container's cgroups are made by create, from
 * linux.cgroupsPath as runc resolves it (absolute: under each hierarchy's
 * root; relative: under the caller's own cgroup; absent: the id, relative),
 * and removed by delete.  Their paths are kept in the state directory.
 */

/*
 * Change the resources of a created, running or paused container: only the
 * fields present in r are written (has_x flags, non-NULL strings, non-empty
 * lists), as runc's update does; a pids limit of 0 leaves it unchanged, a
 * negative one removes it.  linux.resources.devices cannot be updated and is
 * ignored.  r is borrowed.  Errors name the field ("linux.resources.cpu.cpus:
 * ...") and say "container not running" for a stopped container.
 */
/* A linux.resources object alone (update --resources), parsed; errors name
 * the JSON path under `name`.  Free it with skiff_resources_free(). */
int skiff_resources_load_data(const char *json, size_t len, const char *name,
			      spec_resources **out, skiff_error *err);
void skiff_resources_free(spec_resources *resources);

int skiff_container_update(const skiff_context *ctx, const spec_resources *r,
			   skiff_error *err);

/* update --l3-cache-schema / --mem-bw-schema (either may be NULL): replace
 * the container's linux.intelRdt l3CacheSchema and/or memBwSchema and write
 * their combined value to its resctrl group's schemata.  A container created
 * without intelRdt is first put in a group named after its id (its init
 * only, as runc).  ENOTSUP with runc's words ("Intel RDT/CAT: l3 cache
 * schema is not enabled") when the resctrl filesystem lacks the resource;
 * "container not running" for a stopped one.  Since SKIFF_0.3. */
int skiff_container_update_intel_rdt(const skiff_context *ctx, const char *l3_cache_schema,
				     const char *mem_bw_schema, skiff_error *err);

/* Freeze every process of a created or running container ("container not
 * running" otherwise); skiff_container_state() then reports "paused". */
int skiff_container_pause(const skiff_context *ctx, skiff_error *err);
/* Thaw a paused container ("container not paused" otherwise). */
int skiff_container_resume(const skiff_context *ctx, skiff_error *err);

/* The host pids of every process in the container's cgroups, ascending.
 * *pids is malloc'd (free() it; NULL when *n is 0). */
int skiff_container_pids(const skiff_context *ctx, pid_t **pids, size_t *n, skiff_error *err);

/* ---- statistics, as runc's `events --stats` reports them ---- */

typedef struct skiff_cpu_stats {
	uint64_t total_usage;      /* nanoseconds, user + kernel */
	uint64_t *percpu_usage;    /* nanoseconds per cpu (v1 only) */
	size_t percpu_usage_len;
	uint64_t *percpu_kernel;
	size_t percpu_kernel_len;
	uint64_t *percpu_user;
	size_t percpu_user_len;
	uint64_t kernel_usage;     /* nanoseconds */
	uint64_t user_usage;       /* nanoseconds */
	uint64_t throttling_periods;
	uint64_t throttled_periods;
	uint64_t throttled_time;   /* nanoseconds */
} skiff_cpu_stats;

/* UINT64_MAX in limit means "no limit" (runc prints the kernel's value). */
typedef struct skiff_memory_entry {
	uint64_t limit;
	uint64_t usage;
	uint64_t max;      /* peak usage, when the kernel keeps it */
	uint64_t failcnt;
} skiff_memory_entry;

typedef struct skiff_stat_value {
	char *key;
	uint64_t value;
} skiff_stat_value;

typedef struct skiff_memory_stats {
	uint64_t cache;
	skiff_memory_entry usage;
	skiff_memory_entry swap;       /* memory + swap, as cgroup v1 counts it */
	skiff_memory_entry kernel;
	skiff_memory_entry kernel_tcp;
	skiff_stat_value *raw;         /* memory.stat as the kernel lists it */
	size_t raw_len;
} skiff_memory_stats;

typedef struct skiff_pids_stats {
	uint64_t current;
	uint64_t limit; /* 0: no limit */
} skiff_pids_stats;

typedef struct skiff_blkio_entry {
	uint64_t major;
	uint64_t minor;
	char op[16];    /* "Read", "Write", "Sync", "Async", "Total" or "" */
	uint64_t value;
} skiff_blkio_entry;

typedef struct skiff_blkio_list {
	skiff_blkio_entry *entries;
	size_t len;
} skiff_blkio_list;

typedef struct skiff_blkio_stats {
	skiff_blkio_list io_service_bytes_recursive;
	skiff_blkio_list io_serviced_recursive;
	skiff_blkio_list io_queue_recursive;
	skiff_blkio_list io_service_time_recursive;
	skiff_blkio_list io_wait_time_recursive;
	skiff_blkio_list io_merged_recursive;
	skiff_blkio_list io_time_recursive;
	skiff_blkio_list sectors_recursive;
} skiff_blkio_stats;

typedef struct skiff_hugetlb_stats {
	char *page_size; /* "2MB", "1GB" */
	uint64_t usage;
	uint64_t max;
	uint64_t failcnt;
} skiff_hugetlb_stats;

typedef struct skiff_stats {
	skiff_cpu_stats cpu;
	skiff_memory_stats memory;
	skiff_pids_stats pids;
	skiff_blkio_stats blkio;
	skiff_hugetlb_stats *hugetlb;
	size_t hugetlb_len;
} skiff_stats;

/* Read the statistics of a created, running or paused container.  *out is
 * freed with skiff_stats_free(). */
int skiff_container_stats(const skiff_context *ctx, skiff_stats **out, skiff_error *err);
void skiff_stats_free(skiff_stats *stats);

/* One event as runc's `events` prints it, on one line without a newline:
 * {"type":"stats","id":ID,"data":{"cpu":...,"memory":...,"pids":...,
 * "blkio":...,"hugetlb":...}} when stats is given, else {"type":TYPE,"id":ID}
 * (type "oom").  Field names are runc's.  free() *json_out. */
int skiff_event_to_json(const char *type, const char *id, const skiff_stats *stats,
			char **json_out, skiff_error *err);

/*
 * OOM notifications.  The watch's fd becomes readable (poll POLLIN) when
 * the kernel's OOM handling hits the container's memory cgroup; then
 * skiff_oom_watch_read() says how many OOM events to report (cgroup v1: one
 * per wake-up, as runc reports them; v2: the new OOM kills; 0 for a wake-up
 * that was not an OOM) and whether the cgroup is gone, which ends the watch.
 */
typedef struct skiff_oom_watch skiff_oom_watch;

int skiff_oom_watch_open(const skiff_context *ctx, skiff_oom_watch **out, skiff_error *err);
int skiff_oom_watch_fd(const skiff_oom_watch *watch);
int skiff_oom_watch_read(skiff_oom_watch *watch, unsigned *ooms, bool *gone, skiff_error *err);
void skiff_oom_watch_close(skiff_oom_watch *watch);

/* ---- checking a bundle without running it (skiff check) ---- */

typedef enum skiff_severity {
	SKIFF_SEVERITY_ERROR,   /* the container cannot be created from this bundle */
	SKIFF_SEVERITY_WARNING, /* it can, but this host will not honour a field */
} skiff_severity;

/* One finding; its strings are owned by the skiff_diagnostics holding it. */
typedef struct skiff_diagnostic {
	skiff_severity severity;
	char *path;    /* the JSON path at fault (".process.cwd"); "" for the whole file */
	char *message; /* what is wrong, without the path */
} skiff_diagnostic;

typedef struct skiff_diagnostics {
	skiff_diagnostic *items; /* errors first, then warnings */
	size_t len;
	size_t errors;   /* how many items are errors */
	size_t warnings; /* how many are warnings */
} skiff_diagnostics;

/*
 * Everything wrong with the bundle at `bundle` (NULL: the current
 * directory), found without running anything or changing the bundle.
 * Errors are what would make skiff_container_create() fail on the config:
 * every parse and validation problem (not only the first), in the order of
 * runc's fields, at most one per JSON path, and what create needs of this
 * host beyond a valid config (a process with args; a rootfs directory
 * reached through no symlink; every bind source; the LSMs that
 * apparmorProfile, selinuxLabel and mountLabel ask for; seccomp
 * architectures and flags libseccomp and the kernel can set), so that the
 * verdict is create's (without its flags: create with no_pivot also
 * refuses rootfsPropagation [r]private); a config.json that cannot be read
 * or is not JSON is one error with path "".  Warnings are fields this
 * host, or this process, cannot fully honour while create still runs: a
 * resource whose cgroup controller is not mounted, a capability outside
 * the caller's bounding set, an rlimit above the caller's hard limit
 * without CAP_SYS_RESOURCE.  A bundle with problems is
 * still a success: returns 0 and *out (free it with
 * skiff_diagnostics_free()); -1 only when the check itself could not run
 * (ENOMEM).  Needs no privilege.
 */
int skiff_bundle_check(const char *bundle, skiff_diagnostics **out, skiff_error *err);
/* {"errors": [{"path": ..., "message": ...}, ...], "warnings": [...]},
 * indented when pretty: what `skiff check --format json` prints.
 * *json_out is NUL-terminated; free() it. */
int skiff_diagnostics_to_json(const skiff_diagnostics *diags, bool pretty, char **json_out,
			      skiff_error *err);
/* Free diagnostics and their strings.  NULL is fine. */
void skiff_diagnostics_free(skiff_diagnostics *diags);

/* ---- checkpoint and restore, through CRIU ---- */

/*
 * What `criu` is told, with runc's flags of the same names.  Zero it, then
 * set what is wanted; strings are borrowed for the call.
 */
typedef struct skiff_checkpoint_opts {
	const char *criu;        /* the criu binary; NULL: "criu", found in PATH */
	const char *image_path;  /* the images (required; made if missing) */
	const char *work_path;   /* criu's work files and logs; NULL: image_path */
	const char *parent_path; /* checkpoint: a previous pre-dump's images,
				    relative to image_path */
	bool leave_running;      /* checkpoint: the container goes on running */
	bool pre_dump;           /* checkpoint: memory only, it goes on running */
	bool tcp_established;    /* open TCP connections are allowed */
	bool ext_unix_sk;        /* external unix sockets are allowed */
	bool shell_job;          /* a shell job (session and tty from outside) */
	bool file_locks;         /* file locks are saved and taken again */
	bool auto_dedup;         /* deduplicate memory images */
	bool lazy_pages;         /* restore memory lazily (userfaultfd) */
	int status_fd;           /* lazy pages: criu writes \0 to it when ready; -1: none */
	const char *page_server; /* checkpoint: "ADDRESS:PORT" of a page server */
	const char *manage_cgroups_mode; /* "soft" (NULL), "full", "strict", "ignore" */
	bool empty_net_ns;       /* --empty-ns network: made, not restored */
	const char *lsm_profile;       /* restore: "apparmor:NAME" or "selinux:LABEL" */
	const char *lsm_mount_context; /* restore: SELinux context of the mounts */
} skiff_checkpoint_opts;

/*
 * Checkpoint a running or paused container with criu(8) dump (pre-dump
 * with opts->pre_dump) into opts->image_path.  Unless leave_running or
 * pre_dump, criu ends the container's processes and the container is then
 * deleted, as runc does.  Bind mounts are declared as external mounts,
 * keyed by their destination, for restore to bind again.  A criu that fails
 * leaves the container running; the error quotes criu's last errors and
 * names its log (work_path/dump.log).  Needs root and a criu that works on
 * this kernel (`criu check`).  "container not running" for a container
 * that is created or stopped.
 * Since SKIFF_0.2.
 */
int skiff_container_checkpoint(const skiff_context *ctx, const skiff_checkpoint_opts *opts,
			       skiff_error *err);

/*
 * Restore container ctx->id from the images of a checkpoint: a new
 * container (its state, its cgroups from linux.cgroupsPath) from ctx->bundle
 * (cfg as for skiff_container_create()), whose processes criu(8) restore
 * makes from opts->image_path, bind mounts taken again from the config's
 * sources.  With detach, returns once they run (their init's pid in
 * ctx->pid_file); otherwise waits as skiff_container_run() does, stores the
 * status and deletes the container.  On failure nothing is left behind;
 * the error quotes criu's last errors and names its log
 * (work_path/restore.log).  A process.terminal is refused.  Since SKIFF_0.2.
 */
int skiff_container_restore(const skiff_context *ctx, const skiff_config *cfg,
			    const skiff_checkpoint_opts *opts, bool detach, int *exit_status,
			    skiff_error *err);

/* ---- what this runtime can do ---- */

/*
 * The runtime-spec features document of this build (features.md,
 * features-linux.md), as `skiff features` prints it and engines read it:
 * ociVersionMin and ociVersionMax, the hooks, mount options, namespaces,
 * capabilities, seccomp actions, operators, architectures and flags skiff
 * recognizes, whether it implements cgroup v1, v2, the systemd drivers and
 * rdma, AppArmor, SELinux, Intel RDT and idmapped mounts.  As the spec
 * asks, those describe the runtime, not the host, except
 * seccomp.supportedFlags (probed: what this kernel and libseccomp can set);
 * annotations add the libseccomp and skiff versions and, under
 * "org.skiff.host.", whether this host runs AppArmor and SELinux and its
 * cgroup layout.  Indented when pretty.  *json_out is NUL-terminated;
 * free() it.  Needs no privilege.
 * Since SKIFF_0.2.
 */
int skiff_features_json(bool pretty, char **json_out, skiff_error *err);

#ifdef __cplusplus
}
#endif

#endif
