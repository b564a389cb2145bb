/*
 * Idmapped bind mounts: mounts[] entries with uidMappings/gidMappings, or
 * the options "idmap" / "ridmap" of runc 1.2 (then the container's own
 * linux.uidMappings/gidMappings apply).  A file owned by containerID on
 * disk shows up as hostID through the mount, so that inside a user
 * namespace mapping hostID back, it has its on-disk owner again.
 *
 * The kernel idmaps only a detached mount, and only for a caller with
 * CAP_SYS_ADMIN over the filesystem, which the init of a user namespace
 * lacks.  So the runtime makes each one before the init exists:
 *   1. a user namespace holding the mappings, from a short-lived child
 *      (its /proc/<pid>/ns/user kept open, the child killed);
 *   2. open_tree(OPEN_TREE_CLONE) of the source: a detached copy;
 *   3. mount_setattr(MOUNT_ATTR_IDMAP) with that namespace ("ridmap":
 *      AT_RECURSIVE, every submount too);
 * and the init, which inherits the detached tree's fd, moves it onto the
 * destination with move_mount().
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

static bool has_option(const spec_mount *m, const char *name)
{
	for (size_t i = 0; i < m->options_len; i++)
		if (!strcmp(m->options[i], name))
			return true;
	return false;
}

bool mount_is_idmapped(const spec_mount *m)
{
	return spec_mount_idmap(m) != 0;
}

/* A user namespace with these mappings, as an open fd of it. */
static int make_userns(const spec_id_mapping *uids, size_t nuids, const spec_id_mapping *gids,
		       size_t ngids, skiff_error *err)
{
	struct clone_args args = { .flags = CLONE_NEWUSER, .exit_signal = SIGCHLD };
	char path[64];
	int pipefd[2], fd = -1;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return skiff_fail_errno(err, errno, "idmapped mount: pipe");
	pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	if (pid == 0) {
		char byte;

		/* Only a holder of the namespace: wait for the runtime to be done. */
		close(pipefd[1]);
		while (read(pipefd[0], &byte, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(pipefd[0]);
	if (pid < 0) {
		close(pipefd[1]);
		return skiff_fail_errno(err, errno, "idmapped mount: create a user namespace");
	}
	if (userns_write_maps(pid, uids, nuids, gids, ngids, err) == 0) {
		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			skiff_fail_errno(err, errno, "idmapped mount: open %s", path);
	}
	close(pipefd[1]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return fd;
}

/* The detached, idmapped copy of m's source. */
static int idmapped_tree(const spec_mount *m, size_t index, const spec_config *cfg,
			 const char *bundle, skiff_error *err)
{
	const spec_linux *lx = cfg->linux_;
	const spec_id_mapping *uids = m->uid_mappings, *gids = m->gid_mappings;
	size_t nuids = m->uid_mappings_len, ngids = m->gid_mappings_len;
	bool recursive = spec_mount_idmap(m) == 2;
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP };
	char *source;
	int tree, userns;

	/* A bind, with mappings of its own or the container's (spec/validate.c). */
	if (!nuids && !ngids && lx) {
		/* "idmap" alone: the container's own mappings. */
		uids = lx->uid_mappings;
		nuids = lx->uid_mappings_len;
		gids = lx->gid_mappings;
		ngids = lx->gid_mappings_len;
	}
	if (!nuids || !ngids)
	{
		char path[32];

		snprintf(path, sizeof(path), ".mounts[%zu]", index);
		return skiff_fail_config(err, EINVAL, path, "no id mappings for an idmapped mount");
	}
	source = path_join(bundle, m->source ? m->source : "");
	if (!source)
		return skiff_fail_errno(err, ENOMEM, "idmapped mount");
	tree = (int)syscall(SYS_open_tree, AT_FDCWD, source,
			    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
				    (recursive || has_option(m, "rbind") ? AT_RECURSIVE : 0));
	if (tree < 0) {
		skiff_fail_errno_at(err, errno, m->source, "mounts[%zu]: idmapped mount of %s: open_tree", index,
			      source);
		free(source);
		return -1;
	}
	userns = make_userns(uids, nuids, gids, ngids, err);
	if (userns < 0) {
		close(tree);
		free(source);
		return skiff_error_prefix(err, "mounts[%zu]", index);
	}
	attr.userns_fd = (uint64_t)userns;
	if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0),
		    &attr, sizeof(attr)) < 0) {
		skiff_fail_errno_at(err, errno, m->source,
			      "mounts[%zu]: idmap %s (does its filesystem support idmapped mounts?)",
			      index, source);
		close(tree);
		tree = -1;
	}
	close(userns);
	free(source);
	return tree;
}

int idmap_prepare_mounts(const spec_config *cfg, const char *bundle, int **trees_out,
			 skiff_error *err)
{
	int *trees = NULL;

	*trees_out = NULL;
	for (size_t i = 0; i < cfg->mounts_len; i++) {
		if (!spec_mount_idmap(&cfg->mounts[i]))
			continue;
		if (!trees) {
			trees = malloc(cfg->mounts_len * sizeof(*trees));
			if (!trees)
				return skiff_fail_errno(err, ENOMEM, "idmapped mounts");
			for (size_t j = 0; j < cfg->mounts_len; j++)
				trees[j] = -1;
		}
		trees[i] = idmapped_tree(&cfg->mounts[i], i, cfg, bundle, err);
		if (trees[i] < 0) {
			mounts_close_sources(trees, cfg->mounts_len);
			return -1;
		}
	}
	*trees_out = trees;
	return 0;
}

int idmap_attach(int tree, int target_fd, const char *dest, skiff_error *err)
{
	if (syscall(SYS_move_mount, tree, "", target_fd, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return skiff_fail_errno_at(err, errno, dest, "attach the idmapped mount on %s", dest);
	return 0;
}
