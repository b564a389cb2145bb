/*
 * A new container's footprint on the host and its undoing
 * (container_setup.h): shared by create and restore, so that both record
 * the same things (the cgroups, the systemd unit, the rootfs bind) and
 * leave nothing behind when they fail.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container_setup.h"

void container_setup_init(container_setup *s, const skiff_context *ctx, const spec_config *cfg)
{
	*s = (container_setup){ .ctx = ctx, .cfg = cfg, .statefd = -1, .pid = -1 };
}

int container_setup_paths(container_setup *s, skiff_error *err)
{
	const char *bundle = s->ctx->bundle ? s->ctx->bundle : ".";
	struct stat st;
	char *joined;

	s->bundle = realpath(bundle, NULL);
	if (!s->bundle)
		return skiff_fail_errno_at(err, errno, bundle, "bundle %s", bundle);
	joined = path_join(s->bundle, s->cfg->root->path);
	if (!joined)
		return skiff_fail_errno(err, ENOMEM, "rootfs");
	s->rootfs = realpath(joined, NULL);
	if (!s->rootfs || stat(s->rootfs, &st) < 0 || !S_ISDIR(st.st_mode)) {
		int saved = s->rootfs ? ENOTDIR : errno;

		skiff_fail_errno_at(err, saved, ".root.path", "rootfs (%s) is not a usable directory", joined);
		free(joined);
		return -1;
	}
	free(joined);
	return 0;
}

/* A copy of the config in the state directory: exec and delete need its
 * process and hooks after the bundle may be gone. */
static int save_config(const container_setup *s, skiff_error *err)
{
	char *json;
	size_t len;
	int rc;

	if (spec_config_serialize(s->cfg, false, &json, &len, err) < 0)
		return -1;
	rc = write_file_atomic(s->statefd, CONFIG_COPY_NAME, json, len, 0600, err);
	free(json);
	return rc;
}

int container_setup_state(container_setup *s, skiff_error *err)
{
	if (state_dir_create(state_root(s->ctx), s->ctx->id, &s->statefd, err) < 0)
		return -1;
	s->dir_made = true;
	debug_stop(s->ctx, "create-after-state-dir");
	if (cgroup_check_unused(&s->cgroups, err) < 0)
		return -1;
	s->cgroups_ours = true;
	/* The cgroup paths are on disk before the cgroups: if we die from
	 * here on, `delete` still finds everything to remove. */
	if (container_setup_record(s, false, NULL, err) < 0 || save_config(s, err) < 0)
		return -1;
	return 0;
}

int container_setup_record(const container_setup *s, bool created, container_record *copy,
			   skiff_error *err)
{
	char created_at[64];
	container_record rec = {
		.id = (char *)s->ctx->id,
		.pid = s->pid > 0 ? s->pid : 0,
		.pid_start_time = s->pid > 0 ? process_start_time(s->pid) : 0,
		.created = created,
		.bundle = s->bundle,
		.rootfs = s->rootfs,
		.created_at = created_at,
		.owner = "",
		.annotations = s->cfg->annotations,
		.annotations_len = s->cfg->annotations_len,
		.cgroup_paths = s->cgroups.dirs,
		.cgroup_paths_len = s->cgroups.n,
		.systemd_unit = s->cgroups.unit,
		.systemd_user = s->cgroups.user_manager,
		.rootfs_mount_id = s->rootfs_mount_id,
	};

	rfc3339_now(created_at, sizeof(created_at));
	if (state_write(s->statefd, &rec, err) < 0)
		return -1;
	return copy ? state_copy(&rec, copy, err) : 0;
}

int container_setup_cgroups(container_setup *s, skiff_error *err)
{
	skiff_error cgroup_err;

	/* systemd makes the unit's cgroups once the init exists, to hold it. */
	if (s->cgroups.unit || cgroup_create(&s->cgroups, s->cfg, &cgroup_err) == 0)
		return 0;
	if (!cgroup_optional(s->cfg, context_rootless(s->ctx), &cgroup_err)) {
		if (err)
			*err = cgroup_err;
		return -1;
	}
	/* Rootless, allowed no cgroups and asking for no limits: it runs in
	 * the caller's cgroups, as with runc. */
	cgroup_destroy(&s->cgroups, NULL);
	cgroup_set_free(&s->cgroups);
	return container_setup_record(s, false, NULL, err);
}

int container_setup_unit(container_setup *s, pid_t pid, skiff_error *err)
{
	if (!s->cgroups.unit)
		return 0;
	return cgroup_systemd_start(&s->cgroups, s->cfg, s->ctx->id, pid, err);
}

int container_setup_pid_file(const container_setup *s, skiff_error *err)
{
	if (!s->ctx->pid_file)
		return 0;
	return pid_file_write(s->ctx->pid_file, s->pid, err);
}

void container_setup_rollback(container_setup *s)
{
	/* Only cgroups that no other container uses: the processes left in
	 * them are killed. */
	if (s->cgroups_ours)
		cgroup_destroy(&s->cgroups, NULL);
	s->cgroups_ours = false;
	if (s->dir_made)
		state_dir_remove(state_root(s->ctx), s->ctx->id, NULL);
	s->dir_made = false;
}

void container_setup_release(container_setup *s)
{
	fd_release(&s->statefd);
	cgroup_set_free(&s->cgroups);
	free(s->bundle);
	free(s->rootfs);
	s->bundle = s->rootfs = NULL;
}

spec_config *container_saved_config(int dirfd, skiff_error *err)
{
	spec_config *cfg = NULL;
	size_t len;
	char *json;

	if (read_file_at(dirfd, CONFIG_COPY_NAME, SPEC_MAX_SIZE, &json, &len, err) < 0)
		return NULL;
	if (spec_parse_config(json, len, CONFIG_COPY_NAME, &cfg, err) < 0)
		cfg = NULL;
	free(json);
	return cfg;
}
