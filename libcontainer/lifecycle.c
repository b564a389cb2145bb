/*
 * The public entry points of a container's life: create, run, start,
 * state, kill and delete.  The others are, one file each: list
 * (state_list.c), exec (exec.c), checkpoint and restore (checkpoint.c),
 * update, pause, resume, pids and stats (cgroup_commands.c).  create's sequence is create.c's;
 * each command after it reads the container's record from its state
 * directory and acts on the init through a pidfd, so that a recycled pid
 * is never signalled by mistake.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container_setup.h"

static int destroy(const skiff_context *ctx, const container_record *rec, const spec_config *cfg,
		   skiff_error *err);
static int start_with_config(const skiff_context *ctx, const spec_config *known,
			     const container_record *mine, skiff_error *err);
static int delete_with_config(const skiff_context *ctx, bool force, const spec_config *known,
			      const container_record *mine, skiff_error *err);

static int load_config_from_bundle(const skiff_context *ctx, skiff_config **out, skiff_error *err)
{
	char *path = path_join(ctx->bundle ? ctx->bundle : ".", "config.json");
	int rc;

	if (!path)
		return skiff_fail_errno(err, ENOMEM, "load config.json");
	trace("config: load %s", path);
	rc = skiff_config_load_file(path, out, err);
	free(path);
	return rc;
}

int skiff_container_create(const skiff_context *ctx, const skiff_config *cfg, skiff_error *err)
{
	TRACE_SCOPE(ctx);
	skiff_config *loaded = NULL;
	sigset_t mask;
	pid_t pid;
	int rc;

	if (!cfg) {
		if (load_config_from_bundle(ctx, &loaded, err) < 0)
			return -1;
		cfg = loaded;
	}
	sigprocmask(SIG_SETMASK, NULL, &mask);
	rc = container_create(ctx, cfg, &mask, NULL, &pid, NULL, err);
	skiff_config_free(loaded);
	return rc;
}

int container_check_cgroups(int dirfd, const char *id, const container_record *rec,
			   skiff_error *err)
{
	spec_config *cfg;
	int rc;

	if (rec->cgroup_paths_len == 0 && !(rec->systemd_unit && rec->systemd_unit[0]))
		return 0;
	cfg = container_saved_config(dirfd, NULL);
	rc = cgroup_record_check(rec, id, cfg != NULL,
				 cfg && cfg->linux_ ? cfg->linux_->cgroups_path : NULL, err);
	spec_config_free(cfg);
	return rc;
}

/* Open an existing container, read its record, and compute its status. */
int container_open(const skiff_context *ctx, bool lock, int *dirfd, container_record *rec,
			  skiff_status *status, skiff_error *err)
{
	if (state_dir_open(state_root(ctx), ctx->id, dirfd, err) < 0)
		return -1;
	if (lock && flock_dir(*dirfd, ctx->id, err) < 0) {
		close(*dirfd);
		return -1;
	}
	if (state_read(*dirfd, rec, NULL) < 0) {
		/* The directory exists but its first record was never written:
		 * a create in progress, or one killed before it got that far
		 * (which we know when we hold the lock). */
		memset(rec, 0, sizeof(*rec));
		*status = state_status(*dirfd, rec, lock);
		return 0;
	}
	*status = state_status(*dirfd, rec, lock);
	return 0;
}

int skiff_container_state(const skiff_context *ctx, skiff_state **out, skiff_error *err)
{
	container_record rec;
	skiff_status status;
	int dirfd, rc;

	if (container_open(ctx, false, &dirfd, &rec, &status, err) < 0)
		return -1;
	if (!rec.id)
		rec.id = strdup(ctx->id);
	rc = state_export(dirfd, &rec, out, err);
	container_record_clear(&rec);
	close(dirfd);
	return rc;
}

/*
 * A container that start or delete holds locked, with its config: the
 * caller's when it has it (run made the container from it), else the copy
 * saved at create, read once for all its uses.  Its record is read from
 * state.json, or, for run, the one its create wrote ("mine"): then
 * nothing of the container is read back from files, and its cgroups need
 * no check against a forged record.
 */
typedef struct locked_container {
	int dirfd;
	container_record rec;
	bool rec_mine;     /* rec is borrowed from run's create: not cleared here */
	skiff_status status;
	spec_config *saved;
	const spec_config *cfg; /* known or saved; NULL when neither */
} locked_container;

