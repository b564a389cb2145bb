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
 *   rules applied
 *   clone3(new namespaces, on cgroup v2
 *     CLONE_INTO_CGROUP)  --------------> born inside them, not dumpable,
 *                                         enters its v1 cgroups itself
 *                                         (cgroups.h), closes fds it did
 *                                         not ask for, waits for GO
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
 * The right-hand column is init.c.  No re-exec of the runtime: the init
 * is a clone of the caller and runs that code directly; what waits for `start` and execs the program is the
 * stub, so nothing in the container ever runs or reaches the runtime's
 * binary through /proc/<pid>/exe (CVE-2019-5736; stub/stub.c).  The init
 * is in its cgroups before it runs anything of the user's.  Every failure
 * kills the init, removes its cgroups and the
 * state directory, so a bad bundle leaves nothing behind; once the init
 * existed (and hooks may have run), the poststop hooks run too, as runc
 * does when it destroys a container it failed to create.
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

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* -------------------------------------------------------------- parent -- */

static pid_t clone_init(void *data, skiff_error *err)
{
	create_job *job = data;
	struct clone_args args = {
		/* The init unshares the cgroup namespace once it is in its cgroups,
		 * and with a new user namespace the ipc one (init_setup()). */
		.flags = (uint64_t)(job->ns.clone_flags & ~CLONE_NEWCGROUP &
				    ~(job->ns.new_userns ? CLONE_NEWIPC : 0)),
		.exit_signal = SIGCHLD,
	};
	pid_t pid;

	/* Born in its cgroup2 directory: no moment outside it.  Kernels before
	 * 5.7 refuse the flag; the init is then moved in after the clone. */
	if (job->cgroup_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)job->cgroup_fd;
	}
	pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0 && (args.flags & CLONE_INTO_CGROUP) && (errno == E2BIG || errno == EINVAL)) {
		args.flags &= ~(uint64_t)CLONE_INTO_CGROUP;
		args.cgroup = 0;
		pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	}
	if (pid < 0 && errno == ENOSYS && !(args.flags & CLONE_NEWTIME)) {
		args.flags &= ~(uint64_t)CLONE_INTO_CGROUP;
		pid = (pid_t)syscall(SYS_clone, (unsigned long)args.flags | SIGCHLD, NULL, NULL,
				     NULL, 0);
	}
	if (pid < 0)
		return skiff_fail(err, errno, "clone the container's init");
	if (pid == 0)
		init_main(job);
	job->cloned_into_cgroup = args.flags & CLONE_INTO_CGROUP;
	return pid;
}

/* clone3 with the namespaces the init must be born in that it could not
 * join itself (pid, time, and with a new user namespace the joined ones). */
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

static int record_state(const create_job *job, bool created, skiff_error *err)
{
	const spec_config *cfg = job->cfg;
	char created_at[64];
	container_record rec = {
		.id = (char *)job->ctx->id,
		.pid = job->pid > 0 ? job->pid : 0,
		.pid_start_time = job->pid > 0 ? process_start_time(job->pid) : 0,
		.created = created,
		.bundle = job->bundle,
		.rootfs = job->rootfs,
		.created_at = created_at,
		.owner = "",
		.annotations = cfg->annotations,
		.annotations_len = cfg->annotations_len,
		.cgroup_paths = job->cgroups.dirs,
		.cgroup_paths_len = job->cgroups.n,
		.systemd_unit = job->cgroups.unit,
		.systemd_user = job->cgroups.user_manager,
		.rootfs_mount_id = job->rootfs_mount_id,
	};

	rfc3339_now(created_at, sizeof(created_at));
	return state_write(job->statefd, &rec, err);
}

/* Why the init is gone, when it died without a word. */
static void explain_init_death(pid_t pid, skiff_error *err)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return;
	if (WIFSIGNALED(status))
		skiff_fail(err, 0, "the container's init was killed by signal %d during setup",
			   WTERMSIG(status));
	else if (WIFEXITED(status))
		skiff_fail(err, 0, "the container's init exited with status %d during setup",
			   WEXITSTATUS(status));
}

static int check_config(const skiff_context *ctx, const spec_config *cfg, skiff_error *err)
{
	struct spec_sink sink;

	/* The same rules `skiff check` reports, stopping at the first. */
	spec_sink_init(&sink, "config.json", err, NULL, NULL);
	return create_requirements(cfg, ctx->bundle ? ctx->bundle : ".", ctx->no_pivot, &sink);
}

