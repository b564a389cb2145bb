/*
 * The container's cgroups: the set of directories and their life (create,
 * enter, freeze, signal, destroy).  Where they go is cgroups_paths.c; see
 * cgroups.h for the layouts.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cgroups.h"

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* ----------------------------------------------------- the set itself -- */

void cgroup_set_free(cgroup_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		free(set->dirs[i].key);
		free(set->dirs[i].value);
	}
	free(set->dirs);
	free(set->unit);
	free(set->slice);
	free(set->unit_cgroup);
	memset(set, 0, sizeof(*set));
}

cgroup_set cgroup_set_of(const container_record *rec)
{
	cgroup_set set = {
		.dirs = rec->cgroup_paths,
		.n = rec->cgroup_paths_len,
		.unit = rec->systemd_unit && rec->systemd_unit[0] ? rec->systemd_unit : NULL,
		.user_manager = rec->systemd_user,
	};

	return set;
}

/* Does the comma-separated hierarchy key name this controller? */
bool cg_key_has(const char *key, const char *controller)
{
	size_t len = strlen(controller);

	for (const char *p = key; *p;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);

		if (n == len && !strncmp(p, controller, len))
			return true;
		if (!comma)
			break;
		p = comma + 1;
	}
	return false;
}

const char *cg_v1_dir(const cgroup_set *set, const char *controller)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->dirs[i].key[0] && cg_key_has(set->dirs[i].key, controller))
			return set->dirs[i].value;
	return NULL;
}

const char *cg_v2_dir(const cgroup_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		if (!set->dirs[i].key[0])
			return set->dirs[i].value;
	return NULL;
}

bool cg_set_is_unified(const cgroup_set *set)
{
	return set->n == 1 && !set->dirs[0].key[0];
}

/* ----------------------------------------------------------- lifecycle -- */

static int procs_in(const char *dir, pid_t **pids, size_t *n, size_t *cap, int depth);

int cgroup_check_unused(const cgroup_set *set, skiff_error *err)
{
	for (size_t i = 0; i < set->n; i++) {
		pid_t *pids = NULL;
		size_t n = 0, cap = 0;

		procs_in(set->dirs[i].value, &pids, &n, &cap, 0);
		free(pids);
		if (n)
			return skiff_fail_msg_at(err, EBUSY, ".linux.cgroupsPath",
					     "linux.cgroupsPath: the container's cgroup %s is not empty: %zu process(es) found",
					     set->dirs[i].value, n);
	}
	return 0;
}

/* Frozen by its own setting or a parent's: v1's freezer.state and v2's
 * cgroup.events say so for both. */
static bool frozen_here_or_above(const cgroup_set *set)
{
	const char *v1 = cg_v1_dir(set, "freezer"), *v2 = cg_v2_dir(set);
	uint64_t frozen = 0;
	char *state;
	bool thawed = true;

	if (v1 && cg_read(v1, "freezer.state", &state, NULL) == 0) {
		thawed = !strncmp(state, "THAWED", 6);
		free(state);
	}
	if (v2 && cg_read_keyed(v2, "cgroup.events", "frozen", &frozen) == 0 && frozen)
		thawed = false;
	return !thawed || (v2 && cg2_frozen(v2));
}

int cgroup_create(const cgroup_set *set, const spec_config *cfg, skiff_error *err)
{
	static const spec_resources none;
	const spec_resources *r = cfg->linux_ && cfg->linux_->resources ? cfg->linux_->resources
									  : &none;

	/* The config's own memory rules (swap without a limit) are spec/'s,
	 * checked before anything is made. */
	for (size_t i = 0; i < set->n; i++) {
		const char *dir = set->dirs[i].value;

		trace("cgroup: make %s", dir);
		if (mkdir_parents(dir, 0755) < 0)
			return skiff_fail_errno_at(err, errno, dir, "cgroups: create %s", dir);
		if (cg_key_has(set->dirs[i].key, "cpuset") && cg1_cpuset_inherit(dir, err) < 0)
			return -1;
	}
	/* As runc: every controller the hierarchy offers, all the way down. */
	if (cg_set_is_unified(set) && cg2_enable(cg_v2_dir(set), NULL, err) < 0)
		return -1;
	if (cg_apply_resources(set, r, err) < 0 || cg_apply_devices(set, cfg, err) < 0)
		return -1;
	/* An init placed there would stop before it reports back, and create
	 * would wait for it forever. */
	if (frozen_here_or_above(set))
		return skiff_fail_msg_at(err, EBUSY, ".linux.cgroupsPath",
					  "linux.cgroupsPath: the container's cgroup is frozen (paused), or one above it is: thaw it first");
	return 0;
}

int cgroup_v2_dirfd(const cgroup_set *set)
{
	const char *dir = cg_v2_dir(set);

	return dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
}

int cgroup_enter_self(const cgroup_set *set, skiff_error *err)
{
	for (size_t i = 0; i < set->n; i++) {
		if (!set->dirs[i].key[0])
			continue;
		if (cg_write(set->dirs[i].value, "tasks", "0", NULL, err) < 0)
			return skiff_error_prefix(err, "cgroups: move into %s", set->dirs[i].value);
	}
	return 0;
}

