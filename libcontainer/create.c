/*
 * The start sequence: how `create` turns a bundle into a container whose
 * init waits for `start`.  It reads top-down:
 *
 *   parent (the runtime)                  init (the container's pid 1)
 *   --------------------                  ----------------------------
 *   load + validate config, open ns paths,
 *   resolve the cgroup directories, check
 *   LSM labels, compile seccomp, idmap
 *   the idmapped mounts' sources
 *   state dir (exclusive, locked), fifo,
 *   state.json (creating, cgroup paths)
 *   cgroups made, resources and device
 *   rules applied (meanwhile, on a thread:
 *   libmount loaded, a new network
 *   namespace made)
 *   clone3(new namespaces, on cgroup v2
 *     CLONE_INTO_CGROUP)  --------------> born inside them, not dumpable,
 *                                         joins the network namespace made
 *                                         ahead, enters its v1 cgroups
 *                                         itself (cgroups.h), closes fds it
 *                                         did not ask for, waits for GO
 *   state.json (creating, pid),
 *   uid/gid maps
 *   send GO  ---------------------------> open rootfs + bind sources,
 *                                         become root of a new userns,
 *                                         join ns by path, unshare the
 *                                         cgroup ns, hostname, LSM
 *                                         labels, rootfs + pivot_root,
 *                                         sysctl, masked paths, rlimits,
 *                                         user, capabilities, find the
 *                                         executable (seccomp loads in
 *   hand a notify listener to the  <----- there when it must, seccomp.c)
 *   seccomp agent
 *   wait for READY or ERROR  <----------- send READY, exec the stub from a
 *   wait for the socket's end  <--------- sealed memfd (exec_stub.c): the
 *   state.json (created), pid file          socket closes on that exec
 *   return: no runtime process remains    stub: block on exec.fifo until
 *                                         `start`, startContainer hooks,
 *                                         load a last seccomp filter, exec
 *                                         the program; the exec.fifo fd
 *                                         closes on exec, which tells
 *                                         `start` (start_sync.c)
 *
 * The right-hand column is init.c; the state directory, record and
 * cgroups, and their undoing, are container_setup.c's (restore uses it
 * too), the clone and the socket's messages child_protocol.c's (exec uses
 * it too).  No re-exec of the runtime: the init is a clone of the caller
 * and runs that code directly; what waits for `start` and execs the
 * program is the stub, so nothing in the container ever runs or reaches
 * the runtime's binary through /proc/<pid>/exe (CVE-2019-5736;
 * stub/stub.c).  The init is in its cgroups before it runs anything of the
 * user's.  Every failure kills the init, removes its cgroups and the state
 * directory, so a bad bundle leaves nothing behind; once the init existed
 * (and hooks may have run), the poststop hooks run too, as runc does when
 * it destroys a container it failed to create.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "create_job.h"
#include "libmount_load.h"
#include "side_thread.h"

/* clone3 with the namespaces the init must be born in that it could not
 * join itself (pid, time, and with a new user namespace the joined ones),
 * and the new ones, but for a network namespace made ahead (work_ahead()).
 * The init unshares the cgroup namespace once it is in its cgroups, and
 * with a new user namespace the ipc one (init_setup()). */
static pid_t clone_init(void *data, skiff_error *err)
{
	create_job *job = data;
	uint64_t flags = (uint64_t)(job->ns.clone_flags & ~CLONE_NEWCGROUP &
				    ~(job->ns.new_userns ? CLONE_NEWIPC : 0) &
				    ~(job->net_ahead >= 0 ? CLONE_NEWNET : 0));

	return spawn_clone(&job->link, flags, init_main, job, err);
}

static pid_t spawn_init(create_job *job, skiff_error *err)
{
	ns_children saved;
	ns_saved joined;
	pid_t pid;

	if (ns_parent_enter(&job->ns, &joined, err) < 0)
		return -1;
	if (ns_children_enter(&saved, job->ns.pid_join_fd, -1,
			      job->ns.time_offsets ? job->cfg : NULL, err) < 0) {
		ns_parent_leave(&joined);
		return -1;
	}
	pid = exposure_clone_hidden(clone_init, job, err);
	ns_children_leave(&saved);
	ns_parent_leave(&joined);
	return pid;
}

