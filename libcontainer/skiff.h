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

#ifdef __cplusplus
}
#endif

#endif
