/*
 * The runtime's half of SCMP_ACT_NOTIFY: the init hands its seccomp
 * listener to `create`, which passes it to the agent listening on
 * linux.seccomp.listenerPath, as the runtime-spec's "container process
 * state": one connection, the JSON as payload and the fd as SCM_RIGHTS
 * in the first sendmsg, then close.
 *
 *   {"ociVersion": "...", "fds": ["seccompFd"], "pid": <init>,
 *    "metadata": "<listenerMetadata>",
 *    "state": {"ociVersion", "id", "status", "pid", "bundle", "annotations"}}
 *
 * The status is "creating" for the init, "running" (or "created") for a
 * process of `exec`, whose own listener the agent gets the same way.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "internal.h"

static void put_string(yajl_gen g, const char *key, const char *value)
{
	yajl_gen_string(g, (const unsigned char *)key, strlen(key));
	yajl_gen_string(g, (const unsigned char *)value, strlen(value));
}

static void put_key(yajl_gen g, const char *key)
{
	yajl_gen_string(g, (const unsigned char *)key, strlen(key));
}

/* The container process state; *json is malloc'd. */
static int process_state_json(const seccomp_agent_info *info, char **json, size_t *len,
			      skiff_error *err)
{
	const spec_seccomp *sp = info->cfg->linux_->seccomp;
	const unsigned char *buf;
	yajl_gen g = yajl_gen_alloc(NULL);
	size_t n;

	if (!g)
		return skiff_fail_errno(err, ENOMEM, "seccomp agent state");
	yajl_gen_map_open(g);
	put_string(g, "ociVersion", SKIFF_OCI_VERSION);
	put_key(g, "fds");
	yajl_gen_array_open(g);
	yajl_gen_string(g, (const unsigned char *)"seccompFd", 9);
	yajl_gen_array_close(g);
	put_key(g, "pid");
	yajl_gen_integer(g, info->pid);
	if (sp->listener_metadata)
		put_string(g, "metadata", sp->listener_metadata);
	put_key(g, "state");
	yajl_gen_map_open(g);
	put_string(g, "ociVersion", SKIFF_OCI_VERSION);
	put_string(g, "id", info->id);
	put_string(g, "status", skiff_status_name(info->status));
	put_key(g, "pid");
	yajl_gen_integer(g, info->pid);
	put_string(g, "bundle", info->bundle);
	if (info->cfg->annotations_len) {
		put_key(g, "annotations");
		yajl_gen_map_open(g);
		for (size_t i = 0; i < info->cfg->annotations_len; i++)
			put_string(g, info->cfg->annotations[i].key, info->cfg->annotations[i].value);
		yajl_gen_map_close(g);
	}
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	if (yajl_gen_get_buf(g, &buf, &n) != yajl_gen_status_ok) {
		yajl_gen_free(g);
		return skiff_fail_msg(err, EINVAL, "seccomp agent state");
	}
	*json = malloc(n + 1);
	if (*json) {
		memcpy(*json, buf, n);
		(*json)[n] = '\0';
		*len = n;
	}
	yajl_gen_free(g);
	return *json ? 0 : skiff_fail_errno(err, ENOMEM, "seccomp agent state");
}

/* The fd goes with the first part; the rest, if any, is plain payload. */
static int send_state(int sock, const char *data, size_t len, int fd)
{
	ssize_t n;

	do
		n = send_with_fd(sock, data, len, fd);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	for (size_t done = (size_t)n; done < len;) {
		n = send(sock, data + done, len - done, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

int seccomp_agent_send(const seccomp_agent_info *info, int listener, skiff_error *err)
{
	const char *path = info->cfg->linux_->seccomp->listener_path;
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char *json = NULL;
	size_t len = 0;
	int sock, rc = -1;

	if (!path || !path[0])
		return skiff_fail_config(err, EINVAL, ".linux.seccomp.listenerPath",
					 "SCMP_ACT_NOTIFY needs a seccomp agent to listen there");
	if (strlen(path) >= sizeof(addr.sun_path))
		return skiff_fail_errno_at(err, ENAMETOOLONG, ".linux.seccomp.listenerPath",
				     "seccomp agent socket %s", path);
	memcpy(addr.sun_path, path, strlen(path) + 1);
	if (process_state_json(info, &json, &len, err) < 0)
		return -1;
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0) {
		skiff_fail_errno(err, errno, "seccomp agent socket");
		goto out;
	}
	if (connect(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		skiff_fail_errno_at(err, errno, ".linux.seccomp.listenerPath",
			      "connect to the seccomp agent at %s", path);
		goto out;
	}
	if (send_state(sock, json, len, listener) < 0) {
		skiff_fail_errno_at(err, errno, ".linux.seccomp.listenerPath",
			      "send the seccomp listener to the agent at %s", path);
		goto out;
	}
	rc = 0;
out:
	if (sock >= 0)
		close(sock);
	free(json);
	return rc;
}

int seccomp_take_listener(const seccomp_agent_info *info, int sock, int listener,
			  skiff_error *err)
{
	int rc;

	if (listener < 0)
		return skiff_fail_errno(err, EPROTO, "no seccomp listener came from the container");
	rc = seccomp_agent_send(info, listener, err);
	close(listener);
	if (rc < 0)
		return -1;
	if (sync_send(sock, SYNC_SECCOMP_DONE, NULL) < 0)
		return skiff_fail_errno(err, errno, "resume the container's process");
	return 0;
}
