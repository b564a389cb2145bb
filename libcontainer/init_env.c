/*
 * The init's own settings that are not the root filesystem nor the
 * process: sysctls, personality, oom_score_adj, the loopback interface,
 * host and domain names, the session keyring.  Each runs in the init
 * during create (container.c says when).
 */
#include <errno.h>
#include <fcntl.h>
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

/* Each key is written through the container's /proc, checked to be procfs
 * on the very file opened (procfs.c): a host directory put on /proc would
 * otherwise take the value into a host file. */
int init_set_sysctls(const spec_config *cfg, skiff_error *err)
{
	const spec_linux *lx = cfg->linux_;
	int procfd;

	if (!lx || !lx->sysctl_len)
		return 0;
	procfd = procfs_open_root(err);
	if (procfd < 0)
		return skiff_error_prefix(err, "set sysctls");
	for (size_t i = 0; i < lx->sysctl_len; i++) {
		const char *key = lx->sysctl[i].key, *value = lx->sysctl[i].value;
		char sub[512];
		size_t n;
		int fd, rc;

		n = (size_t)snprintf(sub, sizeof(sub), "sys/%s", key);
		if (n >= sizeof(sub) || strstr(key, "..") || strchr(key, '/')) {
			close(procfd);
			return skiff_fail_at(err, 0, ".linux.sysctl", "invalid sysctl \"%s\"", key);
		}
		for (char *p = sub + 4; *p; p++)
			if (*p == '.')
				*p = '/';
		fd = procfs_open_at(procfd, sub, O_WRONLY, err);
		if (fd < 0) {
			close(procfd);
			return skiff_error_prefix(err, "set sysctl %s", key);
		}
		rc = write_all(fd, value, strlen(value));
		if (rc < 0) {
			char path[520];

			snprintf(path, sizeof(path), "/proc/%s", sub);
			skiff_fail_at(err, errno, path, "set sysctl %s: write %s", key, path);
		}
		close(fd);
		if (rc < 0) {
			close(procfd);
			return -1;
		}
	}
	close(procfd);
	return 0;
}

int init_set_personality(const spec_config *cfg, skiff_error *err)
{
	const spec_personality *p = cfg->linux_ ? cfg->linux_->personality : NULL;

	if (!p)
		return 0;
	if (personality(!strcmp(p->domain, "LINUX32") ? PER_LINUX32 : PER_LINUX) < 0)
		return skiff_fail(err, errno, "set personality %s", p->domain);
	return 0;
}

int init_set_oom_score_adj(const spec_process *p, skiff_error *err)
{
	char text[16];

	if (!p->has_oom_score_adj)
		return 0;
	snprintf(text, sizeof(text), "%d", (int)p->oom_score_adj);
	return write_string_to("/proc/self/oom_score_adj", text, err);
}

/* A new network namespace starts with lo down; runc brings it up. */
int init_loopback_up(skiff_error *err)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (sock < 0)
		return skiff_fail(err, errno, "bring up lo: socket");
	if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0) {
		int saved = errno;

		close(sock);
		return skiff_fail(err, saved, "bring up lo");
	}
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(sock, SIOCSIFFLAGS, &ifr) < 0) {
		int saved = errno;

		close(sock);
		return skiff_fail(err, saved, "bring up lo");
	}
	close(sock);
	return 0;
}

int init_set_names(const spec_config *cfg, skiff_error *err)
{

	if (cfg->hostname && sethostname(cfg->hostname, strlen(cfg->hostname)) < 0)
		return skiff_fail_at(err, errno, ".hostname", "set hostname \"%s\"", cfg->hostname);
	if (cfg->domainname && setdomainname(cfg->domainname, strlen(cfg->domainname)) < 0)
		return skiff_fail_at(err, errno, ".domainname", "set domainname \"%s\"",
				     cfg->domainname);
	return 0;
}

/* A fresh session keyring, so containers do not share the caller's keys. */
int init_join_session_keyring(const skiff_context *ctx, skiff_error *err)
{
	if (ctx->no_new_keyring)
		return 0;
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, ctx->id) < 0 &&
	    errno != ENOSYS && errno != EPERM && errno != EACCES)
		return skiff_fail(err, errno, "create a session keyring");
	return 0;
}
