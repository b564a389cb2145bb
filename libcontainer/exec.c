/*
 * exec: a new process in a running container.
 *
 *   runtime                                  new process
 *   -------                                  -----------
 *   read the container's record, check it
 *   open the init's namespaces that differ from ours
 *   join its pid (and time) ns for children
 *   clone3 (into the cgroup2 directory) ---> not dumpable: /proc/<pid>/exe (the
 *                                            runtime binary) is out of the
 *                                            container's reach until exec;
 *                                            enters its v1 cgroups itself
 *   send GO -------------------------------> join user, then the other ns
 *                                            (mount last), setsid, pty,
 *                                            limits, user, capabilities, cwd
 *   pty to console socket or proxy <-------- CONSOLE, READY (or ERROR)
 *   pid file, GO  -------------------------> READY, exec the stub from a
 *   wait for the socket's end  <------------ sealed memfd (exec_stub.c): it
 *   detach, or wait                          writes the LSM labels, lets go
 *                                            of the socket, execs the program
 */
#include <errno.h>
#include <fcntl.h>
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
#include <linux/sched.h>

#include "cgroups.h"
#include "internal.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* Joined by the new process in this order: the user namespace first for
 * the privileges over the others, the mount namespace last because it
 * moves the root and cwd.  Namespaces the container's user namespace does
 * not own (joined by path at create) go before it: inside, nothing could
 * join them. */
static const struct {
	const char *name;
	int flag;
} join_order[] = {
	{ "user", CLONE_NEWUSER }, { "ipc", CLONE_NEWIPC },       { "uts", CLONE_NEWUTS },
	{ "net", CLONE_NEWNET },   { "cgroup", CLONE_NEWCGROUP }, { "mnt", CLONE_NEWNS },
};

static const char *ns_type_name(int flag)
{
	for (size_t i = 0; i < sizeof(join_order) / sizeof(join_order[0]); i++)
		if (join_order[i].flag == flag)
			return join_order[i].name;
	return "?";
}

typedef struct exec_job {
	const skiff_context *ctx;
	const spec_process *p;
	int join_fds[6], join_types[6];
	size_t join_count;
	int pid_ns, time_ns; /* joined by the runtime for its child; -1 if shared */
	bool in_userns;
	int sock[2];
	sigset_t caller_mask;
	spec_config *cfg;      /* the container's, from its state directory */
	seccomp_plan *seccomp; /* its linux.seccomp, for this process too (as runc) */
	seccomp_agent_info agent;
	stub_launch stub;      /* the last exec before the program (exec_stub.c) */
	const cgroup_set *cgroups; /* to enter: the v1 ones the child enters itself */
	int cgroup_fd;             /* their cgroup2 directory, for CLONE_INTO_CGROUP; or -1 */
	bool cloned_into_cgroup;
	int proc;              /* a procfs of our own for the labels, or -1 */
	lsm_exec_label labels[2];
	size_t labels_len;
} exec_job;

/* An fd of the init's namespace `name` when it is not ours, else -1. */
static int foreign_ns(pid_t init, const char *name, skiff_error *err)
{
	char path[64], own[64];
	struct stat theirs, ours;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)init, name);
	snprintf(own, sizeof(own), "/proc/self/ns/%s", name);
	if (stat(path, &theirs) < 0) {
		if (errno == ENOENT && strcmp(name, "time") == 0)
			return -1; /* a kernel without time namespaces */
		return skiff_fail(err, errno, "stat %s", path), -2;
	}
	if (stat(own, &ours) == 0 && ours.st_ino == theirs.st_ino && ours.st_dev == theirs.st_dev)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return skiff_fail(err, errno, "open %s", path), -2;
	return fd;
}

static void close_job(exec_job *job)
{
	for (size_t i = 0; i < job->join_count; i++)
		close(job->join_fds[i]);
	job->join_count = 0;
	if (job->pid_ns >= 0)
		close(job->pid_ns);
	if (job->time_ns >= 0)
		close(job->time_ns);
	job->pid_ns = job->time_ns = -1;
	for (int i = 0; i < 2; i++)
		if (job->sock[i] >= 0)
			close(job->sock[i]);
	seccomp_plan_free(job->seccomp);
	job->seccomp = NULL;
	spec_config_free(job->cfg);
	job->cfg = NULL;
}

/* The container's seccomp profile confines what exec runs as well; whether
 * it loads before the identity switch depends on this process's
 * noNewPrivileges. */
