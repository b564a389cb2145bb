/*
 * Checks across fields that the parser's types cannot express.  Every
 * message names the JSON path at fault, like the parser's:
 *   config.json: .process.capabilities.bounding[3]: unknown capability "CAP_FOO"
 * Problems go to a sink (schema.h): spec_validate() stops at the first,
 * spec_validate_all() hears them all.  vfail() says which: it returns -1 to
 * stop, 0 to go on with the next check, so each check reads
 * `if (vfail(...) < 0) return -1;` and then carries on.  A config that
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
#include "mount_options.h"
#include "schema.h"
#include "validate.h"

int vfail(struct vctx *v, const char *problem, const char *path_fmt, ...)
{
	char path[256];
	va_list ap;

	va_start(ap, path_fmt);
	vsnprintf(path, sizeof(path), path_fmt, ap);
	va_end(ap);
	spec_report(v->sink, path, "%s", problem);
	return spec_sink_goes_on(v->sink) ? 0 : -1;
}

const char *vquote(char *buf, size_t size, const char *s)
{
	return spec_quote(buf, size, s ? s : "");
}

bool vis_absolute(const char *path)
{
	return path && path[0] == '/';
}

bool vin_list(const char *const *list, const char *s)
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
bool vhas_namespace(const spec_config *cfg, const char *type)
{
	return spec_namespace_find(cfg, type) != NULL;
}

/* ---- user and group ids ---- */

int vcheck_id(struct vctx *v, uint32_t id, const char *path_fmt, ...)
{
	char path[256], msg[96];
	va_list ap;

	if (id <= SPEC_ID_MAX)
		return 0;
	va_start(ap, path_fmt);
	vsnprintf(path, sizeof(path), path_fmt, ap);
	va_end(ap);
	snprintf(msg, sizeof(msg), "must be between 0 and %u, got %" PRIu32, SPEC_ID_MAX, id);
	return vfail(v, msg, "%s", path);
}

/* Each range of ids, inside the container and on the host, stays within
 * 0..SPEC_ID_MAX: the kernel would take a range that ends at 4294967294. */
