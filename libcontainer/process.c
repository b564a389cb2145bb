/*
 * The user's process: limits, identity, and finding the program to exec,
 * all done by the init inside the container before it reports ready, so
 * that mistakes surface as errors of `create`, not as a dead container.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

int process_apply_rlimits(const spec_process *p, skiff_error *err)
{
	for (size_t i = 0; i < p->rlimits_len; i++) {
		const spec_rlimit *r = &p->rlimits[i];
		struct rlimit lim = { .rlim_cur = r->soft, .rlim_max = r->hard };
		int resource = spec_rlimit_resource(r->type);
		char path[40];

		snprintf(path, sizeof(path), ".process.rlimits[%zu]", i);
		if (resource < 0)
			return skiff_fail_msg_at(err, 0, path, "unknown rlimit %s", r->type);
		trace("rlimit %s: soft %llu, hard %llu", r->type, (unsigned long long)r->soft,
		      (unsigned long long)r->hard);
		if (setrlimit(resource, &lim) < 0)
			return skiff_fail_errno_at(err, errno, path,
					     "set %s to soft %llu, hard %llu", r->type,
					     (unsigned long long)r->soft, (unsigned long long)r->hard);
	}
	return 0;
}

int process_set_identity(const spec_process *p, bool in_userns, skiff_error *err)
{
	uid_t uid = p->user ? p->user->uid : 0;
	gid_t gid = p->user ? p->user->gid : 0;
	size_t ngroups = p->user ? p->user->additional_gids_len : 0;

	trace("user: uid %u, gid %u, %zu additional gids", (unsigned)uid, (unsigned)gid, ngroups);
	/* Drop the caller's supplementary groups: only the config's remain.
	 * A user namespace may forbid setgroups; then there is nothing to drop. */
	if (setgroups(ngroups, ngroups ? (const gid_t *)p->user->additional_gids : NULL) < 0 &&
	    !(in_userns && errno == EPERM && ngroups == 0)) {
		/* An unprivileged mapping denied setgroups for good (userns.c). */
		if (in_userns && errno == EPERM && userns_setgroups_denied())
			return skiff_fail_msg(err, EPERM,
					       "cannot set any additional groups in a rootless container");
		return skiff_fail_errno(err, errno, "setgroups");
	}
	if (setresgid(gid, gid, gid) < 0)
		return skiff_fail_errno(err, errno, "setgid %u", (unsigned)gid);
	if (setresuid(uid, uid, uid) < 0)
		return skiff_fail_errno(err, errno, "setuid %u", (unsigned)uid);
	return 0;
}

/*
 * Stdio handed to the container's user, as runc's fixStdioPermissions:
 * each of fds 0-2 not already the user's, and not /dev/null (by device
 * number, as the container's /dev/null has it), gets the user as owner,
 * its group kept.  A pipe the caller made, or a file it redirected to, is
 * the caller's: without this a non-root process cannot open /dev/stdout or
 * /proc/self/fd/1 again (a shell's `> /dev/stdout`).  What cannot be
 * changed is left as it is, as runc leaves it: a group not mapped in the
 * user namespace (EINVAL), an owner not mapped (EPERM), a read-only /dev
 * (EROFS).
 */
static int give_stdio_to_user(const spec_process *p, skiff_error *err)
{
	uid_t uid = p->user ? p->user->uid : 0;
	struct stat null, st;

	if (stat("/dev/null", &null) < 0)
		return skiff_fail_errno(err, errno, "stat /dev/null");
	for (int fd = 0; fd <= 2; fd++) {
		if (fstat(fd, &st) < 0) {
			if (errno == EBADF)
				continue; /* a caller that closed it: nothing to hand over */
			return skiff_fail_errno(err, errno, "fstat stdio fd %d", fd);
		}
		if (st.st_uid == uid || st.st_rdev == null.st_rdev)
			continue;
		if (fchown(fd, uid, st.st_gid) < 0 && errno != EINVAL && errno != EPERM &&
		    errno != EROFS)
			return skiff_fail_errno(err, errno, "chown stdio fd %d to uid %u", fd, (unsigned)uid);
	}
	return 0;
}

static const char *env_value(const spec_process *p, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = p->env_len; i-- > 0;)
		if (!strncmp(p->env[i], name, n) && p->env[i][n] == '=')
			return p->env[i] + n + 1;
	return NULL;
}

static int check_executable(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -1;
	if (S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		return -1;
	}
	if (access(path, X_OK) < 0)
		return -1;
	return 0;
}

