/*
 * One entry of config.json's mounts[], mounted inside the rootfs, with
 * the plan mount_options.c makes of its options: mount(2) flags and data,
 * propagation changes applied one by one, and recursive attributes applied
 * with mount_setattr(AT_RECURSIVE).
 */
#include <errno.h>
#include <fcntl.h>
#include <libmount/libmount.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"
#include "mount_options.h"

static void fd_path(char *buf, size_t size, int fd)
{
	snprintf(buf, size, "/proc/self/fd/%d", fd);
}

/* The mount now on top of dest, for the steps that act on the new mount. */
static int reopen_target(int rootfd, const char *dest, skiff_error *err)
{
	return path_open_in_root(rootfd, dest, false, false, err);
}

static int finish_mount(int rootfd, const spec_mount *m, const mount_plan *plan, skiff_error *err)
{
	char target[64];
	int fd;

	if (!plan->propagation_len && !plan->has_attr)
		return 0;
	fd = reopen_target(rootfd, m->destination, err);
	if (fd < 0)
		return -1;
	fd_path(target, sizeof(target), fd);
	for (size_t i = 0; i < plan->propagation_len; i++) {
		if (mount(NULL, target, NULL, plan->propagation[i], NULL) < 0) {
			int saved = errno;

			close(fd);
			return skiff_fail_at(err, saved, m->destination, "set propagation of %s",
					     m->destination);
		}
	}
	if (plan->has_attr &&
	    syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &plan->attr,
		    sizeof(plan->attr)) < 0) {
		int saved = errno;

		close(fd);
		return skiff_fail_at(err, saved, m->destination, "set recursive attributes of %s",
				     m->destination);
	}
	close(fd);
	return 0;
}

static int mount_bind(int rootfd, const spec_mount *m, const mount_plan *plan,
		      const rootfs_opts *opts, skiff_error *err)
{
	char target[64], *source;
	struct stat st;
	int fd;

	if (!m->source)
		return skiff_fail_at(err, 0, m->destination, "bind mount %s: no source",
				     m->destination);
	source = path_join(opts->bundle, m->source);
	if (!source)
		return skiff_fail(err, ENOMEM, "bind mount %s", m->destination);
	if (stat(source, &st) < 0) {
		int saved = errno;

		skiff_fail_at(err, saved, m->source, "bind mount %s on %s: stat %s", source,
			      m->destination, source);
		free(source);
		return -1;
	}
	fd = path_open_in_root(rootfd, m->destination, true, !S_ISDIR(st.st_mode), err);
	if (fd < 0) {
		free(source);
		return -1;
	}
	fd_path(target, sizeof(target), fd);
	if (mount(source, target, NULL, MS_BIND | (plan->recursive_bind ? MS_REC : 0), NULL) < 0) {
		int saved = errno;

		close(fd);
		skiff_fail_at(err, saved, m->destination, "bind mount %s on %s", source,
			      m->destination);
		free(source);
		return -1;
	}
	close(fd);
	free(source);
	/* Per-mount flags of a bind take a remount of the new mount. */
	if (plan->flags & ~(unsigned long)MS_REC) {
		fd = reopen_target(rootfd, m->destination, err);
		if (fd < 0)
			return -1;
		fd_path(target, sizeof(target), fd);
		if (mount(NULL, target, NULL, MS_BIND | MS_REMOUNT | plan->flags, NULL) < 0) {
			int saved = errno;

			close(fd);
			return skiff_fail_at(err, saved, m->destination, "remount %s", m->destination);
		}
		close(fd);
	}
	return finish_mount(rootfd, m, plan, err);
}

/* The cgroup filesystem as the container sees it, at dest.  With a cgroup
 * namespace the kernel shows the namespace's root; without one, the host's
 * hierarchy at the init's own cgroup is bound instead. */
static int mount_cgroup_fs(int rootfd, const char *dest, const char *fstype, const char *data,
			   const char *host_dir, unsigned long flags, bool cgroupns,
			   skiff_error *err)
{
	char target[64];
	int fd = path_open_in_root(rootfd, dest, true, false, err);

	if (fd < 0)
		return -1;
	fd_path(target, sizeof(target), fd);
	if (cgroupns) {
		if (mount(fstype, target, fstype, flags, data) < 0) {
			close(fd);
			return skiff_fail(err, errno, "mount %s (%s)", fstype, data ? data : "");
		}
		close(fd);
		return 0;
	}
	if (mount(host_dir, target, NULL, MS_BIND | MS_REC, NULL) < 0) {
		close(fd);
		return skiff_fail(err, errno, "bind mount %s", host_dir);
	}
	close(fd);
	if (!flags)
		return 0;
	fd = reopen_target(rootfd, dest, err);
	if (fd < 0)
		return -1;
	fd_path(target, sizeof(target), fd);
	if (mount(NULL, target, NULL, MS_BIND | MS_REMOUNT | flags, NULL) < 0) {
		close(fd);
		return skiff_fail(err, errno, "remount %s", dest);
	}
	close(fd);
	return 0;
}

static int mount_cgroup(int rootfd, const spec_mount *m, const mount_plan *plan,
			const rootfs_opts *opts, skiff_error *err);

