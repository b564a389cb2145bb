/*
 * The state directory of a container, <root>/<id>/:
 *   state.json  what `state` reports, replaced atomically (temp file + rename)
 *   exec.fifo   present from create until start: the init blocks on it
 *   config.json the bundle's config as the container was created with
 * A flock on the directory serialises commands on one id; readers (state,
 * list) do not take it, which is safe because every write is a rename.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/openat2.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "cgroups.h"
#include "internal.h"

#define STATE_MAX_SIZE (16u << 20)

const char *state_root(const skiff_context *ctx)
{
	return ctx && ctx->root ? ctx->root : SKIFF_DEFAULT_ROOT;
}

const char *skiff_status_name(skiff_status status)
{
	switch (status) {
	case SKIFF_STATUS_CREATING:
		return "creating";
	case SKIFF_STATUS_CREATED:
		return "created";
	case SKIFF_STATUS_RUNNING:
		return "running";
	case SKIFF_STATUS_PAUSED:
		return "paused";
	case SKIFF_STATUS_STOPPED:
		return "stopped";
	}
	return "unknown";
}

int skiff_id_validate(const char *id, skiff_error *err)
{
	size_t len = id ? strlen(id) : 0;

	if (len == 0)
		return skiff_fail_msg(err, EINVAL, "invalid container id: the id is empty");
	if (len > 1024)
		return skiff_fail_msg(err, EINVAL, "invalid container id: longer than 1024 bytes");
	if (id[0] == '.')
		return skiff_fail_msg(err, EINVAL, "invalid container id \"%s\": it starts with '.'", id);
	for (size_t i = 0; i < len; i++) {
		char c = id[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '-' || c == '.' || c == '+')
			continue;
		return skiff_fail_msg(err, EINVAL,
				  "invalid container id \"%.64s\": only letters, digits, '_', '-', '.' and '+' are allowed",
				  id);
	}
	return 0;
}

void container_record_clear(container_record *rec)
{
	free(rec->id);
	free(rec->bundle);
	free(rec->rootfs);
	free(rec->created_at);
	free(rec->owner);
	for (size_t i = 0; i < rec->annotations_len; i++) {
		free(rec->annotations[i].key);
		free(rec->annotations[i].value);
	}
	free(rec->annotations);
	for (size_t i = 0; i < rec->cgroup_paths_len; i++) {
		free(rec->cgroup_paths[i].key);
		free(rec->cgroup_paths[i].value);
	}
	free(rec->cgroup_paths);
	free(rec->systemd_unit);
	memset(rec, 0, sizeof(*rec));
}

int flock_dir(int dirfd, const char *id, skiff_error *err)
{
	while (flock(dirfd, LOCK_EX) < 0) {
		if (errno != EINTR)
			return skiff_fail_errno(err, errno, "lock container %s", id);
	}
	return 0;
}

/* mkdir + open + lock of root/name; -1 with errno. */
static int make_locked_dir(int rootfd, const char *name)
{
	int dirfd;

	if (mkdirat(rootfd, name, 0711) < 0)
		return -1;
	dirfd = openat(rootfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dirfd < 0 || flock(dirfd, LOCK_EX) < 0) {
		int saved = errno;

		if (dirfd >= 0)
			close(dirfd);
		unlinkat(rootfd, name, AT_REMOVEDIR);
		errno = saved;
		return -1;
	}
	return dirfd;
}

int state_dir_create(const char *root, const char *id, int *dirfd_out, skiff_error *err)
{
	char tmp[128];
	int rootfd, dirfd;

	if (skiff_id_validate(id, err) < 0)
		return -1;
	if (mkdir_parents(root, 0700) < 0)
		return skiff_fail_errno_at(err, errno, root, "create state root %s", root);
	rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return skiff_fail_errno_at(err, errno, root, "open state root %s", root);
	/* The directory appears under its id already locked: made under a
	 * name that list and state never read (a dot), locked, then renamed
	 * into place.  A reader that found it empty and unlocked would take
	 * it for a create that died, and say "stopped". */
	snprintf(tmp, sizeof(tmp), ".new-%d-%ld", (int)getpid(), (long)syscall(SYS_gettid));
	dirfd = make_locked_dir(rootfd, tmp);
	if (dirfd < 0 && errno == EEXIST) {
		/* Left by a create killed right there whose pid and thread id
		 * were ours: empty, and nobody else's now. */
		unlinkat(rootfd, tmp, AT_REMOVEDIR);
		dirfd = make_locked_dir(rootfd, tmp);
	}
	if (dirfd >= 0 && renameat2(rootfd, tmp, rootfd, id, RENAME_NOREPLACE) < 0) {
		int saved = errno;

		close(dirfd);
		unlinkat(rootfd, tmp, AT_REMOVEDIR);
		dirfd = -1;
		errno = saved;
	}
	/* A file system without RENAME_NOREPLACE (EINVAL): in place, as
	 * before, with that short window. */
	if (dirfd < 0 && errno == EINVAL)
		dirfd = make_locked_dir(rootfd, id);
	if (dirfd < 0) {
		int saved = errno;

		close(rootfd);
		if (saved == EEXIST || saved == ENOTEMPTY)
			return skiff_fail_msg(err, EEXIST, "container with id exists: %s", id);
		return skiff_fail_errno_at(err, saved, root, "create state directory %s/%s", root, id);
	}
	close(rootfd);
	*dirfd_out = dirfd;
	return 0;
}

