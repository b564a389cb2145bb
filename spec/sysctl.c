/*
 * Sysctl names.  sysctl(8) spells one two ways, "net.ipv4.ip_forward" or
 * "net/ipv4/ip_forward", so each is first brought to one form: the rules
 * (validate.c) look at the dotted name, the init writes the file under
 * /proc/sys that spec_sysctl_path() gives.  Most of /proc/sys is the
 * host's whatever the namespaces: only the IPC, UTS and network ones make
 * some of it the container's own (spec_sysctl_namespace()).
 */
#include <stdio.h>
#include <string.h>

#include "schema.h"

/* As runc and sysctl.d(5): the first separator says which form a key is
 * in.  In the dotted form a '/' stands for a '.' inside one component
 * ("net.ipv4.conf.eth0/100.rp_filter" is net/ipv4/conf/eth0.100/rp_filter),
 * in the slash form the other way round. */
static bool slash_form(const char *key)
{
	return key[strcspn(key, "./")] == '/';
}

/* Every component is a name: none empty, "." or "..", so that the path
 * cannot climb out of /proc/sys nor stand for another sysctl than its
 * dotted name says (validate.c judges the name, the init writes the path). */
static bool components_ok(const char *path)
{
	for (const char *p = path;; p++) {
		size_t n = strcspn(p, "/");

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p += n;
		if (!*p)
			return true;
	}
}

static void swap_separators(char *s)
{
	for (; *s; s++)
		if (*s == '.')
			*s = '/';
		else if (*s == '/')
			*s = '.';
}

int spec_sysctl_path(const char *key, char *out, size_t size)
{
	size_t n = key ? strlen(key) : 0;

	if (n == 0 || n >= size || n >= SPEC_SYSCTL_MAX)
		return -1;
	memcpy(out, key, n + 1);
	if (!slash_form(key))
		swap_separators(out);
	return components_ok(out) ? 0 : -1;
}

int spec_sysctl_name(const char *key, char *out, size_t size)
{
	if (spec_sysctl_path(key, out, size) < 0)
		return -1;
	swap_separators(out);
	return 0;
}

/* The IPC ones are runc's list (ipc_namespaces(7) has them per namespace);
 * of the UTS ones only the two names are files of /proc/sys.  One more than
 * runc: kernel.ns_last_pid, which the kernel keeps per pid namespace (the
 * writer's; CRIU sets it), so a new pid namespace makes it the container's. */
const char *spec_sysctl_namespace(const char *name)
{
	static const char *const ipc[] = {
		"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
		"kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
	};

	for (size_t i = 0; i < ARRAY_SIZE(ipc); i++)
		if (strcmp(name, ipc[i]) == 0)
			return "ipc";
	if (strncmp(name, "fs.mqueue.", 10) == 0)
		return "ipc";
	if (strcmp(name, "kernel.hostname") == 0 || strcmp(name, "kernel.domainname") == 0)
		return "uts";
	if (strncmp(name, "net.", 4) == 0)
		return "network";
	if (strcmp(name, "kernel.ns_last_pid") == 0)
		return "pid";
	return NULL;
}

char *spec_sysctl_json_path(const char *key, char *buf, size_t size)
{
	char quoted[SPEC_QUOTE_MAX * 6 + 8];

	snprintf(buf, size, ".linux.sysctl[%s]", spec_quote(quoted, sizeof(quoted), key ? key : ""));
	return buf;
}