static int open_locked(const skiff_context *ctx, const spec_config *known,
		       const container_record *mine, locked_container *c, skiff_error *err)
{
	c->saved = NULL;
	c->rec_mine = mine != NULL;
	if (!mine && container_open(ctx, true, &c->dirfd, &c->rec, &c->status, err) < 0)
		return -1;
	if (mine) {
		if (state_dir_open(state_root(ctx), ctx->id, &c->dirfd, err) < 0)
			return -1;
		if (flock_dir(c->dirfd, ctx->id, err) < 0) {
			close(c->dirfd);
			return -1;
		}
		c->rec = *mine;
		c->status = state_status(c->dirfd, &c->rec, true);
	}
	c->cfg = known;
	if (!known && c->rec.id)
		c->cfg = c->saved = container_saved_config(c->dirfd, NULL);
	return 0;
}

static void close_locked(locked_container *c)
{
	spec_config_free(c->saved);
	if (!c->rec_mine)
		container_record_clear(&c->rec);
	close(c->dirfd);
}

static int check_cgroups(const char *id, const locked_container *c, skiff_error *err)
{
	const spec_config *cfg = c->cfg;

	if (c->rec_mine)
		return 0;
	return cgroup_record_check(&c->rec, id, cfg != NULL,
				   cfg && cfg->linux_ ? cfg->linux_->cgroups_path : NULL, err);
}

int skiff_container_start(const skiff_context *ctx, skiff_error *err)
{
	return start_with_config(ctx, NULL, NULL, err);
}

/* start, with `known` the container's config when the caller has it (run
 * made the container from it): the copy saved at create is then not read
 * and parsed again; and `mine`, the record run's create wrote, or NULL
 * to read state.json (locked_container). */
static int start_with_config(const skiff_context *ctx, const spec_config *known,
			     const container_record *mine, skiff_error *err)
{
	TRACE_SCOPE(ctx);
	locked_container c;
	long long hooks_ms;
	bool late;
	int pidfd = -1, rc = -1;

	if (open_locked(ctx, known, mine, &c, err) < 0)
		return -1;
	switch (c.status) {
	case SKIFF_STATUS_CREATED:
		break;
	case SKIFF_STATUS_STOPPED:
		skiff_fail_msg(err, EINVAL, "cannot start a container that has stopped");
		goto out;
	case SKIFF_STATUS_CREATING:
		skiff_fail_msg(err, EBUSY, "cannot start a container that is still being created");
		goto out;
	default:
		skiff_fail_msg(err, EINVAL, "cannot start an already running container");
		goto out;
	}
	pidfd = container_pidfd(&c.rec);
	trace("start %s: release the init (pid %d) through %s", ctx->id, (int)c.rec.pid,
	      EXEC_FIFO_NAME);
	hooks_ms = c.cfg && c.cfg->hooks ? hooks_timeout_ms(c.cfg->hooks->start_container,
							   c.cfg->hooks->start_container_len) : 0;
	switch (start_release(c.dirfd, pidfd, (int)(hooks_ms > INT_MAX / 2 ? -1 : hooks_ms), &late,
			      err)) {
	case 0:
		break;
	case -2:
		/* A startContainer hook (or the exec) failed: the spec has the
		 * container stopped and destroyed, then its poststop hooks. */
		if (check_cgroups(ctx->id, &c, NULL) == 0)
			destroy(ctx, &c.rec, c.cfg, NULL);
		goto out;
	default:
		goto out;
	}
	if (late && ctx->warn) {
		skiff_error problem;

		skiff_fail_msg(&problem, 0,
			   "the container's process had not started its program after %d ms; "
			   "running poststart hooks all the same",
			   START_EXEC_TIMEOUT_MS);
		ctx->warn(ctx->warn_data, &problem);
	}
	trace("start %s: the program runs", ctx->id);
	/* runtime-spec 1.3 (runtime.md#lifecycle step 9) and runc 1.2: a
	 * failing poststart hook is an error, and the container is destroyed
	 * as for a failing startContainer hook (1.2 had it a warning). */
	if (hooks_run_poststart(ctx, c.cfg, c.rec.pid, c.rec.bundle, err) < 0) {
		if (check_cgroups(ctx->id, &c, NULL) == 0)
			destroy(ctx, &c.rec, c.cfg, NULL);
		goto out;
	}
	rc = 0;
out:
	if (pidfd >= 0)
		close(pidfd);
	close_locked(&c);
	return rc;
}

