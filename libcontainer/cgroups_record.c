/*
 * Whether the cgroups a state.json names may be acted on.
 *
 * Later commands take the container's cgroup directories from its record
 * (cgroups.h), and act there with root's power: delete --force kills every
 * pid in their cgroup.procs and rmdirs them, kill --all signals, pause
 * freezes, update writes.  The record is only a file, though: a damaged or
 * forged one naming /sys/fs/cgroup/pids/system.slice, or /tmp/x, would
 * turn those commands on the host.  So before any acts, each directory
 * must be one that create could have made for this container:
 *
 *   - clean and absolute (no "..", ".", "//"), strictly below the mount
 *     of its own hierarchy (never the hierarchy's root), each hierarchy
 *     named once;
 *   - not the runtime's own cgroup, nor one above it (its processes, the
 *     runtime's among them, would be killed);
 *   - ending in the cgroup the saved config named (linux.cgroupsPath,
 *     else the id; with systemd, the unit's cgroup, and the unit itself
 *     the one that config names), so that only this container's are hit;
 *   - where it exists: reached from the mount without a symlink or a
 *     mount crossing, and on a cgroup filesystem.
 * A directory that does not exist is nothing to act on: without a saved
 * config (create writes the record just before the config, and makes the
 * cgroups after both), one not ending in the id passes as well, so that
 * delete can clean up after a create killed in between.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroups.h"

/* The cgroup a record's directories must end in: tails[i] starts with '/';
 * when exact, the directory below the mount is the tail itself. */
typedef struct expected {
	char *tails[2];
	bool exact[2];
	size_t n;
	char *unit; /* the systemd unit the config names, when rec has one */
} expected;

static void expected_free(expected *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->tails[i]);
	free(e->unit);
	memset(e, 0, sizeof(*e));
}

static int refuse(skiff_error *err, const char *id, const char *what, const char *why)
{
	return skiff_fail_msg_at(err, EPERM, what,
				  "container %s: its state.json names %s, which %s: refusing to act on it "
				  "(a record skiff did not write; remove the state directory by hand)",
				  id, what, why);
}

/* The cgroupfs driver's: cgroupsPath cleaned, or the id; relative ones go
 * below the runtime's cgroup, wherever that was at create. */
static int cgroupfs_tail(const char *cgroups_path, const char *id, expected *e)
{
	char *inner = cgroup_clean_path(cgroups_path && cgroups_path[0] ? cgroups_path : id);

	if (!inner)
		return -1;
	/* cgroup_plan refuses these: no record of skiff's names them. */
	if (!inner[0] || !strcmp(inner, "/")) {
		free(inner);
		return 0;
	}
	e->exact[e->n] = inner[0] == '/';
	if (inner[0] == '/') {
		e->tails[e->n++] = inner;
		return 0;
	}
	if (asprintf(&e->tails[e->n], "/%s", inner) < 0) {
		free(inner);
		return -1;
	}
	free(inner);
	e->n++;
	return 0;
}

static int expected_of(const container_record *rec, const char *id, const char *cgroups_path,
		       expected *e, skiff_error *err)
{
	bool has_unit = rec->systemd_unit && rec->systemd_unit[0];
	cgsd_path sd;

	memset(e, 0, sizeof(*e));
	/* The systemd driver's: below the manager's own cgroup, whatever it
	 * is.  A restored container records no unit but may have its paths. */
	if (cgsd_parse_path(cgroups_path, id, rec->systemd_user, &sd, NULL) == 0) {
		e->tails[e->n] = sd.cgroup;
		e->exact[e->n++] = false;
		e->unit = sd.unit;
		sd.cgroup = sd.unit = NULL;
		cgsd_path_free(&sd);
	}
	if (!has_unit && cgroupfs_tail(cgroups_path, id, e) < 0) {
		expected_free(e);
		return skiff_fail_errno(err, ENOMEM, "check the state of container %s", id);
	}
	if (has_unit && (!e->unit || strcmp(e->unit, rec->systemd_unit))) {
		expected_free(e);
		return refuse(err, id, rec->systemd_unit,
			      "is not the systemd unit its config names");
	}
	return 0;
}

static bool ends_in(const char *rel, const expected *e)
{
	size_t len = strlen(rel);

	for (size_t i = 0; i < e->n; i++) {
		size_t tlen = strlen(e->tails[i]);

		if (e->exact[i] ? !strcmp(rel, e->tails[i])
				: len >= tlen && !strcmp(rel + len - tlen, e->tails[i]))
			return true;
	}
	return false;
}

static bool on_cgroupfs(int fd)
{
	struct statfs sfs;

	return fstatfs(fd, &sfs) == 0 &&
	       (sfs.f_type == CGROUP_SUPER_MAGIC || sfs.f_type == CGROUP2_SUPER_MAGIC);
}

