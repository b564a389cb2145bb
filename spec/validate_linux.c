/*
 * The rules of the config's linux section (config-linux.md): namespaces,
 * devices, seccomp, masked and read-only paths, sysctls.  Split from
 * validate.c, whose helpers (validate.h) report the problems the same way.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "schema.h"
#include "validate.h"

/* ---- linux ---- */

static int check_namespaces(struct vctx *v, const spec_linux *l)
{
	char msg[QBUF + 64], q[QBUF];
	size_t i, j;

	for (i = 0; i < l->namespaces_len; i++) {
		const spec_namespace *ns = &l->namespaces[i];

		if (!ns->type && vfail(v, "required field is missing", ".linux.namespaces[%zu].type",
				      i) < 0)
			return -1;
		for (j = 0; ns->type && j < i; j++) {
			if (l->namespaces[j].type && strcmp(l->namespaces[j].type, ns->type) == 0) {
				snprintf(msg, sizeof(msg),
					 "duplicate namespace type %s (also at [%zu])",
					 vquote(q, sizeof(q), ns->type), j);
				if (vfail(v, msg, ".linux.namespaces[%zu].type", i) < 0)
					return -1;
				break;
			}
		}
		if (ns->path && ns->path[0] && !vis_absolute(ns->path)) {
			snprintf(msg, sizeof(msg), "must be an absolute path, got %s",
				 vquote(q, sizeof(q), ns->path));
			if (vfail(v, msg, ".linux.namespaces[%zu].path", i) < 0)
				return -1;
		}
	}
	/* The root of a new user namespace cannot mount anything in a mount
	 * namespace it does not own: the container could not be built. */
	const spec_namespace *user = spec_namespace_find(v->cfg, "user");
	const spec_namespace *mnt = spec_namespace_find(v->cfg, "mount");

	if (user && !(user->path && user->path[0]) && mnt && mnt->path && mnt->path[0])
		return vfail(v, "a mount namespace given by path cannot go with a new user namespace (the container could not mount in it)",
			     ".linux.namespaces[%zu].path", (size_t)(mnt - l->namespaces));
	return 0;
}

/* Absolute, under /dev/, and no ".." component to climb out of it. */
static bool device_path_ok(const char *path)
{
	const char *p;

	if (!path || strncmp(path, "/dev/", 5) != 0 || !path[5])
		return false;
	for (p = path; *p;) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return false;
		p += n;
		while (*p == '/')
			p++;
	}
	return true;
}

static int check_string_list(struct vctx *v, const char *what, const char *const *known,
			     char *const *items, size_t len, const char *field)
{
	char msg[QBUF + 64], q[QBUF];
	size_t i;

	for (i = 0; i < len; i++) {
		if (items[i] && vin_list(known, items[i]))
			continue;
		snprintf(msg, sizeof(msg), "unknown %s %s", what, vquote(q, sizeof(q), items[i]));
		if (vfail(v, msg, ".linux.seccomp.%s[%zu]", field, i) < 0)
			return -1;
	}
	return 0;
}

/* config-linux.md#seccomp: an errno for an action that takes none "MUST
 * print and error and fail"; the filter keeps it in 16 bits. */
static int check_errno_ret(struct vctx *v, const char *action, bool has, uint32_t value,
			   const char *path)
{
	char msg[128];

	if (!has || !action)
		return 0;
	if (strcmp(action, "SCMP_ACT_ERRNO") != 0 && strcmp(action, "SCMP_ACT_TRACE") != 0) {
		snprintf(msg, sizeof(msg),
			 "an errno return is only valid with SCMP_ACT_ERRNO and SCMP_ACT_TRACE, not %s",
			 action);
		return vfail(v, msg, "%s", path);
	}
	if (value > 0xffff) {
		snprintf(msg, sizeof(msg), "errno %" PRIu32 " is out of range", value);
		return vfail(v, msg, "%s", path);
	}
	return 0;
}

