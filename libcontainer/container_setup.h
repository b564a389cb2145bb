/*
 * A new container's footprint on the host, made and undone in one place:
 * the bundle and rootfs paths, the state directory with its record and
 * config copy, the cgroups (or the systemd unit holding them), the pid
 * file.  create (create.c) and restore (checkpoint.c) make containers
 * through it; whatever fails, container_setup_rollback() leaves nothing
 * behind.  Private to libcontainer.
 */
#ifndef SKIFF_CONTAINER_SETUP_H
#define SKIFF_CONTAINER_SETUP_H

#include "cgroups.h"
#include "internal.h"

typedef struct container_setup {
	const skiff_context *ctx;
	const spec_config *cfg;
	char *bundle;  /* absolute */
	char *rootfs;  /* absolute */
	int statefd;   /* <root>/<id>, locked; never in the container */
	cgroup_set cgroups;
	pid_t pid;     /* the container's init, for the record; -1 before it */
	/* No mount namespace of its own: the rootfs's bind onto itself in
	 * ours (state.c), for the record. */
	uint64_t rootfs_mount_id;
	bool dir_made;     /* the state directory is ours to remove */
	bool cgroups_ours; /* no other container uses the cgroups: ours to remove */
} container_setup;

void container_setup_init(container_setup *s, const skiff_context *ctx, const spec_config *cfg);
/* The bundle's and the rootfs's absolute paths; the rootfs must be a directory. */
int container_setup_paths(container_setup *s, skiff_error *err);
/* The state directory (exclusive, locked) with a first record and the
 * config's copy, once the planned cgroups are known to be nobody's: from
 * here on `delete` finds everything to remove. */
int container_setup_state(container_setup *s, skiff_error *err);
/* The record: state.json (created or still creating) with the pid; with
 * copy non-NULL, also a copy of it (to clear) for the caller. */
int container_setup_record(const container_setup *s, bool created, container_record *copy,
			   skiff_error *err);
/* The cgroups made and their resources applied (with systemd, its unit
 * makes them: container_setup_unit()).  Rootless and allowed none, the
 * container runs in the caller's cgroups, as with runc. */
int container_setup_cgroups(container_setup *s, skiff_error *err);
/* With the systemd driver, its unit started holding pid. */
int container_setup_unit(container_setup *s, pid_t pid, skiff_error *err);
/* --pid-file, when asked. */
int container_setup_pid_file(const container_setup *s, skiff_error *err);
/* Undo, after a failure: the cgroups (killing what is left in them) and
 * the state directory.  The caller has killed the init. */
void container_setup_rollback(container_setup *s);
/* Close and free (not undo). */
void container_setup_release(container_setup *s);

#endif