int container_pidfd(const container_record *rec)
{
	int fd;

	if (rec->pid <= 0)
		return -1;
	fd = (int)syscall(SYS_pidfd_open, rec->pid, 0);
	if (fd < 0)
		return -1;
	/* The pidfd pins the process; checking the start time after opening
	 * it proves it is still our init and not a recycled pid. */
	if (!process_matches(rec->pid, rec->pid_start_time)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Signal every process in the init's pid namespace (when it has its own):
 * how a container without recorded cgroups is reached. */
static int kill_namespace(pid_t init, int signo)
{
	char path[64];
	struct stat own, init_ns;
	struct dirent *de;
	DIR *proc;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)init);
	if (stat(path, &init_ns) < 0)
		return -1;
	if (stat("/proc/self/ns/pid", &own) == 0 && own.st_ino == init_ns.st_ino)
		return 0; /* shared with the host: only the init is ours */
	proc = opendir("/proc");
	if (!proc)
		return -1;
	while ((de = readdir(proc))) {
		struct stat st;
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		if (*end || pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/ns/pid", pid);
		if (stat(path, &st) == 0 && st.st_ino == init_ns.st_ino && st.st_dev == init_ns.st_dev)
			kill((pid_t)pid, signo);
	}
	closedir(proc);
	return 0;
}

/* Every process of the container: through its cgroups when it has any
 * (that also reaches those outside its pid namespace), else by namespace. */
static void signal_all(const container_record *rec, int signo)
{
	cgroup_set set = cgroup_set_of(rec);

	if (set.n && cgroup_exists(&set) && cgroup_signal_all(&set, signo, NULL) == 0)
		return;
	kill_namespace(rec->pid, signo);
}

int skiff_container_kill(const skiff_context *ctx, int signo, bool all, skiff_error *err)
{
	TRACE_SCOPE(ctx);
	container_record rec;
	skiff_status status;
	int dirfd, pidfd, rc = -1;

	if (container_open(ctx, false, &dirfd, &rec, &status, err) < 0)
		return -1;
	if (status == SKIFF_STATUS_STOPPED) {
		skiff_fail_msg(err, 0, "container not running");
		goto out;
	}
	pidfd = container_pidfd(&rec);
	if (pidfd < 0) {
		skiff_fail_msg(err, 0, "container not running");
		goto out;
	}
	if (all && container_check_cgroups(dirfd, ctx->id, &rec, err) < 0)
		goto out;
	trace("kill %s: signal %d to the init (pid %d)%s", ctx->id, signo, (int)rec.pid,
	      all ? " and every process of the container" : "");
	if (all)
		signal_all(&rec, signo);
	if (syscall(SYS_pidfd_send_signal, pidfd, signo, NULL, 0) < 0 &&
	    (errno != ESRCH || signo == 0)) {
		/* ESRCH: it died since it was checked, which signal 0 (send
		 * nothing, as kill(2)) is there to tell. */
		if (errno == ESRCH)
			skiff_fail_msg(err, 0, "container not running");
		else
			skiff_fail_errno(err, errno, "kill container %s with signal %d", ctx->id, signo);
		close(pidfd);
		goto out;
	}
	close(pidfd);
	rc = 0;
out:
	container_record_clear(&rec);
	close(dirfd);
	return rc;
}

/* SIGKILL the container and wait until the init is gone (reaping it when it
 * is our child).  A pidfd becomes readable when its process exits. */
static int kill_and_wait(const container_record *rec, skiff_error *err)
{
	struct pollfd pfd;
	int pidfd = container_pidfd(rec), ready;

	if (pidfd < 0)
		return 0;
	signal_all(rec, SIGKILL);
	syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
	pfd.fd = pidfd;
	pfd.events = POLLIN;
	while ((ready = poll(&pfd, 1, 10000)) < 0 && errno == EINTR)
		;
	close(pidfd);
	waitpid(rec->pid, NULL, WNOHANG);
	/* Readable: it exited, whether or not its parent (conmon, a shim) has
	 * reaped it yet. */
	if (ready > 0)
		return 0;
	if (process_matches(rec->pid, rec->pid_start_time))
		return skiff_fail_msg(err, ETIMEDOUT, "container init %d did not die", (int)rec->pid);
	return 0;
}

/* Undo create, with the container's directory locked: kill what is left,
 * remove the cgroups (processes that outlived the init, without a pid
 * namespace, die here too), the mounts a container without a mount
 * namespace left in ours, and the state, then run the poststop hooks, as
 * runc orders them.  If a cgroup stays, so does the state: a later delete
 * can retry. */
static int destroy(const skiff_context *ctx, const container_record *rec, const spec_config *cfg,
		   skiff_error *err)
{
	cgroup_set set;

	trace("delete %s: kill what is left (init pid %d), remove cgroups and state", ctx->id,
	      (int)rec->pid);
	if (kill_and_wait(rec, err) < 0)
		return -1;
	set = cgroup_set_of(rec);
	if (cgroup_destroy(&set, err) < 0)
		return -1;
	rootfs_undo_shared(rec->rootfs, rec->rootfs_mount_id);
	intelrdt_remove(ctx->id, cfg);
	if (state_dir_remove(state_root(ctx), ctx->id, err) < 0)
		return -1;
	hooks_run_late(ctx, cfg, rec->pid, SKIFF_STATUS_STOPPED, rec->bundle);
	return 0;
}

int skiff_container_delete(const skiff_context *ctx, bool force, skiff_error *err)
{
	return delete_with_config(ctx, force, NULL, NULL, err);
}

/* delete, with `known` and `mine` as in start_with_config. */
static int delete_with_config(const skiff_context *ctx, bool force, const spec_config *known,
			      const container_record *mine, skiff_error *err)
{
	TRACE_SCOPE(ctx);
	locked_container c;
	int rc = -1;

	if (open_locked(ctx, known, mine, &c, err) < 0) {
		/* Engines delete twice; the second must succeed. */
		if (force && err && err->errnum == ENOENT) {
			skiff_error_clear(err);
			return 0;
		}
		return -1;
	}
	/* Like runc, a container that was created but never started is
	 * simply destroyed; a running one needs force. */
	if ((c.status == SKIFF_STATUS_RUNNING || c.status == SKIFF_STATUS_PAUSED) && !force)
		skiff_fail_msg(err, EBUSY, "cannot delete container %s that is not stopped: %s", ctx->id,
			       skiff_status_name(c.status));
	else if (check_cgroups(ctx->id, &c, err) == 0 && destroy(ctx, &c.rec, c.cfg, err) == 0)
		rc = 0;
	close_locked(&c);
	return rc;
}

int skiff_container_run(const skiff_context *ctx, const skiff_config *cfg, bool detach,
			int *exit_status, skiff_error *err)
{
	return skiff_container_run_flags(ctx, cfg, detach ? SKIFF_RUN_DETACH : 0, exit_status, err);
}

int skiff_container_run_flags(const skiff_context *ctx, const skiff_config *cfg, unsigned flags,
			      int *exit_status, skiff_error *err)
{
	TRACE_SCOPE(ctx);
	bool detach = flags & SKIFF_RUN_DETACH;
	skiff_config *loaded = NULL;
	container_record mine;
	sigset_t forward, old;
	int master = -1, rc = -1;
	pid_t pid;

	if (!cfg) {
		if (load_config_from_bundle(ctx, &loaded, err) < 0)
			return -1;
		cfg = loaded;
	}
	/* Blocked before the init exists, so no signal or exit is missed. */
	signals_block_forwarded(!detach, &forward, &old);
	if (container_create(ctx, cfg, &old, detach ? NULL : &master, &pid, &mine, err) < 0)
		goto out;
	debug_stop(ctx, "run-after-create");
	if (start_with_config(ctx, cfg, &mine, err) < 0) {
		delete_with_config(ctx, true, cfg, &mine, NULL);
		goto out_created;
	}
	debug_stop(ctx, "run-after-start");
	if (detach) {
		rc = 0;
		goto out_created;
	}
	rc = wait_foreground(pid, &forward, master, ctx->subreaper, exit_status, err);
	if (rc == 0)
		trace("run %s: the init exited, status %d", ctx->id,
		      exit_status ? *exit_status : -1);
	/* Kept (runc run --keep): stopped, for the caller to inspect and
	 * delete, which runs the poststop hooks then. */
	if (rc == 0 && (flags & SKIFF_RUN_KEEP))
		goto out_created;
	if (delete_with_config(ctx, true, cfg, &mine, rc < 0 ? NULL : err) < 0)
		rc = -1;
out_created:
	container_record_clear(&mine);
out:
	if (master >= 0)
		close(master);
	sigprocmask(SIG_SETMASK, &old, NULL);
	skiff_config_free(loaded);
	return rc;
}
