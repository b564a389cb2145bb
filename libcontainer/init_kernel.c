/*
 * The init's own settings that are not the root filesystem nor the
 * process: sysctls, personality, oom_score_adj, the loopback interface,
 * host and domain names, the session keyring.  Each runs in the init
 * during create (create.c says when).
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

#define KEYCTL_JOIN_SESSION_KEYRING 1

bool init_needs_procfs(const spec_config *cfg)
{
	const spec_process *p = cfg->process;

	return (cfg->linux_ && cfg->linux_->sysctl_len) || (p && p->has_oom_score_adj) ||
	       (p && lsm_has_exec_labels(p));
}

/* Written through proc, the init's own procfs: the container's mounts
 * (which are made by now) cannot take the write, and the namespaced
 * sysctls are those of the namespaces the init is in as it opens them. */
int init_set_sysctls(const spec_config *cfg, int proc, skiff_error *err)
{
	const spec_linux *lx = cfg->linux_;

	for (size_t i = 0; lx && i < lx->sysctl_len; i++) {
		char path[sizeof("/proc/sys/") + SPEC_SYSCTL_MAX], json_path[512];
		const char *key = lx->sysctl[i].key;

		/* Validation refused such a key already; a config handed to the
		 * library unvalidated must not climb out of /proc/sys either. */
		memcpy(path, "sys/", 4);
		if (spec_sysctl_path(key, path + 4, sizeof(path) - 4) < 0)
			return skiff_fail_msg_at(err, EINVAL, spec_sysctl_json_path(key, json_path, sizeof(json_path)),
					     "invalid sysctl \"%s\"", key ? key : "");
		trace("sysctl %s = %s", key, lx->sysctl[i].value);
		if (procfs_write(proc, path, lx->sysctl[i].value, err) < 0)
			return skiff_error_prefix(err, "set sysctl %s", key);
	}
	return 0;
}

int init_set_personality(const spec_config *cfg, skiff_error *err)
{
	const spec_personality *p = cfg->linux_ ? cfg->linux_->personality : NULL;

	if (!p)
		return 0;
	if (personality(!strcmp(p->domain, "LINUX32") ? PER_LINUX32 : PER_LINUX) < 0)
		return skiff_fail_errno(err, errno, "set personality %s", p->domain);
	return 0;
}

int init_set_oom_score_adj(const spec_process *p, int proc, skiff_error *err)
{
	char text[16];

	if (!p->has_oom_score_adj)
		return 0;
	snprintf(text, sizeof(text), "%d", (int)p->oom_score_adj);
	trace("oom_score_adj %s", text);
	return procfs_write(proc, "self/oom_score_adj", text, err);
}

/* A new network namespace starts with lo down; runc brings it up. */
int init_loopback_up(skiff_error *err)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (sock < 0)
		return skiff_fail_errno(err, errno, "bring up lo: socket");
	if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0) {
		int saved = errno;

		close(sock);
		return skiff_fail_errno(err, saved, "bring up lo");
	}
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(sock, SIOCSIFFLAGS, &ifr) < 0) {
		int saved = errno;

		close(sock);
		return skiff_fail_errno(err, saved, "bring up lo");
	}
	close(sock);
	return 0;
}

int init_set_names(const spec_config *cfg, skiff_error *err)
{
	if (cfg->hostname)
		trace("hostname %s", cfg->hostname);
	if (cfg->domainname)
		trace("domainname %s", cfg->domainname);
	if (cfg->hostname && sethostname(cfg->hostname, strlen(cfg->hostname)) < 0)
		return skiff_fail_errno_at(err, errno, ".hostname", "set hostname \"%s\"", cfg->hostname);
	if (cfg->domainname && setdomainname(cfg->domainname, strlen(cfg->domainname)) < 0)
		return skiff_fail_errno_at(err, errno, ".domainname", "set domainname \"%s\"",
				     cfg->domainname);
	return 0;
}

/* A fresh session keyring, so containers do not share the caller's keys. */
int init_join_session_keyring(const skiff_context *ctx, skiff_error *err)
{
	if (ctx->no_new_keyring)
		return 0;
	trace("join a new session keyring");
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, ctx->id) < 0 &&
	    errno != ENOSYS && errno != EPERM && errno != EACCES)
		return skiff_fail_errno(err, errno, "create a session keyring");
	return 0;
}
