/*
 * The container's init, the clone create makes (container.c has the whole
 * sequence, both sides): it enters its v1 cgroups, waits for GO, joins
 * and makes namespaces, builds the root, sets the process up and reports
 * READY; then it execs the exec stub (exec_stub.c), which waits for
 * `start`.  It only ever leaves by that exec or _exit(): it is a copy of
 * the caller, whose heap and atexit handlers are not its own.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "create_job.h"

static bool has_runtime_hooks(const spec_config *cfg)
{
	return cfg->hooks && (cfg->hooks->prestart_len || cfg->hooks->create_runtime_len);
}

/* createContainer and startContainer hooks, run by the init in all the
 * container's namespaces: their state's pid is the one they see, the
 * init's in its own pid namespace (the spec says so; runc does it too). */
static int run_container_hooks(const create_job *job, const spec_hook *hooks, size_t n,
			       const char *kind, skiff_status status, skiff_error *err)
{
	char *state = hooks_state_json(job->cfg, job->ctx->id, getpid(), status, job->bundle);
	int rc;

	if (!state)
		return skiff_fail(err, ENOMEM, "%s hooks", kind);
	rc = hooks_run(hooks, n, job->cfg->process, kind, state, err);
	free(state);
	return rc;
}

/* In the init, with the mounts made and the host still visible. */
static int init_before_pivot(void *data, skiff_error *err)
{
	create_job *job = data;
	const spec_hooks *hooks = job->cfg->hooks;
	enum sync_type type;
	skiff_error parent_err;

	debug_stop(job->ctx, "init-after-mounts");
	/* prestart and createRuntime run in the runtime's namespaces: the
	 * parent runs them while we wait. */
	if (has_runtime_hooks(job->cfg)) {
		if (sync_send(job->sock[1], SYNC_HOOKS, NULL) < 0 ||
		    sync_recv(job->sock[1], &type, &parent_err, err) < 0 || type != SYNC_HOOKS_DONE)
			return skiff_fail(err, 0, "createRuntime hooks failed");
	}
	if (!hooks || !hooks->create_container_len)
		return 0;
	/* In the rootfs, as runc: the hook's relative paths are the
	 * container's; pivot_root does not need the cwd. */
	if (chdir(job->rootfs) < 0)
		return skiff_fail(err, errno, "chdir %s", job->rootfs);
	return run_container_hooks(job, hooks->create_container, hooks->create_container_len,
				   "createContainer", SKIFF_STATUS_CREATING, err);
}

/* Keep stdio, the fds passed on purpose (LISTEN_FDS, --preserve-fds) and
 * our own: the socket, the exec fifo and the namespaces to join. */
static void close_foreign_fds(create_job *job)
{
	int own[3 + 8];
	size_t n = 0;

	own[n++] = job->sock[1];
	own[n++] = job->go;
	own[n++] = job->reply;
	for (size_t i = 0; i < job->ns.join_count; i++)
		own[n++] = job->ns.join_fds[i];
	fds_keep_only(3 + job->ctx->listen_fds + job->ctx->preserve_fds, own, n, &job->host);
}

/* The seccomp filter goes in at its stage (seccomp.c).  A notify listener
 * goes at once to the runtime, which hands it to the agent: every syscall
 * from here on may wait for that agent. */
static int init_load_seccomp(void *data, enum seccomp_stage stage, skiff_error *err)
{
	create_job *job = data;

	return seccomp_load_and_hand_over(job->seccomp, stage, job->sock[1], err);
}

/* The program for the stub, and the caller's signal dispositions and
 * mask back, while no filter of the user's can refuse the syscalls. */
static int init_before_filter(void *data, const char *exe, skiff_error *err)
{
	create_job *job = data;

	if (stub_set_program(&job->stub, exe, job->cfg->process->args,
			     job->cfg->process->args_len, err) < 0)
		return -1;
	signals_reset_all(&job->caller_mask);
	return 0;
}

/* Whether the init builds the container's root: in a mount namespace of
 * its own (pivot_root), and without any (chroot, the mounts made in the
 * namespace it shares, as runc and crun: never the host's "/").  A mount
 * namespace joined by path comes with its root, which the namespace's
 * owner made. */
