/*
 * Checks across fields that the parser's types cannot express.  Every
 * message names the JSON path at fault, like the parser's:
 *   config.json: .process.capabilities.bounding[3]: unknown capability "CAP_FOO"
 * Problems go to a sink (schema.h): spec_validate() stops at the first,
 * spec_validate_all() hears them all.  fail() says which: it returns -1 to
 * stop, 0 to go on with the next check, so each check reads
 * `if (fail(...) < 0) return -1;` and then carries on.  A config that
 * spec_parse_config_all() left incomplete may have NULL anywhere.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/capability.h>


#include "error.h"
#include "schema.h"

struct vctx {
	const spec_config *cfg;
	struct spec_sink *sink;
};

/* Report a problem at a path that is itself a format: -1 to stop, 0 to go on. */
static int fail(struct vctx *v, const char *problem, const char *path_fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct vctx *v, const char *problem, const char *path_fmt, ...)
{
	char path[256];
	va_list ap;

	va_start(ap, path_fmt);
	vsnprintf(path, sizeof(path), path_fmt, ap);
	va_end(ap);
	spec_report(v->sink, path, "%s", problem);
	return spec_sink_goes_on(v->sink) ? 0 : -1;
}

static const char *quote(char *buf, size_t size, const char *s)
{
	return spec_quote(buf, size, s ? s : "");
}

#define QBUF (SPEC_QUOTE_MAX * 6 + 8)

static bool is_absolute(const char *path)
{
	return path && path[0] == '/';
}

static bool in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

static const char *const rlimit_names[] = {
	"RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK",
	"RLIMIT_CORE", "RLIMIT_RSS", "RLIMIT_NPROC", "RLIMIT_NOFILE",
	"RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS", "RLIMIT_SIGPENDING",
	"RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME", NULL,
};

/* The spec's list plus the architectures libseccomp added since. */
static const char *const seccomp_archs[] = {
	"SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM",
	"SCMP_ARCH_AARCH64", "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_MIPS",
	"SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64",
	"SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE",
	"SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64",
	"SCMP_ARCH_RISCV64", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB", NULL,
};

static const char *const seccomp_flags[] = {
	"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
	"SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL,
};

static bool has_namespace(const spec_config *cfg, const char *type)
{
	return spec_namespace_find(cfg, type) != NULL;
}

/* ---- user and group ids ---- */