int state_dir_open(const char *root, const char *id, int *dirfd_out, skiff_error *err)
{
	char *path;
	int dirfd;

	if (skiff_id_validate(id, err) < 0)
		return -1;
	path = path_join(root, id);
	if (!path)
		return skiff_fail_errno(err, ENOMEM, "open container %s", id);
	dirfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	free(path);
	if (dirfd < 0) {
		/* runc's words first (engines look for them), then which id
		 * and where: a container made with another --root is not here. */
		if (errno == ENOENT)
			return skiff_fail_msg(err, ENOENT,
					       "container does not exist: no \"%s\" under --root %s", id,
					       root);
		return skiff_fail_errno_at(err, errno, root, "open container %s in state root %s", id, root);
	}
	*dirfd_out = dirfd;
	return 0;
}

int state_dir_remove(const char *root, const char *id, skiff_error *err)
{
	int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (rootfd < 0)
		return skiff_fail_errno_at(err, errno, root, "open state root %s", root);
	if (remove_tree_at(rootfd, id) < 0) {
		int saved = errno;

		close(rootfd);
		return skiff_fail_errno(err, saved, "remove state directory %s/%s", root, id);
	}
	close(rootfd);
	return 0;
}

static void gen_string(yajl_gen g, const char *key, const char *value)
{
	yajl_gen_string(g, (const unsigned char *)key, strlen(key));
	value = value ? value : "";
	yajl_gen_string(g, (const unsigned char *)value, strlen(value));
}

static void gen_integer(yajl_gen g, const char *key, long long value)
{
	yajl_gen_string(g, (const unsigned char *)key, strlen(key));
	yajl_gen_integer(g, value);
}

static void gen_string_map(yajl_gen g, const char *name, const spec_kv *kv, size_t n)
{
	yajl_gen_string(g, (const unsigned char *)name, strlen(name));
	yajl_gen_map_open(g);
	for (size_t i = 0; i < n; i++)
		gen_string(g, kv[i].key, kv[i].value);
	yajl_gen_map_close(g);
}

/* Copy yajl's buffer into a malloc'd string the caller owns. */
static int gen_finish(yajl_gen g, char **out, size_t *len_out, skiff_error *err)
{
	const unsigned char *buf;
	size_t len;

	if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok) {
		yajl_gen_free(g);
		return skiff_fail_msg(err, EINVAL, "generate JSON");
	}
	*out = malloc(len + 1);
	if (!*out) {
		yajl_gen_free(g);
		return skiff_fail_errno(err, ENOMEM, "generate JSON");
	}
	memcpy(*out, buf, len);
	(*out)[len] = '\0';
	if (len_out)
		*len_out = len;
	yajl_gen_free(g);
	return 0;
}

static int state_encode(const container_record *rec, char **json, size_t *len, skiff_error *err)
{
	yajl_gen g = yajl_gen_alloc(NULL);

	if (!g)
		return skiff_fail_errno(err, ENOMEM, "write state");
	yajl_gen_map_open(g);
	gen_string(g, "id", rec->id);
	gen_integer(g, "pid", rec->pid);
	gen_integer(g, "pidStartTime", (long long)rec->pid_start_time);
	gen_string(g, "phase", rec->created ? "created" : "creating");
	gen_string(g, "bundle", rec->bundle);
	gen_string(g, "rootfs", rec->rootfs);
	gen_string(g, "created", rec->created_at);
	gen_string(g, "owner", rec->owner);
	gen_string_map(g, "annotations", rec->annotations, rec->annotations_len);
	gen_string_map(g, "cgroupPaths", rec->cgroup_paths, rec->cgroup_paths_len);
	if (rec->systemd_unit && rec->systemd_unit[0]) {
		gen_string(g, "systemdUnit", rec->systemd_unit);
		yajl_gen_string(g, (const unsigned char *)"systemdUserManager", 18);
		yajl_gen_bool(g, rec->systemd_user);
	}
	if (rec->rootfs_mount_id)
		gen_integer(g, "rootfsMountId", (long long)rec->rootfs_mount_id);
	yajl_gen_map_close(g);
	return gen_finish(g, json, len, err);
}

