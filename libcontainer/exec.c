/*
 * exec: a new process in a running container.  It reads top-down in
 * skiff_container_exec_cgroups(); the clone and the socket's messages are
 * child_protocol.c's, as for create's init.
 *
 *   runtime                                  new process
 *   -------                                  -----------
 *   open_container(): read the record,
 *   check it, the config copy, seccomp,
 *   the cgroups to join
 *   open_namespaces(): the init's that
 *   differ from ours
 *   spawn_process(): clone3 in its pid  ---> exec_child(): not dumpable:
 *   (and time) ns, into the cgroup2 dir      /proc/<pid>/exe (the runtime
 *                                            binary) is out of the
 *                                            container's reach until exec;
 *                                            enters its v1 cgroups itself
 *   the cgroups, GO  ----------------------> exec_setup(): join user, then
 *                                            the other ns (mount last),
 *                                            setsid, pty, limits, user,
 *                                            capabilities, cwd
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
#include <sys/stat.h>
#include <unistd.h>

#include "container_setup.h"
#include "child_protocol.h"

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
	for (size_t i = 0; i < ARRAY_SIZE(join_order); i++)
		if (join_order[i].flag == flag)
			return join_order[i].name;
	return "?";
}

typedef struct exec_job {
	const skiff_context *ctx;
	const spec_process *p;
	bool detach;
	int dirfd;                 /* the container's state directory */
	container_record rec;
	skiff_status status;
	spec_config *cfg;          /* the container's, from its state directory */
	cgroup_set cgroups;        /* to join: the container's, or sub-cgroups there */
	int pidfd;                 /* the init's: its pid is not reused under us */
	int join_fds[6], join_types[6];
	size_t join_count;
	int pid_ns, time_ns; /* joined by the runtime for its child; -1 if shared */
	bool in_userns;
	spawn_link link;           /* the socket and what the process execs (child_protocol.h) */
	seccomp_agent_info agent;
	int master;                /* the pty's master in the foreground, or -1 */
	bool signals_blocked;
	sigset_t forward;          /* blocked: what wait_foreground handles */
} exec_job;

/* The /proc/PID/ns directories of the init and of this process, opened
 * once for the ten lookups below. */
typedef struct ns_dirs {
	pid_t init;
	int theirs, ours;
} ns_dirs;

/* An fd of the init's namespace `name` when it is not ours, else -1;
 * -2 on failure. */