static int prepare_seccomp(exec_job *job, int dirfd, skiff_error *err)
{
	spec_config with_process;
	size_t len;
	char *json;
	int rc;

	if (read_file_at(dirfd, CONFIG_COPY_NAME, SPEC_MAX_SIZE, &json, &len, err) < 0)
		return -1;
	rc = spec_parse_config(json, len, CONFIG_COPY_NAME, &job->cfg, err);
	free(json);
	if (rc < 0)
		return -1;
	with_process = *job->cfg;
	with_process.process = (spec_process *)job->p;
	return seccomp_prepare(&with_process, &job->seccomp, err);
}

static int exec_load_seccomp(void *data, enum seccomp_stage stage, skiff_error *err)
{
	exec_job *job = data;

	return seccomp_load_and_hand_over(job->seccomp, stage, job->sock[1], err);
}

/* As init_before_filter (container.c). */
static int exec_before_filter(void *data, const char *exe, skiff_error *err)
{
	exec_job *job = data;

	if (stub_set_program(&job->stub, exe, job->p->args, job->p->args_len, err) < 0)
		return -1;
	signals_reset_all(&job->caller_mask);
	return 0;
}

/* Move the namespaces the user namespace (join_fds[0]) does not own in
 * front of it, keeping the order otherwise. */
static void join_unowned_first(exec_job *job)
{
	int fds[6], types[6];
	size_t n = 0;

	for (size_t i = 1; i < job->join_count; i++) {
		if (!ns_owned_by(job->join_fds[i], job->join_fds[0])) {
			fds[n] = job->join_fds[i];
			types[n++] = job->join_types[i];
		}
	}
	fds[n] = job->join_fds[0];
	types[n++] = job->join_types[0];
	for (size_t i = 1; i < job->join_count; i++) {
		if (ns_owned_by(job->join_fds[i], job->join_fds[0])) {
			fds[n] = job->join_fds[i];
			types[n++] = job->join_types[i];
		}
	}
	memcpy(job->join_fds, fds, sizeof(fds));
	memcpy(job->join_types, types, sizeof(types));
}

static int open_namespaces(exec_job *job, pid_t init, skiff_error *err)
{
	for (size_t i = 0; i < sizeof(join_order) / sizeof(join_order[0]); i++) {
		int fd = foreign_ns(init, join_order[i].name, err);

		if (fd == -2)
			return -1;
		if (fd < 0)
			continue;
		job->join_fds[job->join_count] = fd;
		job->join_types[job->join_count++] = join_order[i].flag;
		if (join_order[i].flag == CLONE_NEWUSER)
			job->in_userns = true;
	}
	if (job->in_userns)
		join_unowned_first(job);
	job->pid_ns = foreign_ns(init, "pid", err);
	if (job->pid_ns == -2)
		return -1;
	job->time_ns = foreign_ns(init, "time", err);
	return job->time_ns == -2 ? -1 : 0;
}

static int exec_setup(exec_job *job, char **exe, char **home, skiff_error *err)
{
	const spec_cpu_affinity *aff = job->p->exec_cpu_affinity;

	/* config.md#linux-process: execCPUAffinity.final is the affinity once
	 * in the container's cgroups, where the runtime put us before GO. */
	if (aff && aff->final && aff->final[0] &&
	    sched_set_affinity(aff->final, ".process.execCPUAffinity.final", err) < 0)
		return -1;
	/* Found before joining the mount namespace, through a procfs of our
	 * own (procfs.c); the stub writes them, as they apply at the next exec. */
	if (lsm_has_exec_labels(job->p) &&
	    ((job->proc = procfs_open_root(PROCFS_PIDS, err)) < 0 ||
	     lsm_exec_labels_in(job->p, job->proc, job->labels, &job->labels_len, err) < 0))
		return -1;
	for (size_t i = 0; i < job->join_count; i++) {
		trace("setns: join the container's %s namespace", ns_type_name(job->join_types[i]));
		if (setns(job->join_fds[i], job->join_types[i]) < 0)
			return skiff_fail(err, errno, "join the container's namespace (type 0x%x)",
					  (unsigned)job->join_types[i]);
	}
	if (setsid() < 0)
		return skiff_fail(err, errno, "setsid");
	if (mempolicy_apply(job->cfg, err) < 0)
		return -1;
	if (job->p->terminal) {
		int master;

		if (terminal_setup(job->p, false, &master, err) < 0)
			return -1;
		if (sync_send_full(job->sock[1], SYNC_CONSOLE, 0, master, NULL) < 0) {
			close(master);
			return skiff_fail(err, errno, "send the pty to the runtime");
		}
		close(master);
	}
	/* Before any filter is loaded: the stub's memfds need syscalls a
	 * profile may refuse. */
	stub_request req = {
		.sync = &job->sock[1],
		.proc = job->proc,
		.labels = job->labels,
		.labels_len = job->labels_len,
		.seccomp = job->seccomp,
		.close_from = 3 + job->ctx->preserve_fds,
	};
	int rc = stub_prepare(&job->stub, &req, err);

	lsm_exec_labels_free(job->labels, job->labels_len);
	job->labels_len = 0;
	if (job->proc >= 0)
		close(job->proc);
	job->proc = -1;
	if (rc < 0)
		return -1;
	process_hook hook = {
		.before_filter = exec_before_filter,
		.run = exec_load_seccomp,
		.data = job,
		.privileged_filter = job->seccomp && !job->p->no_new_privileges,
	};

	return process_prepare(job->p, job->in_userns, &hook, exe, home, err);
}