int state_write(int dirfd, const container_record *rec, skiff_error *err)
{
	char *json;
	size_t len;
	int rc;

	if (state_encode(rec, &json, &len, err) < 0)
		return -1;
	rc = write_file_atomic(dirfd, STATE_FILE_NAME, json, len, 0600, err);
	free(json);
	return rc;
}

int state_copy(const container_record *rec, container_record *out, skiff_error *err)
{
	char *json;
	size_t len;
	int rc;

	memset(out, 0, sizeof(*out));
	if (state_encode(rec, &json, &len, err) < 0)
		return -1;
	rc = state_parse(json, out, err);
	free(json);
	return rc;
}

int state_read(int dirfd, container_record *rec, skiff_error *err)
{
	char *text;
	int rc;

	memset(rec, 0, sizeof(*rec));
	if (read_file_at(dirfd, STATE_FILE_NAME, STATE_MAX_SIZE, &text, NULL, err) < 0)
		return -1;
	rc = state_parse(text, rec, err);
	free(text);
	return rc;
}

/* How much of state.json one read asks for: a record is about 600 bytes,
 * more with many annotations or cgroup paths. */
#define STATE_FIRST_READ 4096

/*
 * state.json is never written in place: a new file replaces it whole
 * (state_write).  So a first read that returns less than it asked for
 * has the whole record (a regular file's read is short only at its end),
 * and the read that would return 0 is saved: one syscall per container
 * of a `list`.  A longer record is read again from the start.
 */
static int read_state_text(int fd, const char *path, char **out, skiff_error *err)
{
	char *buf = malloc(STATE_FIRST_READ);
	ssize_t n;

	if (!buf)
		return skiff_fail_errno(err, ENOMEM, "read %s", path);
	do
		n = read(fd, buf, STATE_FIRST_READ - 1);
	while (n < 0 && errno == EINTR);
	if (n >= 0 && n < STATE_FIRST_READ - 1) {
		buf[n] = '\0';
		*out = buf;
		return 0;
	}
	free(buf);
	if (n < 0)
		return skiff_fail_errno_at(err, errno, path, "read %s", path);
	if (lseek(fd, 0, SEEK_SET) < 0)
		return skiff_fail_errno_at(err, errno, path, "read %s", path);
	return read_file_fd(fd, path, STATE_MAX_SIZE, out, NULL, err);
}

