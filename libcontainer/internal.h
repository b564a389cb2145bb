/*
 * Declarations shared by the files of libcontainer/.  Nothing here is public.
 */
#ifndef SKIFF_INTERNAL_H
#define SKIFF_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "skiff.h"
#include "spec.h"

#define EXEC_FIFO_NAME "exec.fifo"
#define STATE_FILE_NAME "state.json"
#define CONFIG_COPY_NAME "config.json"

/* ---- utils.c ---- */

/* Read a whole file (at most max bytes) into a NUL-terminated buffer. */
int read_file_at(int dirfd, const char *path, size_t max, char **out, size_t *len_out,
		 skiff_error *err);
/* Replace dirfd/name with data: write a temporary file, fsync-free rename. */
int write_file_atomic(int dirfd, const char *name, const void *data, size_t len,
		      mode_t mode, skiff_error *err);
int write_all(int fd, const void *data, size_t len);
/* Write a small string to an existing file such as /proc/<pid>/uid_map. */
int write_string_to(const char *path, const char *text, skiff_error *err);
int mkdir_parents(const char *path, mode_t mode);
/* Remove a directory tree without following symlinks or crossing mounts. */
int remove_tree_at(int dirfd, const char *name);
/* The start time of a process (field 22 of /proc/<pid>/stat), 0 if gone. */
uint64_t process_start_time(pid_t pid);
/* Is pid alive and the same process that had start_time? */
bool process_matches(pid_t pid, uint64_t start_time);
/* "2006-01-02T15:04:05.999999999Z" for the current time. */
void rfc3339_now(char *buf, size_t size);
char *path_join(const char *a, const char *b);
/* sendmsg() of data with fd (if >= 0) as SCM_RIGHTS; no SIGPIPE. */
ssize_t send_with_fd(int sock, const void *data, size_t len, int fd);

/* ---- state.c: the state directory <root>/<id>/ ---- */

typedef struct container_record {
	char *id;
	pid_t pid;
	uint64_t pid_start_time;
	bool created; /* the init reported ready; false while creating */
	char *bundle;
	char *rootfs;
	char *created_at;
	char *owner;
	spec_kv *annotations;
	size_t annotations_len;
	/* The container's cgroup directory in each hierarchy (cgroups.h),
	 * written before they are made, so delete finds them after a crash. */
	spec_kv *cgroup_paths;
	size_t cgroup_paths_len;
} container_record;

void container_record_clear(container_record *rec);
/* Create <root>/<id> exclusively and lock it; fails with EEXIST when the id is taken. */
int state_dir_create(const char *root, const char *id, int *dirfd_out, skiff_error *err);
/* Open and lock an existing container's directory (ENOENT: "container does not exist"). */
int state_dir_open(const char *root, const char *id, int *dirfd_out, skiff_error *err);
/* Take the exclusive lock of an opened container directory. */
int flock_dir(int dirfd, const char *id, skiff_error *err);
int state_write(int dirfd, const container_record *rec, skiff_error *err);
int state_read(int dirfd, container_record *rec, skiff_error *err);
/* The live status of a container read from its record (paused when its
 * cgroup is frozen). */
skiff_status state_status(int dirfd, const container_record *rec);
int state_dir_remove(const char *root, const char *id, skiff_error *err);
const char *state_root(const skiff_context *ctx);
/* Fill a public skiff_state from a record (copies). */
int state_export(int dirfd, const container_record *rec, skiff_state **out, skiff_error *err);

/* ---- sync.c: the parent <-> init handshake over a socketpair ---- */

enum sync_type {
	SYNC_GO = 1,       /* parent -> child: id maps and cgroups are in place; value: host pid */
	SYNC_HOOKS,        /* init -> parent: mounts done, run createRuntime hooks before pivot */
	SYNC_HOOKS_DONE,   /* parent -> init: they ran */
	SYNC_CONSOLE,      /* child -> parent: the pty master, as the passed fd */
	SYNC_READY,        /* child -> parent: set up; the init now waits for start */
	SYNC_ERROR,        /* child -> parent: setup failed, the skiff_error says why */
};