static int check_syscall_rule(struct vctx *v, const spec_syscall *sc, size_t i)
{
	char path[96], msg[96];

	if (sc->names_len == 0 &&
	    vfail(v, "must contain at least one entry", ".linux.seccomp.syscalls[%zu].names", i) < 0)
		return -1;
	snprintf(path, sizeof(path), ".linux.seccomp.syscalls[%zu].errnoRet", i);
	if (check_errno_ret(v, sc->action, sc->has_errno_ret, sc->errno_ret, path) < 0)
		return -1;
	for (size_t j = 0; j < sc->args_len; j++) {
		if (sc->args[j].index <= 5)
			continue;
		snprintf(msg, sizeof(msg), "a syscall has 6 arguments, got index %" PRIu32,
			 sc->args[j].index);
		if (vfail(v, msg, ".linux.seccomp.syscalls[%zu].args[%zu].index", i, j) < 0)
			return -1;
	}
	/* The init hands the listener over with sendmsg(2), under the filter
	 * already: a NOTIFY there would wait on an agent that has nothing yet
	 * (runc's rule, for its write(2)). */
	for (size_t n = 0; sc->action && !strcmp(sc->action, "SCMP_ACT_NOTIFY") && n < sc->names_len;
	     n++)
		if (sc->names[n] && !strcmp(sc->names[n], "sendmsg") &&
		    vfail(v, "SCMP_ACT_NOTIFY cannot be used for sendmsg, which hands the listener to the runtime",
			 ".linux.seccomp.syscalls[%zu].names[%zu]", i, n) < 0)
			return -1;
	return 0;
}

static int check_seccomp(struct vctx *v, const spec_seccomp *s)
{
	size_t i;

	if (!s)
		return 0;
	if (check_string_list(v, "architecture", spec_seccomp_arch_names, s->architectures,
			      s->architectures_len, "architectures") < 0 ||
	    check_string_list(v, "seccomp flag", spec_seccomp_flag_names, s->flags, s->flags_len,
			      "flags") < 0)
		return -1;
	/* Every syscall would wait for an agent, the runtime's own included
	 * (runc: "SCMP_ACT_NOTIFY cannot be used as default action"). */
	if (s->default_action && !strcmp(s->default_action, "SCMP_ACT_NOTIFY") &&
	    vfail(v, "SCMP_ACT_NOTIFY cannot be the default action", ".linux.seccomp.defaultAction") < 0)
		return -1;
	if (check_errno_ret(v, s->default_action, s->has_default_errno_ret, s->default_errno_ret,
			    ".linux.seccomp.defaultErrnoRet") < 0)
		return -1;
	for (i = 0; i < s->syscalls_len; i++)
		if (check_syscall_rule(v, &s->syscalls[i], i) < 0)
			return -1;
	if (s->listener_metadata && !s->listener_path)
		return vfail(v, "requires listenerPath", ".linux.seccomp.listenerMetadata");
	/* A notify listener goes to the agent at listenerPath, a unix socket
	 * (sockaddr_un has room for 107 bytes and the NUL). */
	for (i = 0; (!s->listener_path || !s->listener_path[0]) && i < s->syscalls_len; i++)
		if (s->syscalls[i].action && !strcmp(s->syscalls[i].action, "SCMP_ACT_NOTIFY"))
			return vfail(v, "SCMP_ACT_NOTIFY needs a seccomp agent to listen there",
				     ".linux.seccomp.listenerPath");
	if (s->listener_path && strlen(s->listener_path) > 107)
		return vfail(v, "longer than a unix socket path can be (107 bytes)",
			     ".linux.seccomp.listenerPath");
	return 0;
}

/* A device rule's access: some of r, w and m ("" and none: all three). */
static int check_device_rules(struct vctx *v, const spec_resources *r)
{
	char msg[QBUF + 64], q[QBUF];

	for (size_t i = 0; i < r->devices_len; i++) {
		const char *a = r->devices[i].access;

		if (!a || (strlen(a) <= 3 && strspn(a, "rwm") == strlen(a)))
			continue;
		snprintf(msg, sizeof(msg), "%s is not a combination of r, w and m",
			 vquote(q, sizeof(q), a));
		if (vfail(v, msg, ".linux.resources.devices[%zu].access", i) < 0)
			return -1;
	}
	return 0;
}