static int check_config(const skiff_context *ctx, const spec_config *cfg, skiff_error *err)
{
	struct spec_sink sink;

	/* The same rules `skiff check` reports, stopping at the first. */
	spec_sink_init(&sink, "config.json", err, NULL, NULL);
	return create_requirements(cfg, ctx->bundle ? ctx->bundle : ".", ctx->no_pivot, &sink);
}

/* prestart and createRuntime hooks, run by the runtime when the init asks. */
static int run_runtime_hooks(void *data, skiff_error *err)
{
	const create_job *job = data;
	const spec_hooks *hooks = job->cfg->hooks;
	char *state = hooks_state_json(job->cfg, job->ctx->id, job->link.pid,
				       SKIFF_STATUS_CREATING, job->setup.bundle);
	int rc;

	if (!state)
		return skiff_fail_errno(err, ENOMEM, "run hooks");
	rc = hooks_run(hooks->prestart, hooks->prestart_len, NULL, "prestart", state, err);
	if (rc == 0)
		rc = hooks_run(hooks->create_runtime, hooks->create_runtime_len, NULL, "createRuntime",
			       state, err);
	free(state);
	return rc;
}

/* Serve the init until it is ready: hooks, the pty, a seccomp listener
 * for the agent, or its error. */
static int await_ready(create_job *job, skiff_error *err)
{
	seccomp_agent_info agent = {
		.cfg = job->cfg,
		.id = job->ctx->id,
		.pid = job->link.pid,
		.bundle = job->setup.bundle,
		.status = SKIFF_STATUS_CREATING,
	};
	spawn_ops ops = {
		.hooks = run_runtime_hooks,
		.data = job,
		.agent = &agent,
		.console_out = job->console_out,
	};

	return spawn_serve(&job->link, &ops, err);
}

/* Without a mount namespace of its own the init made its mounts in ours,
 * under a bind of the rootfs onto itself: that bind, if it is there, for
 * state.json and for undoing. */
static void note_shared_mounts(create_job *job)
{
	uint64_t now;

	if (job->ns.new_mountns || !create_job_builds_root(job))
		return;
	now = rootfs_top_mount_id(job->setup.rootfs);
	if (now && now != job->rootfs_mount_before)
		job->setup.rootfs_mount_id = now;
}

/* Terminal and console socket go together, as runc insists. */
static int check_terminal(const skiff_context *ctx, const spec_process *p, bool foreground,
			  skiff_error *err)
{
	if (p->terminal && !ctx->console_socket && !foreground)
		return skiff_fail_msg(err, EINVAL,
				       "cannot allocate tty if skiff will detach without setting console socket");
	if (!p->terminal && ctx->console_socket)
		return skiff_fail_msg(err, EINVAL,
				       "cannot use console socket if skiff will not detach or allocate tty");
	return 0;
}

/* What create has done on a thread beside it while it makes its state
 * and cgroups (side_thread.h): the two slowest steps of a `run` that need
 * nothing of those.
 *   - libmount, which the init needs and cannot load after pivot_root
 *     (libmount_load.h): 0.37 ms of loading and relocation here;
 *   - a new network namespace: 0.4-0.5 ms in the kernel, which the clone
 *     would otherwise spend.  Made by a thread (unshare changes only its
 *     own), kept by an fd, joined by the init first thing.  Not when the
 *     namespace must belong to a new user namespace, which does not exist
 *     yet, nor when network devices move in before GO (netdev.c looks the
 *     namespace up through the init). */
typedef struct ahead_work {
	bool net;    /* make the network namespace */
	int net_fd;  /* it, or -1 */
} ahead_work;

static void work_ahead(void *arg)
{
	ahead_work *w = arg;

	libmount_ready(NULL);
	if (w->net && unshare(CLONE_NEWNET) == 0)
		w->net_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
}

