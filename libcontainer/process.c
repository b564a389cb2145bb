/*
 * The user's process: limits, identity, and finding the program to exec,
 * all done by the init inside the container before it reports ready, so
 * that mistakes surface as errors of `create`, not as a dead container.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
	{ "RLIMIT_AS", RLIMIT_AS },           { "RLIMIT_CORE", RLIMIT_CORE },
	{ "RLIMIT_CPU", RLIMIT_CPU },         { "RLIMIT_DATA", RLIMIT_DATA },
	{ "RLIMIT_FSIZE", RLIMIT_FSIZE },     { "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "RLIMIT_NICE", RLIMIT_NICE },       { "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_NPROC", RLIMIT_NPROC },     { "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO },   { "RLIMIT_RTTIME", RLIMIT_RTTIME },
	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING }, { "RLIMIT_STACK", RLIMIT_STACK },
};

int process_rlimit_resource(const char *type)
{
	for (size_t k = 0; k < sizeof(rlimit_names) / sizeof(rlimit_names[0]); k++)
		if (!strcmp(type, rlimit_names[k].name))
			return rlimit_names[k].resource;
	return -1;
}

int process_apply_rlimits(const spec_process *p, skiff_error *err)
{
	for (size_t i = 0; i < p->rlimits_len; i++) {
		const spec_rlimit *r = &p->rlimits[i];
		struct rlimit lim = { .rlim_cur = r->soft, .rlim_max = r->hard };
		int resource = process_rlimit_resource(r->type);

		if (resource < 0)
			return skiff_fail_at(err, 0, ".process.rlimits", "unknown rlimit %s", r->type);
		if (setrlimit(resource, &lim) < 0)
			return skiff_fail_at(err, errno, ".process.rlimits",
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

	/* Drop the caller's supplementary groups: only the config's remain.
	 * A user namespace may forbid setgroups; then there is nothing to drop. */
	if (setgroups(ngroups, ngroups ? (const gid_t *)p->user->additional_gids : NULL) < 0 &&
	    !(in_userns && errno == EPERM && ngroups == 0)) {
		/* An unprivileged mapping denied setgroups for good (userns.c). */
		if (in_userns && errno == EPERM && userns_setgroups_denied())
			return skiff_fail_code(err, EPERM,
					       "cannot set any additional groups in a rootless container");
		return skiff_fail(err, errno, "setgroups");
	}
	if (setresgid(gid, gid, gid) < 0)
		return skiff_fail(err, errno, "setgid %u", (unsigned)gid);
	if (setresuid(uid, uid, uid) < 0)
		return skiff_fail(err, errno, "setuid %u", (unsigned)uid);
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
			return skiff_fail(err, errno, "exec: \"%s\": stat %s", name, name);
		*path_out = strdup(name);
		return *path_out ? 0 : skiff_fail(err, ENOMEM, "exec");
	}
	search = env_value(p, "PATH");
	if (!search)
		search = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	copy = strdup(search);
	if (!copy)
		return skiff_fail(err, ENOMEM, "exec");
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
	return skiff_fail_code(err, ENOENT, "exec: \"%s\": executable file not found in $PATH", name);
}

/* chdir to cwd resolved inside the container's root, without magic links:
 * "/proc/self/fd/N" naming an fd of the host must not become the cwd of
 * the container's process (CVE-2024-21626). */
static int enter_cwd(const char *cwd, skiff_error *err)
{
	int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), fd, rc = 0;

	if (root < 0)
		return skiff_fail(err, errno, "open /");
	fd = path_open_in_root(root, cwd, false, false, NULL);
	if (fd < 0 && errno == ELOOP)
		/* A magic link (or a loop): nothing the container may have as cwd. */
		rc = skiff_fail_code_at(err, ELOOP, ".process.cwd",
					"cwd \"%s\" is outside the container (magic links are not followed)",
					cwd);
	else if (fd < 0 || fchdir(fd) < 0)
		rc = skiff_fail_at(err, errno, ".process.cwd",
				   "chdir to cwd (\"%s\") set in config.json", cwd);
	if (fd >= 0)
		close(fd);
	close(root);
	return rc;
}

int process_prepare(const spec_process *p, bool in_userns, const process_hook *hook, char **exe,
		    skiff_error *err)
{
	/* Capabilities survive the switch to a non-root user only with KEEPCAPS. */
	bool keep_caps = p->capabilities && p->user && p->user->uid != 0;

	if (process_apply_rlimits(p, err) < 0)
		return -1;
	/* While the capabilities a real-time policy or I/O class need are
	 * still ours. */
	if (sched_apply(p, err) < 0)
		return -1;
	if (hook && hook->run(hook->data, SECCOMP_BEFORE_IDENTITY, err) < 0)
		return -1;
	if (capabilities_drop_bounding(p->capabilities, err) < 0)
		return -1;
	if (keep_caps && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return skiff_fail(err, errno, "prctl(PR_SET_KEEPCAPS)");
	if (process_set_identity(p, in_userns, err) < 0)
		return -1;
	if (keep_caps && prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return skiff_fail(err, errno, "prctl(PR_SET_KEEPCAPS)");
	if (capabilities_apply(p->capabilities, err) < 0)
		return -1;
	if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return skiff_fail(err, errno, "prctl(PR_SET_NO_NEW_PRIVS)");
	umask(p->user && p->user->has_umask ? p->user->umask : 0022);
	if (enter_cwd(p->cwd, err) < 0)
		return -1;
	/* Belt and braces: a cwd the root cannot reach has no path. */
	char where[PATH_MAX];

	if (!getcwd(where, sizeof(where)) || where[0] != '/')
		return skiff_fail_at(err, EPERM, ".process.cwd",
				     "cwd \"%s\" is outside the container", p->cwd);
	if (process_find_executable(p, exe, err) < 0)
		return -1;
	if (hook && hook->run(hook->data, SECCOMP_BEFORE_READY, err) < 0) {
		free(*exe);
		*exe = NULL;
		return -1;
	}
	return 0;
}

int process_exec_vectors(const spec_process *p, int listen_fds, char ***argv_out, char ***env_out)
{
	bool has_home = false;
	size_t n = 0;
	char **argv, **env;

	for (size_t i = 0; i < p->env_len; i++)
		has_home |= !strncmp(p->env[i], "HOME=", 5);
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
		/* Socket activation is the runtime's to describe, not the config's. */
		if (listen_fds > 0 && (!strncmp(p->env[i], "LISTEN_FDS=", 11) ||
				       !strncmp(p->env[i], "LISTEN_PID=", 11)))
			continue;
		env[n++] = p->env[i];
	}
	if (!has_home)
		env[n++] = "HOME=/";
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