static int foreign_ns(const ns_dirs *d, const char *name, skiff_error *err)
{
	struct stat theirs, ours;
	int fd;

	if (fstatat(d->theirs, name, &theirs, 0) < 0) {
		if (errno == ENOENT && strcmp(name, "time") == 0)
			return -1; /* a kernel without time namespaces */
		return skiff_fail_errno(err, errno, "stat /proc/%d/ns/%s", (int)d->init, name), -2;
	}
	if (fstatat(d->ours, name, &ours, 0) == 0 && ours.st_ino == theirs.st_ino &&
	    ours.st_dev == theirs.st_dev)
		return -1;
	fd = openat(d->theirs, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return skiff_fail_errno(err, errno, "open /proc/%d/ns/%s", (int)d->init, name), -2;
	return fd;
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

static void exec_job_release(exec_job *job)
{
	for (size_t i = 0; i < job->join_count; i++)
		close(job->join_fds[i]);
	job->join_count = 0;
	fd_release(&job->pid_ns);
	fd_release(&job->time_ns);
	fd_release(&job->master);
	fd_release(&job->pidfd);
	fd_release(&job->dirfd);
	spawn_link_release(&job->link);
	spec_config_free(job->cfg);
	job->cfg = NULL;
	cgroup_set_free(&job->cgroups);
	container_record_clear(&job->rec);
}

/* The container's seccomp profile confines what exec runs as well; whether
 * it loads before the identity switch depends on this process's
 * noNewPrivileges. */
static int prepare_seccomp(exec_job *job, skiff_error *err)
{
	spec_config with_process = *job->cfg;

	with_process.process = (spec_process *)job->p;
	if (lsm_check(&with_process, err) < 0)
		return -1;
	return seccomp_prepare(&with_process, &job->link.seccomp, err);
}

static int find_foreign_namespaces(exec_job *job, const ns_dirs *d, skiff_error *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(join_order); i++) {
		int fd = foreign_ns(d, join_order[i].name, err);

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
	job->pid_ns = foreign_ns(d, "pid", err);
	if (job->pid_ns == -2)
		return -1;
	job->time_ns = foreign_ns(d, "time", err);
	return job->time_ns == -2 ? -1 : 0;
}

static int open_namespaces(exec_job *job, skiff_error *err)
{
	char path[64];
	ns_dirs d = { .init = job->rec.pid };
	int rc = -1;

	snprintf(path, sizeof(path), "/proc/%d/ns", (int)d.init);
	d.theirs = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (d.theirs < 0)
		return skiff_fail_errno(err, errno, "open %s", path);
	d.ours = open("/proc/self/ns", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (d.ours < 0) {
		skiff_fail_errno(err, errno, "open /proc/self/ns");
		goto out;
	}
	rc = find_foreign_namespaces(job, &d, err);
out:
	close(d.theirs);
	if (d.ours >= 0)
		close(d.ours);
	return rc;
}

static int join_namespaces(const exec_job *job, skiff_error *err)
{
	for (size_t i = 0; i < job->join_count; i++) {
		trace("setns: join the container's %s namespace", ns_type_name(job->join_types[i]));
		if (setns(job->join_fds[i], job->join_types[i]) < 0)
			return skiff_fail_errno(err, errno, "join the container's namespace (type 0x%x)",
					  (unsigned)job->join_types[i]);
	}
	return 0;
}

/* In the new process, between GO and READY. */
static int exec_setup(exec_job *job, char **exe, char **home, skiff_error *err)
{
	const spec_cpu_affinity *aff = job->p->exec_cpu_affinity;
	spawn_link *l = &job->link;
	/* The stub's memfds come before any filter is loaded: they need
	 * syscalls a profile may refuse. */
	stub_request req = { .close_from = 3 + job->ctx->preserve_fds };

	/* config.md#linux-process: execCPUAffinity.final is the affinity once
	 * in the container's cgroups, where the runtime put us before GO. */
	if (aff && aff->final && aff->final[0] &&
	    sched_set_affinity(aff->final, ".process.execCPUAffinity.final", err) < 0)
		return -1;
	/* Found before joining the mount namespace, through a procfs of our
	 * own (procfs.c); the stub writes them, as they apply at the next exec. */
	if (lsm_has_exec_labels(job->p) &&
	    ((l->proc = procfs_open_root(PROCFS_PIDS, err)) < 0 ||
	     lsm_exec_labels_in(job->p, l->proc, l->labels, &l->labels_len, err) < 0))
		return -1;
	if (join_namespaces(job, err) < 0)
		return -1;
	if (setsid() < 0)
		return skiff_fail_errno(err, errno, "setsid");
	if (mempolicy_apply(job->cfg, err) < 0)
		return -1;
	if (spawn_child_send_pty(l, false, err) < 0 || spawn_child_prepare_stub(l, &req, err) < 0)
		return -1;
	return spawn_child_process(l, job->in_userns, exe, home, err);
}

/* Only stdio, --preserve-fds, the socket and the namespaces to join stay:
 * nothing the caller or the runtime had open may be reached through
 * /proc/self/fd before exec (fds.c). */
static void close_foreign_fds(exec_job *job)
{
	int own[1 + 6];
	size_t n = 0;

	own[n++] = job->link.sock[1];
	for (size_t i = 0; i < job->join_count; i++)
		own[n++] = job->join_fds[i];
	fds_keep_only(3 + job->ctx->preserve_fds, own, n, NULL);
}

static __attribute__((noreturn)) void exec_child(void *arg)
{
	exec_job *job = arg;
	char *exe = NULL, *home = NULL, **argv, **env;
	skiff_error err;

	skiff_error_clear(&err);
	int begun = spawn_child_begin(&job->link, &err);

	close_foreign_fds(job);
	/* Until exec this process is the runtime binary; a container process
	 * must not open it through /proc/<pid>/exe (CVE-2019-5736). */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		_exit(1);
	spawn_child_wait_go(&job->link, begun, NULL, &err);
	if (exec_setup(job, &exe, &home, &err) < 0 ||
	    process_exec_vectors(job->p, 0, home, &argv, &env) < 0) {
		if (!err.message[0])
			skiff_fail_errno(&err, ENOMEM, "prepare the process");
		spawn_child_fail(&job->link, &err);
	}
	debug_stop(job->ctx, "exec-child-before-ready");
	trace("ready: the exec stub will exec %s", exe);
	/* The runtime answers READY once the pid file is written: a runtime
	 * killed before that must not leave the program running unknown to
	 * anyone, so the death signal stays armed until the answer. */
	spawn_child_exec(&job->link, env, true, NULL);
}

/* clone3 into the init's pid and time namespaces.  With
 * execCPUAffinity.initial the new process starts on those CPUs (it
 * inherits our affinity, which is ours again right after the clone). */
static int spawn_process(exec_job *job, skiff_error *err)
{
	const spec_cpu_affinity *aff = job->p->exec_cpu_affinity;
	bool initial = aff && aff->initial && aff->initial[0];
	ns_children saved;
	cpu_set_t ours;
	pid_t pid = -1;

	if (job->cgroups.n) {
		job->link.enter_self = &job->cgroups;
		job->link.cgroup_fd = cgroup_v2_dirfd(&job->cgroups);
	}
	if (spawn_socketpair(&job->link, err) < 0)
		return -1;
	if (initial && sched_getaffinity(0, sizeof(ours), &ours) < 0)
		return skiff_fail_errno(err, errno, "read the CPU affinity");
	if (ns_children_enter(&saved, job->pid_ns, job->time_ns, NULL, err) < 0)
		return -1;
	if (!initial || sched_set_affinity(aff->initial, ".process.execCPUAffinity.initial", err) == 0)
		pid = spawn_clone(&job->link, 0, exec_child, job, err);
	if (initial)
		sched_setaffinity(0, sizeof(ours), &ours);
	ns_children_leave(&saved);
	if (pid < 0)
		return -1;
	trace("exec in %s (init pid %d): clone3: the process is pid %d", job->ctx->id,
	      (int)job->rec.pid, (int)pid);
	return 0;
}

/* Serve the new process until it is ready: its pty, a seccomp listener
 * for the agent, or its error. */
static int await_ready(exec_job *job, skiff_error *err)
{
	spawn_ops ops = { .agent = &job->agent, .console_out = &job->master };

	job->agent.pid = job->link.pid;
	return spawn_serve(&job->link, &ops, err);
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
		return skiff_fail_msg(err, EBUSY,
				       "cannot exec in a paused container (use --ignore-paused to override)");
	case SKIFF_STATUS_CREATING:
		return skiff_fail_msg(err, EBUSY, "cannot exec in a container that is being created");
	default:
		return skiff_fail_msg(err, EINVAL, "cannot exec in a stopped container");
	}
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
		return skiff_fail_msg(err, EINVAL, "exec --cgroup: the container has no cgroups");
	return cgroup_sub_set(&own, subs, n, out, err);
}


/* The container as exec needs it: running (or created, or paused when
 * allowed), its record's cgroups ours to act on, its config for seccomp
 * and the LSM labels, its init held by a pidfd. */
static int open_container(exec_job *job, bool ignore_paused, const char *const *subs, size_t n,
			  skiff_error *err)
{
	const skiff_context *ctx = job->ctx;

	if (container_open(ctx, false, &job->dirfd, &job->rec, &job->status, err) < 0)
		return -1;
	/* It joins the cgroups the record names: checked against the
	 * config, parsed once for that and for seccomp. */
	if (check_status(job->status, ignore_paused, err) < 0 ||
	    (!job->cfg && !(job->cfg = container_saved_config(job->dirfd, err))) ||
	    prepare_seccomp(job, err) < 0 ||
	    cgroup_record_check(&job->rec, ctx->id, true,
				job->cfg->linux_ ? job->cfg->linux_->cgroups_path : NULL, err) < 0 ||
	    target_cgroups(&job->rec, subs, n, &job->cgroups, err) < 0)
		return -1;
	capabilities_warn(ctx, job->p->capabilities);
	job->agent = (seccomp_agent_info){
		.cfg = job->cfg, .id = ctx->id, .bundle = job->rec.bundle, .status = job->status,
	};
	/* Holding a pidfd keeps the init's pid from being reused under us. */
	job->pidfd = container_pidfd(&job->rec);
	if (job->pidfd < 0)
		return skiff_fail_msg(err, ESRCH, "container not running");
	return 0;
}

static int check_request(const skiff_context *ctx, const spec_process *p, bool detach,
			 skiff_error *err)
{
	if (!p || !p->args_len || !p->args[0][0])
		return skiff_fail_msg(err, EINVAL, "exec: the process has no args");
	if (!p->cwd || p->cwd[0] != '/')
		return skiff_fail_msg(err, EINVAL, "exec: the cwd must be an absolute path");
	if (p->terminal && detach && !ctx->console_socket)
		return skiff_fail_msg(err, EINVAL,
				       "cannot allocate tty if skiff will detach without setting console socket");
	return debug_stop_check(ctx, err);
}

/* The process is ready: the pid file, then GO, then its exec. */
static int confirm_ready(exec_job *job, skiff_error *err)
{
	if (job->ctx->pid_file && pid_file_write(job->ctx->pid_file, job->link.pid, err) < 0)
		return -1;
	if (spawn_go(&job->link, err) < 0 || await_ready(job, err) < 0)
		return -1;
	/* The stub writes the LSM labels, then lets go of the socket. */
	if (spawn_await_exec(&job->link, err) < 0)
		return -1;
	return pidfd_socket_send(job->ctx->pidfd_socket, job->link.pid, err);
}

/* Detached: done.  Else wait for it, forwarding signals and the pty. */
static int finish(exec_job *job, int *exit_status, skiff_error *err)
{
	pid_t pid = job->link.pid;
	int rc;

	if (job->detach)
		return 0;
	job->link.pid = -1; /* reaped by the wait, whatever it returns */
	rc = wait_foreground(pid, &job->forward, job->master, false, exit_status, err);
	if (rc == 0)
		trace("exec in %s: pid %d exited, status %d", job->ctx->id, (int)pid,
		      exit_status ? *exit_status : -1);
	return rc;
}

int skiff_container_exec(const skiff_context *ctx, const spec_process *p, bool detach,
			 bool ignore_paused, int *exit_status, skiff_error *err)
{
	return skiff_container_exec_cgroups(ctx, p, detach, ignore_paused, NULL, 0, exit_status, err);
}

int skiff_container_exec_cgroups(const skiff_context *ctx, const spec_process *p, bool detach,
				 bool ignore_paused, const char *const *sub_cgroups,
				 size_t n_sub_cgroups, int *exit_status, skiff_error *err)
{
	return container_exec_with_config(ctx, p, NULL, detach, ignore_paused, sub_cgroups,
					  n_sub_cgroups, exit_status, err);
}

int container_exec_with_config(const skiff_context *ctx, const spec_process *p, spec_config *cfg,
			       bool detach, bool ignore_paused, const char *const *sub_cgroups,
			       size_t n_sub_cgroups, int *exit_status, skiff_error *err)
{
	TRACE_SCOPE(ctx);
	exec_job job = { .ctx = ctx, .p = p, .cfg = cfg, .detach = detach, .dirfd = -1,
			 .pidfd = -1, .pid_ns = -1, .time_ns = -1, .master = -1 };
	int rc = -1;

	if (check_request(ctx, p, detach, err) < 0) {
		spec_config_free(cfg);
		return -1;
	}
	spawn_link_init(&job.link, ctx, p, "exec", "the new process");
	if (open_container(&job, ignore_paused, sub_cgroups, n_sub_cgroups, err) < 0 ||
	    open_namespaces(&job, err) < 0)
		goto out;
	signals_block_forwarded(!detach, &job.forward, &job.link.caller_mask);
	job.signals_blocked = true;
	if (spawn_process(&job, err) < 0)
		goto out;
	debug_stop(ctx, "exec-after-clone");
	/* Counted and limited with the container before it runs anything. */
	if ((job.cgroups.n && cgroup_enter_parted(&job.cgroups, job.link.pid, true,
						  job.link.cloned_into_cgroup, err) < 0) ||
	    intelrdt_enter(ctx->id, job.cfg, job.link.pid, false, err) < 0)
		goto out;
	if (spawn_go(&job.link, err) < 0)
		goto out;
	debug_stop(ctx, "exec-after-go");
	if (await_ready(&job, err) < 0 || confirm_ready(&job, err) < 0)
		goto out;
	rc = finish(&job, exit_status, err);
out:
	if (rc < 0)
		spawn_kill(&job.link);
	if (job.signals_blocked)
		sigprocmask(SIG_SETMASK, &job.link.caller_mask, NULL);
	exec_job_release(&job);
	return rc;
}