static int resolve_paths(create_job *job, skiff_error *err)
{
	const char *bundle = job->ctx->bundle ? job->ctx->bundle : ".";
	struct stat st;
	char *joined;

	job->bundle = realpath(bundle, NULL);
	if (!job->bundle)
		return skiff_fail_at(err, errno, bundle, "bundle %s", bundle);
	joined = path_join(job->bundle, job->cfg->root->path);
	if (!joined)
		return skiff_fail(err, ENOMEM, "rootfs");
	job->rootfs = realpath(joined, NULL);
	if (!job->rootfs || stat(job->rootfs, &st) < 0 || !S_ISDIR(st.st_mode)) {
		int saved = job->rootfs ? ENOTDIR : errno;

		skiff_fail_at(err, saved, ".root.path", "rootfs (%s) is not a usable directory", joined);
		free(joined);
		return -1;
	}
	free(joined);
	return 0;
}

/* prestart and createRuntime hooks, run by the runtime when the init asks. */
static int run_runtime_hooks(const create_job *job, skiff_error *err)
{
	const spec_hooks *hooks = job->cfg->hooks;
	char *state = hooks_state_json(job->cfg, job->ctx->id, job->pid, SKIFF_STATUS_CREATING,
				       job->bundle);
	int rc;

	if (!state)
		return skiff_fail(err, ENOMEM, "run hooks");
	rc = hooks_run(hooks->prestart, hooks->prestart_len, NULL, "prestart", state, err);
	if (rc == 0)
		rc = hooks_run(hooks->create_runtime, hooks->create_runtime_len, NULL, "createRuntime",
			       state, err);
	free(state);
	return rc;
}

static int take_console(const create_job *job, int master, skiff_error *err)
{
	int rc = 0;

	if (job->ctx->console_socket)
		rc = terminal_send(job->ctx->console_socket, master, err);
	else if (job->console_out && *job->console_out < 0) {
		/* The caller's size now: the program may run before the proxy. */
		terminal_copy_size(0, master);
		*job->console_out = master;
	}
	else
		rc = skiff_fail(err, EINVAL, "unexpected pty from the container");
	if (rc < 0 || !job->console_out || *job->console_out != master)
		close(master);
	return rc;
}

static int hand_to_seccomp_agent(const create_job *job, int listener, skiff_error *err)
{
	seccomp_agent_info info = {
		.cfg = job->cfg,
		.id = job->ctx->id,
		.pid = job->pid,
		.bundle = job->bundle,
		.status = SKIFF_STATUS_CREATING,
	};

	return seccomp_take_listener(&info, job->sock[0], listener, err);
}

/* Serve the init until it is ready: hooks, the pty, or its error. */
static int await_ready(create_job *job, skiff_error *err)
{
	for (;;) {
		enum sync_type type;
		skiff_error init_err;
		int fd;

		if (sync_recv_full(job->sock[0], &type, NULL, &fd, &init_err, err) < 0) {
			skiff_fail(err, 0, "the container's init exited during setup");
			explain_init_death(job->pid, err);
			job->pid = -1;
			return -1;
		}
		switch (type) {
		case SYNC_READY:
			return 0;
		case SYNC_HOOKS:
			if (run_runtime_hooks(job, err) < 0)
				return -1;
			if (sync_send(job->sock[0], SYNC_HOOKS_DONE, NULL) < 0)
				return skiff_fail(err, errno, "resume the container's init");
			break;
		case SYNC_SECCOMP:
			if (hand_to_seccomp_agent(job, fd, err) < 0)
				return -1;
			break;
		case SYNC_CONSOLE:
			if (fd < 0)
				return skiff_fail(err, EPROTO, "no pty came from the container");
			if (take_console(job, fd, err) < 0)
				return -1;
			break;
		case SYNC_ERROR:
			if (err)
				*err = init_err;
			return -1;
		default:
			if (fd >= 0)
				close(fd);
			return skiff_fail(err, EPROTO, "unexpected message %d from the init", (int)type);
		}
	}
}

/* Without a mount namespace of its own the init made its mounts in ours,
 * under a bind of the rootfs onto itself: that bind, if it is there, for
 * state.json and for undoing. */
static void note_shared_mounts(create_job *job)
{
	uint64_t now;

	if (job->ns.new_mountns || !create_job_builds_root(job))
		return;
	now = rootfs_top_mount_id(job->rootfs);
	if (now && now != job->rootfs_mount_before)
		job->rootfs_mount_id = now;
}