/* Memory limits that no cgroup version can take (config-linux.md#memory;
 * runc's words).  swap is memory+swap, so it needs a memory limit and may
 * not be below it; -1 is unlimited. */
static int check_memory(struct vctx *v, const spec_memory *m)
{
	char msg[96];

	if (!m)
		return 0;
	if (m->has_swappiness && m->swappiness > 100) {
		snprintf(msg, sizeof(msg), "invalid value %" PRIu64 ", the valid range is 0-100",
			 m->swappiness);
		if (vfail(v, msg, ".linux.resources.memory.swappiness") < 0)
			return -1;
	}
	if (!m->has_swap || m->swap <= 0)
		return 0;
	if (!m->has_limit || m->limit == 0)
		return vfail(v, "unable to set swap limit without memory limit",
			     ".linux.resources.memory.swap");
	if (m->limit > 0 && m->swap < m->limit)
		return vfail(v, "memory+swap limit should be >= memory limit",
			     ".linux.resources.memory.swap");
	return 0;
}

static int check_path_list(struct vctx *v, const char *field, char *const *paths, size_t len)
{
	char msg[QBUF + 64], q[QBUF];
	size_t i;

	for (i = 0; i < len; i++) {
		if (vis_absolute(paths[i]))
			continue;
		snprintf(msg, sizeof(msg), "must be an absolute path, got %s",
			 vquote(q, sizeof(q), paths[i]));
		if (vfail(v, msg, ".linux.%s[%zu]", field, i) < 0)
			return -1;
	}
	return 0;
}

/* A sysctl the container may set: a real name, of a namespace the
 * container has (one joined by path counts, as in runc; whether that path
 * is the runtime's own network namespace is create's question,
 * create_requirements()).  Anything else would set the host's. */
static int check_sysctl(struct vctx *v, const spec_kv *kv)
{
	char path[SPEC_QUOTE_MAX * 6 + 32], name[SPEC_SYSCTL_MAX], msg[2 * QBUF + 128], q[QBUF],
		q2[QBUF];
	const char *ns, *field = NULL, *want = NULL;

	spec_sysctl_json_path(kv->key, path, sizeof(path));
	if (!kv->key || !kv->key[0])
		return vfail(v, "empty key", "%s", path);
	if (strlen(kv->key) >= SPEC_SYSCTL_MAX)
		return vfail(v, "not a sysctl: longer than 255 bytes", "%s", path);
	if (spec_sysctl_name(kv->key, name, sizeof(name)) < 0)
		return vfail(v, "not a sysctl: a component is empty, \".\" or \"..\"", "%s", path);
	ns = spec_sysctl_namespace(name);
	if (!ns) {
		snprintf(msg, sizeof(msg),
			 "sysctl %s is not in a separate kernel namespace: it would set the host's",
			 vquote(q, sizeof(q), name));
		return vfail(v, msg, "%s", path);
	}
	if (!vhas_namespace(v->cfg, ns)) {
		snprintf(msg, sizeof(msg),
			 "sysctl %s would set the host's: .linux.namespaces has no \"%s\" namespace",
			 vquote(q, sizeof(q), name), ns);
		return vfail(v, msg, "%s", path);
	}
	/* The UTS names have fields of their own, which a sysctl saying
	 * otherwise would override without a word.  One that agrees does no
	 * harm (runc 1.1 refuses kernel.hostname whatever its value). */
	if (strcmp(name, "kernel.hostname") == 0)
		field = "hostname", want = v->cfg->hostname;
	else if (strcmp(name, "kernel.domainname") == 0)
		field = "domainname", want = v->cfg->domainname;
	if (want && want[0] && strcmp(want, kv->value ? kv->value : "") != 0) {
		snprintf(msg, sizeof(msg), "sysctl %s conflicts with .%s %s", vquote(q, sizeof(q), name),
			 field, vquote(q2, sizeof(q2), want));
		return vfail(v, msg, "%s", path);
	}
	return 0;
}

static int check_sysctls(struct vctx *v, const spec_linux *l)
{
	for (size_t i = 0; i < l->sysctl_len; i++)
		if (check_sysctl(v, &l->sysctl[i]) < 0)
			return -1;
	return 0;
}

