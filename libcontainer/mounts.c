/*
 * One entry of config.json's mounts[], mounted inside the rootfs, with
 * the plan mount_options.c makes of its options: mount(2) flags and data,
 * propagation changes applied one by one, and recursive attributes applied
 * with mount_setattr(AT_RECURSIVE).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"
#include "libmount_load.h"
#include "mount_facts.h"
#include "mount_options.h"

static void fd_path(char *buf, size_t size, int fd)
{
	snprintf(buf, size, "/proc/self/fd/%d", fd);
}

static bool has_prefix_dir(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == '\0');
}

static bool fd_is_procfs(int fd)
{
	struct statfs sfs;

	return fstatfs(fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC;
}

/*
 * runc's rules against hiding procfs from the runtime (CVE-2019-16884):
 * nothing but a procfs goes on /proc, and nothing at all inside it except
 * the few files that lxcfs-like tools replace.  Checked on where the
 * destination really is once symlinks are resolved, which is what fd is.
 * A bind (bind_src, else -1) counts by what it binds, whatever its "type"
 * says: {"type": "proc", "options": ["bind"]} of a host directory once put
 * that directory on /proc, and the init then wrote sysctls into it.
 */
static int check_proc_target(int fd, const spec_mount *m, int bind_src, const rootfs_opts *opts,
			     skiff_error *err)
{
	static const char *const allowed[] = {
		"/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat",
		"/proc/swaps",   "/proc/uptime",    "/proc/loadavg", "/proc/slabinfo",
		"/proc/net/dev", "/proc/sys/kernel/ns_last_pid",
	};
	char where[PATH_MAX];

	if (path_in_root(fd, opts->rootfs, where, sizeof(where)) < 0)
		return skiff_fail_errno_at(err, errno, m->destination, "resolve %s", m->destination);
	if (!has_prefix_dir(where, "/proc"))
		return 0;
	if (!strcmp(where, "/proc")) {
		if (bind_src >= 0 ? fd_is_procfs(bind_src) : m->type && !strcmp(m->type, "proc"))
			return 0;
		return skiff_fail_msg_at(err, EPERM, m->destination,
				     "%s cannot be mounted because it is not of type proc",
				     m->destination);
	}
	for (size_t i = 0; i < ARRAY_SIZE(allowed); i++)
		if (!strcmp(where, allowed[i]))
			return 0;
	return skiff_fail_msg_at(err, EPERM, m->destination,
			     "%s cannot be mounted because it is inside /proc", m->destination);
}

/* The destination of m inside the rootfs, made when missing (a file when
 * as_file), and checked against the procfs rules (bind_src: as there). */
static int open_target(int rootfd, const spec_mount *m, bool as_file, int bind_src,
		       const rootfs_opts *opts, skiff_error *err)
{
	bool pseudo = m->type && (!strcmp(m->type, "proc") || !strcmp(m->type, "sysfs"));
	struct stat st;
	int fd;

	/* Mounting through a symlink planted in the rootfs is how a volume
	 * once replaced /proc: proc and sysfs want an ordinary directory. */
	if (pseudo && path_lstat_in_root(rootfd, m->destination, &st) == 0 && !S_ISDIR(st.st_mode))
		return skiff_fail_msg_at(err, ENOTDIR, m->destination,
				     "filesystem \"%s\" must be mounted on ordinary directory (%s is not one)",
				     m->type, m->destination);
	fd = path_open_in_root(rootfd, m->destination, true, as_file, err);
	if (fd < 0)
		return -1;
	if (check_proc_target(fd, m, bind_src, opts, err) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The mount now on top of dest, for the steps that act on the new mount. */
static int reopen_target(int rootfd, const char *dest, skiff_error *err)
{
	return path_open_in_root(rootfd, dest, false, false, err);
}

/* What a mount put on /proc must be a procfs, checked again on the mount
 * now there, whichever way (and by whichever type or option) it came. */
static int verify_proc_mount(int rootfd, const spec_mount *m, const rootfs_opts *opts,
			     skiff_error *err)
{
	char where[PATH_MAX];
	int fd = reopen_target(rootfd, m->destination, err), rc = 0;

	if (fd < 0)
		return -1;
	if (path_in_root(fd, opts->rootfs, where, sizeof(where)) == 0 && !strcmp(where, "/proc") &&
	    !fd_is_procfs(fd))
		rc = skiff_fail_msg_at(err, EPERM, m->destination,
					"%s cannot be mounted because it is not of type proc",
					m->destination);
	close(fd);
	return rc;
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
			return skiff_fail_errno_at(err, saved, m->destination, "set propagation of %s",
					     m->destination);
		}
	}
	if (plan->has_attr &&
	    syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &plan->attr,
		    sizeof(plan->attr)) < 0) {
		int saved = errno;

		close(fd);
		return skiff_fail_errno_at(err, saved, m->destination, "set recursive attributes of %s",
				     m->destination);
	}
	close(fd);
	return 0;
}