/* Where dir exists, it is reached from the mount by plain directories of
 * the same cgroup filesystem.  By fds, not by the string already checked. */
static int check_on_disk(const cg_hierarchy *h, const char *dir, const char *rel, const char *id,
			 skiff_error *err)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
			   RESOLVE_NO_XDEV,
	};
	int mountfd = open(h->mount, O_PATH | O_DIRECTORY | O_CLOEXEC), fd, saved;

	if (mountfd < 0)
		return skiff_fail_errno_at(err, errno, h->mount, "open the cgroup mount %s", h->mount);
	if (!on_cgroupfs(mountfd)) {
		close(mountfd);
		return refuse(err, id, dir, "is not on a cgroup filesystem");
	}
	fd = (int)syscall(SYS_openat2, mountfd, rel + 1, &how, sizeof(how));
	saved = errno;
	/* Kernels before 5.6 (and valgrind) have no openat2: the directory
	 * itself, not through a symlink, on the mount's own filesystem. */
	if (fd < 0 && saved == ENOSYS) {
		struct stat m, d;

		fd = open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		saved = errno;
		if (fd >= 0 && (fstat(mountfd, &m) < 0 || fstat(fd, &d) < 0 || m.st_dev != d.st_dev)) {
			close(fd);
			fd = -1;
			saved = EXDEV;
		}
	}
	close(mountfd);
	if (fd < 0 && saved == ENOENT)
		return 0;
	if (fd < 0) {
		char why[128];

		snprintf(why, sizeof(why), "cannot be reached from %s as a plain directory (%s)",
			 h->mount, strerror(saved));
		return refuse(err, id, dir, why);
	}
	/* On the mount's own filesystem (RESOLVE_NO_XDEV, or the same st_dev),
	 * which is a cgroup one. */
	close(fd);
	return 0;
}

static bool absent(const char *dir)
{
	struct stat st;

	return lstat(dir, &st) < 0 && errno == ENOENT;
}

static int check_dir(const cg_hierarchy *h, const char *dir, const expected *e, const char *id,
		     bool have_config, skiff_error *err)
{
	size_t mlen = strlen(h->mount), dlen = strlen(dir);
	char *clean = cgroup_clean_path(dir);
	bool is_clean = clean && !strcmp(clean, dir);
	const char *rel = dir + mlen;

	free(clean);
	if (dir[0] != '/' || !is_clean)
		return refuse(err, id, dir, "is not a clean absolute path");
	if (strncmp(dir, h->mount, mlen) || dir[mlen] != '/' || dlen == mlen + 1)
		return refuse(err, id, dir, "is not below the mount of its hierarchy");
	if (h->own && (!strcmp(h->own, dir) ||
		       (!strncmp(h->own, dir, dlen) && h->own[dlen] == '/')))
		return refuse(err, id, dir, "is the runtime's own cgroup or one above it");
	if (!ends_in(rel, e) && (have_config || !absent(dir)))
		return refuse(err, id, dir, "is not the cgroup its config names");
	return check_on_disk(h, dir, rel, id, err);
}

int cgroup_record_check(const container_record *rec, const char *id, bool have_config,
			const char *cgroups_path, skiff_error *err)
{
	cg_hierarchies hs;
	expected e;
	int rc = -1;

	if (rec->cgroup_paths_len == 0 && !(rec->systemd_unit && rec->systemd_unit[0]))
		return 0;
	if (expected_of(rec, id, cgroups_path, &e, err) < 0)
		return -1;
	if (cgroup_hierarchies(&hs, err) < 0) {
		expected_free(&e);
		return -1;
	}
	for (size_t i = 0; i < rec->cgroup_paths_len; i++) {
		const char *key = rec->cgroup_paths[i].key, *dir = rec->cgroup_paths[i].value;
		const cg_hierarchy *h = NULL;

		for (size_t j = 0; j < i; j++) {
			if (!strcmp(rec->cgroup_paths[j].key, key)) {
				refuse(err, id, dir, "is a second directory in one hierarchy");
				goto out;
			}
		}
		for (size_t j = 0; j < hs.n && !h; j++)
			if (!strcmp(hs.items[j].key, key))
				h = &hs.items[j];
		if (!h) {
			char why[320];

			snprintf(why, sizeof(why), "is in hierarchy \"%.256s\", which is not mounted", key);
			refuse(err, id, dir, why);
			goto out;
		}
		if (check_dir(h, dir, &e, id, have_config, err) < 0)
			goto out;
	}
	rc = 0;
out:
	cgroup_hierarchies_free(&hs);
	expected_free(&e);
	return rc;
}