static bool net_ahead_possible(const create_job *job)
{
	const spec_linux *l = job->cfg->linux_;

	return (job->ns.clone_flags & CLONE_NEWNET) && !job->ns.new_userns &&
	       !(l && l->net_devices_len);
}

/* Everything create checks and plans before it touches the host. */
static int plan(create_job *job, skiff_error *err)
{
	const skiff_context *ctx = job->ctx;
	const spec_config *cfg = job->cfg;

	if (debug_stop_check(ctx, err) < 0 || skiff_id_validate(ctx->id, err) < 0 ||
	    check_config(ctx, cfg, err) < 0 ||
	    check_terminal(ctx, cfg->process, job->console_out != NULL, err) < 0 ||
	    seccomp_prepare(cfg, &job->link.seccomp, err) < 0 ||
	    container_setup_paths(&job->setup, err) < 0 || ns_plan_make(cfg, &job->ns, err) < 0 ||
	    cgroup_plan(ctx, cfg, &job->setup.cgroups, err) < 0 ||
	    host_fds_prepare(&job->host, cfg, job->setup.bundle, err) < 0)
		return -1;
	capabilities_warn(ctx, cfg->process->capabilities);
	trace("create %s: bundle %s, rootfs %s", ctx->id, job->setup.bundle, job->setup.rootfs);
	return 0;
}

/* The fifos `start` talks through, opened here for the init, which closes
 * the state directory first thing; our copies close as soon as it has
 * them, so that the init's exec is what closes the last reader
 * (start_sync.c). */
static int open_channels(create_job *job, skiff_error *err)
{
	if (start_fifos_make(job->setup.statefd, &job->go, &job->reply, err) < 0)
		return -1;
	return spawn_socketpair(&job->link, err);
}

/* Where the init is born: in its cgroup2 directory, entering the v1
 * hierarchies itself (with systemd, the unit takes it once it exists).
 * Without a mount namespace of its own, what tops the rootfs before it. */
static void prepare_clone(create_job *job)
{
	if (!job->setup.cgroups.unit) {
		job->link.cgroup_fd = cgroup_v2_dirfd(&job->setup.cgroups);
		job->link.enter_self = job->setup.cgroups.n > 0 ? &job->setup.cgroups : NULL;
	}
	if (!job->ns.new_mountns && create_job_builds_root(job))
		job->rootfs_mount_before = rootfs_top_mount_id(job->setup.rootfs);
}

/* The init is born: what only it needed goes from here. */
static void after_clone(create_job *job)
{
	trace("clone3: the init is pid %d", (int)job->link.pid);
	job->setup.pid = job->link.pid;
	fd_release(&job->go);
	fd_release(&job->reply);
	host_fds_close(&job->host);
}

/* Before GO: the init runs nothing of the user's outside its cgroups
 * (the v1 hierarchies it enters itself, the first thing after GO).  With
 * systemd, its unit takes the init and the files get the rest. */
static int place_init(create_job *job, skiff_error *err)
{
	if (container_setup_unit(&job->setup, job->link.pid, err) < 0)
		return -1;
	debug_stop(job->ctx, "create-after-systemd-unit");
	if (cgroup_enter_parted(&job->setup.cgroups, job->link.pid, job->link.enter_self != NULL,
				job->link.cloned_into_cgroup, err) < 0)
		return -1;
	debug_stop(job->ctx, "create-after-cgroups");
	return 0;
}

/* After a failure: nothing of the container stays.  Once the init
 * existed, hooks may have run: as the spec has it for a failed create
 * hook (and runc for any failure then), the container is destroyed and
 * its poststop hooks run, failures as warnings. */
static void rollback(create_job *job, bool spawned)
{
	if (job->console_out && *job->console_out >= 0) {
		close(*job->console_out);
		*job->console_out = -1;
	}
	/* The network devices moved in go back while the init still holds
	 * its namespace. */
	if (job->link.pid > 0)
		netdev_return(job->cfg, job->link.pid);
	if (spawned)
		intelrdt_remove(job->ctx->id, job->cfg);
	spawn_kill(&job->link);
	container_setup_rollback(&job->setup);
	if (!spawned)
		return;
	note_shared_mounts(job);
	rootfs_undo_shared(job->setup.rootfs, job->setup.rootfs_mount_id);
	hooks_run_late(job->ctx, job->cfg, job->setup.pid, SKIFF_STATUS_STOPPED, job->setup.bundle);
}