int sync_send(int sock, enum sync_type type, const skiff_error *payload);
int sync_send_full(int sock, enum sync_type type, long long value, int passfd,
		   const skiff_error *payload);
/* Wait for one message; EOF (the peer died) is an error. */
int sync_recv(int sock, enum sync_type *type, skiff_error *payload, skiff_error *err);
int sync_recv_full(int sock, enum sync_type *type, long long *value, int *fd_out,
		   skiff_error *payload, skiff_error *err);

/* ---- namespaces.c ---- */

typedef struct ns_plan {
	int clone_flags;       /* namespaces created by clone3 */
	int join_fds[8];       /* open fds of namespaces joined by path, in join order */
	int join_types[8];
	size_t join_count;
	int pid_join_fd;       /* the pid namespace is joined by the parent: -1 if none */
	bool new_userns;
	bool new_mountns;
	bool new_utsns;
	bool new_cgroupns;   /* unshared by the init after cgroup placement */
	bool time_offsets;     /* the parent unshares the time namespace to set offsets */
} ns_plan;

int ns_plan_make(const spec_config *cfg, ns_plan *plan, skiff_error *err);
void ns_plan_close(ns_plan *plan);
/* In the init: join every namespace given by path. */
int ns_join(const ns_plan *plan, skiff_error *err);
/* Parent, before clone: enter the time namespace that will hold the init, with offsets. */
int ns_prepare_time(const spec_config *cfg, skiff_error *err);
/* setns() gives pid and time namespaces only to children: the runtime
 * enters them (the time one fresh with offsets_cfg's offsets, or time_fd)
 * just before clone3, and leaves them right after so that its own later
 * children are born at home. */
typedef struct ns_children {
	int pid, time; /* the runtime's own namespaces, to go back to */
} ns_children;
int ns_children_enter(ns_children *saved, int pid_fd, int time_fd, const spec_config *offsets_cfg,
		      skiff_error *err);
void ns_children_leave(ns_children *saved);
/* Parent, after clone: write /proc/<pid>/{uid,gid}_map. */
int ns_write_id_maps(pid_t pid, const spec_config *cfg, skiff_error *err);

/* ---- rootfs.c, mounts.c, pathsafe.c, devices.c ---- */

typedef struct rootfs_opts {
	const char *rootfs;  /* absolute host path of the container's root */
	const char *bundle;  /* absolute; relative bind sources start here */
	bool no_pivot;
	bool in_userns;
	bool new_cgroupns;
	/* Called once the mounts are made, before pivot_root: where the
	 * createRuntime and createContainer hooks run. */
	int (*before_pivot)(void *data, skiff_error *err);
	void *before_pivot_data;
} rootfs_opts;

int rootfs_setup(const spec_config *cfg, const rootfs_opts *opts, skiff_error *err);
/* After pivot_root and the sysctls: masked and read-only paths, read-only root. */
int rootfs_finish(const spec_config *cfg, skiff_error *err);
/* Open (O_PATH) dest inside the tree at rootfd, creating missing directories
 * and, when as_file, the last component as an empty file.  Symlinks resolve as
 * if rootfd were "/", so nothing can land outside it. */
int path_open_in_root(int rootfd, const char *dest, bool create, bool as_file,
		      skiff_error *err);
int mount_entry(int rootfd, const spec_mount *m, const rootfs_opts *opts, skiff_error *err);
int devices_create(int rootfd, const spec_config *cfg, bool default_devices, bool in_userns,
		   skiff_error *err);
int devices_link_ptmx(int rootfd, skiff_error *err);
/* After pivot_root: maskedPaths and readonlyPaths. */
int paths_mask_and_protect(const spec_config *cfg, skiff_error *err);
int remount_readonly(const char *path, skiff_error *err);

/* ---- process.c, capabilities.c ---- */

/* The last steps in the init before exec: identity, capabilities, limits. */
int process_apply_rlimits(const spec_process *p, skiff_error *err);
int process_set_identity(const spec_process *p, bool in_userns, skiff_error *err);
int capabilities_drop_bounding(const spec_capabilities *caps, skiff_error *err);
int capabilities_apply(const spec_capabilities *caps, skiff_error *err);
/* Everything between the container's setup and exec, in order: rlimits,
 * bounding set, user, capabilities, no_new_privs, umask, cwd, and finding
 * the program (*exe, malloc'd). */
