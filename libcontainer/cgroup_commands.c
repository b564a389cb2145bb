/*
 * The commands that act through a container's cgroups: update, pause,
 * resume, the process list (ps), statistics and OOM notifications (events).
 * Each finds the cgroups in the container's record; runc's wordings are
 * kept for the errors engines match ("container not running", ...).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups.h"
#include "internal.h"

typedef struct live_container {
	int dirfd;
	container_record rec;
	skiff_status status;
	cgroup_set cgroups; /* borrowed from rec */
} live_container;

static void close_live(live_container *c)
{
	container_record_clear(&c->rec);
	close(c->dirfd);
}

/* Open the container; fail unless it has cgroups on disk. */
static int open_live(const skiff_context *ctx, bool lock, live_container *c, skiff_error *err)
{
	if (container_open(ctx, lock, &c->dirfd, &c->rec, &c->status, err) < 0)
		return -1;
	if (container_check_cgroups(c->dirfd, ctx->id, &c->rec, err) < 0) {
		close_live(c);
		return -1;
	}
	c->cgroups = cgroup_set_of(&c->rec);
	if (c->status == SKIFF_STATUS_STOPPED)
		return 0;
	if (!c->cgroups.n || !cgroup_exists(&c->cgroups)) {
		close_live(c);
		return skiff_fail_msg(err, ENOENT, "container %s has no cgroups", ctx->id);
	}
	return 0;
}

int skiff_container_update(const skiff_context *ctx, const spec_resources *r, skiff_error *err)
{
	TRACE_SCOPE(ctx);
	live_container c;
	int rc = -1;

	if (open_live(ctx, true, &c, err) < 0)
		return -1;
	if (c.status == SKIFF_STATUS_STOPPED)
		skiff_fail_msg(err, EINVAL, "container not running");
	else
		rc = cgroup_update(&c.cgroups, r, err);
	close_live(&c);
	return rc;
}

int skiff_container_pause(const skiff_context *ctx, skiff_error *err)
{
	TRACE_SCOPE(ctx);
	live_container c;
	int rc = -1;

	if (open_live(ctx, true, &c, err) < 0)
		return -1;
	if (c.status != SKIFF_STATUS_RUNNING && c.status != SKIFF_STATUS_CREATED)
		skiff_fail_msg(err, EINVAL, "container not running");
	else
		rc = cgroup_freeze(&c.cgroups, true, err);
	close_live(&c);
	return rc;
}

int skiff_container_resume(const skiff_context *ctx, skiff_error *err)
{
	TRACE_SCOPE(ctx);
	live_container c;
	int rc = -1;

	if (open_live(ctx, true, &c, err) < 0)
		return -1;
	if (c.status != SKIFF_STATUS_PAUSED)
		skiff_fail_msg(err, EINVAL, "container not paused");
	else
		rc = cgroup_freeze(&c.cgroups, false, err);
	close_live(&c);
	return rc;
}

int skiff_container_pids(const skiff_context *ctx, pid_t **pids, size_t *n, skiff_error *err)
{
	live_container c;
	int rc;

	*pids = NULL;
	*n = 0;
	if (open_live(ctx, false, &c, err) < 0)
		return -1;
	/* A stopped container may still have processes (no pid namespace). */
	rc = cgroup_exists(&c.cgroups) ? cgroup_procs(&c.cgroups, pids, n, err) : 0;
	close_live(&c);
	return rc;
}

int skiff_container_stats(const skiff_context *ctx, skiff_stats **out, skiff_error *err)
{
	skiff_stats *st;
	live_container c;
	int rc = -1;

	if (open_live(ctx, false, &c, err) < 0)
		return -1;
	if (c.status == SKIFF_STATUS_STOPPED) {
		skiff_fail_msg(err, EINVAL, "container with id %s is not running", ctx->id);
		goto out;
	}
	st = calloc(1, sizeof(*st));
	if (!st) {
		skiff_fail_errno(err, ENOMEM, "read statistics");
		goto out;
	}
	if (cgroup_stats(&c.cgroups, st, err) < 0) {
		skiff_stats_free(st);
		goto out;
	}
	*out = st;
	rc = 0;
out:
	close_live(&c);
	return rc;
}

int skiff_oom_watch_open(const skiff_context *ctx, skiff_oom_watch **out, skiff_error *err)
{
	live_container c;
	int rc = -1;

	if (open_live(ctx, false, &c, err) < 0)
		return -1;
	if (c.status == SKIFF_STATUS_STOPPED)
		skiff_fail_msg(err, EINVAL, "container with id %s is not running", ctx->id);
	else
		rc = cgroup_oom_watch(&c.cgroups, out, err);
	close_live(&c);
	return rc;
}