static void create_job_release(create_job *job)
{
	fd_release(&job->go);
	fd_release(&job->reply);
	host_fds_close(&job->host);
	ns_plan_close(&job->ns);
	spawn_link_release(&job->link);
	container_setup_release(&job->setup);
}

int container_create(const skiff_context *ctx, const spec_config *cfg, const sigset_t *caller_mask,
		     int *console_out, pid_t *pid_out, container_record *record_out,
		     skiff_error *err)
{
	create_job job = {
		.ctx = ctx,
		.cfg = cfg,
		.go = -1,
		.reply = -1,
		.host = { .rootfs = -1 },
		.console_out = console_out,
		.net_ahead = -1,
	};
	ahead_work ahead = { .net_fd = -1 };
	side_thread beside = { .started = false };
	bool spawned = false;
	int rc = -1;

	if (record_out)
		memset(record_out, 0, sizeof(*record_out));
	container_setup_init(&job.setup, ctx, cfg);
	spawn_link_init(&job.link, ctx, cfg->process, "init", "the container's init");
	job.link.caller_mask = *caller_mask;
	job.ns.pid_join_fd = -1;
	if (console_out)
		*console_out = -1;
	if (plan(&job, err) < 0)
		goto out;
	/* (Not before plan(), which clones for idmapped mounts; the parent
	 * joins namespaces only in spawn_init.) */
	ahead.net = net_ahead_possible(&job);
	/* (Without a thread nothing is ahead: libmount loads below, and the
	 * clone makes the namespace; unshare here would move the runtime.) */
	side_thread_start(&beside, work_ahead, &ahead);
	if (container_setup_state(&job.setup, err) < 0 || open_channels(&job, err) < 0 ||
	    container_setup_cgroups(&job.setup, err) < 0)
		goto out;
	side_thread_finish(&beside);
	job.net_ahead = ahead.net_fd;
	if (libmount_ready(err) < 0)
		goto out;
	prepare_clone(&job);
	if (spawn_init(&job, err) < 0)
		goto out;
	spawned = true;
	after_clone(&job);
	debug_stop(ctx, "create-after-clone");
	/* From here `delete --force` can find and kill a half-made container. */
	if (container_setup_record(&job.setup, false, NULL, err) < 0)
		goto out;
	debug_stop(ctx, "create-after-pid-record");
	if (place_init(&job, err) < 0)
		goto out;
	if (job.ns.new_userns && userns_write_id_maps(job.link.pid, cfg, err) < 0)
		goto out;
	debug_stop(ctx, "create-after-id-maps");
	if (netdev_move(cfg, job.link.pid, err) < 0 ||
	    intelrdt_enter(ctx->id, cfg, job.link.pid, true, err) < 0)
		goto out;
	if (spawn_go(&job.link, err) < 0)
		goto out;
	debug_stop(ctx, "create-after-go");
	/* The init execs the stub, which writes the LSM labels and lets go of
	 * the socket: only then is the container created. */
	if (await_ready(&job, err) < 0 || spawn_await_exec(&job.link, err) < 0)
		goto out;
	note_shared_mounts(&job);
	debug_stop(ctx, "create-after-ready");
	if (container_setup_record(&job.setup, true, record_out, err) < 0)
		goto out;
	debug_stop(ctx, "create-after-created-record");
	trace("created: the init waits for start");
	if (container_setup_pid_file(&job.setup, err) < 0 ||
	    pidfd_socket_send(ctx->pidfd_socket, job.link.pid, err) < 0)
		goto out;
	*pid_out = job.link.pid;
	rc = 0;
out:
	side_thread_finish(&beside);
	if (ahead.net_fd >= 0)
		close(ahead.net_fd);
	if (rc < 0) {
		rollback(&job, spawned);
		if (record_out)
			container_record_clear(record_out);
	}
	create_job_release(&job);
	return rc;
}