int mounts_open_sources(const spec_config *cfg, const char *bundle, int **fds_out,
			skiff_error *err)
{
	int *fds = calloc(cfg->mounts_len ? cfg->mounts_len : 1, sizeof(*fds));

	if (!fds)
		return skiff_fail_errno(err, ENOMEM, "open mount sources");
	for (size_t i = 0; i < cfg->mounts_len; i++)
		fds[i] = -1;
	for (size_t i = 0; i < cfg->mounts_len; i++) {
		const spec_mount *m = &cfg->mounts[i];
		char *source;

		/* Idmapped ones come ready from the runtime (idmap.c). */
		if (!m->source || !spec_mount_is_bind(m) || mount_is_idmapped(m))
			continue;
		source = path_join(bundle, m->source);
		if (!source) {
			mounts_close_sources(fds, cfg->mounts_len);
			return skiff_fail_errno(err, ENOMEM, "open mount sources");
		}
		fds[i] = open(source, O_PATH | O_CLOEXEC);
		if (fds[i] < 0) {
			skiff_fail_errno_at(err, errno, m->source, "mounts[%zu]: bind mount %s on %s: stat %s",
				      i, source, m->destination, source);
			free(source);
			mounts_close_sources(fds, cfg->mounts_len);
			return -1;
		}
		free(source);
	}
	*fds_out = fds;
	return 0;
}

void mounts_close_sources(int *fds, size_t n)
{
	for (size_t i = 0; fds && i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
}

/* A bind takes its per-mount flags (ro, nosuid...) from a remount of the
 * new mount, then the attributes and propagation asked for. */
static int finish_bind(int rootfd, const spec_mount *m, const mount_plan *plan, skiff_error *err)
{
	char target[64];
	int fd;

	if (plan->flags & ~(unsigned long)MS_REC) {
		fd = reopen_target(rootfd, m->destination, err);
		if (fd < 0)
			return -1;
		fd_path(target, sizeof(target), fd);
		if (mount(NULL, target, NULL, MS_BIND | MS_REMOUNT | plan->flags | mount_locked_flags(target),
			  NULL) < 0) {
			int saved = errno;

			close(fd);
			return skiff_fail_errno_at(err, saved, m->destination, "remount %s", m->destination);
		}
		close(fd);
	}
	return finish_mount(rootfd, m, plan, err);
}

/* A bind mount's source comes as an fd the runtime opened on the host
 * (source_fd), or else as a path opened here (before pivot_root, so
 * /proc/self/fd is still the runtime's own procfs). */
static int mount_bind(int rootfd, const spec_mount *m, int source_fd, const mount_plan *plan,
		      const rootfs_opts *opts, skiff_error *err)
{
	char target[64], from[64], *source;
	int fd, own = -1, rc = -1;
	struct stat st;

	if (!m->source)
		return skiff_fail_msg_at(err, 0, m->destination, "bind mount %s: no source",
				     m->destination);
	source = path_join(opts->bundle, m->source);
	if (!source)
		return skiff_fail_errno(err, ENOMEM, "bind mount %s", m->destination);
	if (source_fd < 0)
		source_fd = own = open(source, O_PATH | O_CLOEXEC);
	if (source_fd < 0 || fstat(source_fd, &st) < 0) {
		skiff_fail_errno_at(err, errno, m->source, "bind mount %s on %s: stat %s", source,
			      m->destination, source);
		goto out;
	}
	fd = open_target(rootfd, m, !S_ISDIR(st.st_mode), source_fd, opts, err);
	if (fd < 0)
		goto out;
	fd_path(target, sizeof(target), fd);
	fd_path(from, sizeof(from), source_fd);
	if (mount(from, target, NULL, MS_BIND | (plan->recursive_bind ? MS_REC : 0), NULL) < 0) {
		skiff_fail_errno_at(err, errno, m->destination, "bind mount %s on %s", source,
			      m->destination);
		close(fd);
		goto out;
	}
	close(fd);
	rc = finish_bind(rootfd, m, plan, err);
out:
	if (own >= 0)
		close(own);
	free(source);
	return rc;
}

/* The detached idmapped tree the runtime made, moved onto the destination,
 * then given the per-mount flags and attributes asked for like a bind. */
static int mount_idmapped(int rootfd, const spec_mount *m, int tree, const mount_plan *plan,
			  const rootfs_opts *opts, skiff_error *err)
{
	struct stat st;
	int fd;

	if (fstat(tree, &st) < 0)
		return skiff_fail_errno_at(err, errno, m->destination, "idmapped mount on %s", m->destination);
	fd = open_target(rootfd, m, !S_ISDIR(st.st_mode), tree, opts, err);
	if (fd < 0)
		return -1;
	if (idmap_attach(tree, fd, m->destination, err) < 0) {
		close(fd);
		return -1;
	}
	close(fd);
	return finish_bind(rootfd, m, plan, err);
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
		/* runc's source names: "systemd" for name=systemd */
		const char *source = data && !strcmp(data, "name=systemd") ? "systemd" : fstype;

		if (mount(source, target, fstype, flags, data) < 0) {
			close(fd);
			return skiff_fail_errno(err, errno, "mount %s (%s)", fstype, data ? data : "");
		}
		close(fd);
		return 0;
	}
	if (mount(host_dir, target, NULL, MS_BIND | MS_REC, NULL) < 0) {
		close(fd);
		return skiff_fail_errno(err, errno, "bind mount %s", host_dir);
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
		return skiff_fail_errno(err, errno, "remount %s", dest);
	}
	close(fd);
	return 0;
}