/* Only stdio, --preserve-fds, the socket and the namespaces to join stay:
 * nothing the caller or the runtime had open may be reached through
 * /proc/self/fd before exec (fds.c). */
static void close_foreign_fds(exec_job *job)
{
	int own[1 + 6];
	size_t n = 0;

	own[n++] = job->sock[1];
	for (size_t i = 0; i < job->join_count; i++)
		own[n++] = job->join_fds[i];
	fds_keep_only(3 + job->ctx->preserve_fds, own, n, NULL);
}

static __attribute__((noreturn)) void exec_child(exec_job *job)
{
		char *exe = NULL, *home = NULL, **argv, **env;
	enum sync_type type;
	skiff_error err;

	skiff_error_clear(&err);
	trace_relay_to(&job->sock[1], "exec");
	/* At once (cgroups.h says why the process does it itself); told once
	 * the runtime listens. */
	int entered = job->cgroups ? cgroup_enter_self(job->cgroups, &err) : 0;

	close(job->sock[0]);
	close_foreign_fds(job);
	/* Until exec this process is the runtime binary; a container process
	 * must not open it through /proc/<pid>/exe (CVE-2019-5736). */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 || prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		_exit(1);
	if (sync_recv(job->sock[1], &type, NULL, &err) < 0 || type != SYNC_GO)
		_exit(1);
	if (entered < 0) {
		sync_send(job->sock[1], SYNC_ERROR, &err);
		_exit(1);
	}
	if (exec_setup(job, &exe, &home, &err) < 0 ||
	    process_exec_vectors(job->p, 0, home, &argv, &env) < 0) {
		if (!err.message[0])
			skiff_fail(&err, ENOMEM, "prepare the process");
		sync_send(job->sock[1], SYNC_ERROR, &err);
		_exit(1);
	}
	debug_stop(job->ctx, "exec-child-before-ready");
	trace("ready: the exec stub will exec %s", exe);
	/* The runtime answers READY once the pid file is written: a runtime
	 * killed before that must not leave the program running unknown to
	 * anyone, so the death signal stays armed until the answer. */
	if (sync_send(job->sock[1], SYNC_READY, NULL) < 0 ||
	    sync_recv(job->sock[1], &type, NULL, &err) < 0 || type != SYNC_GO)
		_exit(1);
	/* Disarmed, then said so: the runtime may exit only after this. */
	prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
	if (sync_send(job->sock[1], SYNC_READY, NULL) < 0)
		_exit(1);
	/* Through the stub (stub/stub.c), never from the runtime's binary: it
	 * closes what the program must not inherit, loads a last seccomp
	 * filter and execs. */
	stub_exec(&job->stub, env, &err);
	/* The runtime waits for the socket's end (sync_await_exec). */
	sync_send(job->sock[1], SYNC_ERROR, &err);
	_exit(127);
}

/* clone3 into the init's pid and time namespaces.  With
 * execCPUAffinity.initial the new process starts on those CPUs (it
 * inherits our affinity, which is ours again right after the clone). */
static pid_t spawn(exec_job *job, skiff_error *err)
{
	const spec_cpu_affinity *aff = job->p->exec_cpu_affinity;
	struct clone_args args = { .exit_signal = SIGCHLD };
	bool initial = aff && aff->initial && aff->initial[0];
	ns_children saved;
	cpu_set_t ours;
	pid_t pid;

	if (initial && sched_getaffinity(0, sizeof(ours), &ours) < 0)
		return skiff_fail(err, errno, "read the CPU affinity");
	if (ns_children_enter(&saved, job->pid_ns, job->time_ns, NULL, err) < 0)
		return -1;
	if (initial && sched_set_affinity(aff->initial, ".process.execCPUAffinity.initial", err) < 0) {
		ns_children_leave(&saved);
		return -1;
	}
	/* Born in the cgroup2 directory (kernels before 5.7 refuse the flag:
	 * the runtime moves it then). */
	if (job->cgroup_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)job->cgroup_fd;
	}
	pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0 && (args.flags & CLONE_INTO_CGROUP) && (errno == E2BIG || errno == EINVAL)) {
		args.flags &= ~(uint64_t)CLONE_INTO_CGROUP;
		pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	}
	if (pid < 0 && errno == ENOSYS) {
		args.flags &= ~(uint64_t)CLONE_INTO_CGROUP;
		pid = fork();
	}
	if (pid == 0)
		exec_child(job);
	job->cloned_into_cgroup = pid > 0 && (args.flags & CLONE_INTO_CGROUP);
	if (pid < 0)
		skiff_fail(err, errno, "clone the new process");
	if (initial)
		sched_setaffinity(0, sizeof(ours), &ours);
	ns_children_leave(&saved);
	return pid;
}