int state_read_in(int atfd, const char *dir, container_record *rec, skiff_error *err)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	char path[1200], *text;
	int fd, rc, n = snprintf(path, sizeof(path), "%s/%s", dir, STATE_FILE_NAME);

	memset(rec, 0, sizeof(*rec));
	if (n < 0 || (size_t)n >= sizeof(path))
		return skiff_fail_errno(err, ENAMETOOLONG, "read %s", path);
	/* One open, no symlink anywhere (the directory's own open used to be
	 * a second, with O_NOFOLLOW); before Linux 5.6, those two opens. */
	fd = (int)syscall(SYS_openat2, atfd, path, &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS) {
		int dirfd = openat(atfd, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

		fd = dirfd < 0 ? -1 : openat(dirfd, STATE_FILE_NAME, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (dirfd >= 0) {
			int saved = errno;

			close(dirfd);
			errno = saved;
		}
	}
	if (fd < 0)
		return skiff_fail_errno_at(err, errno, path, "open %s", path);
	rc = read_state_text(fd, path, &text, err);
	close(fd);
	if (rc < 0)
		return -1;
	rc = state_parse(text, rec, err);
	free(text);
	return rc;
}

/* A container's directory is named by (atfd, dir): its own fd and ".",
 * or the root's fd and the id (list, which opens no directory). */

/* Does a create hold this directory's lock?  Probed through a new open file
 * description, so a lock the caller itself holds also counts. */
static bool state_dir_busy(int atfd, const char *dir)
{
	int fd = openat(atfd, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	bool busy;

	if (fd < 0)
		return false;
	busy = flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
	close(fd);
	return busy;
}

static bool exec_fifo_exists(int atfd, const char *dir)
{
	char path[1200];
	struct stat st;
	int n = snprintf(path, sizeof(path), "%s/%s", dir, EXEC_FIFO_NAME);

	return n > 0 && (size_t)n < sizeof(path) &&
	       fstatat(atfd, path, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

skiff_status state_status_in(int atfd, const char *dir, const container_record *rec, bool locked)
{
	cgroup_set set;
	char init_state;

	/* No state.json: a create between mkdir and its first record holds
	 * the lock; without one, that create died (its init dies with it). */
	if (!rec->recorded)
		return !locked && state_dir_busy(atfd, dir) ? SKIFF_STATUS_CREATING
							    : SKIFF_STATUS_STOPPED;
	/* No live init in a record not yet "created": create records the
	 * cgroups before it clones the init, and that init may die while
	 * create still cleans up.  While create holds the lock the container
	 * is being created, not stopped: an engine told "stopped" would
	 * delete it under create's feet (runc says "does not exist" there). */
	if (!process_matches_in_state(rec->pid, rec->pid_start_time, &init_state))
		return !rec->created && !locked && state_dir_busy(atfd, dir) ? SKIFF_STATUS_CREATING
									    : SKIFF_STATUS_STOPPED;
	if (!rec->created)
		return SKIFF_STATUS_CREATING;
	/* The init's state letter spares most a read of the freezer. */
	set = cgroup_set_of(rec);
	if (set.n && cgroup_frozen_seen(&set, init_state))
		return SKIFF_STATUS_PAUSED;
	if (exec_fifo_exists(atfd, dir))
		return SKIFF_STATUS_CREATED;
	return SKIFF_STATUS_RUNNING;
}

skiff_status state_status(int dirfd, const container_record *rec, bool locked)
{
	return state_status_in(dirfd, ".", rec, locked);
}

/* The record's string, moved out of it ("" if it has none). */
static char *take_string(char **s)
{
	char *out = *s ? *s : strdup("");

	*s = NULL;
	return out;
}

int state_export(int dirfd, container_record *rec, skiff_state **out, skiff_error *err)
{
	return state_export_in(dirfd, ".", rec, out, err);
}

int state_export_in(int atfd, const char *dir, container_record *rec, skiff_state **out,
		    skiff_error *err)
{
	skiff_state *st = calloc(1, sizeof(*st));

	if (!st)
		return skiff_fail_errno(err, ENOMEM, "read state");
	st->status = state_status_in(atfd, dir, rec, false);
	st->pid = st->status == SKIFF_STATUS_STOPPED ? 0 : rec->pid;
	st->oci_version = strdup(SKIFF_OCI_VERSION);
	st->id = take_string(&rec->id);
	st->bundle = take_string(&rec->bundle);
	st->rootfs = take_string(&rec->rootfs);
	st->created = take_string(&rec->created_at);
	st->owner = take_string(&rec->owner);
	st->annotations = rec->annotations;
	st->annotations_len = rec->annotations_len;
	rec->annotations = NULL;
	rec->annotations_len = 0;
	if (!st->oci_version || !st->id || !st->bundle || !st->rootfs || !st->created ||
	    !st->owner) {
		skiff_state_free(st);
		return skiff_fail_errno(err, ENOMEM, "read state");
	}
	*out = st;
	return 0;
}

void skiff_state_free(skiff_state *st)
{
	if (!st)
		return;
	free(st->oci_version);
	free(st->id);
	free(st->bundle);
	free(st->rootfs);
	free(st->created);
	free(st->owner);
	for (size_t i = 0; i < st->annotations_len; i++) {
		free(st->annotations[i].key);
		free(st->annotations[i].value);
	}
	free(st->annotations);
	free(st);
}

void skiff_state_list_free(skiff_state **states, size_t count)
{
	if (!states)
		return;
	for (size_t i = 0; i < count; i++)
		skiff_state_free(states[i]);
	free(states);
}

int skiff_state_to_json(const skiff_state *st, bool pretty, char **json_out, skiff_error *err)
{
	yajl_gen g = yajl_gen_alloc(NULL);

	if (!g)
		return skiff_fail_errno(err, ENOMEM, "generate state JSON");
	yajl_gen_config(g, yajl_gen_beautify, pretty ? 1 : 0);
	yajl_gen_config(g, yajl_gen_indent_string, "  ");
	yajl_gen_map_open(g);
	gen_string(g, "ociVersion", st->oci_version);
	gen_string(g, "id", st->id);
	gen_integer(g, "pid", st->pid);
	gen_string(g, "status", skiff_status_name(st->status));
	gen_string(g, "bundle", st->bundle);
	gen_string(g, "rootfs", st->rootfs);
	gen_string(g, "created", st->created);
	gen_string(g, "owner", st->owner);
	gen_string_map(g, "annotations", st->annotations, st->annotations_len);
	yajl_gen_map_close(g);
	return gen_finish(g, json_out, NULL, err);
}
