/*
 * The container's init, the clone create makes (create.c has the whole
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
	char *state = hooks_state_json(job->cfg, job->ctx->id, getpid(), status, job->setup.bundle);
	int rc;

	if (!state)
		return skiff_fail_errno(err, ENOMEM, "%s hooks", kind);
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
		if (sync_send(job->link.sock[1], SYNC_HOOKS, NULL) < 0 ||
		    sync_recv(job->link.sock[1], &type, &parent_err, err) < 0 ||
		    type != SYNC_HOOKS_DONE)
			return skiff_fail_msg(err, 0, "createRuntime hooks failed");
	}
	if (!hooks || !hooks->create_container_len)
		return 0;
	/* In the rootfs, as runc: the hook's relative paths are the
	 * container's; pivot_root does not need the cwd. */
	if (chdir(job->setup.rootfs) < 0)
		return skiff_fail_errno(err, errno, "chdir %s", job->setup.rootfs);
	return run_container_hooks(job, hooks->create_container, hooks->create_container_len,
				   "createContainer", SKIFF_STATUS_CREATING, err);
}

/* Keep stdio, the fds passed on purpose (LISTEN_FDS, --preserve-fds) and
 * our own: the socket, the exec fifo and the namespaces to join. */
static void close_foreign_fds(create_job *job)
{
	int own[3 + 8];
	size_t n = 0;

	own[n++] = job->link.sock[1];
	own[n++] = job->go;
	own[n++] = job->reply;
	for (size_t i = 0; i < job->ns.join_count; i++)
		own[n++] = job->ns.join_fds[i];
	fds_keep_only(3 + job->ctx->listen_fds + job->ctx->preserve_fds, own, n, &job->host);
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
		.close_from = 3 + job->ctx->listen_fds + job->ctx->preserve_fds,
	};
	char *state = NULL;
	int rc;

	if (hooks && hooks->start_container_len) {
		/* Our pid is the program's: the stub and the program are
		 * this process after exec. */
		state = hooks_state_json(job->cfg, job->ctx->id, getpid(), SKIFF_STATUS_CREATED,
					 job->setup.bundle);
		if (!state)
			return skiff_fail_errno(err, ENOMEM, "startContainer hooks");
		req.hooks = hooks->start_container;
		req.hooks_len = hooks->start_container_len;
		req.state_json = state;
	}
	rc = spawn_child_prepare_stub(&job->link, &req, err);
	free(state);
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
	job->link.proc = proc;
	/* With the caller's credentials still, which own /proc/self here. */
	if (init_set_oom_score_adj(p, proc, err) < 0 ||
	    (create_job_builds_root(job) && host_fds_open(&job->host, cfg, job->setup.rootfs, job->setup.bundle, err) < 0))
		return -1;
	exposure_hide_binary();
	if (job->ns.new_userns && userns_become_root(err) < 0)
		return -1;
	/* Made now, by the namespace's root: its mqueue filesystem is owned
	 * by whoever makes the namespace (0, as with runc, not the unmapped
	 * host uid of clone time). */
	if (job->ns.new_userns && (job->ns.clone_flags & CLONE_NEWIPC) && unshare(CLONE_NEWIPC) < 0)
		return skiff_fail_errno(err, errno, "unshare the ipc namespace");
	if (ns_join(&job->ns, err) < 0)
		return -1;
	/* After the parent placed us in our cgroups, so their root is ours. */
	if (job->ns.new_cgroupns && unshare(CLONE_NEWCGROUP) < 0)
		return skiff_fail_errno(err, errno, "unshare the cgroup namespace");
	if (setsid() < 0)
		return skiff_fail_errno(err, errno, "setsid");
	if (init_join_session_keyring(job->ctx, err) < 0 || init_set_names(job->cfg, err) < 0)
		return -1;
	if ((job->ns.clone_flags & CLONE_NEWNET) && init_loopback_up(err) < 0)
		return -1;
	/* Found while the host's procfs instance is the one we see; the stub
	 * writes them, since they apply at the next exec. */
	if (proc >= 0 && lsm_exec_labels_in(p, proc, job->link.labels, &job->link.labels_len, err) < 0)
		return -1;
	if (create_job_builds_root(job)) {
		rootfs_opts ro = {
			.rootfs = job->setup.rootfs,
			.rootfs_fd = job->host.rootfs,
			.mount_sources = job->host.mount_sources,
			.idmapped = job->host.idmapped,
			.bundle = job->setup.bundle,
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
	if (spawn_child_send_pty(&job->link, create_job_builds_root(job), err) < 0)
		return -1;
	/* Sysctls go through /proc/sys before readonlyPaths make it read-only. */
	if (init_set_sysctls(cfg, proc, err) < 0 || init_set_personality(cfg, err) < 0)
		return -1;
	if (create_job_builds_root(job) && rootfs_finish(cfg, err) < 0)
		return -1;
	if (mempolicy_apply(cfg, err) < 0 || prepare_stub(job, err) < 0)
		return -1;
	return spawn_child_process(&job->link, job->ns.new_userns, exe, home, err);
}

void init_main(void *arg)
{
	create_job *job = arg;
	const spec_process *p = job->cfg->process;
	skiff_error err;
	char *exe = NULL, *home = NULL, **env = NULL, **argv = NULL;
	long long host_pid;

	skiff_error_clear(&err);
	int begun = spawn_child_begin(&job->link, &err);

	/* The network namespace the runtime made ahead (create.c), before
	 * anything can look at ours. */
	if (job->net_ahead >= 0) {
		if (begun == 0 && setns(job->net_ahead, CLONE_NEWNET) < 0)
			begun = skiff_fail_errno(&err, errno, "join the container's network namespace");
		close(job->net_ahead);
		job->net_ahead = -1;
	}

	/* The state directory stays the runtime's: no fd of it in the
	 * container (and our copy would share the parent's flock). */
	close(job->setup.statefd);
	job->setup.statefd = -1;
	close_foreign_fds(job);
	spawn_child_wait_go(&job->link, begun, &host_pid, &err);
	job->link.pid = (pid_t)host_pid;
	debug_stop(job->ctx, "init-after-go");
	if (init_setup(job, &exe, &home, &err) < 0)
		spawn_child_fail(&job->link, &err);
	if (process_exec_vectors(p, job->ctx->listen_fds, home, &argv, &env) < 0) {
		skiff_fail_errno(&err, ENOMEM, "prepare the environment");
		spawn_child_fail(&job->link, &err);
	}
	debug_stop(job->ctx, "init-before-ready");
	trace("ready: the exec stub waits for start, then execs %s", exe);
	/* From here the init is the stub, not the runtime's binary: it waits
	 * for `start` (the exec fifo stays open until the program's exec
	 * closes it, which tells `start` the program runs), runs the
	 * startContainer hooks, loads a last seccomp filter and execs the
	 * program.  The socket closes on this exec, which tells the runtime
	 * the container is created. */
	spawn_child_exec(&job->link, env, false, "init-after-ready");
}