static int mount_cgroup(int rootfd, const spec_mount *m, const mount_plan *plan,
			const rootfs_opts *opts, skiff_error *err);

/* The mount of a tmpfs at m's destination made read-only (a bind
 * remount, keeping its other flags), its filesystem left writable. */
static int tmpfs_readonly(int rootfd, const spec_mount *m, skiff_error *err)
{
	char target[64];
	int fd = reopen_target(rootfd, m->destination, err), rc;

	if (fd < 0)
		return -1;
	fd_path(target, sizeof(target), fd);
	rc = remount_readonly(target, err);
	close(fd);
	return rc < 0 ? skiff_error_prefix(err, "%s", m->destination) : 0;
}

/* tmpcopyup: fill the new tmpfs from the directory it hides (from). */
static int copy_up(int rootfd, const spec_mount *m, int from, skiff_error *err)
{
	int fd = reopen_target(rootfd, m->destination, err), to, rc;

	if (fd < 0)
		return -1;
	to = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (to < 0) {
		close(fd);
		return skiff_fail_errno_at(err, errno, m->destination, "tmpcopyup: open %s", m->destination);
	}
	rc = tmpfs_copy_up(from, to, err);
	close(to);
	close(fd);
	return rc < 0 ? skiff_error_prefix(err, "%s", m->destination) : 0;
}

/* A user namespace may mount a sysfs only with a network namespace of its
 * own; without one, like runc, the host's /sys is bound recursively with
 * the flags asked for (ro, nosuid, ...). */
static int mount_host_sysfs(int rootfd, const spec_mount *m, mount_plan *plan,
			    const rootfs_opts *opts, skiff_error *err)
{
	spec_mount bind = *m;

	bind.source = "/sys";
	bind.type = "bind";
	trace("mount sysfs on %s refused: bind the host's /sys there instead", m->destination);
	plan->bind = true;
	plan->recursive_bind = true;
	return mount_bind(rootfd, &bind, -1, plan, opts, err);
}