/* Serve the new process until it is ready; *master gets its pty. */
static int await_ready(exec_job *job, pid_t pid, int *master, skiff_error *err)
{
	job->agent.pid = pid;
	for (;;) {
		enum sync_type type;
		skiff_error child_err;
		int fd;

		if (sync_recv_full(job->sock[0], &type, NULL, &fd, &child_err, err) < 0) {
			int status;

			skiff_fail(err, 0, "the new process exited during setup");
			if (waitpid(pid, &status, 0) == pid && WIFSIGNALED(status))
				skiff_error_prefix(err, "killed by signal %d", WTERMSIG(status));
			return -1;
		}
		if (type == SYNC_READY)
			return 0;
		if (type == SYNC_ERROR) {
			if (err)
				*err = child_err;
			return -1;
		}
		if (type == SYNC_SECCOMP) {
			if (seccomp_take_listener(&job->agent, job->sock[0], fd, err) < 0)
				return -1;
			continue;
		}
		if (type != SYNC_CONSOLE || fd < 0) {
			if (fd >= 0)
				close(fd);
			return skiff_fail(err, EPROTO, "unexpected message from the new process");
		}
		if (job->ctx->console_socket) {
			int rc = terminal_send(job->ctx->console_socket, fd, err);

			close(fd);
			if (rc < 0)
				return -1;
		} else {
			/* The caller's size before the program runs, not after. */
			terminal_copy_size(0, fd);
			*master = fd;
		}
	}
}

static int check_status(skiff_status status, bool ignore_paused, skiff_error *err)
{
	switch (status) {
	case SKIFF_STATUS_RUNNING:
	case SKIFF_STATUS_CREATED:
		return 0;
	case SKIFF_STATUS_PAUSED:
		if (ignore_paused)
			return 0;
		return skiff_fail_code(err, EBUSY,
				       "cannot exec in a paused container (use --ignore-paused to override)");
	case SKIFF_STATUS_CREATING:
		return skiff_fail_code(err, EBUSY, "cannot exec in a container that is being created");
	default:
		return skiff_fail_code(err, EINVAL, "cannot exec in a stopped container");
	}
}

int skiff_container_exec(const skiff_context *ctx, const spec_process *p, bool detach,
			 bool ignore_paused, int *exit_status, skiff_error *err)
{
	return skiff_container_exec_cgroups(ctx, p, detach, ignore_paused, NULL, 0, exit_status, err);
}

/* The container's cgroups, or with sub_cgroups the sub-cgroups there. */
static int target_cgroups(const container_record *rec, const char *const *subs, size_t n,
			  cgroup_set *out, skiff_error *err)
{
	cgroup_set own = cgroup_set_of(rec);

	out->dirs = NULL;
	out->n = 0;
	if (!n) {
		if (own.n && cgroup_exists(&own))
			return cgroup_sub_set(&own, NULL, 0, out, err);
		return 0;
	}
	if (!own.n || !cgroup_exists(&own))
		return skiff_fail_code(err, EINVAL, "exec --cgroup: the container has no cgroups");
	return cgroup_sub_set(&own, subs, n, out, err);
}