bool create_job_builds_root(const create_job *job)
{
	return job->ns.new_mountns || !spec_namespace_find(job->cfg, "mount");
}

/* What the exec stub needs to wait for `start`, run the startContainer
 * hooks and load a last seccomp filter; made before any filter is loaded. */
static int prepare_stub(create_job *job, skiff_error *err)
{
	const spec_hooks *hooks = job->cfg->hooks;
	stub_request req = {
		.go = &job->go,
		.reply = &job->reply,
		.sync = &job->sock[1],
		.proc = job->proc,
		.labels = job->labels,
		.labels_len = job->labels_len,
		.seccomp = job->seccomp,
		.close_from = 3 + job->ctx->listen_fds + job->ctx->preserve_fds,
	};
	char *state = NULL;
	int rc;

	if (hooks && hooks->start_container_len) {
		/* Our pid is the program's: the stub and the program are
		 * this process after exec. */
		state = hooks_state_json(job->cfg, job->ctx->id, getpid(), SKIFF_STATUS_CREATED,
					 job->bundle);
		if (!state)
			return skiff_fail(err, ENOMEM, "startContainer hooks");
		req.hooks = hooks->start_container;
		req.hooks_len = hooks->start_container_len;
		req.state_json = state;
	}
	rc = stub_prepare(&job->stub, &req, err);
	free(state);
	lsm_exec_labels_free(job->labels, job->labels_len);
	job->labels_len = 0;
	if (job->proc >= 0)
		close(job->proc);
	job->proc = -1;
	return rc;
}

/* Everything the init does before it reports ready.  On success *exe is the
 * program to run, *home its HOME (process_prepare). */
static int init_setup(create_job *job, char **exe, char **home, skiff_error *err)
{
	const spec_config *cfg = job->cfg;
	const spec_process *p = cfg->process;
	/* The init's own procfs for its writes there (procfs.c), made before
	 * anything of the container's is mounted or joined; -1 if unneeded.
	 * Kept for the exec stub, which writes the LSM labels. */
	int proc = -1;

	if (init_needs_procfs(cfg) && (proc = procfs_open_root(PROCFS_ALL, err)) < 0)
		return -1;
	job->proc = proc;
	/* With the caller's credentials still, which own /proc/self here. */
	if (init_set_oom_score_adj(p, proc, err) < 0 ||
	    (create_job_builds_root(job) && host_fds_open(&job->host, cfg, job->rootfs, job->bundle, err) < 0))
		return -1;
	exposure_hide_binary();
	if (job->ns.new_userns && userns_become_root(err) < 0)
		return -1;
	/* Made now, by the namespace's root: its mqueue filesystem is owned
	 * by whoever makes the namespace (0, as with runc, not the unmapped
	 * host uid of clone time). */
	if (job->ns.new_userns && (job->ns.clone_flags & CLONE_NEWIPC) && unshare(CLONE_NEWIPC) < 0)
		return skiff_fail(err, errno, "unshare the ipc namespace");
	if (ns_join(&job->ns, err) < 0)
		return -1;
	/* After the parent placed us in our cgroups, so their root is ours. */
	if (job->ns.new_cgroupns && unshare(CLONE_NEWCGROUP) < 0)
		return skiff_fail(err, errno, "unshare the cgroup namespace");
	if (setsid() < 0)
		return skiff_fail(err, errno, "setsid");
	if (init_join_session_keyring(job->ctx, err) < 0 || init_set_names(job->cfg, err) < 0)
		return -1;
	if ((job->ns.clone_flags & CLONE_NEWNET) && init_loopback_up(err) < 0)
		return -1;
	/* Found while the host's procfs instance is the one we see; the stub
	 * writes them, since they apply at the next exec. */
	if (proc >= 0 && lsm_exec_labels_in(p, proc, job->labels, &job->labels_len, err) < 0)
		return -1;
	if (create_job_builds_root(job)) {
		rootfs_opts ro = {
			.rootfs = job->rootfs,
			.rootfs_fd = job->host.rootfs,
			.mount_sources = job->host.mount_sources,
			.idmapped = job->host.idmapped,
			.bundle = job->bundle,
			.no_pivot = job->ctx->no_pivot,
			.shared_mountns = !job->ns.new_mountns,
			.in_userns = job->ns.new_userns,
			.new_cgroupns = job->ns.new_cgroupns,
			.mount_label = cfg->linux_ ? cfg->linux_->mount_label : NULL,
			.before_pivot = init_before_pivot,
			.before_pivot_data = job,
		};

		if (rootfs_setup(cfg, &ro, err) < 0)
			return -1;
		debug_stop(job->ctx, "init-after-pivot");
	}
	host_fds_close(&job->host);
	/* Before the root is made read-only: /dev/console may need making. */
	if (p->terminal) {
		int master;

		if (terminal_setup(p, create_job_builds_root(job), &master, err) < 0)
			return -1;
		if (sync_send_full(job->sock[1], SYNC_CONSOLE, 0, master, NULL) < 0) {
			close(master);
			return skiff_fail(err, errno, "send the pty to the runtime");
		}
		close(master);
	}
	/* Sysctls go through /proc/sys before readonlyPaths make it read-only. */
	if (init_set_sysctls(cfg, proc, err) < 0 || init_set_personality(cfg, err) < 0)
		return -1;
	if (create_job_builds_root(job) && rootfs_finish(cfg, err) < 0)
		return -1;
	if (mempolicy_apply(cfg, err) < 0 || prepare_stub(job, err) < 0)
		return -1;
	process_hook hook = {
		.before_filter = init_before_filter,
		.run = init_load_seccomp,
		.data = job,
		.privileged_filter = job->seccomp && !p->no_new_privileges,
	};

	return process_prepare(p, job->ns.new_userns, &hook, exe, home, err);
}

