/*
 * The create of one container, shared by its two sides: the runtime's
 * (create.c) and the cloned init's (init.c).  Private to libcontainer.
 */
#ifndef SKIFF_CREATE_JOB_H
#define SKIFF_CREATE_JOB_H

#include "container_setup.h"
#include "child_protocol.h"

typedef struct create_job {
	const skiff_context *ctx;
	const spec_config *cfg;
	container_setup setup; /* bundle, rootfs, state dir, cgroups (container_setup.h) */
	spawn_link link;       /* the socket and what the init execs (child_protocol.h) */
	int go;        /* exec.fifo opened for the init (read end) */
	int reply;     /* exec.reply, the init's answer to `start` (start_sync.c) */
	host_fds host;   /* the rootfs, bind sources and idmapped trees (hostfds.c) */
	ns_plan ns;
	/* The new network namespace, made ahead by the runtime (create.c), which
	 * the init joins first thing; -1: the clone makes it, if any. */
	int net_ahead;
	int *console_out;     /* foreground: where the pty master goes */
	/* No mount namespace of its own: the mount on top of the rootfs in
	 * ours before the init made its bind there (the bind: setup's). */
	uint64_t rootfs_mount_before;
} create_job;

/* Whether the init builds the container's root (init.c says when). */
bool create_job_builds_root(const create_job *job);
/* The cloned init (a create_job): set up, report, exec the stub; never
 * returns. */
__attribute__((noreturn)) void init_main(void *job);

#endif