/* An id above SPEC_ID_MAX is refused wherever a config names one. */
static int check_id(struct vctx *v, uint32_t id, const char *path_fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int check_id(struct vctx *v, uint32_t id, const char *path_fmt, ...)
{
	char path[256], msg[96];
	va_list ap;

	if (id <= SPEC_ID_MAX)
		return 0;
	va_start(ap, path_fmt);
	vsnprintf(path, sizeof(path), path_fmt, ap);
	va_end(ap);
	snprintf(msg, sizeof(msg), "must be between 0 and %u, got %" PRIu32, SPEC_ID_MAX, id);
	return fail(v, msg, "%s", path);
}

/* Each range of ids, inside the container and on the host, stays within
 * 0..SPEC_ID_MAX: the kernel would take a range that ends at 4294967294. */
static int check_id_mappings(struct vctx *v, const spec_id_mapping *maps, size_t len,
			     const char *field)
{
	char msg[160];

	for (size_t i = 0; i < len; i++) {
		const spec_id_mapping *m = &maps[i];
		uint64_t first = m->container_id > m->host_id ? m->container_id : m->host_id;

		if (check_id(v, m->container_id, "%s[%zu].containerID", field, i) < 0 ||
		    check_id(v, m->host_id, "%s[%zu].hostID", field, i) < 0)
			return -1;
		if (first > SPEC_ID_MAX || first + m->size <= (uint64_t)SPEC_ID_MAX + 1)
			continue;
		snprintf(msg, sizeof(msg), "%" PRIu32 " ids from %s %" PRIu64 " go past %u, the highest id",
			 m->size, m->host_id > m->container_id ? "hostID" : "containerID", first,
			 SPEC_ID_MAX);
		if (fail(v, msg, "%s[%zu].size", field, i) < 0)
			return -1;
	}
	return 0;
}

/* ---- process ---- */

/* libcap knows the names; it also takes "cap_chown" and "12", which the
 * runtime-spec does not, so insist on the CAP_UPPER_CASE spelling first. */
bool spec_capability_known(const char *name)
{
	cap_value_t value;
	const char *p;

	if (!name || strncmp(name, "CAP_", 4) != 0 || !name[4])
		return false;
	for (p = name + 4; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return cap_from_name(name, &value) == 0;
}

static int check_cap_set(struct vctx *v, const char *set, char *const *names, size_t len)
{
	char msg[QBUF + 32], q[QBUF];
	size_t i;

	for (i = 0; i < len; i++) {
		if (spec_capability_known(names[i]))
			continue;
		snprintf(msg, sizeof(msg), "unknown capability %s", quote(q, sizeof(q), names[i]));
		if (fail(v, msg, ".process.capabilities.%s[%zu]", set, i) < 0)
			return -1;
	}
	return 0;
}

static int check_capabilities(struct vctx *v, const spec_capabilities *caps)
{
	if (!caps)
		return 0;
	if (check_cap_set(v, "bounding", caps->bounding, caps->bounding_len) < 0 ||
	    check_cap_set(v, "effective", caps->effective, caps->effective_len) < 0 ||
	    check_cap_set(v, "inheritable", caps->inheritable, caps->inheritable_len) < 0 ||
	    check_cap_set(v, "permitted", caps->permitted, caps->permitted_len) < 0 ||
	    check_cap_set(v, "ambient", caps->ambient, caps->ambient_len) < 0)
		return -1;
	return 0;
}

static int check_rlimits(struct vctx *v, const spec_process *p)
{
	char msg[2 * QBUF + 64], q[QBUF];
	size_t i, j;

	for (i = 0; i < p->rlimits_len; i++) {
		const spec_rlimit *r = &p->rlimits[i];

		if (!r->type || !in_list(rlimit_names, r->type)) {
			snprintf(msg, sizeof(msg), "unknown rlimit %s", quote(q, sizeof(q), r->type));
			if (fail(v, msg, ".process.rlimits[%zu].type", i) < 0)
				return -1;
		}
		for (j = 0; r->type && j < i; j++) {
			if (p->rlimits[j].type && strcmp(p->rlimits[j].type, r->type) == 0) {
				snprintf(msg, sizeof(msg), "duplicate rlimit %s (also at [%zu])",
					 quote(q, sizeof(q), r->type), j);
				if (fail(v, msg, ".process.rlimits[%zu].type", i) < 0)
					return -1;
				break;
			}
		}
		if (r->soft > r->hard) {
			snprintf(msg, sizeof(msg),
				 "soft limit %" PRIu64 " is greater than hard limit %" PRIu64,
				 r->soft, r->hard);
			if (fail(v, msg, ".process.rlimits[%zu]", i) < 0)
				return -1;
		}
	}
	return 0;
}

/* "0-3,7": numbers and ranges, comma-separated; absent or empty is fine
 * (config.md#linux-process: execCPUAffinity). */
static bool cpu_list_ok(const char *list)
{
	const char *p = list;

	if (!list || !*list)
		return true;
	while (*p) {
		unsigned long first, last;
		char *end;

		if (*p < '0' || *p > '9')
			return false;
		first = last = strtoul(p, &end, 10);
		if (*end == '-') {
			if (end[1] < '0' || end[1] > '9')
				return false;
			last = strtoul(end + 1, &end, 10);
		}
		if (last < first)
			return false;
		if (*end == ',' && end[1])
			end++;
		else if (*end)
			return false;
		p = end;
	}
	return true;
}

static int check_process(struct vctx *v, const spec_process *p)
{
	char msg[QBUF + 64], q[QBUF];

	if (!p->cwd) {
		if (fail(v, "required field is missing", ".process.cwd") < 0)
			return -1;
	} else if (!is_absolute(p->cwd)) {
		snprintf(msg, sizeof(msg), "must be an absolute path, got %s",
			 quote(q, sizeof(q), p->cwd));
		if (fail(v, msg, ".process.cwd") < 0)
			return -1;
	}
	if (p->args_len == 0 && fail(v, "must contain at least one entry", ".process.args") < 0)
		return -1;
	if (p->user && (check_id(v, p->user->uid, ".process.user.uid") < 0 ||
			check_id(v, p->user->gid, ".process.user.gid") < 0))
		return -1;
	for (size_t i = 0; p->user && i < p->user->additional_gids_len; i++)
		if (check_id(v, p->user->additional_gids[i], ".process.user.additionalGids[%zu]", i) < 0)
			return -1;
	if (p->has_oom_score_adj && (p->oom_score_adj < -1000 || p->oom_score_adj > 1000)) {
		snprintf(msg, sizeof(msg), "must be between -1000 and 1000, got %d",
			 (int)p->oom_score_adj);
		if (fail(v, msg, ".process.oomScoreAdj") < 0)
			return -1;
	}
	if (p->io_priority && (p->io_priority->priority < 0 || p->io_priority->priority > 7)) {
		snprintf(msg, sizeof(msg), "must be between 0 and 7, got %d",
			 (int)p->io_priority->priority);
		if (fail(v, msg, ".process.ioPriority.priority") < 0)
			return -1;
	}
	if (p->scheduler) {
		static const char *const flags[] = {
			"SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM", "SCHED_FLAG_DL_OVERRUN",
			"SCHED_FLAG_KEEP_POLICY", "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN",
			"SCHED_FLAG_UTIL_CLAMP_MAX",
		};

		for (size_t i = 0; i < p->scheduler->flags_len; i++) {
			bool known = false;

			for (size_t k = 0; k < sizeof(flags) / sizeof(flags[0]); k++)
				known |= !strcmp(p->scheduler->flags[i], flags[k]);
			if (known)
				continue;
			snprintf(msg, sizeof(msg), "unknown scheduling flag %s",
				 quote(q, sizeof(q), p->scheduler->flags[i]));
			if (fail(v, msg, ".process.scheduler.flags[%zu]", i) < 0)
				return -1;
		}
	}
	if (p->exec_cpu_affinity && (!cpu_list_ok(p->exec_cpu_affinity->initial) ||
				     !cpu_list_ok(p->exec_cpu_affinity->final))) {
		bool first = !cpu_list_ok(p->exec_cpu_affinity->initial);
		const char *bad = first ? p->exec_cpu_affinity->initial : p->exec_cpu_affinity->final;

		snprintf(msg, sizeof(msg), "not a list of CPUs such as \"0-3,7\": %s",
			 quote(q, sizeof(q), bad));
		if (fail(v, msg, ".process.execCPUAffinity.%s", first ? "initial" : "final") < 0)
			return -1;
	}
	/* An unknown capability name is an error (as runc 1.1, and the
	 * project's choice: a typo must not silently drop a capability); one
	 * known but not grantable here (not in this kernel, outside the
	 * runtime's bounding set) is a warning and left out, as
	 * config.md#linux-process asks (capabilities_problems()). */
	if (check_rlimits(v, p) < 0)
		return -1;
	return check_capabilities(v, p->capabilities);
}

/* ---- mounts and hooks ---- */

/* A destination that names "/" however spelled ("/", "//", ".", "/a/.."):
 * a mount there would lie over the whole rootfs.  Lexical, as the mount
 * code resolves ".." inside the rootfs and never above it. */
static bool destination_is_root(const char *dest)
{
	size_t depth = 0;

	if (!dest || !dest[0])
		return false;
	for (const char *p = dest; *p;) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.')
			depth -= depth > 0;
		else if (n && !(n == 1 && p[0] == '.'))
			depth++;
		p += n;
		while (*p == '/')
			p++;
	}
	return depth == 0;
}

/* Idmapped mounts (idmap.c makes them): the kernel idmaps only a bind, and
 * the "idmap"/"ridmap" options of runc 1.2 take the container's mappings
 * when the mount has none of its own. */
static int check_idmapped_mount(struct vctx *v, const spec_mount *m, size_t i)
{
	const spec_linux *l = v->cfg->linux_;

	if (!spec_mount_idmap(m))
		return 0;
	if (!spec_mount_is_bind(m))
		return fail(v, "only bind mounts can be idmapped", ".mounts[%zu]", i);
	if (!m->uid_mappings_len && !m->gid_mappings_len &&
	    (!l || !l->uid_mappings_len || !l->gid_mappings_len))
		return fail(v, "an idmapped mount needs uidMappings and gidMappings, its own or the container's",
			    ".mounts[%zu]", i);
	return 0;
}

static int check_mounts(struct vctx *v, const spec_config *cfg)
{
	char msg[QBUF + 64], q[QBUF], field[64];
	size_t i;

	for (i = 0; i < cfg->mounts_len; i++) {
		const spec_mount *m = &cfg->mounts[i];

		/* config.md#mounts: on Linux a relative destination is deprecated
		 * but allowed, and means relative to "/" (the mount code resolves
		 * it inside the rootfs either way); only an empty one is refused. */
		if (!m->destination || !m->destination[0]) {
			snprintf(msg, sizeof(msg), "must be a path, got %s",
				 quote(q, sizeof(q), m->destination));
			if (fail(v, msg, ".mounts[%zu].destination", i) < 0)
				return -1;
		}
		snprintf(field, sizeof(field), ".mounts[%zu].uidMappings", i);
		if (check_id_mappings(v, m->uid_mappings, m->uid_mappings_len, field) < 0)
			return -1;
		snprintf(field, sizeof(field), ".mounts[%zu].gidMappings", i);
		if (check_id_mappings(v, m->gid_mappings, m->gid_mappings_len, field) < 0)
			return -1;
		/* It would hide the rootfs under it, leaving the container a
		 * tmpfs (or whatever it is) for a root, and skiff has nothing
		 * of the rootfs left to build on: runc fails there too (its
		 * init finds no /proc), crun refuses such a destination. */
		if (destination_is_root(m->destination)) {
			snprintf(msg, sizeof(msg),
				 "a mount on %s would hide the root filesystem: root.path is the container's /",
				 quote(q, sizeof(q), m->destination));
			if (fail(v, msg, ".mounts[%zu].destination", i) < 0)
				return -1;
		}
		/* Else the bind would be of the bundle directory itself (its
		 * path joined with ""); runc fails on it too ("stat : no such
		 * file or directory"). */
		if (spec_mount_is_bind(m) && (!m->source || !m->source[0]) &&
		    fail(v, "a bind mount needs a source", ".mounts[%zu].source", i) < 0)
			return -1;
		if ((m->uid_mappings_len == 0) != (m->gid_mappings_len == 0)) {
			if (fail(v, "uidMappings and gidMappings must be given together", ".mounts[%zu]",
				 i) < 0)
				return -1;
		} else if (check_idmapped_mount(v, m, i) < 0) {
			return -1;
		}
	}
	return 0;
}

static int check_hook_list(struct vctx *v, const char *kind, const spec_hook *hooks, size_t len)
{
	char msg[QBUF + 64], q[QBUF];
	size_t i;

	for (i = 0; i < len; i++) {
		if (!is_absolute(hooks[i].path)) {
			snprintf(msg, sizeof(msg), "must be an absolute path, got %s",
				 quote(q, sizeof(q), hooks[i].path));
			if (fail(v, msg, ".hooks.%s[%zu].path", kind, i) < 0)
				return -1;
		}
		if (hooks[i].has_timeout && hooks[i].timeout <= 0) {
			snprintf(msg, sizeof(msg), "must be greater than zero, got %d",
				 (int)hooks[i].timeout);
			if (fail(v, msg, ".hooks.%s[%zu].timeout", kind, i) < 0)
				return -1;
		}
	}
	return 0;
}

static int check_hooks(struct vctx *v, const spec_hooks *h)
{
	if (!h)
		return 0;
	if (check_hook_list(v, "prestart", h->prestart, h->prestart_len) < 0 ||
	    check_hook_list(v, "createRuntime", h->create_runtime, h->create_runtime_len) < 0 ||
	    check_hook_list(v, "createContainer", h->create_container,
			    h->create_container_len) < 0 ||
	    check_hook_list(v, "startContainer", h->start_container,
			    h->start_container_len) < 0 ||
	    check_hook_list(v, "poststart", h->poststart, h->poststart_len) < 0 ||
	    check_hook_list(v, "poststop", h->poststop, h->poststop_len) < 0)
		return -1;
	return 0;
}

/* ---- linux ---- */

static int check_namespaces(struct vctx *v, const spec_linux *l)
{
	char msg[QBUF + 64], q[QBUF];
	size_t i, j;

	for (i = 0; i < l->namespaces_len; i++) {
		const spec_namespace *ns = &l->namespaces[i];

		if (!ns->type && fail(v, "required field is missing", ".linux.namespaces[%zu].type",
				      i) < 0)
			return -1;
		for (j = 0; ns->type && j < i; j++) {
			if (l->namespaces[j].type && strcmp(l->namespaces[j].type, ns->type) == 0) {
				snprintf(msg, sizeof(msg),
					 "duplicate namespace type %s (also at [%zu])",
					 quote(q, sizeof(q), ns->type), j);
				if (fail(v, msg, ".linux.namespaces[%zu].type", i) < 0)
					return -1;
				break;
			}
		}
		if (ns->path && ns->path[0] && !is_absolute(ns->path)) {
			snprintf(msg, sizeof(msg), "must be an absolute path, got %s",
				 quote(q, sizeof(q), ns->path));
			if (fail(v, msg, ".linux.namespaces[%zu].path", i) < 0)
				return -1;
		}
	}
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
		if (items[i] && in_list(known, items[i]))
			continue;
		snprintf(msg, sizeof(msg), "unknown %s %s", what, quote(q, sizeof(q), items[i]));
		if (fail(v, msg, ".linux.seccomp.%s[%zu]", field, i) < 0)
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
		return fail(v, msg, "%s", path);
	}
	if (value > 0xffff) {
		snprintf(msg, sizeof(msg), "errno %" PRIu32 " is out of range", value);
		return fail(v, msg, "%s", path);
	}
	return 0;
}