int process_find_executable(const spec_process *p, char **path_out, skiff_error *err)
{
	const char *name = p->args[0], *search;
	char *copy, *dir, *save = NULL;

	if (strchr(name, '/')) {
		if (check_executable(name) < 0)
			return skiff_fail_errno(err, errno, "exec: \"%s\": stat %s", name, name);
		*path_out = strdup(name);
		return *path_out ? 0 : skiff_fail_errno(err, ENOMEM, "exec");
	}
	search = env_value(p, "PATH");
	if (!search)
		search = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	copy = strdup(search);
	if (!copy)
		return skiff_fail_errno(err, ENOMEM, "exec");
	for (dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char *candidate;

		if (asprintf(&candidate, "%s/%s", dir[0] ? dir : ".", name) < 0)
			break;
		if (check_executable(candidate) == 0) {
			free(copy);
			*path_out = candidate;
			return 0;
		}
		free(candidate);
	}
	free(copy);
	/* runc's wording, which engines match on; errno kept for callers. */
	return skiff_fail_msg(err, ENOENT, "exec: \"%s\": executable file not found in $PATH", name);
}

/* chdir to cwd resolved inside the container's root, without magic links:
 * "/proc/self/fd/N" naming an fd of the host must not become the cwd of
 * the container's process (CVE-2024-21626). */
static int enter_cwd(const char *cwd, skiff_error *err)
{
	int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), fd, rc = 0;

	if (root < 0)
		return skiff_fail_errno(err, errno, "open /");
	fd = path_open_in_root(root, cwd, false, false, NULL);
	if (fd < 0 && errno == ELOOP)
		/* A magic link (or a loop): nothing the container may have as cwd. */
		rc = skiff_fail_msg_at(err, ELOOP, ".process.cwd",
					"cwd \"%s\" is outside the container (magic links are not followed)",
					cwd);
	else if (fd < 0 || fchdir(fd) < 0)
		/* Not "set in config.json" as runc says: exec's comes from --cwd
		 * or --process as well. */
		rc = skiff_fail_errno_at(err, errno, ".process.cwd", "chdir to cwd (\"%s\")", cwd);
	if (fd >= 0)
		close(fd);
	close(root);
	return rc;
}

/* Belt and braces: a cwd the root cannot reach has no path. */
static int check_cwd(const char *cwd, skiff_error *err)
{
	char where[PATH_MAX];

	if (!getcwd(where, sizeof(where)) || where[0] != '/')
		return skiff_fail_msg_at(err, EPERM, ".process.cwd",
				     "cwd \"%s\" is outside the container", cwd);
	return 0;
}

/* The home directory of uid in the container's /etc/passwd (read where "/"
 * is the container's root), "/" without an entry, as runc's
 * user.GetExecUserPath: the first line whose third field is uid, its sixth
 * field.  Symlinks resolve inside the root and no magic link is followed
 * (no fd of the caller's read as /etc/passwd), and only a regular file is
 * read (a FIFO would block create for ever).  NULL when out of memory. */
static char *passwd_home(uid_t uid)
{
	struct open_how how = {
		.flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	char *text = NULL, *line, *save = NULL, *home = NULL;
	struct stat st;
	int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), fd = -1;

	if (root >= 0)
		fd = (int)syscall(SYS_openat2, root, "etc/passwd", &how, sizeof(how));
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size < (16 << 20) &&
	    (text = calloc(1, (size_t)st.st_size + 1))) {
		size_t used = 0;
		ssize_t n;

		while (used < (size_t)st.st_size &&
		       (n = read(fd, text + used, (size_t)st.st_size - used)) > 0)
			used += (size_t)n;
		text[used] = '\0';
		for (line = strtok_r(text, "\n", &save); line && !home;
		     line = strtok_r(NULL, "\n", &save)) {
			char *field[7] = { line }, *end;
			int nf = 1;
			unsigned long v;

			for (char *c = line; *c && nf < 7; c++)
				if (*c == ':') {
					*c = '\0';
					field[nf++] = c + 1;
				}
			if (nf < 6 || !field[2][0])
				continue;
			errno = 0;
			v = strtoul(field[2], &end, 10);
			if (!errno && !*end && field[2][0] != '-' && v == (unsigned long)uid)
				home = strdup(field[5]);
		}
	}
	free(text);
	if (fd >= 0)
		close(fd);
	if (root >= 0)
		close(root);
	return home ? home : strdup("/");
}