int skiff_container_exec_cgroups(const skiff_context *ctx, const spec_process *p, bool detach,
				 bool ignore_paused, const char *const *sub_cgroups,
				 size_t n_sub_cgroups, int *exit_status, skiff_error *err)
{
	TRACE_SCOPE(ctx);
	exec_job job = { .ctx = ctx, .p = p, .pid_ns = -1, .time_ns = -1, .sock = { -1, -1 },
			 .proc = -1, .cgroup_fd = -1 };
	spec_config with_process;
	container_record rec;
	skiff_status status;
	cgroup_set cgroups = { NULL, 0 };
	sigset_t forward;
	int dirfd = -1, pidfd = -1, master = -1, rc = -1;
	pid_t pid = -1;

	if (!p || !p->args_len || !p->args[0][0])
		return skiff_fail_code(err, EINVAL, "exec: the process has no args");
	if (!p->cwd || p->cwd[0] != '/')
		return skiff_fail_code(err, EINVAL, "exec: the cwd must be an absolute path");
	if (p->terminal && detach && !ctx->console_socket)
		return skiff_fail_code(err, EINVAL,
				       "cannot allocate tty if skiff will detach without setting console socket");
	if (debug_stop_check(ctx, err) < 0 || container_open(ctx, false, &dirfd, &rec, &status, err) < 0)
		return -1;
	/* It joins the cgroups the record names. */
	if (check_status(status, ignore_paused, err) < 0 || prepare_seccomp(&job, dirfd, err) < 0 ||
	    cgroup_record_check(&rec, ctx->id, true,
				job.cfg->linux_ ? job.cfg->linux_->cgroups_path : NULL, err) < 0)
		goto out;
	with_process = *job.cfg;
	with_process.process = (spec_process *)p;
	if (lsm_check(&with_process, err) < 0 ||
	    target_cgroups(&rec, sub_cgroups, n_sub_cgroups, &cgroups, err) < 0)
		goto out;
	capabilities_warn(ctx, p->capabilities);
	job.agent = (seccomp_agent_info){
		.cfg = job.cfg, .id = ctx->id, .bundle = rec.bundle, .status = status,
	};
	/* Holding a pidfd keeps the init's pid from being reused under us. */
	pidfd = container_pidfd(&rec);
	if (pidfd < 0) {
		skiff_fail_code(err, ESRCH, "container not running");
		goto out;
	}
	if (open_namespaces(&job, rec.pid, err) < 0)
		goto out;
	sigemptyset(&forward);
	sigaddset(&forward, SIGCHLD);
	if (!detach) {
		static const int forwarded[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH };

		for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
			sigaddset(&forward, forwarded[i]);
	}
	sigprocmask(SIG_BLOCK, &forward, &job.caller_mask);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, job.sock) < 0) {
		skiff_fail(err, errno, "socketpair");
		goto restore;
	}
	if (cgroups.n) {
		job.cgroups = &cgroups;
		job.cgroup_fd = cgroup_v2_dirfd(&cgroups);
	}
	pid = spawn(&job, err);
	if (job.cgroup_fd >= 0)
		close(job.cgroup_fd);
	job.cgroup_fd = -1;
	if (pid < 0)
		goto restore;
	close(job.sock[1]);
	job.sock[1] = -1;
	trace("exec in %s (init pid %d): clone3: the process is pid %d", ctx->id, (int)rec.pid,
	      (int)pid);
	debug_stop(ctx, "exec-after-clone");
	/* Counted and limited with the container before it runs anything. */
	if (cgroups.n && cgroup_enter_parted(&cgroups, pid, true, job.cloned_into_cgroup, err) < 0)
		goto fail;
	if (intelrdt_enter(ctx->id, job.cfg, pid, false, err) < 0)
		goto fail;
	if (sync_send(job.sock[0], SYNC_GO, NULL) < 0) {
		skiff_fail(err, errno, "start the new process");
		goto fail;
	}
	debug_stop(ctx, "exec-after-go");
	if (await_ready(&job, pid, &master, err) < 0)
		goto fail;
	if (ctx->pid_file && pid_file_write(ctx->pid_file, pid, err) < 0)
		goto fail;
	if (sync_send(job.sock[0], SYNC_GO, NULL) < 0 || await_ready(&job, pid, &master, err) < 0) {
		skiff_fail(err, errno, "start the new process");
		goto fail;
	}
	/* The stub writes the LSM labels, then lets go of the socket. */
	if (sync_await_exec(job.sock[0], err) < 0)
		goto fail;
	if (pidfd_socket_send(ctx->pidfd_socket, pid, err) < 0)
		goto fail;
	if (detach) {
		rc = 0;
		goto restore;
	}
	rc = wait_foreground(pid, &forward, master, false, exit_status, err);
	if (rc == 0)
		trace("exec in %s: pid %d exited, status %d", ctx->id, (int)pid,
		      exit_status ? *exit_status : -1);
	goto restore;
fail:
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
restore:
	sigprocmask(SIG_SETMASK, &job.caller_mask, NULL);
out:
	if (master >= 0)
		close(master);
	if (pidfd >= 0)
		close(pidfd);
	close_job(&job);
	cgroup_set_free(&cgroups);
	container_record_clear(&rec);
	close(dirfd);
	return rc;
}
