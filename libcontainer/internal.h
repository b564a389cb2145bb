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
/* The live status of a container read from its record. */
skiff_status state_status(int dirfd, const container_record *rec);
int state_dir_remove(const char *root, const char *id, skiff_error *err);
const char *state_root(const skiff_context *ctx);
/* Fill a public skiff_state from a record (copies). */
int state_export(int dirfd, const container_record *rec, skiff_state **out, skiff_error *err);

/* ---- sync.c: the parent <-> init handshake over a socketpair ---- */

enum sync_type {
	SYNC_GO = 1,       /* parent -> init: id maps and cgroups are in place */
	SYNC_READY,        /* init -> parent: the container is set up, waiting for start */
	SYNC_ERROR,        /* init -> parent: setup failed, a skiff_error follows */
};

int sync_send(int fd, enum sync_type type, const skiff_error *payload);
/* Wait for one message; EOF (the peer died) is an error naming who. */
int sync_recv(int fd, enum sync_type *type, skiff_error *payload, skiff_error *err);

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
/* Parent, after clone: write /proc/<pid>/{uid,gid}_map. */
int ns_write_id_maps(pid_t pid, const spec_config *cfg, skiff_error *err);

/* ---- rootfs.c, mounts.c, pathsafe.c, devices.c ---- */

typedef struct rootfs_opts {
	const char *rootfs;  /* absolute host path of the container's root */
	const char *bundle;  /* absolute; relative bind sources start here */
	bool no_pivot;
	bool in_userns;
	bool new_cgroupns;
} rootfs_opts;

int rootfs_setup(const spec_config *cfg, const rootfs_opts *opts, skiff_error *err);
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
/* Resolve args[0] like execvp with the container's PATH; *path_out is malloc'd. */
int process_find_executable(const spec_process *p, char **path_out, skiff_error *err);

/* ---- container.c: the start sequence ---- */

#include <signal.h>
/* Make the container and leave its init waiting for start; *pid_out is the
 * init's host pid, a child of the caller.  caller_mask is the signal mask
 * the user's program starts with. */
int container_create(const skiff_context *ctx, const spec_config *cfg,
		     const sigset_t *caller_mask, pid_t *pid_out, skiff_error *err);

/* ---- signals.c ---- */
const char *signal_name(int signo);

#endif