int mount_entry(int rootfd, const spec_mount *m, const rootfs_opts *opts, skiff_error *err)
{
	char target[64];
	mount_plan plan;
	int fd, rc = -1;

	if (mount_plan_make(m->options, m->options_len, m->type, &plan, err) < 0)
		return -1;
	if (plan.bind) {
		rc = mount_bind(rootfd, m, &plan, opts, err);
		goto out;
	}
	if (m->type && !strcmp(m->type, "cgroup")) {
		rc = mount_cgroup(rootfd, m, &plan, opts, err);
		goto out;
	}
	fd = path_open_in_root(rootfd, m->destination, true, false, err);
	if (fd < 0)
		goto out;
	fd_path(target, sizeof(target), fd);
	if (mount(m->source ? m->source : "none", target, m->type, plan.flags, plan.data) < 0) {
		skiff_fail_at(err, errno, m->destination, "mount %s on %s (type %s)",
			      m->source ? m->source : "none", m->destination,
			      m->type ? m->type : "none");
		close(fd);
		goto out;
	}
	close(fd);
	rc = finish_mount(rootfd, m, &plan, err);
out:
	mount_plan_clear(&plan);
	return rc;
}

/* The path of the calling process's cgroup in one v1 hierarchy (or v2: ""). */
static int own_cgroup_path(const char *controllers, char *out, size_t size)
{
	char *text, *line, *save = NULL;

	if (read_file_at(AT_FDCWD, "/proc/self/cgroup", 1 << 20, &text, NULL, NULL) < 0)
		return -1;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *ctrl = strchr(line, ':'), *path;

		if (!ctrl)
			continue;
		path = strchr(++ctrl, ':');
		if (!path)
			continue;
		*path++ = '\0';
		if (!strcmp(ctrl, controllers)) {
			snprintf(out, size, "%s", path);
			free(text);
			return 0;
		}
	}
	free(text);
	return -1;
}

static int mount_cgroup(int rootfd, const spec_mount *m, const mount_plan *plan,
			const rootfs_opts *opts, skiff_error *err)
{
	unsigned long flags = plan->flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC);
	bool cgroupns = opts->new_cgroupns;
	struct libmnt_table *tb = NULL;
	struct libmnt_iter *it = NULL;
	struct libmnt_fs *fs;
	char target[64];
	struct statfs sfs;
	int fd, rc = -1;

	if (statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC) {
		char own[4096], host[4200];

		if (own_cgroup_path("", own, sizeof(own)) < 0)
			snprintf(own, sizeof(own), "/");
		snprintf(host, sizeof(host), "/sys/fs/cgroup%s", own);
		rc = mount_cgroup_fs(rootfd, m->destination, "cgroup2", NULL, host, flags, cgroupns,
				     err);
		return rc < 0 ? skiff_error_prefix(err, "mount %s", m->destination) : 0;
	}
	fd = path_open_in_root(rootfd, m->destination, true, false, err);
	if (fd < 0)
		return -1;
	fd_path(target, sizeof(target), fd);

	/* v1 or hybrid: a tmpfs holding one directory per hierarchy. */
	if (mount("tmpfs", target, "tmpfs", flags & ~(unsigned long)MS_RDONLY, "mode=755") < 0) {
		close(fd);
		return skiff_fail_at(err, errno, m->destination, "mount tmpfs on %s", m->destination);
	}
	close(fd);
	tb = mnt_new_table_from_file("/proc/self/mountinfo");
	it = mnt_new_iter(MNT_ITER_FORWARD);
	if (!tb || !it) {
		skiff_fail(err, ENOMEM, "read /proc/self/mountinfo");
		goto out;
	}
	while (mnt_table_next_fs(tb, it, &fs) == 0) {
		const char *fstype = mnt_fs_get_fstype(fs), *mp = mnt_fs_get_target(fs);
		char sub[4200], own[4096], host[8400], data[256] = "";
		const char *name;
		bool v2;

		if (!fstype || !mp || strncmp(mp, "/sys/fs/cgroup/", 15))
			continue;
		v2 = !strcmp(fstype, "cgroup2");
		if (!v2 && strcmp(fstype, "cgroup"))
			continue;
		name = mp + 15;
		if (!v2) {
			/* Keep the hierarchy's controllers and name=, drop rw/ro and the rest. */
			const char *sopts = mnt_fs_get_fs_options(fs);
			char *copy = sopts ? strdup(sopts) : NULL, *tok, *save = NULL;

			for (tok = copy ? strtok_r(copy, ",", &save) : NULL; tok;
			     tok = strtok_r(NULL, ",", &save)) {
				if (!strcmp(tok, "rw") || !strcmp(tok, "ro") || !strcmp(tok, "xattr") ||
				    !strncmp(tok, "release_agent=", 14) || !strcmp(tok, "noprefix") ||
				    !strcmp(tok, "clone_children"))
					continue;
				snprintf(data + strlen(data), sizeof(data) - strlen(data), "%s%s",
					 data[0] ? "," : "", tok);
			}
			free(copy);
		}
		if (own_cgroup_path(v2 ? "" : data, own, sizeof(own)) < 0)
			snprintf(own, sizeof(own), "/");
		snprintf(host, sizeof(host), "%s%s", mp, own);
		snprintf(sub, sizeof(sub), "%s/%s", m->destination, name);
		rc = mount_cgroup_fs(rootfd, sub, v2 ? "cgroup2" : "cgroup", v2 ? NULL : data, host,
				     flags, cgroupns, err);
		if (rc < 0) {
			skiff_error_prefix(err, "mount %s", sub);
			goto out;
		}
		rc = -1;
	}
	if (flags & MS_RDONLY) {
		fd = reopen_target(rootfd, m->destination, err);
		if (fd < 0)
			goto out;
		fd_path(target, sizeof(target), fd);
		if (mount(NULL, target, NULL, MS_REMOUNT | flags, "mode=755") < 0) {
			skiff_fail_at(err, errno, m->destination, "remount %s read-only", m->destination);
			close(fd);
			goto out;
		}
		close(fd);
	}
	rc = 0;
out:
	mnt_free_iter(it);
	mnt_unref_table(tb);
	return rc;
}
