/*
 * The create of one container, shared by its two sides: the runtime's
 * (container.c) and the cloned init's (init.c).  Private to libcontainer.
 */
#ifndef SKIFF_CREATE_JOB_H
#define SKIFF_CREATE_JOB_H

#include "cgroups.h"
#include "internal.h"

typedef struct create_job {
	const skiff_context *ctx;
	const spec_config *cfg;
	char *bundle;  /* absolute */
	char *rootfs;  /* absolute */
	int statefd;   /* <root>/<id>, locked; never in the init */
	int go;        /* exec.fifo opened for the init (read end) */
	int reply;     /* exec.reply, the init's answer to `start` (start_sync.c) */
	host_fds host;   /* the rootfs, bind sources and idmapped trees (hostfds.c) */
	seccomp_plan *seccomp; /* compiled by the runtime, loaded by the init */
	int sock[2];   /* [0] parent's end, [1] the init's */
	ns_plan ns;
	cgroup_set cgroups;
	int cgroup_fd; /* the cgroup2 directory, for CLONE_INTO_CGROUP; or -1 */
	bool cloned_into_cgroup; /* clone3 put the init in cgroup_fd's directory */
	bool enter_self;         /* the init enters the v1 hierarchies itself */
	sigset_t caller_mask; /* restored in the init before exec */
	pid_t pid;            /* the init's pid in the host's namespace */
	int *console_out;     /* foreground: where the pty master goes */
	stub_launch stub;     /* the init's last exec (exec_stub.c) */
	int proc;             /* the init's own procfs (procfs.c), or -1 */
	lsm_exec_label labels[2]; /* for the stub to write */
	size_t labels_len;
	/* No mount namespace of its own: the mount on top of the rootfs in
	 * ours before the init made its bind there, and the bind (state.c). */
	uint64_t rootfs_mount_before, rootfs_mount_id;
} create_job;

/* Whether the init builds the container's root (init.c says when). */
bool create_job_builds_root(const create_job *job);
/* The cloned init: set up, report, exec the stub; never returns. */
__attribute__((noreturn)) void init_main(create_job *job);

#endif