int vcheck_id_mappings(struct vctx *v, const spec_id_mapping *maps, size_t len,
		       const char *field)
{
	char msg[160];

	for (size_t i = 0; i < len; i++) {
		const spec_id_mapping *m = &maps[i];
		uint64_t first = m->container_id > m->host_id ? m->container_id : m->host_id;

		if (vcheck_id(v, m->container_id, "%s[%zu].containerID", field, i) < 0 ||
		    vcheck_id(v, m->host_id, "%s[%zu].hostID", field, i) < 0)
			return -1;
		if (first > SPEC_ID_MAX || first + m->size <= (uint64_t)SPEC_ID_MAX + 1)
			continue;
		snprintf(msg, sizeof(msg), "%" PRIu32 " ids from %s %" PRIu64 " go past %u, the highest id",
			 m->size, m->host_id > m->container_id ? "hostID" : "containerID", first,
			 SPEC_ID_MAX);
		if (vfail(v, msg, "%s[%zu].size", field, i) < 0)
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
		snprintf(msg, sizeof(msg), "unknown capability %s", vquote(q, sizeof(q), names[i]));
		if (vfail(v, msg, ".process.capabilities.%s[%zu]", set, i) < 0)
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

		if (!r->type || !vin_list(rlimit_names, r->type)) {
			snprintf(msg, sizeof(msg), "unknown rlimit %s", vquote(q, sizeof(q), r->type));
			if (vfail(v, msg, ".process.rlimits[%zu].type", i) < 0)
				return -1;
		}
		for (j = 0; r->type && j < i; j++) {
			if (p->rlimits[j].type && strcmp(p->rlimits[j].type, r->type) == 0) {
				snprintf(msg, sizeof(msg), "duplicate rlimit %s (also at [%zu])",
					 vquote(q, sizeof(q), r->type), j);
				if (vfail(v, msg, ".process.rlimits[%zu].type", i) < 0)
					return -1;
				break;
			}
		}
		if (r->soft > r->hard) {
			snprintf(msg, sizeof(msg),
				 "soft limit %" PRIu64 " is greater than hard limit %" PRIu64,
				 r->soft, r->hard);
			if (vfail(v, msg, ".process.rlimits[%zu]", i) < 0)
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
		if (vfail(v, "required field is missing", ".process.cwd") < 0)
			return -1;
	} else if (!vis_absolute(p->cwd)) {
		snprintf(msg, sizeof(msg), "must be an absolute path, got %s",
			 vquote(q, sizeof(q), p->cwd));
		if (vfail(v, msg, ".process.cwd") < 0)
			return -1;
	}
	if (p->args_len == 0 && vfail(v, "must contain at least one entry", ".process.args") < 0)
		return -1;
	if (p->user && (vcheck_id(v, p->user->uid, ".process.user.uid") < 0 ||
			vcheck_id(v, p->user->gid, ".process.user.gid") < 0))
		return -1;
	for (size_t i = 0; p->user && i < p->user->additional_gids_len; i++)
		if (vcheck_id(v, p->user->additional_gids[i], ".process.user.additionalGids[%zu]", i) < 0)
			return -1;
	if (p->has_oom_score_adj && (p->oom_score_adj < -1000 || p->oom_score_adj > 1000)) {
		snprintf(msg, sizeof(msg), "must be between -1000 and 1000, got %d",
			 (int)p->oom_score_adj);
		if (vfail(v, msg, ".process.oomScoreAdj") < 0)
			return -1;
	}
	if (p->io_priority && (p->io_priority->priority < 0 || p->io_priority->priority > 7)) {
		snprintf(msg, sizeof(msg), "must be between 0 and 7, got %d",
			 (int)p->io_priority->priority);
		if (vfail(v, msg, ".process.ioPriority.priority") < 0)
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
				 vquote(q, sizeof(q), p->scheduler->flags[i]));
			if (vfail(v, msg, ".process.scheduler.flags[%zu]", i) < 0)
				return -1;
		}
	}
	if (p->exec_cpu_affinity && (!cpu_list_ok(p->exec_cpu_affinity->initial) ||
				     !cpu_list_ok(p->exec_cpu_affinity->final))) {
		bool first = !cpu_list_ok(p->exec_cpu_affinity->initial);
		const char *bad = first ? p->exec_cpu_affinity->initial : p->exec_cpu_affinity->final;

		snprintf(msg, sizeof(msg), "not a list of CPUs such as \"0-3,7\": %s",
			 vquote(q, sizeof(q), bad));
		if (vfail(v, msg, ".process.execCPUAffinity.%s", first ? "initial" : "final") < 0)
			return -1;
	}
	/* An unknown capability name is an error (the project's choice: a
	 * typo must not silently drop a capability; runc 1.0 refused it too,
	 * runc 1.1.5 warns and ignores it, README "Conformance"); one
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

/* The kernel takes no filesystem options for a bind: "size=1k" on one
 * would be dropped without a word (runc 1.1.5 drops it), leaving a mount
 * other than the one asked for.  Options mount_plan_make() does not know
 * as VFS ones are such data. */