int cgroup_enter_parted(const cgroup_set *set, pid_t pid, bool v1_by_self, bool v2_by_clone,
			skiff_error *err)
{
	char text[16];

	trace("cgroup: move pid %d into the container's cgroups%s", (int)pid,
	      v1_by_self ? " (it enters the v1 hierarchies itself)" : "");
	snprintf(text, sizeof(text), "%d", (int)pid);
	for (size_t i = 0; i < set->n; i++) {
		bool v2 = !set->dirs[i].key[0];
		int rc = -1;

		if ((v2 && v2_by_clone) || (!v2 && v1_by_self))
			continue;

		/* A task just born may still be TASK_NEW, which the kernel
		 * refuses with EINVAL for a moment. */
		for (int tries = 0; tries < 5 && rc < 0; tries++) {
			rc = cg_write(set->dirs[i].value, "cgroup.procs", text, NULL, err);
			if (rc < 0 && (!err || err->errnum != EINVAL))
				break;
			if (rc < 0)
				sleep_ms(20);
		}
		if (rc < 0)
			return skiff_error_prefix(err, "cgroups: move process %d into %s", (int)pid,
						  set->dirs[i].value);
	}
	return 0;
}

int cgroup_enter(const cgroup_set *set, pid_t pid, skiff_error *err)
{
	return cgroup_enter_parted(set, pid, false, false, err);
}

int cgroup_update(const cgroup_set *set, const spec_resources *r, skiff_error *err)
{
	if (set->unit)
		return cgroup_systemd_update(set, r, err);
	return cg_apply_resources(set, r, err);
}

bool cgroup_exists(const cgroup_set *set)
{
	struct stat st;

	for (size_t i = 0; i < set->n; i++)
		if (stat(set->dirs[i].value, &st) == 0)
			return true;
	return false;
}

/* Append the pids of dir's cgroup.procs and of its sub-cgroups. */
static int procs_in(const char *dir, pid_t **pids, size_t *n, size_t *cap, int depth)
{
	char *text, *line, *save = NULL;
	struct dirent *de;
	DIR *d;

	if (depth > 64 || cg_read(dir, "cgroup.procs", &text, NULL) < 0)
		return errno == ENOENT ? 0 : -1;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (*n == *cap) {
			pid_t *grown = realloc(*pids, (*cap ? *cap * 2 : 64) * sizeof(**pids));

			if (!grown) {
				free(text);
				return -1;
			}
			*pids = grown;
			*cap = *cap ? *cap * 2 : 64;
		}
		(*pids)[(*n)++] = (pid_t)atoi(line);
	}
	free(text);
	d = opendir(dir);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char *sub;

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if (asprintf(&sub, "%s/%s", dir, de->d_name) < 0)
			break;
		procs_in(sub, pids, n, cap, depth + 1);
		free(sub);
	}
	closedir(d);
	return 0;
}