int process_prepare(const spec_process *p, bool in_userns, const process_hook *hook, char **exe,
		    char **home, skiff_error *err)
{
	/* A filter loaded without no_new_privs needs CAP_SYS_ADMIN: kept in
	 * the effective set until it is in (see the end). */
	bool keep_admin = hook && hook->privileged_filter;
	/* Capabilities survive the switch to a non-root user only with KEEPCAPS. */
	bool keep_caps = (p->capabilities || keep_admin) && p->user && p->user->uid != 0;
	const char *env_home = env_value(p, "HOME");

	/* runc's setupUser, inside the container's root and still as root (its
	 * /etc/passwd may be unreadable to the user): HOME from the user's
	 * entry when the env has none (or an empty one), and the stdio. */
	*home = NULL;
	if (!env_home || !env_home[0]) {
		char *dir = passwd_home(p->user ? p->user->uid : 0);

		if (!dir || asprintf(home, "HOME=%s", dir) < 0) {
			free(dir);
			*home = NULL;
			return skiff_fail_errno(err, ENOMEM, "HOME");
		}
		free(dir);
	}
	if (give_stdio_to_user(p, err) < 0)
		return -1;
	if (process_apply_rlimits(p, err) < 0)
		return -1;
	/* While the capabilities a real-time policy or I/O class need are
	 * still ours. */
	if (sched_apply(p, err) < 0)
		return -1;
	/* The cwd first as root, as runc does: a directory only root may
	 * enter (/root with a user 42) still works; only if root may not (a
	 * volume only the container's user can search) again as the user. */
	bool cwd_later = false;

	if (enter_cwd(p->cwd, err) < 0) {
		if (!err || (err->errnum != EACCES && err->errnum != EPERM))
			return -1;
		skiff_error_clear(err);
		cwd_later = true;
	} else if (check_cwd(p->cwd, err) < 0) {
		return -1;
	}
	if (capabilities_drop_bounding(p->capabilities, err) < 0)
		return -1;
	if (keep_caps && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return skiff_fail_errno(err, errno, "prctl(PR_SET_KEEPCAPS)");
	if (process_set_identity(p, in_userns, err) < 0)
		return -1;
	if (keep_caps && prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return skiff_fail_errno(err, errno, "prctl(PR_SET_KEEPCAPS)");
	if (capabilities_apply(p->capabilities, keep_admin, err) < 0)
		return -1;
	if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return skiff_fail_errno(err, errno, "prctl(PR_SET_NO_NEW_PRIVS)");
	umask(p->user && p->user->has_umask ? p->user->umask : 0022);
	if (cwd_later && (enter_cwd(p->cwd, err) < 0 || check_cwd(p->cwd, err) < 0))
		return -1;
	if (process_find_executable(p, exe, err) < 0)
		return -1;
	/*
	 * Nothing the runtime does may hang on what the user's filter allows
	 * (a profile older than openat2, or one that denies setgroups, capget,
	 * close, ...).  So the filter comes after everything above, even
	 * without no_new_privs: the identity is the container's already and
	 * only CAP_SYS_ADMIN, kept for the load, is more than the config
	 * gives.  It needs no capset to go: the exec into the stub right after
	 * recomputes every set from the bounding, inheritable and ambient
	 * ones, where it is not unless the config puts it there.
	 */
	if (hook && hook->before_filter && hook->before_filter(hook->data, *exe, err) < 0)
		goto fail;
	if (hook && (hook->run(hook->data, SECCOMP_PRIVILEGED, err) < 0 ||
		     hook->run(hook->data, SECCOMP_BEFORE_READY, err) < 0))
		goto fail;
	return 0;
fail:
	free(*exe);
	*exe = NULL;
	return -1;
}

/* Whether env[i]'s name is given again after it. */
static bool env_set_later(const spec_process *p, size_t i)
{
	const char *eq = strchr(p->env[i], '=');
	size_t n = eq ? (size_t)(eq - p->env[i]) : strlen(p->env[i]);

	for (size_t j = i + 1; j < p->env_len; j++)
		if (!strncmp(p->env[j], p->env[i], n) && (p->env[j][n] == '=' || !p->env[j][n]))
			return true;
	return false;
}

int process_exec_vectors(const spec_process *p, int listen_fds, const char *home,
			 char ***argv_out, char ***env_out)
{
	bool has_home = false;
	size_t n = 0;
	char **argv, **env;

	for (size_t i = 0; i < p->env_len; i++)
		has_home |= !strncmp(p->env[i], "HOME=", 5) && (p->env[i][5] || !home);
	/* execve wants NULL-terminated arrays; the model's are counted. */
	argv = calloc(p->args_len + 1, sizeof(*argv));
	env = calloc(p->env_len + 4, sizeof(*env));
	if (!argv || !env) {
		free(argv);
		free(env);
		return -1;
	}
	memcpy(argv, p->args, p->args_len * sizeof(*argv));
	for (size_t i = 0; i < p->env_len; i++) {
		/* A name given twice keeps its last value, as runc's env does. */
		if (env_set_later(p, i))
			continue;
		/* Socket activation is the runtime's to describe, not the config's. */
		if (listen_fds > 0 && (!strncmp(p->env[i], "LISTEN_FDS=", 11) ||
				       !strncmp(p->env[i], "LISTEN_PID=", 11)))
			continue;
		/* An empty HOME is replaced, as runc's os.Getenv("HOME") == "". */
		if (!has_home && home && !strcmp(p->env[i], "HOME="))
			continue;
		env[n++] = p->env[i];
	}
	if (!has_home)
		env[n++] = home ? (char *)home : "HOME=/";
	if (listen_fds > 0) {
		/* The init is pid 1 of its namespace, which is what LISTEN_PID names. */
		if (asprintf(&env[n], "LISTEN_FDS=%d", listen_fds) < 0) {
			free(argv);
			free(env);
			return -1;
		}
		n++;
		env[n++] = "LISTEN_PID=1";
	}
	*argv_out = argv;
	*env_out = env;
	return 0;
}