static int check_bind_data(struct vctx *v, const spec_mount *m, size_t i)
{
	char msg[QBUF + 96], q[QBUF];
	mount_plan plan;
	int rc = 0;

	if (!spec_mount_is_bind(m) ||
	    mount_plan_make(m->options, m->options_len, m->type, &plan, NULL) < 0)
		return 0;
	if (plan.data && plan.data[0]) {
		snprintf(msg, sizeof(msg),
			 "filesystem options %s cannot apply to a bind mount (the kernel takes none for one)",
			 vquote(q, sizeof(q), plan.data));
		rc = vfail(v, msg, ".mounts[%zu].options", i);
	}
	mount_plan_clear(&plan);
	return rc;
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
		return vfail(v, "only bind mounts can be idmapped", ".mounts[%zu]", i);
	if (!m->uid_mappings_len && !m->gid_mappings_len &&
	    (!l || !l->uid_mappings_len || !l->gid_mappings_len))
		return vfail(v, "an idmapped mount needs uidMappings and gidMappings, its own or the container's",
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
				 vquote(q, sizeof(q), m->destination));
			if (vfail(v, msg, ".mounts[%zu].destination", i) < 0)
				return -1;
		}
		snprintf(field, sizeof(field), ".mounts[%zu].uidMappings", i);
		if (vcheck_id_mappings(v, m->uid_mappings, m->uid_mappings_len, field) < 0)
			return -1;
		snprintf(field, sizeof(field), ".mounts[%zu].gidMappings", i);
		if (vcheck_id_mappings(v, m->gid_mappings, m->gid_mappings_len, field) < 0)
			return -1;
		/* It would hide the rootfs under it, leaving the container a
		 * tmpfs (or whatever it is) for a root, and skiff has nothing
		 * of the rootfs left to build on: runc fails there too (its
		 * init finds no /proc), crun refuses such a destination. */
		if (destination_is_root(m->destination)) {
			snprintf(msg, sizeof(msg),
				 "a mount on %s would hide the root filesystem: root.path is the container's /",
				 vquote(q, sizeof(q), m->destination));
			if (vfail(v, msg, ".mounts[%zu].destination", i) < 0)
				return -1;
		}
		/* Else the bind would be of the bundle directory itself (its
		 * path joined with ""); runc fails on it too ("stat : no such
		 * file or directory"). */
		if (spec_mount_is_bind(m) && (!m->source || !m->source[0]) &&
		    vfail(v, "a bind mount needs a source", ".mounts[%zu].source", i) < 0)
			return -1;
		if (check_bind_data(v, m, i) < 0)
			return -1;
		if ((m->uid_mappings_len == 0) != (m->gid_mappings_len == 0)) {
			if (vfail(v, "uidMappings and gidMappings must be given together", ".mounts[%zu]",
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
		if (!vis_absolute(hooks[i].path)) {
			snprintf(msg, sizeof(msg), "must be an absolute path, got %s",
				 vquote(q, sizeof(q), hooks[i].path));
			if (vfail(v, msg, ".hooks.%s[%zu].path", kind, i) < 0)
				return -1;
		}
		if (hooks[i].has_timeout && hooks[i].timeout <= 0) {
			snprintf(msg, sizeof(msg), "must be greater than zero, got %d",
				 (int)hooks[i].timeout);
			if (vfail(v, msg, ".hooks.%s[%zu].timeout", kind, i) < 0)
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
		return vfail(v, "required field is missing", ".ociVersion");
	if (!semver_ok(version, &major)) {
		snprintf(msg, sizeof(msg), "must be a semantic version (SemVer 2.0.0), got %s",
			 vquote(q, sizeof(q), version));
		return vfail(v, msg, ".ociVersion");
	}
	if (major != 1) {
		snprintf(msg, sizeof(msg), "skiff implements runtime-spec 1.x, got %s",
			 vquote(q, sizeof(q), version));
		return vfail(v, msg, ".ociVersion");
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
		    vfail(v, "keys must not be empty", ".annotations[\"\"]") < 0)
			return -1;
	if (cfg->linux_ && (validate_linux(v, cfg->linux_) < 0 || validate_linux13(v, cfg->linux_) < 0))
		return -1;
	/* As runc: setting the name of the host's UTS namespace is not ours. */
	if (cfg->hostname && cfg->hostname[0] && !vhas_namespace(cfg, "uts") &&
	    vfail(v, "unable to set hostname without a private UTS namespace", ".hostname") < 0)
		return -1;
	if (cfg->domainname && cfg->domainname[0] && !vhas_namespace(cfg, "uts"))
		return vfail(v, "unable to set domainname without a private UTS namespace",
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