int validate_linux(struct vctx *v, const spec_linux *l)
{
	char msg[QBUF + 64], q[QBUF];
	size_t i;

	if (check_namespaces(v, l) < 0)
		return -1;
	if (l->uid_mappings_len && !vhas_namespace(v->cfg, "user") &&
	    vfail(v, "uid mappings need a user namespace in .linux.namespaces",
		 ".linux.uidMappings") < 0)
		return -1;
	if (l->gid_mappings_len && !vhas_namespace(v->cfg, "user") &&
	    vfail(v, "gid mappings need a user namespace in .linux.namespaces",
		 ".linux.gidMappings") < 0)
		return -1;
	if (l->time_offsets_len && !vhas_namespace(v->cfg, "time") &&
	    vfail(v, "time offsets need a time namespace in .linux.namespaces",
		 ".linux.timeOffsets") < 0)
		return -1;
	/* The kernel takes offsets only before a time namespace has a
	 * process: one joined by path has its own already, and the container
	 * would run with those, not these (runc 1.1 knows no time namespace;
	 * 1.2 stopped writing offsets on a join, as it fails). */
	{
		const spec_namespace *time = spec_namespace_find(v->cfg, "time");

		if (l->time_offsets_len && time && time->path && time->path[0]) {
			snprintf(msg, sizeof(msg),
				 "time offsets can only be set on a new time namespace, not on the one .linux.namespaces[%zu].path joins",
				 (size_t)(time - l->namespaces));
			if (vfail(v, msg, ".linux.timeOffsets") < 0)
				return -1;
		}
	}
	for (i = 0; i < l->devices_len; i++) {
		if (device_path_ok(l->devices[i].path))
			continue;
		snprintf(msg, sizeof(msg), "must be an absolute path under /dev, got %s",
			 vquote(q, sizeof(q), l->devices[i].path));
		if (vfail(v, msg, ".linux.devices[%zu].path", i) < 0)
			return -1;
	}
	if (check_sysctls(v, l) < 0)
		return -1;
	if (vcheck_id_mappings(v, l->uid_mappings, l->uid_mappings_len, ".linux.uidMappings") < 0 ||
	    vcheck_id_mappings(v, l->gid_mappings, l->gid_mappings_len, ".linux.gidMappings") < 0)
		return -1;
	for (i = 0; i < l->devices_len; i++) {
		const spec_device *d = &l->devices[i];

		if ((d->has_uid && vcheck_id(v, d->uid, ".linux.devices[%zu].uid", i) < 0) ||
		    (d->has_gid && vcheck_id(v, d->gid, ".linux.devices[%zu].gid", i) < 0))
			return -1;
	}
	if (check_path_list(v, "maskedPaths", l->masked_paths, l->masked_paths_len) < 0 ||
	    check_path_list(v, "readonlyPaths", l->readonly_paths, l->readonly_paths_len) < 0)
		return -1;
	/* Without a mount namespace the container shares its mounts with the
	 * caller (the host): a mask there would mask the host's.  runc refuses
	 * the same, with these words (one joined by path it takes as the
	 * container's own, and so does skiff). */
	if (!vhas_namespace(v->cfg, "mount") && (l->masked_paths_len || l->readonly_paths_len) &&
	    vfail(v, "unable to restrict sys entries without a private MNT namespace",
		 l->masked_paths_len ? ".linux.maskedPaths" : ".linux.readonlyPaths") < 0)
		return -1;
	/* config-linux.md#personality: "Currently no flag values are
	 * supported", and config.md#valid-values wants an error for a value
	 * that is not supported. */
	for (size_t i = 0; l->personality && i < l->personality->flags_len; i++) {
		char msg[QBUF + 64], q[QBUF];

		snprintf(msg, sizeof(msg), "unsupported personality flag %s: the runtime-spec defines none",
			 vquote(q, sizeof(q), l->personality->flags[i]));
		if (vfail(v, msg, ".linux.personality.flags[%zu]", i) < 0)
			return -1;
	}
	if (l->resources && (check_memory(v, l->resources->memory) < 0 ||
			     check_device_rules(v, l->resources) < 0))
		return -1;
	return check_seccomp(v, l->seccomp);
}
