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
 * No re-exec of the runtime: the init is a clone of the caller and runs
 * this code directly; what waits for `start` and execs the program is the
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

#include "cgroups.h"
#include "internal.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

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

/* ---------------------------------------------------------------- init -- */

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
static bool build_root(const create_job *job)
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
	    (build_root(job) && host_fds_open(&job->host, cfg, job->rootfs, job->bundle, err) < 0))
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
	if (build_root(job)) {
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

		if (terminal_setup(p, build_root(job), &master, err) < 0)
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
	if (build_root(job) && rootfs_finish(cfg, err) < 0)
		return -1;
	if (prepare_stub(job, err) < 0)
		return -1;
	process_hook hook = {
		.before_filter = init_before_filter,
		.run = init_load_seccomp,
		.data = job,
		.privileged_filter = job->seccomp && !p->no_new_privileges,
	};

	return process_prepare(p, job->ns.new_userns, &hook, exe, home, err);
}

static __attribute__((noreturn)) void init_main(create_job *job)
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

	if (job->ns.new_mountns || !build_root(job))
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
	if (!job.ns.new_mountns && build_root(&job))
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
	*pid_out = job.pid;
	rc = 0;
out:
	if (rc < 0 && console_out && *console_out >= 0) {
		close(*console_out);
		*console_out = -1;
	}
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