static int check_syscall_rule(struct vctx *v, const spec_syscall *sc, size_t i)
{
	char path[96], msg[96];

	if (sc->names_len == 0 &&
	    fail(v, "must contain at least one entry", ".linux.seccomp.syscalls[%zu].names", i) < 0)
		return -1;
	snprintf(path, sizeof(path), ".linux.seccomp.syscalls[%zu].errnoRet", i);
	if (check_errno_ret(v, sc->action, sc->has_errno_ret, sc->errno_ret, path) < 0)
		return -1;
	for (size_t j = 0; j < sc->args_len; j++) {
		if (sc->args[j].index <= 5)
			continue;
		snprintf(msg, sizeof(msg), "a syscall has 6 arguments, got index %" PRIu32,
			 sc->args[j].index);
		if (fail(v, msg, ".linux.seccomp.syscalls[%zu].args[%zu].index", i, j) < 0)
			return -1;
	}
	/* The init hands the listener over with sendmsg(2), under the filter
	 * already: a NOTIFY there would wait on an agent that has nothing yet
	 * (runc's rule, for its write(2)). */
	for (size_t n = 0; sc->action && !strcmp(sc->action, "SCMP_ACT_NOTIFY") && n < sc->names_len;
	     n++)
		if (sc->names[n] && !strcmp(sc->names[n], "sendmsg") &&
		    fail(v, "SCMP_ACT_NOTIFY cannot be used for sendmsg, which hands the listener to the runtime",
			 ".linux.seccomp.syscalls[%zu].names[%zu]", i, n) < 0)
			return -1;
	return 0;
}

