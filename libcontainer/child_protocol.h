/*
 * The child protocol: how the runtime starts a process in a container and
 * serves it until it execs the stub.  create's init (create.c, init.c)
 * and exec's process (exec.c) both go through it; restore has criu start
 * its processes.  Private to libcontainer.
 *
 *   runtime                                  child
 *   -------                                  -----
 *   spawn_clone(): clone3 in the new  -----> spawn_child_begin(): relay the
 *     namespaces, into the cgroup2 dir         trace, enter the v1 cgroups,
 *     (fallbacks for older kernels)            drop the runtime's end
 *                                            (the caller closes other fds)
 *   spawn_go()  ---------------------------> spawn_child_wait_go(): die with
 *                                              the runtime until ready
 *                                            (the caller's setup steps, with
 *                                            spawn_child_send_pty(),
 *                                            spawn_child_prepare_stub() and
 *                                            spawn_child_process())
 *   spawn_serve(): hooks, the pty, a  <----- HOOKS, CONSOLE, SECCOMP ...
 *     seccomp listener, until READY   <----- spawn_child_exec(): READY (and
 *     or the child's ERROR                     with `confirm` wait for GO),
 *   spawn_await_exec()  <------------------    exec the stub: the socket
 *                                              closes on that exec
 */
#ifndef SKIFF_CHILD_PROTOCOL_H
#define SKIFF_CHILD_PROTOCOL_H

#include <signal.h>

#include "cgroups.h"
#include "internal.h"

typedef struct spawn_link {
	const skiff_context *ctx;
	const char *who;  /* "init", "exec": what relayed trace lines begin with */
	const char *what; /* "the container's init", "the new process": for errors */
	int sock[2];      /* [0] the runtime's end, [1] the child's */
	const cgroup_set *enter_self; /* v1 hierarchies the child enters itself, or NULL */
	int cgroup_fd;    /* the cgroup2 directory for CLONE_INTO_CGROUP, or -1 */
	bool cloned_into_cgroup; /* clone3 put the child in cgroup_fd's directory */
	pid_t pid;        /* the child in the runtime's pid namespace, or -1 */
	/* What the child uses on its side. */
	const spec_process *p;
	sigset_t caller_mask;   /* the caller's mask, restored before the exec */
	seccomp_plan *seccomp;  /* compiled by the runtime, loaded by the child */
	stub_launch stub;       /* the last exec before the program (exec_stub.c) */
	int proc;               /* a procfs of the child's own (procfs.c), or -1 */
	lsm_exec_label labels[2]; /* found by the child, written by the stub */
	size_t labels_len;
} spawn_link;

/* What the runtime does for the child's requests while it sets up. */
typedef struct spawn_ops {
	/* SYNC_HOOKS: the runtime-side hooks (create); NULL refuses them. */
	int (*hooks)(void *data, skiff_error *err);
	void *data;
	const seccomp_agent_info *agent; /* SYNC_SECCOMP: where a listener goes */
	int *console_out; /* a pty without --console-socket: its master, else NULL */
} spawn_ops;

/* An empty link: no fds, no child. */
void spawn_link_init(spawn_link *l, const skiff_context *ctx, const spec_process *p,
		     const char *who, const char *what);
/* The socketpair between the two sides. */
int spawn_socketpair(spawn_link *l, skiff_error *err);
/* clone3 with ns_flags into l->cgroup_fd (when >= 0); the child runs
 * child(arg), which never returns.  Kernels before 5.7 refuse
 * CLONE_INTO_CGROUP (the runtime moves the child then), before 5.3 have no
 * clone3 (clone(2), unless CLONE_NEWTIME is asked).  In the runtime, the
 * child's end of the socket and the cgroup fd are closed on success. */
pid_t spawn_clone(spawn_link *l, uint64_t ns_flags, void (*child)(void *arg), void *arg,
		  skiff_error *err);
/* GO, with the child's host pid; a child already gone is reaped and
 * explained. */
int spawn_go(spawn_link *l, skiff_error *err);
/* Serve the child until it is ready (0), failed (its error), or died. */
int spawn_serve(spawn_link *l, const spawn_ops *ops, skiff_error *err);
/* Wait for the child's exec of the stub, which closes its socket. */
int spawn_await_exec(spawn_link *l, skiff_error *err);
/* Kill and reap the child, if there is one. */
void spawn_kill(spawn_link *l);
/* Close and free what the runtime holds (not the child). */
void spawn_link_release(spawn_link *l);

/* ---- in the child ---- */

/* The first steps: trace lines to the runtime, into the v1 cgroups
 * (cgroups.h says why the child does it), the runtime's end closed.
 * Returns what entering the cgroups gave, told after GO. */
int spawn_child_begin(spawn_link *l, skiff_error *err);
/* Die with the runtime from here until ready; wait for GO (its value in
 * *value, may be NULL).  A failed begin is reported then. */
void spawn_child_wait_go(spawn_link *l, int begun, long long *value, skiff_error *err);
/* Report err to the runtime and exit. */
__attribute__((noreturn)) void spawn_child_fail(spawn_link *l, skiff_error *err);
/* With process.terminal: make the pty (console: /dev/console too) and
 * send its master to the runtime. */
int spawn_child_send_pty(spawn_link *l, bool console, skiff_error *err);
/* The stub's memfds (req's sync, proc, labels and seccomp are filled in
 * here), made before any filter is loaded; the labels and procfs go. */
int spawn_child_prepare_stub(spawn_link *l, stub_request *req, skiff_error *err);
/* process_prepare (process.c) with the link's program and seccomp hooks. */
int spawn_child_process(spawn_link *l, bool in_userns, char **exe, char **home,
			skiff_error *err);
/* The last steps: READY, with confirm a GO to wait for (the runtime
 * answers once it recorded the pid: until then the death signal stays
 * armed) and READY again, then exec the stub.  Never returns. */
__attribute__((noreturn)) void spawn_child_exec(spawn_link *l, char *const *env, bool confirm,
						const char *stop_after_ready);

#endif
