/*
 * checkpoint and restore: the criu(8) command line, driven as runc drives
 * criu's RPC, with runc's choices:
 *   - dump: the container's init and its tree (--tree), its root (--root),
 *     cgroups managed (soft by default), bind mounts declared external and
 *     keyed by their destination; a paused container is dumped from its
 *     frozen cgroup (--freeze-cgroup); the container is deleted afterwards
 *     unless it is left running.
 *   - restore: a new container from the bundle (state, cgroups), its root
 *     bound at <state>/criu-root for criu to build the mount tree on, the
 *     external mounts bound from the config's sources, the tree restored as
 *     our child (--restore-sibling) and left running (--restore-detached).
 * criu logs to <work>/dump.log or restore.log; its last "Error" lines are
 * what a failure says.  restore reads top-down in skiff_container_restore():
 * the config checked as create checks it, the container's state directory,
 * record and cgroups made (container_setup.c, shared with create, which
 * also undoes them), criu run, the restored init put in the cgroups (with
 * the systemd driver, in the unit started for it) and recorded.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container_setup.h"

#define CRIU_ROOT_NAME "criu-root"

/* ---- criu's argv ---- */

typedef struct argv_list {
	char **v;
	size_t n, cap;
	bool failed; /* out of memory at some point: the list is not usable */
} argv_list;