void init_main(create_job *job)
{
	const spec_process *p = job->cfg->process;
	enum sync_type type;
	skiff_error err;
	char *exe = NULL, *home = NULL, **env = NULL, **argv = NULL;

	skiff_error_clear(&err);
	/* Never the caller's trace callback in here: relayed to the runtime. */
	trace_relay_to(&job->sock[1], "init");
	/* Then at once, so that even what it allocates from here is charged
	 * to the container (cgroups.h says why the init does it). */
	int entered = job->enter_self ? cgroup_enter_self(&job->cgroups, &err) : 0;

	close(job->sock[0]);
	/* The state directory stays the runtime's: no fd of it in the
	 * container (and our copy would share the parent's flock). */
	close(job->statefd);
	job->statefd = -1;
	close_foreign_fds(job);
	/* Die with the runtime while setting up; cleared once ready, because
	 * the runtime exits after create and the init must outlive it. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		_exit(1);
	/* If the runtime died before that, its end of the socket is closed
	 * and the wait for GO below ends at once. */
	long long host_pid;

	if (sync_recv_full(job->sock[1], &type, &host_pid, NULL, NULL, &err) < 0 || type != SYNC_GO)
		_exit(1);
	job->pid = (pid_t)host_pid;
	/* Told once the runtime listens. */
	if (entered < 0) {
		sync_send(job->sock[1], SYNC_ERROR, &err);
		_exit(1);
	}
	debug_stop(job->ctx, "init-after-go");
	if (init_setup(job, &exe, &home, &err) < 0) {
		sync_send(job->sock[1], SYNC_ERROR, &err);
		_exit(1);
	}
	if (process_exec_vectors(p, job->ctx->listen_fds, home, &argv, &env) < 0) {
		skiff_fail(&err, ENOMEM, "prepare the environment");
		sync_send(job->sock[1], SYNC_ERROR, &err);
		_exit(1);
	}
	debug_stop(job->ctx, "init-before-ready");
	trace("ready: the exec stub waits for start, then execs %s", exe);
	prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
	if (sync_send(job->sock[1], SYNC_READY, NULL) < 0)
		_exit(1);
	debug_stop(job->ctx, "init-after-ready");
	/* From here the init is the stub, not the runtime's binary: it waits
	 * for `start` (the exec fifo stays open until the program's exec
	 * closes it, which tells `start` the program runs), runs the
	 * startContainer hooks, loads a last seccomp filter and execs the
	 * program.  The socket closes on this exec, which tells the runtime
	 * the container is created. */
	stub_exec(&job->stub, env, &err);
	sync_send(job->sock[1], SYNC_ERROR, &err);
	_exit(1);
}