static int check_seccomp(struct vctx *v, const spec_seccomp *s)
{
	size_t i;

	if (!s)
		return 0;
	if (check_string_list(v, "architecture", seccomp_archs, s->architectures,
			      s->architectures_len, "architectures") < 0 ||
	    check_string_list(v, "seccomp flag", seccomp_flags, s->flags, s->flags_len,
			      "flags") < 0)
		return -1;
	/* Every syscall would wait for an agent, the runtime's own included
	 * (runc: "SCMP_ACT_NOTIFY cannot be used as default action"). */
	if (s->default_action && !strcmp(s->default_action, "SCMP_ACT_NOTIFY") &&
	    fail(v, "SCMP_ACT_NOTIFY cannot be the default action", ".linux.seccomp.defaultAction") < 0)
		return -1;
	if (check_errno_ret(v, s->default_action, s->has_default_errno_ret, s->default_errno_ret,
			    ".linux.seccomp.defaultErrnoRet") < 0)
		return -1;
	for (i = 0; i < s->syscalls_len; i++)
		if (check_syscall_rule(v, &s->syscalls[i], i) < 0)
			return -1;
	if (s->listener_metadata && !s->listener_path)
		return fail(v, "requires listenerPath", ".linux.seccomp.listenerMetadata");
	return 0;
}