int process_prepare(const spec_process *p, bool in_userns, char **exe, skiff_error *err);
/* NULL-terminated argv and envp for execve (HOME=/ added when unset, and
 * LISTEN_FDS/LISTEN_PID when listen_fds > 0).  The strings stay the model's. */
int process_exec_vectors(const spec_process *p, int listen_fds, char ***argv_out, char ***env_out);
/* The RLIMIT_* number of an OCI rlimit type ("RLIMIT_NOFILE"), -1 if unknown. */
int process_rlimit_resource(const char *type);
/* Resolve args[0] like execvp with the container's PATH; *path_out is malloc'd. */
int process_find_executable(const spec_process *p, char **path_out, skiff_error *err);

/* ---- lifecycle.c ---- */

/* Open an existing container (locked when lock), read its record and status.
 * A directory whose record was never written reads as stopped, rec->id NULL. */
int container_open(const skiff_context *ctx, bool lock, int *dirfd, container_record *rec,
		   skiff_status *status, skiff_error *err);
/* A pidfd of the container's init, or -1 when it is gone (or its pid reused). */
int container_pidfd(const container_record *rec);

/* ---- container.c: the start sequence ---- */

#include <signal.h>
/* Make the container and leave its init waiting for start; *pid_out is the
 * init's host pid, a child of the caller.  caller_mask is the signal mask
 * the user's program starts with.  console_out is NULL when detached (a
 * terminal then needs --console-socket); otherwise it receives the pty
 * master of a terminal process (or -1). */
int container_create(const skiff_context *ctx, const spec_config *cfg,
		     const sigset_t *caller_mask, int *console_out, pid_t *pid_out,
		     skiff_error *err);

/* ---- hooks.c ---- */

/* Run hooks[0..n) in order; the first failure is the error.  kind names
 * them in messages ("createRuntime"). */
int hooks_run(const spec_hook *hooks, size_t n, const char *kind, const char *state_json,
	      skiff_error *err);
/* The state JSON hooks read on stdin; free() it. NULL when out of memory. */
char *hooks_state_json(const spec_config *cfg, const char *id, pid_t pid, skiff_status status,
		       const char *bundle);

/* ---- terminal.c, wait.c ---- */

#include <termios.h>
/* In the container: a pty in its devpts becomes the controlling terminal
 * and stdio; *master_out is the master. */
int terminal_setup(const spec_process *p, int *master_out, skiff_error *err);
/* Hand the pty master to the --console-socket listener (SCM_RIGHTS). */
int terminal_send(const char *socket_path, int master, skiff_error *err);
int terminal_raw(int fd, struct termios *saved);
void terminal_copy_size(int from, int to);
/* Wait for a foreground process, forwarding the signals of forward (which
 * the caller has blocked, SIGCHLD among them) and proxying the pty master
 * (or -1) to stdin/stdout.  *exit_status is the status, 128+N for signal N. */
int wait_foreground(pid_t pid, const sigset_t *forward, int master, int *exit_status,
		    skiff_error *err);

/* ---- check.c, check_host.c: skiff_bundle_check() ---- */

/* The diagnostics found so far; an allocation failure sets out_of_memory. */
typedef struct check_report {
	skiff_diagnostic *errors;
	size_t errors_len;
	skiff_diagnostic *warnings;
	size_t warnings_len;
	bool out_of_memory;
} check_report;

/* Add a diagnostic at a JSON path ("" for the whole bundle).  A second
 * error at the same path is dropped: one field, one error. */
void check_error(check_report *r, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void check_warn(check_report *r, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* What create needs beyond a valid config (a process with args, a root),
 * reported to sink; -1 when something is missing.  create uses it in
 * first-problem mode, check collecting. */
int create_requirements(const spec_config *cfg, struct spec_sink *sink);
/* The warnings: fields this host cannot honour (check_host.c). */
void check_host(const spec_config *cfg, const char *bundle, check_report *r);

/* ---- signals.c ---- */
const char *signal_name(int signo);

#endif
