/*
 * A new user namespace: its id mappings, written by the runtime once the
 * init exists, and the init becoming root inside it.
 *
 * Root writes /proc/<pid>/{uid,gid}_map itself, through a procfs of its
 * own (procfs.c).  An unprivileged caller may write only a mapping of its
 * own id (and only after denying setgroups, or the gid map is refused);
 * anything wider goes through the setuid helpers
 * newuidmap/newgidmap (package uidmap), which check /etc/subuid and
 * /etc/subgid, as runc and podman do.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

extern char **environ;

static int format_map(const spec_id_mapping *m, size_t n, const char *sep, char *text,
		      size_t size, const char *file, skiff_error *err)
{
	size_t used = 0;

	text[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		used += (size_t)snprintf(text + used, size - used, "%u %u %u%s", m[i].container_id,
					 m[i].host_id, m[i].size, sep);
		if (used >= size)
			return skiff_fail_errno(err, E2BIG, "%s: too many id mappings", file);
	}
	return 0;
}

/* Does the mapping hold nothing but the caller's own id, which an
 * unprivileged process may map without help? */
static bool only_own_id(const spec_id_mapping *m, size_t n, unsigned own)
{
	return n == 1 && m[0].host_id == own && m[0].size == 1;
}

/* Run newuidmap/newgidmap PID ID HOST SIZE...; its stderr becomes the error. */
static int run_id_helper(const char *helper, pid_t pid, const spec_id_mapping *m, size_t n,
			 skiff_error *err)
{
	char *argv[2 + 3 * 340 + 1], pidtext[16], text[3 * 340 * 11 + 1], *save = NULL, *tok;
	char output[512] = "";
	posix_spawn_file_actions_t fa;
	int pipefd[2], status, rc;
	size_t argc = 0, used = 0;
	pid_t child;

	if (n > 340)
		return skiff_fail_errno(err, E2BIG, "%s: too many id mappings", helper);
	if (format_map(m, n, " ", text, sizeof(text), helper, err) < 0)
		return -1;
	snprintf(pidtext, sizeof(pidtext), "%d", (int)pid);
	argv[argc++] = (char *)helper;
	argv[argc++] = pidtext;
	for (tok = strtok_r(text, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return skiff_fail_errno(err, errno, "run %s", helper);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
	rc = posix_spawnp(&child, helper, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (rc != 0) {
		close(pipefd[0]);
		return skiff_fail_errno(err, rc, "run %s (install the uidmap package)", helper);
	}
	for (;;) {
		ssize_t got = read(pipefd[0], output + used, sizeof(output) - 1 - used);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		used += (size_t)got;
		if (used == sizeof(output) - 1)
			break;
	}
	close(pipefd[0]);
	output[used] = '\0';
	while (used > 0 && (output[used - 1] == '\n' || output[used - 1] == ' '))
		output[--used] = '\0';
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return skiff_fail_msg(err, EPERM, "%s %s failed%s%s", helper, pidtext,
				  output[0] ? ": " : "", output);
	return 0;
}

/* The runtime's procfs, made on first use: the maps are written through
 * it, never through whatever is mounted on /proc (procfs.c). */
static int own_procfs(int *proc, skiff_error *err)
{
	if (*proc < 0)
		*proc = procfs_open_root(PROCFS_PIDS, err);
	return *proc;
}

static int write_map(pid_t pid, const char *file, const spec_id_mapping *m, size_t n, int *proc,
		     skiff_error *err)
{
	char path[64], text[4096];

	if (format_map(m, n, "\n", text, sizeof(text), file, err) < 0)
		return -1;
	snprintf(path, sizeof(path), "%d/%s", (int)pid, file);
	if (trace_active()) {
		char line[4096];

		size_t len;

		format_map(m, n, ", ", line, sizeof(line), file, NULL);
		len = strlen(line);
		if (len >= 2)
			line[len - 2] = '\0';
		trace("write /proc/%s: %s", path, line);
	}
	if (own_procfs(proc, err) < 0)
		return -1;
	return procfs_write(*proc, path, text, err);
}

static int set_map(pid_t pid, bool uid, const spec_id_mapping *m, size_t n, int *proc,
		   skiff_error *err)
{
	const char *file = uid ? "uid_map" : "gid_map";
	unsigned own = uid ? (unsigned)geteuid() : (unsigned)getegid();

	if (n == 0)
		return 0;
	if (geteuid() == 0 || only_own_id(m, n, own))
		return write_map(pid, file, m, n, proc, err);
	trace("%s for pid %d", uid ? "newuidmap" : "newgidmap", (int)pid);
	return run_id_helper(uid ? "newuidmap" : "newgidmap", pid, m, n, err);
}

int userns_write_maps(pid_t pid, const spec_id_mapping *uids, size_t nuids,
		      const spec_id_mapping *gids, size_t ngids, skiff_error *err)
{
	char path[64];
	int proc = -1, rc = -1;

	/* Without privilege and without newgidmap, the kernel takes a gid map
	 * only from a process that can never call setgroups() again. */
	if (geteuid() != 0 && ngids && only_own_id(gids, ngids, (unsigned)getegid())) {
		snprintf(path, sizeof(path), "%d/setgroups", (int)pid);
		if (own_procfs(&proc, err) < 0 || procfs_write(proc, path, "deny", err) < 0)
			goto out;
	}
	if (set_map(pid, true, uids, nuids, &proc, err) < 0 ||
	    set_map(pid, false, gids, ngids, &proc, err) < 0)
		goto out;
	rc = 0;
out:
	if (proc >= 0)
		close(proc);
	return rc < 0 ? skiff_error_prefix(err, "write user namespace id mappings") : 0;
}

int userns_write_id_maps(pid_t pid, const spec_config *cfg, skiff_error *err)
{
	const spec_linux *lx = cfg->linux_;

	if (!lx)
		return 0;
	return userns_write_maps(pid, lx->uid_mappings, lx->uid_mappings_len, lx->gid_mappings,
				 lx->gid_mappings_len, err);
}

int userns_become_root(skiff_error *err)
{
	/* The init still carries the caller's credentials, which mean nothing
	 * in the new namespace: files it made would belong to the overflow id
	 * and filesystems mounted there would refuse it.  Root inside is what
	 * every later step expects. */
	trace("become root (uid 0, gid 0) in the new user namespace");
	if (setresgid(0, 0, 0) < 0)
		return skiff_fail_errno(err, errno, "become root in the user namespace: setgid 0 (is gid 0 in linux.gidMappings?)");
	if (setresuid(0, 0, 0) < 0)
		return skiff_fail_errno(err, errno, "become root in the user namespace: setuid 0 (is uid 0 in linux.uidMappings?)");
	return 0;
}

bool userns_setgroups_denied(void)
{
	char *text = NULL;
	bool denied;

	if (read_file_at(AT_FDCWD, "/proc/self/setgroups", 64, &text, NULL, NULL) < 0)
		return false;
	denied = !strncmp(text, "deny", 4);
	free(text);
	return denied;
}

/* The whole id space mapped to itself: the host's own user namespace. */
static bool in_initial_userns(void)
{
	char *text = NULL;
	unsigned long first, lower, count;
	bool initial;

	if (read_file_at(AT_FDCWD, "/proc/self/uid_map", 4096, &text, NULL, NULL) < 0)
		return true;
	initial = sscanf(text, "%lu %lu %lu", &first, &lower, &count) == 3 && first == 0 &&
		  lower == 0 && count == 4294967295UL;
	free(text);
	return initial;
}

bool context_rootless(const skiff_context *ctx)
{
	switch (ctx->rootless) {
	case SKIFF_ROOTLESS_TRUE:
		return true;
	case SKIFF_ROOTLESS_FALSE:
		return false;
	default:
		return geteuid() != 0 || !in_initial_userns();
	}
}