int mount_entry(int rootfd, const spec_mount *m, size_t index, const rootfs_opts *opts,
		skiff_error *err)
{
	int source_fd = opts->mount_sources ? opts->mount_sources[index] : -1;
	int tree = opts->idmapped ? opts->idmapped[index] : -1;

	char target[64];
	mount_plan plan;
	int fd, copy_from = -1, rc = -1;
	bool tmpfs_ro;

	if (mount_plan_make(m->options, m->options_len, m->type, &plan, err) < 0)
		return -1;
	if (trace_active()) {
		char flags[256];

		trace("mount %s on %s (type %s%s, flags %s%s%s)", m->source ? m->source : "none",
		      m->destination, m->type ? m->type : "none",
		      plan.bind ? (plan.recursive_bind ? ", rbind" : ", bind") : "",
		      trace_mount_flags(plan.flags, flags, sizeof(flags)), plan.data ? ", data " : "",
		      plan.data ? plan.data : "");
	}
	if (plan.bind) {
		rc = tree >= 0 ? mount_idmapped(rootfd, m, tree, &plan, opts, err)
			       : mount_bind(rootfd, m, source_fd, &plan, opts, err);
		goto out;
	}
	if (m->type && !strcmp(m->type, "cgroup")) {
		rc = mount_cgroup(rootfd, m, &plan, opts, err);
		goto out;
	}
	/* Made read-only last (rootfs_finish), once what goes in it is in. */
	if (rootfs_dev_readonly(m))
		plan.flags &= ~(unsigned long)MS_RDONLY;
	/* A read-only tmpfs is mounted writable (and filled, with
	 * tmpcopyup), then its mount made read-only, not its filesystem:
	 * runc's mountPropagate and remountReadonly. */
	tmpfs_ro = m->type && !strcmp(m->type, "tmpfs") && (plan.flags & MS_RDONLY);
	/* "remount" (config.md#linux-mount-options: MUST), with mount(8)'s
	 * meaning: new flags for what an earlier entry mounted there. */
	if (plan.flags & MS_REMOUNT) {
		fd = reopen_target(rootfd, m->destination, err);
		if (fd < 0)
			goto out;
		fd_path(target, sizeof(target), fd);
		if (mount(NULL, target, NULL, plan.flags & ~(tmpfs_ro ? (unsigned long)MS_RDONLY : 0UL),
			  plan.data) < 0)
			skiff_fail_errno_at(err, errno, m->destination, "remount %s", m->destination);
		else if (!tmpfs_ro || tmpfs_readonly(rootfd, m, err) == 0)
			rc = finish_mount(rootfd, m, &plan, err);
		close(fd);
		goto out;
	}
	fd = open_target(rootfd, m, false, -1, opts, err);
	if (fd < 0)
		goto out;
	fd_path(target, sizeof(target), fd);
	if (opts->mount_label && lsm_mount_takes_label(m->type)) {
		char *labelled;

		if (lsm_mount_data(plan.data, opts->mount_label, &labelled) < 0) {
			close(fd);
			skiff_fail_errno(err, ENOMEM, "mount label");
			goto out;
		}
		free(plan.data);
		plan.data = labelled;
	}
	copy_from = -1;
	if (plan.tmpcopyup && m->type && !strcmp(m->type, "tmpfs")) {
		/* What the tmpfs will hide, opened while we can still see it. */
		copy_from = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (copy_from < 0) {
			skiff_fail_errno_at(err, errno, m->destination, "tmpcopyup: open %s", m->destination);
			close(fd);
			goto out;
		}
	}
	if (mount(m->source ? m->source : "none", target, m->type,
		  plan.flags & ~(tmpfs_ro ? (unsigned long)MS_RDONLY : 0UL), plan.data) < 0) {
		if (m->type && !strcmp(m->type, "sysfs") && (errno == EPERM || errno == EBUSY)) {
			close(fd);
			rc = mount_host_sysfs(rootfd, m, &plan, opts, err);
			goto out;
		}
		skiff_fail_errno_at(err, errno, m->destination, "mount %s on %s (type %s)",
			      m->source ? m->source : "none", m->destination,
			      m->type ? m->type : "none");
		close(fd);
		goto out;
	}
	close(fd);
	if (copy_from >= 0 && copy_up(rootfd, m, copy_from, err) < 0)
		goto out;
	if (tmpfs_ro && tmpfs_readonly(rootfd, m, err) < 0)
		goto out;
	rc = finish_mount(rootfd, m, &plan, err);
out:
	if (copy_from >= 0)
		close(copy_from);
	mount_plan_clear(&plan);
	if (rc == 0)
		rc = verify_proc_mount(rootfd, m, opts, err);
	return rc;
}

