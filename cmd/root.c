/*
 * The default state root (no --root), and why it is that one: the error
 * when the root cannot be opened says so, since a user who never chose a
 * root cannot guess which one was tried.
 *
 * runc's rule first: /run/skiff for root, $XDG_RUNTIME_DIR/skiff for a
 * non-root euid, and also for euid 0 inside a user namespace other than
 * the initial one unless $USER is "root" (rootless podman runs the runtime
 * that way, in its own user namespace, with no --root).  runc stops there:
 * a non-root user without XDG_RUNTIME_DIR (after `su user`) gets /run/runc
 * and "permission denied".  skiff goes on as podman does for its own run
 * directory: /run/user/UID when it is the user's own directory, else a
 * per-user directory under the temp dir, which must not be somebody
 * else's (anyone may make /tmp/skiff-UID first).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* The initial user namespace maps every id to itself: one line
 * "0 0 4294967295".  Anything else (or no procfs: assume so) is another. */
static bool in_initial_userns(void)
{
	unsigned long inside, outside, count;
	FILE *f = fopen("/proc/self/uid_map", "re");
	int n;

	if (!f)
		return true;
	n = fscanf(f, "%lu %lu %lu", &inside, &outside, &count);
	fclose(f);
	return n != 3 || (inside == 0 && outside == 0 && count == 4294967295UL);
}

/* runc's shouldHonorXDGRuntimeDir for euid 0 with XDG_RUNTIME_DIR set:
 * NULL when it is honored, else why not.  (Only then is uid_map read: a
 * plain root without XDG_RUNTIME_DIR, as engines run it, pays nothing.) */
static const char *xdg_refused_for_root(void)
{
	const char *user = getenv("USER");

	if (in_initial_userns())
		return "in the initial user namespace"; /* the real root: even with /run/user/0 */
	if (user && !strcmp(user, "root"))
		return "in a user namespace with $USER root";
	return NULL;
}

/* A directory of our own that we may write: the user's /run/user/UID. */
static bool own_dir(const char *path, uid_t euid)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == euid &&
	       (st.st_mode & S_IRWXU) == S_IRWXU;
}

void cli_default_root(cli_globals *g, cli_root_buf *buf)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	const char *tmp = getenv("TMPDIR");
	uid_t euid = geteuid();
	struct stat st;

	memset(buf, 0, sizeof(*buf));
	g->root = SKIFF_DEFAULT_ROOT;
	g->root_why = buf->why;
	g->root_refused = NULL;
	if (euid == 0) {
		const char *not_xdg = xdg && xdg[0] ? xdg_refused_for_root() : "without $XDG_RUNTIME_DIR";

		if (!not_xdg && (size_t)snprintf(buf->path, sizeof(buf->path), "%s/skiff", xdg) <
					sizeof(buf->path)) {
			g->root = buf->path;
			snprintf(buf->why, sizeof(buf->why),
				 "from $XDG_RUNTIME_DIR, for euid 0 in a user namespace with $USER not root");
		} else {
			snprintf(buf->why, sizeof(buf->why), "for euid 0 %s",
				 not_xdg ? not_xdg : "($XDG_RUNTIME_DIR too long)");
		}
		return;
	}
	if (xdg && xdg[0] &&
	    (size_t)snprintf(buf->path, sizeof(buf->path), "%s/skiff", xdg) < sizeof(buf->path)) {
		g->root = buf->path;
		snprintf(buf->why, sizeof(buf->why), "from $XDG_RUNTIME_DIR, for euid %u", (unsigned)euid);
		return;
	}
	snprintf(buf->path, sizeof(buf->path), "/run/user/%u", (unsigned)euid);
	if (own_dir(buf->path, euid)) {
		strcat(buf->path, "/skiff");
		g->root = buf->path;
		snprintf(buf->why, sizeof(buf->why), "for euid %u without $XDG_RUNTIME_DIR",
			 (unsigned)euid);
		return;
	}
	if (!tmp || tmp[0] != '/')
		tmp = "/tmp";
	if ((size_t)snprintf(buf->path, sizeof(buf->path), "%s/skiff-%u", tmp, (unsigned)euid) >=
	    sizeof(buf->path))
		snprintf(buf->path, sizeof(buf->path), "/tmp/skiff-%u", (unsigned)euid);
	g->root = buf->path;
	snprintf(buf->why, sizeof(buf->why),
		 "for euid %u without $XDG_RUNTIME_DIR and without a /run/user/%u of its own",
		 (unsigned)euid, (unsigned)euid);
	/* Made by someone else first: theirs to read and change, so never
	 * ours to keep containers' state in. */
	if (lstat(buf->path, &st) < 0)
		return; /* made, 0700, by the first command that keeps state */
	if (!S_ISDIR(st.st_mode) || st.st_uid != euid || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		snprintf(buf->refused, sizeof(buf->refused),
			 "it is not a directory of euid %u that only it may write", (unsigned)euid);
		g->root_refused = buf->refused;
	}
}

int cli_root_refused(const cli_globals *g)
{
	if (!g->root_refused)
		return 0;
	cli_fail_text("default state root %s (%s): %s; set --root or $XDG_RUNTIME_DIR", g->root,
		      g->root_why, g->root_refused);
	return -1;
}
