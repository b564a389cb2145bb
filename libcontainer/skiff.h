/*
 * libskiff: run OCI containers from C.
 *
 * This is the whole public API.  The rules it keeps:
 *   - Every function that can fail returns 0 on success and -1 on failure, and
 *     fills the caller's skiff_error (which may be NULL).  Nothing here prints,
 *     calls exit(), or keeps global mutable state.
 *   - Strings passed in are borrowed for the duration of the call only.
 *     Objects handed out (configs, states, JSON text) belong to the caller,
 *     who frees them with the matching *_free() function (free() for text).
 *   - Functions are safe to call from several threads on different containers;
 *     commands on one container id are serialised through a lock file in the
 *     state directory, so separate processes may also act on it concurrently.
 *   - skiff_container_create() and _run() fork; call them from a process that
 *     can have children (they reap only the children they make).
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
#define SKIFF_OCI_VERSION "1.2.0"
/* Where container state lives unless the caller says otherwise. */
#define SKIFF_DEFAULT_ROOT "/run/skiff"

/*
 * One error type for the whole library.
 * message: the full human-readable text, "what failed: why".
 * context: what it concerns, for programs: a JSON path (".process.cwd"),
 *          a file, or a syscall; empty when there is none.
 * errnum:  the errno behind the failure, 0 when it is not a system error.
 */
typedef struct skiff_error {
	int errnum;
	char context[256];
	char message[1024];
} skiff_error;

/* The config model (model.h) under its public name. */
typedef struct spec_config skiff_config;

/* Parse and validate a config.json.  `name` is used in error messages
 * ("config.json: .process.cwd: ..."); errors name the JSON path at fault.
 * On success *out owns a config to free with skiff_config_free(). */
int skiff_config_load_file(const char *path, skiff_config **out, skiff_error *err);
int skiff_config_load_data(const char *json, size_t len, const char *name,
			   skiff_config **out, skiff_error *err);
void skiff_config_free(skiff_config *cfg);

/* Serialize a config back to JSON (indented when pretty).  *json_out is
 * NUL-terminated and freed with free(). */
int skiff_config_to_json(const skiff_config *cfg, bool pretty, char **json_out,
			 size_t *len_out, skiff_error *err);

/* The default config `skiff spec` writes (the same as runc's); rootless
 * adds a user namespace mapped to the caller's ids. */
int skiff_config_default(bool rootless, skiff_config **out, skiff_error *err);

/* What one command acts on.  Unset pointers take the documented defaults. */
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
	bool systemd_cgroup;        /* cgroupsPath is slice:prefix:name */
	/* Told about problems that do not fail the command (a failing
	 * poststart or poststop hook); NULL to ignore them. */
	void (*warn)(void *warn_data, const skiff_error *problem);
	void *warn_data;
} skiff_context;

typedef enum skiff_status {
	SKIFF_STATUS_CREATING,
	SKIFF_STATUS_CREATED,
	SKIFF_STATUS_RUNNING,
	SKIFF_STATUS_PAUSED,
	SKIFF_STATUS_STOPPED,
} skiff_status;

/* "creating", "created", "running", "paused", "stopped". */
const char *skiff_status_name(skiff_status status);

/* The state of a container as the runtime-spec defines it (plus runc's
 * rootfs, created and owner fields). */
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

void skiff_state_free(skiff_state *state);

/* runc's state JSON (indented when pretty); free() the result. */
int skiff_state_to_json(const skiff_state *state, bool pretty, char **json_out,
			skiff_error *err);

/* Is `id` a valid container id?  Letters, digits, '_', '-', '.', '+', not
 * starting with '.', at most 1024 bytes. */
int skiff_id_validate(const char *id, skiff_error *err);

/*
 * Create the container: namespaces, mounts, pivot_root, then the init waits
 * in the container for skiff_container_start().  cfg may be NULL to load
 * <bundle>/config.json.  On return the init is running and blocked, its
 * pid is in the pid file and the state directory, and no process made by
 * this call remains its parent.  On failure nothing is left behind.
 */
int skiff_container_create(const skiff_context *ctx, const skiff_config *cfg,
			   skiff_error *err);

/* Let a created container's init exec the user's program. */
int skiff_container_start(const skiff_context *ctx, skiff_error *err);

/*
 * create + start.  With detach, returns once started.  Otherwise waits for
 * the init to exit and stores its status in *exit_status (128+N if killed
 * by signal N), forwarding the signals a shell sends (HUP, INT, QUIT, TERM,
 * USR1, USR2, WINCH) to the init; the container is then deleted.
 */
int skiff_container_run(const skiff_context *ctx, const skiff_config *cfg, bool detach,
			int *exit_status, skiff_error *err);

/* Read a container's state; a container whose init died reads "stopped". */
int skiff_container_state(const skiff_context *ctx, skiff_state **out, skiff_error *err);

/* Send a signal to the init, or with all to every process of the container. */
int skiff_container_kill(const skiff_context *ctx, int signo, bool all, skiff_error *err);

/* Remove a stopped container.  force kills a live one first and succeeds
 * when the container does not exist. */
int skiff_container_delete(const skiff_context *ctx, bool force, skiff_error *err);

/* Every container under root (NULL: the default), sorted by id. */
int skiff_container_list(const char *root, skiff_state ***out, size_t *count,
			 skiff_error *err);
void skiff_state_list_free(skiff_state **states, size_t count);

/*
 * exec: run another process in a created or running container.  It joins
 * every namespace of the container's init and gets the process's user,
 * capabilities, rlimits and no_new_privs.  With detach, returns once the
 * process runs (its pid in ctx->pid_file); otherwise waits for it,
 * forwarding signals and proxying its terminal, and stores its status
 * (128+N if killed by signal N) in *exit_status.  ctx->console_socket
 * receives the pty master when process->terminal is set.  A paused
 * container is refused unless ignore_paused.
 */
int skiff_container_exec(const skiff_context *ctx, const spec_process *process, bool detach,
			 bool ignore_paused, int *exit_status, skiff_error *err);

/* An OCI process object (exec --process FILE), parsed and validated; free
 * it with skiff_process_free(). */
int skiff_process_load_file(const char *path, spec_process **out, skiff_error *err);
int skiff_process_load_data(const char *json, size_t len, const char *name, spec_process **out,
			    skiff_error *err);
void skiff_process_free(spec_process *process);

/* What `skiff exec` may change of the container's own process.  Arrays
 * are borrowed; unset fields keep the container's values. */
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
 * with skiff_process_free(). */
int skiff_exec_process(const skiff_context *ctx, const skiff_exec_overrides *overrides,
		       spec_process **out, skiff_error *err);

/* "KILL", "SIGKILL", "kill" and "9" all give SIGKILL; also RTMIN+N. */
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
int skiff_container_update(const skiff_context *ctx, const spec_resources *r,
			   skiff_error *err);

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

int skiff_bundle_check(const char *bundle, skiff_diagnostics **out, skiff_error *err);
int skiff_diagnostics_to_json(const skiff_diagnostics *diags, bool pretty, char **json_out,
			      skiff_error *err);
void skiff_diagnostics_free(skiff_diagnostics *diags);

#ifdef __cplusplus
}
#endif

#endif