static int compare_pids(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

/* Where the process list is read: the freezer's hierarchy when there is one
 * (pause acts there), else the first. */
static const char *procs_dir(const cgroup_set *set)
{
	const char *dir = cg_v1_dir(set, "freezer");

	if (!dir)
		dir = cg_v2_dir(set);
	return dir ? dir : set->n ? set->dirs[0].value : NULL;
}

int cgroup_procs(const cgroup_set *set, pid_t **pids, size_t *n, skiff_error *err)
{
	const char *dir = procs_dir(set);
	size_t cap = 0, out = 0;

	*pids = NULL;
	*n = 0;
	if (!dir)
		return 0;
	if (procs_in(dir, pids, n, &cap, 0) < 0) {
		free(*pids);
		*pids = NULL;
		*n = 0;
		return skiff_fail_errno(err, errno ? errno : ENOMEM, "cgroups: list the processes of %s", dir);
	}
	/* An empty cgroup leaves *pids NULL: qsort(NULL, 0) is undefined
	 * (UBSan says so). */
	if (*n > 1)
		qsort(*pids, *n, sizeof(**pids), compare_pids);
	for (size_t i = 0; i < *n; i++)
		if (out == 0 || (*pids)[out - 1] != (*pids)[i])
			(*pids)[out++] = (*pids)[i];
	*n = out;
	return 0;
}

int cgroup_freeze(const cgroup_set *set, bool frozen, skiff_error *err)
{
	const char *v1 = cg_v1_dir(set, "freezer"), *v2 = cg_v2_dir(set);

	if (v1)
		return cg1_freeze(v1, frozen, err);
	if (v2)
		return cg2_freeze(v2, frozen, err);
	return skiff_fail_msg(err, ENOTSUP, "the freezer controller is not available");
}

bool cgroup_frozen(const cgroup_set *set)
{
	const char *v1 = cg_v1_dir(set, "freezer"), *v2 = cg_v2_dir(set);

	if (v1)
		return cg1_frozen(v1);
	return v2 ? cg2_frozen(v2) : false;
}

/* Since Linux 6.1 every task of a v1 FROZEN cgroup is TASK_FROZEN, which
 * /proc reports as uninterruptible ('D').  Before, a task in a freezable
 * sleep (nanosleep, a futex wait) counted as frozen where it slept and
 * read 'S', and a stopped one 'T'. */
static bool frozen_tasks_read_d(void)
{
	unsigned major = 0, minor = 0;
	struct utsname u;

	if (uname(&u) < 0 || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return false;
	return major > 6 || (major == 6 && minor >= 1);
}

bool cgroup_frozen_seen(const cgroup_set *set, char task_state)
{
	/* v2 freezes tasks in a sleep that reads 'S': there, and on older
	 * kernels, the file is always read. */
	if (cg_v1_dir(set, "freezer") && task_state != 'D' && frozen_tasks_read_d())
		return false;
	return cgroup_frozen(set);
}

int cgroup_signal_all(const cgroup_set *set, int signo, skiff_error *err)
{
	const char *v2 = cg_v2_dir(set);
	bool was_frozen = cgroup_frozen(set);
	pid_t *pids;
	size_t n;
	int rc;

	/* cgroup.kill (Linux 5.14) kills the whole tree at once, frozen or not. */
	if (signo == SIGKILL && cg_set_is_unified(set) && cg_file_exists(v2, "cgroup.kill") &&
	    cg_write(v2, "cgroup.kill", "1", NULL, NULL) == 0)
		return 0;
	if (!was_frozen) {
		/* Nothing to signal (delete mostly finds the init gone, and with
		 * it its pid namespace): then no freeze and thaw.  A process
		 * that enters after this look is one that would have entered
		 * after the thaw. */
		if (cgroup_procs(set, &pids, &n, err) < 0)
			return -1;
		free(pids);
		if (n == 0)
			return 0;
		cgroup_freeze(set, true, NULL);
	}
	rc = cgroup_procs(set, &pids, &n, err);
	for (size_t i = 0; rc == 0 && i < n; i++)
		kill(pids[i], signo);
	if (rc == 0)
		free(pids);
	/* A frozen process does not die of SIGKILL until it is thawed; a paused
	 * container stays paused for any other signal. */
	if (!was_frozen || signo == SIGKILL)
		cgroup_freeze(set, false, NULL);
	return rc;
}

/* rmdir dir after the cgroups the container made below it. */
static int remove_cgroup_tree(const char *dir, int depth)
{
	DIR *d;
	struct dirent *de;

	/* Most have no sub-cgroup: then one rmdir is all. */
	if (rmdir(dir) == 0 || errno == ENOENT)
		return 0;
	if (errno != EBUSY && errno != ENOTEMPTY)
		return -1;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -1;
	while (depth < 64 && (de = readdir(d))) {
		char *sub;

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if (asprintf(&sub, "%s/%s", dir, de->d_name) < 0)
			break;
		remove_cgroup_tree(sub, depth + 1);
		free(sub);
	}
	closedir(d);
	return rmdir(dir) < 0 && errno != ENOENT ? -1 : 0;
}

int cgroup_destroy(const cgroup_set *set, skiff_error *err)
{
	int failed_errno = 0;
	const char *failed = NULL;
	skiff_error stop_err;
	bool stop_failed = false;

	if (set->unit) {
		/* Killed first: stopping a scope would send SIGTERM and wait
		 * its stop timeout (90 s) for anything still running.  Then
		 * stopped even when its cgroup is gone: a unit that failed
		 * (an OOM kill fails a scope) stays loaded until reset.  When
		 * systemd cannot be reached at all, removing the directories
		 * is all that can be done (it drops a unit whose cgroup went). */
		if (cgroup_exists(set))
			cgroup_signal_all(set, SIGKILL, NULL);
		stop_failed = cgroup_systemd_stop(set, &stop_err) < 0 &&
			      stop_err.errnum != ENOTCONN && stop_err.errnum != ENOTSUP;
	}
	/* Killed processes leave their cgroups as they exit: retry for ~5 s,
	 * killing again now and then in case one forked meanwhile. */
	for (int round = 0; cgroup_exists(set) && round < 250; round++) {
		if (round % 25 == 0)
			cgroup_signal_all(set, SIGKILL, NULL);
		failed = NULL;
		for (size_t i = 0; i < set->n; i++) {
			trace("cgroup: remove %s", set->dirs[i].value);
			if (remove_cgroup_tree(set->dirs[i].value, 0) < 0) {
				failed = set->dirs[i].value;
				failed_errno = errno;
			}
		}
		if (!failed || failed_errno != EBUSY)
			break;
		sleep_ms(20);
	}
	if (failed)
		return skiff_fail_errno_at(err, failed_errno, failed, "cgroups: remove %s", failed);
	if (stop_failed) {
		/* The state stays, so that a later delete stops it. */
		if (err)
			*err = stop_err;
		return -1;
	}
	return 0;
}