static int check_path_list(struct vctx *v, const char *field, char *const *paths, size_t len)
{
	char msg[QBUF + 64], q[QBUF];
	size_t i;

	for (i = 0; i < len; i++) {
		if (is_absolute(paths[i]))
			continue;
		snprintf(msg, sizeof(msg), "must be an absolute path, got %s",
			 quote(q, sizeof(q), paths[i]));
		if (fail(v, msg, ".linux.%s[%zu]", field, i) < 0)
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
		return fail(v, "empty key", "%s", path);
	if (strlen(kv->key) >= SPEC_SYSCTL_MAX)
		return fail(v, "not a sysctl: longer than 255 bytes", "%s", path);
	if (spec_sysctl_name(kv->key, name, sizeof(name)) < 0)
		return fail(v, "not a sysctl: a component is empty, \".\" or \"..\"", "%s", path);
	ns = spec_sysctl_namespace(name);
	if (!ns) {
		snprintf(msg, sizeof(msg),
			 "sysctl %s is not in a separate kernel namespace: it would set the host's",
			 quote(q, sizeof(q), name));
		return fail(v, msg, "%s", path);
	}
	if (!has_namespace(v->cfg, ns)) {
		snprintf(msg, sizeof(msg),
			 "sysctl %s would set the host's: .linux.namespaces has no \"%s\" namespace",
			 quote(q, sizeof(q), name), ns);
		return fail(v, msg, "%s", path);
	}
	/* The UTS names have fields of their own, which a sysctl saying
	 * otherwise would override without a word.  One that agrees does no
	 * harm (runc 1.1 refuses kernel.hostname whatever its value). */
	if (strcmp(name, "kernel.hostname") == 0)
		field = "hostname", want = v->cfg->hostname;
	else if (strcmp(name, "kernel.domainname") == 0)
		field = "domainname", want = v->cfg->domainname;
	if (want && want[0] && strcmp(want, kv->value ? kv->value : "") != 0) {
		snprintf(msg, sizeof(msg), "sysctl %s conflicts with .%s %s", quote(q, sizeof(q), name),
			 field, quote(q2, sizeof(q2), want));
		return fail(v, msg, "%s", path);
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

static int check_linux(struct vctx *v, const spec_linux *l)
{
	char msg[QBUF + 64], q[QBUF];
	size_t i;

	if (check_namespaces(v, l) < 0)
		return -1;
	if (l->uid_mappings_len && !has_namespace(v->cfg, "user") &&
	    fail(v, "uid mappings need a user namespace in .linux.namespaces",
		 ".linux.uidMappings") < 0)
		return -1;
	if (l->gid_mappings_len && !has_namespace(v->cfg, "user") &&
	    fail(v, "gid mappings need a user namespace in .linux.namespaces",
		 ".linux.gidMappings") < 0)
		return -1;
	if (l->time_offsets_len && !has_namespace(v->cfg, "time") &&
	    fail(v, "time offsets need a time namespace in .linux.namespaces",
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
			if (fail(v, msg, ".linux.timeOffsets") < 0)
				return -1;
		}
	}
	for (i = 0; i < l->devices_len; i++) {
		if (device_path_ok(l->devices[i].path))
			continue;
		snprintf(msg, sizeof(msg), "must be an absolute path under /dev, got %s",
			 quote(q, sizeof(q), l->devices[i].path));
		if (fail(v, msg, ".linux.devices[%zu].path", i) < 0)
			return -1;
	}
	if (check_sysctls(v, l) < 0)
		return -1;
	if (check_id_mappings(v, l->uid_mappings, l->uid_mappings_len, ".linux.uidMappings") < 0 ||
	    check_id_mappings(v, l->gid_mappings, l->gid_mappings_len, ".linux.gidMappings") < 0)
		return -1;
	for (i = 0; i < l->devices_len; i++) {
		const spec_device *d = &l->devices[i];

		if ((d->has_uid && check_id(v, d->uid, ".linux.devices[%zu].uid", i) < 0) ||
		    (d->has_gid && check_id(v, d->gid, ".linux.devices[%zu].gid", i) < 0))
			return -1;
	}
	if (check_path_list(v, "maskedPaths", l->masked_paths, l->masked_paths_len) < 0 ||
	    check_path_list(v, "readonlyPaths", l->readonly_paths, l->readonly_paths_len) < 0)
		return -1;
	/* Without a mount namespace the container shares its mounts with the
	 * caller (the host): a mask there would mask the host's.  runc refuses
	 * the same, with these words (one joined by path it takes as the
	 * container's own, and so does skiff). */
	if (!has_namespace(v->cfg, "mount") && (l->masked_paths_len || l->readonly_paths_len) &&
	    fail(v, "unable to restrict sys entries without a private MNT namespace",
		 l->masked_paths_len ? ".linux.maskedPaths" : ".linux.readonlyPaths") < 0)
		return -1;
	/* config-linux.md#personality: "Currently no flag values are
	 * supported", and config.md#valid-values wants an error for a value
	 * that is not supported. */
	for (size_t i = 0; l->personality && i < l->personality->flags_len; i++) {
		char msg[QBUF + 64], q[QBUF];

		snprintf(msg, sizeof(msg), "unsupported personality flag %s: the runtime-spec defines none",
			 quote(q, sizeof(q), l->personality->flags[i]));
		if (fail(v, msg, ".linux.personality.flags[%zu]", i) < 0)
			return -1;
	}
	return check_seccomp(v, l->seccomp);
}

/* A dot-separated identifier list of semver's pre-release or build part;
 * numeric ones without leading zeros when numeric_rule. */
static const char *semver_idents(const char *p, bool numeric_rule)
{
	for (;;) {
		const char *start = p;
		bool digits = true;

		while ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
		       (*p >= 'A' && *p <= 'Z') || *p == '-') {
			digits &= *p >= '0' && *p <= '9';
			p++;
		}
		if (p == start || (numeric_rule && digits && *start == '0' && p - start > 1))
			return NULL;
		if (*p != '.')
			return p;
		p++;
	}
}

/* MAJOR.MINOR.PATCH[-pre][+build] as SemVer 2.0.0 has it; *major out. */
static bool semver_ok(const char *v, unsigned long *major)
{
	const char *p = v;

	for (int part = 0; part < 3; part++) {
		const char *start = p;
		unsigned long n = 0;

		while (*p >= '0' && *p <= '9' && n < 100000000)
			n = n * 10 + (unsigned long)(*p++ - '0');
		if (p == start || (*start == '0' && p - start > 1))
			return false;
		if (part == 0)
			*major = n;
		if (part < 2 && *p++ != '.')
			return false;
	}
	if (*p == '-' && !(p = semver_idents(p + 1, true)))
		return false;
	if (*p == '+' && !(p = semver_idents(p + 1, false)))
		return false;
	return *p == '\0';
}

/* config.md#specification-version: REQUIRED, SemVer 2.0.0, and only
 * compatible within its major version: skiff implements 1.x. */
static int check_oci_version(struct vctx *v, const char *version)
{
	char msg[QBUF + 64], q[QBUF];
	unsigned long major = 0;

	if (!version)
		return fail(v, "required field is missing", ".ociVersion");
	if (!semver_ok(version, &major)) {
		snprintf(msg, sizeof(msg), "must be a semantic version (SemVer 2.0.0), got %s",
			 quote(q, sizeof(q), version));
		return fail(v, msg, ".ociVersion");
	}
	if (major != 1) {
		snprintf(msg, sizeof(msg), "skiff implements runtime-spec 1.x, got %s",
			 quote(q, sizeof(q), version));
		return fail(v, msg, ".ociVersion");
	}
	return 0;
}

/* Every check, in document order; stops early only in first-problem mode. */
static int validate(struct vctx *v)
{
	const spec_config *cfg = v->cfg;

	if (check_oci_version(v, cfg->oci_version) < 0)
		return -1;
	if (check_mounts(v, cfg) < 0)
		return -1;
	if (cfg->process && check_process(v, cfg->process) < 0)
		return -1;
	if (check_hooks(v, cfg->hooks) < 0)
		return -1;
	for (size_t i = 0; i < cfg->annotations_len; i++)
		if ((!cfg->annotations[i].key || !cfg->annotations[i].key[0]) &&
		    fail(v, "keys must not be empty", ".annotations[\"\"]") < 0)
			return -1;
	if (cfg->linux_ && check_linux(v, cfg->linux_) < 0)
		return -1;
	/* As runc: setting the name of the host's UTS namespace is not ours. */
	if (cfg->hostname && cfg->hostname[0] && !has_namespace(cfg, "uts") &&
	    fail(v, "unable to set hostname without a private UTS namespace", ".hostname") < 0)
		return -1;
	if (cfg->domainname && cfg->domainname[0] && !has_namespace(cfg, "uts"))
		return fail(v, "unable to set domainname without a private UTS namespace",
			    ".domainname");
	return 0;
}

int spec_validate(const spec_config *cfg, const char *name, skiff_error *err)
{
	struct spec_sink sink;
	struct vctx v = { .cfg = cfg, .sink = &sink };

	spec_sink_init(&sink, name ? name : "config.json", err, NULL, NULL);
	if (!cfg)
		return skiff_fail(err, EINVAL, "%s: no config to validate", sink.name);
	validate(&v);
	return sink.count ? -1 : 0;
}

size_t spec_validate_all(const spec_config *cfg, const char *name, spec_problem_fn fn, void *data)
{
	struct spec_sink sink;
	struct vctx v = { .cfg = cfg, .sink = &sink };

	spec_sink_init(&sink, name ? name : "config.json", NULL, fn, data);
	if (cfg)
		validate(&v);
	return sink.count;
}

/* The paths the parser complained about, and where the rest goes. */
struct seen_paths {
	char **paths;
	size_t len;
	spec_problem_fn fn;
	void *data;
	size_t told;
};

static void parse_problem(void *data, const char *path, const char *problem)
{
	struct seen_paths *seen = data;
	char **grown = realloc(seen->paths, (seen->len + 1) * sizeof(*grown));

	/* Out of memory only costs a repeated message, never a lost one. */
	if (grown) {
		seen->paths = grown;
		if ((grown[seen->len] = strdup(path)))
			seen->len++;
	}
	seen->told++;
	seen->fn(seen->data, path, problem);
}

static void validation_problem(void *data, const char *path, const char *problem)
{
	struct seen_paths *seen = data;

	for (size_t i = 0; i < seen->len; i++)
		if (strcmp(seen->paths[i], path) == 0)
			return;
	seen->told++;
	seen->fn(seen->data, path, problem);
}

size_t spec_config_problems(const char *json, size_t len, const char *name, spec_problem_fn fn,
			    void *data, spec_config **out)
{
	struct seen_paths seen = { .fn = fn, .data = data };

	spec_parse_config_all(json, len, name, parse_problem, &seen, out);
	spec_validate_all(*out, name, validation_problem, &seen);
	for (size_t i = 0; i < seen.len; i++)
		free(seen.paths[i]);
	free(seen.paths);
	return seen.told;
}