static void arg(argv_list *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void arg(argv_list *a, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (a->failed)
		return;
	if (a->n + 2 > a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 32;
		char **grown = realloc(a->v, cap * sizeof(*grown));

		if (!grown) {
			a->failed = true;
			return;
		}
		a->v = grown;
		a->cap = cap;
	}
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		a->failed = true;
	else
		a->v[a->n++] = s;
	va_end(ap);
	a->v[a->n] = NULL;
}

static void argv_free(argv_list *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
}

static bool is_bind(const spec_mount *m)
{
	if (m->type && !strcmp(m->type, "bind"))
		return true;
	for (size_t i = 0; i < m->options_len; i++)
		if (!strcmp(m->options[i], "bind") || !strcmp(m->options[i], "rbind"))
			return true;
	return false;
}

/* A destination as criu sees it: absolute (a relative one means under /). */
static const char *slash(const char *dest)
{
	return dest[0] == '/' ? "" : "/";
}

/* The cgroup mount a container without a cgroup namespace gets on a pure
 * cgroup v2 host: its own cgroup2 directory bound at the destination
 * (mounts.c, mount_cgroup).  Its root is not the hierarchy's, which criu
 * cannot dump ("doesn't have a proper root mount"), so it goes as an
 * external mount, bound again at restore from the new container's
 * directory.  NULL when there is none (a cgroup namespace mounts a cgroup2
 * of its own, which criu dumps as any other mount). */
static const spec_mount *bound_cgroup_mount(const spec_config *cfg)
{
	cg_layout layout = CG_LAYOUT_V1;

	for (size_t i = 0; cfg->linux_ && i < cfg->linux_->namespaces_len; i++) {
		const spec_namespace *ns = &cfg->linux_->namespaces[i];

		if (!strcmp(ns->type, "cgroup") && (!ns->path || !ns->path[0]))
			return NULL;
	}
	if (cgroup_layout_detect(&layout, NULL) < 0 || layout != CG_LAYOUT_UNIFIED)
		return NULL;
	for (size_t i = 0; i < cfg->mounts_len; i++) {
		const spec_mount *m = &cfg->mounts[i];

		if (m->type && !strcmp(m->type, "cgroup") && !is_bind(m))
			return m;
	}
	return NULL;
}

/* The options both dump and restore take. */
static int common_args(argv_list *a, const skiff_checkpoint_opts *o, skiff_error *err)
{
	const char *mode = o->manage_cgroups_mode ? o->manage_cgroups_mode : "soft";

	if (strcmp(mode, "soft") && strcmp(mode, "full") && strcmp(mode, "strict") &&
	    strcmp(mode, "ignore"))
		return skiff_fail_msg(err, EINVAL,
				       "invalid manage-cgroups-mode \"%s\": soft, full, strict or ignore",
				       mode);
	/* criu's command line takes the mode as --manage-cgroups' own value */
	arg(a, "--manage-cgroups=%s", mode);
	if (o->tcp_established)
		arg(a, "--tcp-established");
	if (o->ext_unix_sk)
		arg(a, "--ext-unix-sk");
	if (o->shell_job)
		arg(a, "--shell-job");
	if (o->file_locks)
		arg(a, "--file-locks");
	if (o->auto_dedup)
		arg(a, "--auto-dedup");
	if (o->lazy_pages)
		arg(a, "--lazy-pages");
	if (o->status_fd >= 0 && o->lazy_pages) {
		arg(a, "--status-fd");
		arg(a, "%d", o->status_fd);
	}
	if (o->empty_net_ns) {
		arg(a, "--empty-ns");
		arg(a, "net");
	}
	return 0;
}

/* ---- running criu ---- */

/* criu's last "Error" lines in its log, into msg. */
static void last_errors(const char *log, char *msg, size_t size)
{
	char line[512], keep[3][512];
	size_t n = 0;
	FILE *f = fopen(log, "re");

	msg[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *e = strstr(line, "Error (");

		if (!e)
			continue;
		e[strcspn(e, "\n")] = '\0';
		snprintf(keep[n % 3], sizeof(keep[0]), "%s", e);
		n++;
	}
	fclose(f);
	for (size_t i = n > 3 ? n - 3 : 0; i < n; i++) {
		size_t used = strlen(msg);

		snprintf(msg + used, size - used, "%s%s", used ? "; " : "", keep[i % 3]);
	}
}

/* The last line of what criu printed (its command line's complaints; the
 * rest goes to its log), from the start of out. */
static void last_line(char *out, size_t used, char *msg, size_t size)
{
	char *line;

	while (used && (out[used - 1] == '\n' || out[used - 1] == ' '))
		used--;
	out[used] = '\0';
	line = strrchr(out, '\n');
	snprintf(msg, size, "%s", line ? line + 1 : out);
}

/* Run criu with argv (argv[0] is the binary) and wait, its stdout and
 * stderr collected; keep_fd stays open in it (lazy pages' status fd),
 * every other fd above stderr is closed. */
static int run_criu(argv_list *a, const char *log, int keep_fd, skiff_error *err)
{
	char why[1024], out[4096];
	size_t used = 0;
	int status, pipefd[2];
	ssize_t n;
	pid_t pid;

	if (a->failed)
		return skiff_fail_errno(err, ENOMEM, "criu");
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return skiff_fail_errno(err, errno, "run %s", a->v[0]);
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return skiff_fail_errno(err, errno, "run %s", a->v[0]);
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);

		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		for (int fd = 3; fd < 1024; fd++)
			if (fd != keep_fd)
				close(fd);
		signal(SIGPIPE, SIG_DFL);
		execvp(a->v[0], a->v);
		dprintf(2, "exec %s: %s\n", a->v[0], strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	/* keep the end of what it prints: that is where its complaint is */
	while ((n = read(pipefd[0], out + used, sizeof(out) - 1 - used)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		used += (size_t)n;
		if (used == sizeof(out) - 1) {
			memmove(out, out + used / 2, used - used / 2);
			used -= used / 2;
		}
	}
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return skiff_fail_errno(err, errno, "wait for %s", a->v[0]);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		last_line(out, used, why, sizeof(why));
		return skiff_fail_msg(err, ENOENT, "%s %s: cannot run %s (is criu installed?): %s",
				       a->v[0], a->v[1], a->v[0], why);
	}
	last_errors(log, why, sizeof(why));
	if (!why[0])
		last_line(out, used, why, sizeof(why));
	return skiff_fail_msg(err, EIO, "%s %s failed%s%s (see %s)", a->v[0], a->v[1],
			       why[0] ? ": " : "", why, log);
}

/* image_path made if missing (0700: memory images hold secrets); the work
 * path too, defaulting to it. */
static int prepare_dirs(const skiff_checkpoint_opts *o, const char **work, skiff_error *err)
{
	if (!o->image_path || !o->image_path[0])
		return skiff_fail_msg(err, EINVAL, "an image path is required");
	if (mkdir(o->image_path, 0700) < 0 && errno != EEXIST)
		return skiff_fail_errno_at(err, errno, o->image_path, "image path %s", o->image_path);
	*work = o->work_path && o->work_path[0] ? o->work_path : o->image_path;
	if (mkdir(*work, 0700) < 0 && errno != EEXIST)
		return skiff_fail_errno_at(err, errno, *work, "work path %s", *work);
	return 0;
}

/* ---- checkpoint ---- */

static int dump_args(argv_list *a, const skiff_checkpoint_opts *o, const char *work,
		     const container_record *rec, const spec_config *cfg, bool paused,
		     skiff_error *err)
{
	const spec_mount *cgroup_mount = cfg ? bound_cgroup_mount(cfg) : NULL;
	cgroup_set set = cgroup_set_of(rec);

	arg(a, "%s", o->criu ? o->criu : "criu");
	arg(a, o->pre_dump ? "pre-dump" : "dump");
	arg(a, "--tree");
	arg(a, "%d", (int)rec->pid);
	arg(a, "--images-dir");
	arg(a, "%s", o->image_path);
	arg(a, "--work-dir");
	arg(a, "%s", work);
	arg(a, "--log-file");
	arg(a, o->pre_dump ? "pre-dump.log" : "dump.log");
	arg(a, "-v4");
	arg(a, "--root");
	arg(a, "%s", rec->rootfs);
	if (common_args(a, o, err) < 0)
		return -1;
	if (o->leave_running && !o->pre_dump)
		arg(a, "--leave-running");
	if (o->pre_dump || (o->parent_path && o->parent_path[0]))
		arg(a, "--track-mem");
	if (o->parent_path && o->parent_path[0]) {
		arg(a, "--prev-images-dir");
		arg(a, "%s", o->parent_path);
	}
	if (o->page_server && o->page_server[0]) {
		const char *colon = strrchr(o->page_server, ':');

		if (!colon || colon == o->page_server || !colon[1])
			return skiff_fail_msg(err, EINVAL,
					       "use --page-server ADDRESS:PORT to specify the page server");
		arg(a, "--page-server");
		arg(a, "--address");
		arg(a, "%.*s", (int)(colon - o->page_server), o->page_server);
		arg(a, "--port");
		arg(a, "%s", colon + 1);
	}
	/* A frozen container: criu must not try to freeze it again. */
	for (size_t i = 0; paused && i < set.n; i++) {
		if (!strcmp(set.dirs[i].key, "freezer") || !set.dirs[i].key[0]) {
			arg(a, "--freeze-cgroup");
			arg(a, "%s", set.dirs[i].value);
			break;
		}
	}
	for (size_t i = 0; cfg && i < cfg->mounts_len; i++) {
		const spec_mount *m = &cfg->mounts[i];

		if (is_bind(m) || m == cgroup_mount) {
			arg(a, "--external");
			arg(a, "mnt[%s%s]:%s%s", slash(m->destination), m->destination,
			    slash(m->destination), m->destination);
		}
	}
	return 0;
}

int skiff_container_checkpoint(const skiff_context *ctx, const skiff_checkpoint_opts *opts,
			       skiff_error *err)
{
	TRACE_SCOPE(ctx);
	skiff_checkpoint_opts none = { .status_fd = -1 };
	argv_list a = { 0 };
	container_record rec;
	skiff_status status;
	spec_config *cfg = NULL;
	const char *work;
	char *log = NULL;
	int dirfd, rc = -1;
	bool destroy = false;

	if (!opts)
		opts = &none;
	if (skiff_id_validate(ctx->id, err) < 0 || container_open(ctx, true, &dirfd, &rec, &status, err) < 0)
		return -1;
	if (container_check_cgroups(dirfd, ctx->id, &rec, err) < 0)
		goto out;
	if (status != SKIFF_STATUS_RUNNING && status != SKIFF_STATUS_PAUSED) {
		skiff_fail_msg(err, EINVAL, "container not running (it is %s): cannot checkpoint it",
				skiff_status_name(status));
		goto out;
	}
	if (opts->parent_path && opts->parent_path[0] == '/') {
		skiff_fail_msg(err, EINVAL, "--parent-path must be relative (to the image path)");
		goto out;
	}
	if (prepare_dirs(opts, &work, err) < 0)
		goto out;
	if (opts->parent_path && opts->parent_path[0]) {
		char *parent = path_join(opts->image_path, opts->parent_path);
		struct stat st;
		int bad = !parent ? ENOMEM : stat(parent, &st) < 0 ? errno : !S_ISDIR(st.st_mode) ? ENOTDIR : 0;

		free(parent);
		if (bad) {
			skiff_fail_errno(err, bad, "invalid --parent-path %s", opts->parent_path);
			goto out;
		}
	}
	cfg = container_saved_config(dirfd, err);
	if (!cfg || dump_args(&a, opts, work, &rec, cfg, status == SKIFF_STATUS_PAUSED, err) < 0)
		goto out;
	log = path_join(work, opts->pre_dump ? "pre-dump.log" : "dump.log");
	if (!log) {
		skiff_fail_errno(err, ENOMEM, "checkpoint");
		goto out;
	}
	if (run_criu(&a, log, opts->lazy_pages ? opts->status_fd : -1, err) < 0)
		goto out;
	/* criu ended the processes: the container goes, as runc's does */
	destroy = !opts->leave_running && !opts->pre_dump;
	rc = 0;
out:
	free(log);
	argv_free(&a);
	spec_config_free(cfg);
	container_record_clear(&rec);
	close(dirfd); /* the lock, which delete takes again */
	if (destroy && skiff_container_delete(ctx, true, err) < 0)
		rc = -1;
	return rc;
}

/* ---- restore ---- */

/* A cgroup directory relative to its hierarchy's root, for --cgroup-root:
 * /sys/fs/cgroup/<hierarchy>/REL on v1 and hybrid, /sys/fs/cgroup/REL when
 * /sys/fs/cgroup is cgroup2 itself. */
static const char *hierarchy_relative(const char *dir, bool unified)
{
	const char *p = dir;

	if (strncmp(p, "/sys/fs/cgroup/", 15))
		return NULL;
	p += 15;
	if (!unified) {
		p = strchr(p, '/');
		if (!p)
			return NULL;
		p++;
	}
	return p;
}

typedef struct restore_job {
	const skiff_context *ctx;
	const skiff_checkpoint_opts *o;
	bool detach;
	const char *work;
	skiff_config *loaded;   /* the bundle's config.json, when not given */
	container_setup setup;  /* bundle, rootfs, state dir, cgroups (container_setup.h) */
	char *criu_root;        /* <state>/criu-root, the rootfs bound there */
	char *pid_path;         /* where criu writes the restored init's pid */
	char *log;
	argv_list argv;
	bool root_bound, signals_blocked;
	sigset_t forward, caller_mask;
} restore_job;

static int restore_args(argv_list *a, const restore_job *j, skiff_error *err)
{
	const skiff_checkpoint_opts *o = j->o;
	const cgroup_set *cgroups = &j->setup.cgroups;
	const spec_config *cfg = j->setup.cfg;
	const spec_mount *cgroup_mount;
	cg_layout layout = CG_LAYOUT_V1;

	arg(a, "%s", o->criu ? o->criu : "criu");
	arg(a, "restore");
	arg(a, "--images-dir");
	arg(a, "%s", o->image_path);
	arg(a, "--work-dir");
	arg(a, "%s", j->work);
	arg(a, "--log-file");
	arg(a, "restore.log");
	arg(a, "-v4");
	arg(a, "--root");
	arg(a, "%s", j->criu_root);
	arg(a, "--restore-detached");
	arg(a, "--restore-sibling");
	arg(a, "--pidfile");
	arg(a, "%s", j->pid_path);
	if (common_args(a, o, err) < 0)
		return -1;
	cgroup_layout_detect(&layout, NULL);
	for (size_t i = 0; i < cgroups->n; i++) {
		const char *rel = hierarchy_relative(cgroups->dirs[i].value, layout == CG_LAYOUT_UNIFIED);

		if (!rel)
			continue;
		arg(a, "--cgroup-root");
		if (cgroups->dirs[i].key[0])
			arg(a, "%s:/%s", cgroups->dirs[i].key, rel);
		else
			arg(a, "/%s", rel);
	}
	if (o->lsm_profile && o->lsm_profile[0]) {
		arg(a, "--lsm-profile");
		arg(a, "%s", o->lsm_profile);
	}
	if (o->lsm_mount_context && o->lsm_mount_context[0]) {
		arg(a, "--lsm-mount-context");
		arg(a, "%s", o->lsm_mount_context);
	}
	for (size_t i = 0; i < cfg->mounts_len; i++) {
		const spec_mount *m = &cfg->mounts[i];
		char *source;

		if (!is_bind(m) || !m->source)
			continue;
		source = path_join(j->setup.bundle, m->source);
		if (!source)
			return skiff_fail_errno(err, ENOMEM, "restore");
		arg(a, "--external");
		arg(a, "mnt[%s%s]:%s", slash(m->destination), m->destination, source);
		free(source);
	}
	cgroup_mount = bound_cgroup_mount(cfg);
	if (cgroup_mount && cg_v2_dir(cgroups)) {
		arg(a, "--external");
		arg(a, "mnt[%s%s]:%s", slash(cgroup_mount->destination), cgroup_mount->destination,
		    cg_v2_dir(cgroups));
	}
	return 0;
}

/* The rootfs bound at <state>/criu-root: the root criu builds on. */
static int bind_root(restore_job *j, skiff_error *err)
{
	const char *root = state_root(j->ctx);

	if (asprintf(&j->criu_root, "%s/%s/%s", root, j->ctx->id, CRIU_ROOT_NAME) < 0) {
		j->criu_root = NULL;
		return skiff_fail_errno(err, ENOMEM, "restore");
	}
	if (mkdirat(j->setup.statefd, CRIU_ROOT_NAME, 0700) < 0)
		return skiff_fail_errno(err, errno, "make %s", j->criu_root);
	if (mount(j->setup.rootfs, j->criu_root, NULL, MS_BIND | MS_REC, NULL) < 0)
		return skiff_fail_errno(err, errno, "bind %s on %s", j->setup.rootfs, j->criu_root);
	j->root_bound = true;
	return 0;
}

static void unbind_root(restore_job *j)
{
	if (j->root_bound)
		umount2(j->criu_root, MNT_DETACH);
	j->root_bound = false;
}

static int read_restored_pid(const restore_job *j, pid_t *pid, skiff_error *err)
{
	char *text;
	long n;

	if (read_file_at(AT_FDCWD, j->pid_path, 64, &text, NULL, err) < 0)
		return skiff_error_prefix(err, "the pid criu restored");
	n = strtol(text, NULL, 10);
	free(text);
	if (n <= 0)
		return skiff_fail_msg(err, EPROTO, "criu wrote no pid to %s", j->pid_path);
	*pid = (pid_t)n;
	return 0;
}

/* The config: the caller's, else the bundle's; checked as create checks
 * it, and without a terminal, which criu cannot give back. */
static int load_config(restore_job *j, const skiff_config *cfg, skiff_error *err)
{
	const skiff_context *ctx = j->ctx;
	struct spec_sink sink;

	if (!cfg) {
		char *path = path_join(ctx->bundle ? ctx->bundle : ".", "config.json");
		int rc;

		if (!path)
			return skiff_fail_errno(err, ENOMEM, "restore");
		rc = skiff_config_load_file(path, &j->loaded, err);
		free(path);
		if (rc < 0)
			return -1;
		cfg = j->loaded;
	}
	container_setup_init(&j->setup, ctx, cfg);
	spec_sink_init(&sink, "config.json", err, NULL, NULL);
	/* --no-pivot means nothing here: criu builds the root. */
	if (create_requirements(cfg, ctx->bundle ? ctx->bundle : ".", false, &sink) < 0)
		return -1;
	if (cfg->process->terminal)
		return skiff_fail_msg(err, ENOTSUP,
				       "restoring a container with a terminal is not supported");
	return 0;
}

/* criu's files: its work directory, the pid file and log there. */
static int plan_criu(restore_job *j, skiff_error *err)
{
	if (prepare_dirs(j->o, &j->work, err) < 0)
		return -1;
	if (asprintf(&j->pid_path, "%s/restore.pid", j->work) < 0) {
		j->pid_path = NULL;
		return skiff_fail_errno(err, ENOMEM, "restore");
	}
	j->log = path_join(j->work, "restore.log");
	if (!j->log)
		return skiff_fail_errno(err, ENOMEM, "restore");
	return 0;
}

/* criu restores the tree as our child, detached; its init's pid. */
static int run_restore(restore_job *j, skiff_error *err)
{
	pid_t pid = -1;

	if (restore_args(&j->argv, j, err) < 0)
		return -1;
	unlink(j->pid_path);
	if (run_criu(&j->argv, j->log, j->o->lazy_pages ? j->o->status_fd : -1, err) < 0 ||
	    read_restored_pid(j, &pid, err) < 0)
		return -1;
	j->setup.pid = pid;
	return 0;
}

/* criu placed the tree in the cgroups it was told; the init, at least, is
 * in ours whatever criu's mode did (with systemd, in its unit, made now as
 * create makes it once the init exists). */
static int place_init(restore_job *j, skiff_error *err)
{
	container_setup *s = &j->setup;

	if (container_setup_unit(s, s->pid, err) < 0 || cgroup_enter(&s->cgroups, s->pid, err) < 0)
		return -1;
	return 0;
}

/* Detached: done.  Else wait for the init, then delete the container, as
 * run does. */
static int finish(restore_job *j, int *exit_status, skiff_error *err)
{
	pid_t pid = j->setup.pid;
	int rc;

	if (j->detach)
		return 0;
	/* From here the container is delete's to remove, whatever happens. */
	j->setup.pid = -1;
	j->setup.dir_made = j->setup.cgroups_ours = false;
	rc = wait_foreground(pid, &j->forward, -1, j->ctx->subreaper, exit_status, err);
	if (skiff_container_delete(j->ctx, true, rc < 0 ? NULL : err) < 0)
		rc = -1;
	return rc;
}

/* After a failure: the restored tree killed, nothing of the container left. */
static void rollback(restore_job *j)
{
	if (j->setup.pid > 0) {
		kill(j->setup.pid, SIGKILL);
		waitpid(j->setup.pid, NULL, 0);
	}
	unbind_root(j);
	container_setup_rollback(&j->setup);
}

static void restore_job_release(restore_job *j)
{
	unbind_root(j);
	if (j->signals_blocked)
		sigprocmask(SIG_SETMASK, &j->caller_mask, NULL);
	j->signals_blocked = false;
	container_setup_release(&j->setup);
	argv_free(&j->argv);
	free(j->log);
	free(j->criu_root);
	free(j->pid_path);
	skiff_config_free(j->loaded);
}

int skiff_container_restore(const skiff_context *ctx, const skiff_config *cfg,
			    const skiff_checkpoint_opts *opts, bool detach, int *exit_status,
			    skiff_error *err)
{
	TRACE_SCOPE(ctx);
	skiff_checkpoint_opts none = { .status_fd = -1 };
	restore_job j = { .ctx = ctx, .o = opts ? opts : &none, .detach = detach };
	int rc = -1;

	container_setup_init(&j.setup, ctx, cfg);
	if (skiff_id_validate(ctx->id, err) < 0 || load_config(&j, cfg, err) < 0 ||
	    plan_criu(&j, err) < 0)
		goto out;
	signals_block_forwarded(!detach, &j.forward, &j.caller_mask);
	j.signals_blocked = true;
	if (container_setup_paths(&j.setup, err) < 0 ||
	    cgroup_plan(ctx, j.setup.cfg, &j.setup.cgroups, err) < 0 ||
	    container_setup_state(&j.setup, err) < 0 || container_setup_cgroups(&j.setup, err) < 0 ||
	    bind_root(&j, err) < 0 || run_restore(&j, err) < 0)
		goto out;
	if (place_init(&j, err) < 0 || container_setup_record(&j.setup, true, NULL, err) < 0 ||
	    container_setup_pid_file(&j.setup, err) < 0)
		goto out;
	unbind_root(&j);
	rc = finish(&j, exit_status, err);
out:
	if (rc < 0)
		rollback(&j);
	restore_job_release(&j);
	return rc;
}