/* The path of the calling process's cgroup in one v1 hierarchy (or v2: "")
 * as /proc/self/cgroup (its text, read once by the caller) says. */
static int own_cgroup_path(const char *proc_cgroup, const char *controllers, char *out,
			   size_t size)
{
	size_t want = strlen(controllers);

	for (const char *line = proc_cgroup; line && *line;) {
		const char *end = strchrnul(line, '\n'), *ctrl = memchr(line, ':', (size_t)(end - line));
		const char *path = ctrl ? memchr(ctrl + 1, ':', (size_t)(end - ctrl - 1)) : NULL;

		if (path && (size_t)(path - ctrl - 1) == want && !strncmp(ctrl + 1, controllers, want)) {
			snprintf(out, size, "%.*s", (int)(end - path - 1), path + 1);
			return 0;
		}
		line = *end ? end + 1 : NULL;
	}
	return -1;
}

/* What a cgroup mount recreates of the host's hierarchies, in the
 * container's tmpfs at m->destination. */
typedef struct hierarchy_mounter {
	int rootfd;
	const spec_mount *m;
	const char *proc_cgroup; /* the text of /proc/self/cgroup */
	unsigned long flags;
	bool cgroupns;
} hierarchy_mounter;

/* Adds one option of a v1 mount to the hierarchy's data: its controllers
 * and name=, without rw/ro and the options of the host's own choosing. */
static void add_hierarchy_option(const char *opt, size_t len, char *data, size_t size)
{
	static const char *const dropped[] = { "rw", "ro", "xattr", "noprefix", "clone_children" };
	size_t used = strlen(data);

	for (size_t i = 0; i < sizeof(dropped) / sizeof(*dropped); i++)
		if (strlen(dropped[i]) == len && !strncmp(opt, dropped[i], len))
			return;
	if (len >= 14 && !strncmp(opt, "release_agent=", 14))
		return;
	snprintf(data + used, size - used, "%s%.*s", used ? "," : "", (int)len, opt);
}

/* One host mount of a hierarchy (type fstype at mp, below
 * /sys/fs/cgroup/): the container gets it at the same name, showing the
 * runtime's own cgroup there (or, with a cgroup namespace, its own). */
static int mount_hierarchy(const hierarchy_mounter *hm, const char *fstype, const char *mp,
			   const char *data, skiff_error *err)
{
	char sub[4200], own[4096], host[8400];
	bool v2 = !strcmp(fstype, "cgroup2");

	if (own_cgroup_path(hm->proc_cgroup, v2 ? "" : data, own, sizeof(own)) < 0)
		snprintf(own, sizeof(own), "/");
	snprintf(host, sizeof(host), "%s%s", mp, own);
	snprintf(sub, sizeof(sub), "%s/%s", hm->m->destination, mp + 15);
	if (mount_cgroup_fs(hm->rootfd, sub, fstype, v2 ? NULL : data, host, hm->flags, hm->cgroupns,
			    err) < 0)
		return skiff_error_prefix(err, "mount %s", sub);
	return 0;
}

static bool is_hierarchy_mount(const char *fstype, const char *mp)
{
	return fstype && mp && !strncmp(mp, "/sys/fs/cgroup/", 15) &&
	       (!strcmp(fstype, "cgroup") || !strcmp(fstype, "cgroup2"));
}

/* Each hierarchy mounted below /sys/fs/cgroup, as listmount and statmount
 * describe them, without reading the mount table: false when the kernel
 * cannot (listmount came in Linux 6.8, option arrays in 6.14). */
static bool mount_hierarchies_listed(const hierarchy_mounter *hm, int *rc, skiff_error *err)
{
	mount_facts *below;
	size_t n;
	bool listed = mount_facts_below("/sys/fs/cgroup", &below, &n), described = listed;

	for (size_t i = 0; described && i < n; i++)
		if (!strcmp(below[i].fstype, "cgroup") && below[i].n_options == 0)
			described = false; /* a v1 hierarchy has options: not listed */
	*rc = 0;
	for (size_t i = 0; described && i < n && *rc == 0; i++) {
		const mount_facts *f = &below[i];
		const char *opt = f->options;
		char data[256] = "";

		if (!is_hierarchy_mount(f->fstype, f->point))
			continue;
		for (size_t j = 0; j < f->n_options; opt += strlen(opt) + 1, j++)
			add_hierarchy_option(opt, strlen(opt), data, sizeof(data));
		*rc = mount_hierarchy(hm, f->fstype, f->point, data, err);
	}
	if (listed)
		mount_facts_free_all(below, n);
	return described;
}