/* Terminal and console socket go together, as runc insists. */
static int check_terminal(const skiff_context *ctx, const spec_process *p, bool foreground,
			  skiff_error *err)
{
	if (p->terminal && !ctx->console_socket && !foreground)
		return skiff_fail_code(err, EINVAL,
				       "cannot allocate tty if skiff will detach without setting console socket");
	if (!p->terminal && ctx->console_socket)
		return skiff_fail_code(err, EINVAL,
				       "cannot use console socket if skiff will not detach or allocate tty");
	return 0;
}

/* A copy of the config in the state directory: exec and delete need its
 * process and hooks after the bundle may be gone. */
static int save_config(const create_job *job, skiff_error *err)
{
	char *json;
	size_t len;
	int rc;

	if (spec_config_serialize(job->cfg, false, &json, &len, err) < 0)
		return -1;
	rc = write_file_atomic(job->statefd, CONFIG_COPY_NAME, json, len, 0600, err);
	free(json);
	return rc;
}

int container_create(const skiff_context *ctx, const spec_config *cfg, const sigset_t *caller_mask,
		     int *console_out, pid_t *pid_out, skiff_error *err)
{
	const char *root = state_root(ctx);
	create_job job = {
		.ctx = ctx,
		.cfg = cfg,
		.statefd = -1,
		.go = -1,
		.reply = -1,
		.host = { .rootfs = -1 },
		.sock = { -1, -1 },
		.cgroup_fd = -1,
		.pid = -1,
		.caller_mask = *caller_mask,
		.console_out = console_out,
		.stub = { .stub = -1, .bpf = -1, .hooks = -1, .state = -1, .args = -1 },
		.proc = -1,
	};
	bool dir_made = false, cgroups_ours = false;
	pid_t spawned = -1;
	skiff_error cgroup_err;
	int rc = -1;

	job.ns.pid_join_fd = -1;
	if (console_out)
		*console_out = -1;
	if (debug_stop_check(ctx, err) < 0 || skiff_id_validate(ctx->id, err) < 0 ||
	    check_config(ctx, cfg, err) < 0 ||
	    check_terminal(ctx, cfg->process, console_out != NULL, err) < 0 ||
	    seccomp_prepare(cfg, &job.seccomp, err) < 0 ||
	    resolve_paths(&job, err) < 0 || ns_plan_make(cfg, &job.ns, err) < 0 ||
	    cgroup_plan(ctx, cfg, &job.cgroups, err) < 0 ||
	    host_fds_prepare(&job.host, cfg, job.bundle, err) < 0)
		goto out;
	capabilities_warn(ctx, cfg->process->capabilities);
	trace("create %s: bundle %s, rootfs %s", ctx->id, job.bundle, job.rootfs);
	if (state_dir_create(root, ctx->id, &job.statefd, err) < 0)
		goto out;
	dir_made = true;
	debug_stop(ctx, "create-after-state-dir");
	if (cgroup_check_unused(&job.cgroups, err) < 0)
		goto out;
	cgroups_ours = true;
	/* The cgroup paths are on disk before the cgroups: if we die from
	 * here on, `delete` still finds everything to remove. */
	if (record_state(&job, false, err) < 0 || save_config(&job, err) < 0)
		goto out;
	/* Opened here for the init, which closes the state directory first
	 * thing; our copies close as soon as it has them, so that the init's
	 * exec is what closes the last reader (start_sync.c). */
	if (start_fifos_make(job.statefd, &job.go, &job.reply, err) < 0)
		goto out;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, job.sock) < 0) {
		skiff_fail(err, errno, "socketpair");
		goto out;
	}
	/* systemd makes the unit's cgroups once the init exists, to hold it. */
	if (!job.cgroups.unit && cgroup_create(&job.cgroups, cfg, &cgroup_err) < 0) {
		if (!cgroup_optional(cfg, context_rootless(ctx), &cgroup_err)) {
			if (err)
				*err = cgroup_err;
			goto out;
		}
		/* Rootless, allowed no cgroups and asking for no limits: it runs
		 * in the caller's cgroups, as with runc. */
		cgroup_destroy(&job.cgroups, NULL);
		cgroup_set_free(&job.cgroups);
		if (record_state(&job, false, err) < 0)
			goto out;
	}
	job.cgroup_fd = job.cgroups.unit ? -1 : cgroup_v2_dirfd(&job.cgroups);
	job.enter_self = !job.cgroups.unit && job.cgroups.n > 0;
	if (!job.ns.new_mountns && create_job_builds_root(&job))
		job.rootfs_mount_before = rootfs_top_mount_id(job.rootfs);
	job.pid = spawn_init(&job, err);
	if (job.pid < 0)
		goto out;
	spawned = job.pid;
	trace("clone3: the init is pid %d", (int)job.pid);
	close(job.sock[1]);
	job.sock[1] = -1;
	close(job.go);
	close(job.reply);
	job.go = job.reply = -1;
	host_fds_close(&job.host);
	debug_stop(ctx, "create-after-clone");

	/* From here `delete --force` can find and kill a half-made container. */
	if (record_state(&job, false, err) < 0)
		goto out;
	debug_stop(ctx, "create-after-pid-record");
	/* Before GO: the init runs nothing of the user's outside its cgroups
	 * (the v1 hierarchies it enters itself, the first thing after GO).
	 * With systemd, its unit takes the init and the files get the rest. */
	if (job.cgroups.unit &&
	    cgroup_systemd_start(&job.cgroups, cfg, ctx->id, job.pid, err) < 0)
		goto out;
	debug_stop(ctx, "create-after-systemd-unit");
	if (cgroup_enter_parted(&job.cgroups, job.pid, job.enter_self, job.cloned_into_cgroup,
				err) < 0)
		goto out;
	debug_stop(ctx, "create-after-cgroups");
	if (job.ns.new_userns && userns_write_id_maps(job.pid, cfg, err) < 0)
		goto out;
	debug_stop(ctx, "create-after-id-maps");
	if (netdev_move(cfg, job.pid, err) < 0 || intelrdt_enter(ctx->id, cfg, job.pid, true, err) < 0)
		goto out;
	if (sync_send_full(job.sock[0], SYNC_GO, job.pid, -1, NULL) < 0) {
		skiff_fail(err, errno, "start the container's init");
		explain_init_death(job.pid, err);
		job.pid = -1;
		goto out;
	}
	debug_stop(ctx, "create-after-go");
	if (await_ready(&job, err) < 0)
		goto out;
	/* The init execs the stub, which writes the LSM labels and lets go of
	 * the socket: only then is the container created. */
	if (sync_await_exec(job.sock[0], err) < 0)
		goto out;
	note_shared_mounts(&job);
	debug_stop(ctx, "create-after-ready");
	if (record_state(&job, true, err) < 0)
		goto out;
	debug_stop(ctx, "create-after-created-record");
	trace("created: the init waits for start");
	if (ctx->pid_file && pid_file_write(ctx->pid_file, job.pid, err) < 0)
		goto out;
	if (pidfd_socket_send(ctx->pidfd_socket, job.pid, err) < 0)
		goto out;
	*pid_out = job.pid;
	rc = 0;
out:
	if (rc < 0 && console_out && *console_out >= 0) {
		close(*console_out);
		*console_out = -1;
	}
	if (rc < 0 && job.pid > 0)
		netdev_return(cfg, job.pid);
	if (rc < 0 && spawned > 0)
		intelrdt_remove(ctx->id, cfg);
	if (rc < 0 && job.pid > 0) {
		kill(job.pid, SIGKILL);
		waitpid(job.pid, NULL, 0);
	}
	/* Only cgroups that no other container uses: the processes left
	 * in them are killed. */
	if (rc < 0 && cgroups_ours)
		cgroup_destroy(&job.cgroups, NULL);
	if (rc < 0 && spawned > 0) {
		note_shared_mounts(&job);
		rootfs_undo_shared(job.rootfs, job.rootfs_mount_id);
	}
	if (rc < 0 && dir_made)
		state_dir_remove(root, ctx->id, NULL);
	/* The init existed, so hooks may have run: as the spec has it for a
	 * failed create hook (and runc for any failure then), the container
	 * is destroyed and its poststop hooks run, failures as warnings. */
	if (rc < 0 && spawned > 0)
		hooks_run_late(ctx, cfg, spawned, SKIFF_STATUS_STOPPED, job.bundle);
	if (job.cgroup_fd >= 0)
		close(job.cgroup_fd);
	if (job.sock[0] >= 0)
		close(job.sock[0]);
	if (job.sock[1] >= 0)
		close(job.sock[1]);
	if (job.statefd >= 0)
		close(job.statefd);
	if (job.go >= 0)
		close(job.go);
	if (job.reply >= 0)
		close(job.reply);
	host_fds_close(&job.host);
	ns_plan_close(&job.ns);
	cgroup_set_free(&job.cgroups);
	seccomp_plan_free(job.seccomp);
	free(job.bundle);
	free(job.rootfs);
	return rc;
}