static int mount_hierarchies_in_table(const hierarchy_mounter *hm, skiff_error *err)
{
	struct libmnt_table *tb = mnt_new_table_from_file("/proc/self/mountinfo");
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	struct libmnt_fs *fs;
	int rc = 0;

	if (!tb || !it)
		rc = skiff_fail_errno(err, ENOMEM, "read /proc/self/mountinfo");
	while (rc == 0 && mnt_table_next_fs(tb, it, &fs) == 0) {
		const char *fstype = mnt_fs_get_fstype(fs), *mp = mnt_fs_get_target(fs);
		char *opts = (char *)mnt_fs_get_fs_options(fs), *name, *value, data[256] = "";
		size_t namesz, valuesz;

		if (!is_hierarchy_mount(fstype, mp))
			continue;
		while (opts && !strcmp(fstype, "cgroup") &&
		       mnt_optstr_next_option(&opts, &name, &namesz, &value, &valuesz) == 0)
			add_hierarchy_option(name, value ? (size_t)(value + valuesz - name) : namesz,
					     data, sizeof(data));
		rc = mount_hierarchy(hm, fstype, mp, data, err);
	}
	mnt_free_iter(it);
	mnt_unref_table(tb);
	return rc;
}

static int mount_cgroup(int rootfd, const spec_mount *m, const mount_plan *plan,
			const rootfs_opts *opts, skiff_error *err)
{
	hierarchy_mounter hm = {
		.rootfd = rootfd,
		.m = m,
		.flags = plan->flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC),
		.cgroupns = opts->new_cgroupns,
	};
	char target[64];
	struct statfs sfs;
	char *proc_cgroup = NULL;
	int fd, rc = -1;

	/* The procfs rules hold for a cgroup mount as for any other. */
	fd = open_target(rootfd, m, false, -1, opts, err);
	if (fd < 0)
		return -1;
	if (read_file_at(AT_FDCWD, "/proc/self/cgroup", 1 << 20, &proc_cgroup, NULL, NULL) < 0)
		proc_cgroup = NULL;
	hm.proc_cgroup = proc_cgroup;
	if (statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC) {
		char own[4096], host[4200];

		close(fd);
		if (own_cgroup_path(proc_cgroup, "", own, sizeof(own)) < 0)
			snprintf(own, sizeof(own), "/");
		snprintf(host, sizeof(host), "/sys/fs/cgroup%s", own);
		rc = mount_cgroup_fs(rootfd, m->destination, "cgroup2", NULL, host, hm.flags,
				     hm.cgroupns, err);
		free(proc_cgroup);
		return rc < 0 ? skiff_error_prefix(err, "mount %s", m->destination) : 0;
	}
	fd_path(target, sizeof(target), fd);

	/* v1 or hybrid: a tmpfs holding one directory per hierarchy. */
	if (mount("tmpfs", target, "tmpfs", hm.flags & ~(unsigned long)MS_RDONLY, "mode=755") < 0) {
		skiff_fail_errno_at(err, errno, m->destination, "mount tmpfs on %s", m->destination);
		close(fd);
		goto out;
	}
	close(fd);
	if (!mount_hierarchies_listed(&hm, &rc, err))
		rc = mount_hierarchies_in_table(&hm, err);
	if (rc < 0)
		goto out;
	rc = -1;
	if (hm.flags & MS_RDONLY) {
		fd = reopen_target(rootfd, m->destination, err);
		if (fd < 0)
			goto out;
		fd_path(target, sizeof(target), fd);
		if (mount(NULL, target, NULL, MS_REMOUNT | hm.flags, "mode=755") < 0) {
			skiff_fail_errno_at(err, errno, m->destination, "remount %s read-only", m->destination);
			close(fd);
			goto out;
		}
		close(fd);
	}
	rc = 0;
out:
	free(proc_cgroup);
	return rc;
}
