/*
 * skiff_bundle_check(): everything wrong with a bundle, found without
 * running it.
 *   errors    every parse and validation problem of config.json (spec/
 *             collects them all, not only the first), and what create
 *             itself needs (create_requirements(): a process, a rootfs
 *             that is there, the LSMs asked for);
 *   warnings  fields the runtime-spec does not define (a misspelt one,
 *             which create ignores), and fields this host cannot honour
 *             (check_host.c).
 * An error whose path already has one is dropped: one field, one error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yajl/yajl_gen.h>

#include "internal.h"

static int diag_push(skiff_diagnostic **items, size_t *len, skiff_severity severity,
		     const char *path, const char *message)
{
	skiff_diagnostic *grown = realloc(*items, (*len + 1) * sizeof(*grown));
	skiff_diagnostic *d;

	if (!grown)
		return -1;
	*items = grown;
	d = &grown[*len];
	d->severity = severity;
	d->path = strdup(path ? path : "");
	d->message = strdup(message);
	if (!d->path || !d->message) {
		free(d->path);
		free(d->message);
		return -1;
	}
	(*len)++;
	return 0;
}

static void diag_clear(skiff_diagnostic *items, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		free(items[i].path);
		free(items[i].message);
	}
	free(items);
}

static bool has_error_at(const check_report *r, const char *path)
{
	for (size_t i = 0; i < r->errors_len; i++)
		if (strcmp(r->errors[i].path, path) == 0)
			return true;
	return false;
}

static void report(check_report *r, skiff_severity severity, const char *path, const char *fmt,
		   va_list ap)
{
	char message[1024];
	int rc;

	if (!path)
		path = "";
	if (severity == SKIFF_SEVERITY_ERROR && has_error_at(r, path))
		return;
	vsnprintf(message, sizeof(message), fmt, ap);
	if (severity == SKIFF_SEVERITY_ERROR)
		rc = diag_push(&r->errors, &r->errors_len, severity, path, message);
	else
		rc = diag_push(&r->warnings, &r->warnings_len, severity, path, message);
	if (rc < 0)
		r->out_of_memory = true;
}

void check_error(check_report *r, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(r, SKIFF_SEVERITY_ERROR, path, fmt, ap);
	va_end(ap);
}

void check_warn(check_report *r, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(r, SKIFF_SEVERITY_WARNING, path, fmt, ap);
	va_end(ap);
}

static void config_problem(void *data, const char *path, const char *problem)
{
	check_error(data, path, "%s", problem);
}

static void unknown_field(void *data, const char *path, const char *problem)
{
	check_warn(data, path, "%s", problem);
}

/* Is a resctrl filesystem mounted where we can see it? */
/* A network namespace joined by path is the container's own (validation
 * lets net.* sysctls through), unless it is the one skiff runs in, where
 * they would set the host's: runc's rule, "host" meaning the current one.
 * Only the host can tell, so this is create's check, not validation's. */
static int net_sysctls_in_own_netns(const spec_config *cfg, struct spec_sink *sink)
{
	const spec_namespace *ns = spec_namespace_find(cfg, "network");
	char name[SPEC_SYSCTL_MAX], path[512];
	struct stat own, joined;

	/* A path that cannot be opened is the namespace join's error. */
	if (!ns || !ns->path || !ns->path[0] || stat("/proc/self/ns/net", &own) < 0 ||
	    stat(ns->path, &joined) < 0 || own.st_dev != joined.st_dev ||
	    own.st_ino != joined.st_ino)
		return 0;
	for (size_t i = 0; i < cfg->linux_->sysctl_len; i++) {
		const char *key = cfg->linux_->sysctl[i].key, *type;

		if (spec_sysctl_name(key, name, sizeof(name)) < 0 ||
		    !(type = spec_sysctl_namespace(name)) || strcmp(type, "network") != 0)
			continue;
		spec_report(sink, spec_sysctl_json_path(key, path, sizeof(path)),
			    "would set the host's: .linux.namespaces[%zu].path is the network namespace skiff runs in",
			    (size_t)(ns - cfg->linux_->namespaces));
		if (!spec_sink_goes_on(sink))
			return -1;
	}
	return 0;
}

/* path with "." and ".." taken lexically and slashes squeezed, in place:
 * what it names if no component is a symlink. */
static void clean_path(char *path)
{
	char *out = path, *p = path;

	while (*p) {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 1 && p[0] == '.') {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (out > path && *--out != '/')
				;
		} else if (n) {
			*out++ = '/';
			memmove(out, p, n);
			out += n;
		}
		p += n;
	}
	if (out == path)
		*out++ = '/';
	*out = '\0';
}

/* root.path names a directory, reached through no symlink.  create stops
 * on a missing one anyway (so check may not call it a warning), and runc
 * refuses a symlink ("invalid rootfs: not an absolute path, or a
 * symlink"): the container's / would be wherever the link points when
 * create follows it, not what the bundle names. */
static void rootfs_requirements(const spec_config *cfg, const char *bundle,
				struct spec_sink *sink)
{
	char why[128], buf[128], *dir = realpath(bundle ? bundle : ".", NULL), *rootfs = NULL,
				 *real = NULL;
	struct stat st;

	/* A bundle that is not there is create's first error, not root's. */
	if (!dir || !(rootfs = path_join(dir, cfg->root->path)))
		goto out;
	clean_path(rootfs);
	if (stat(rootfs, &st) < 0) {
		/* In runc's (Go's) spelling, which engines match. */
		snprintf(why, sizeof(why), "%s", strerror_r(errno, buf, sizeof(buf)));
		if (why[0] >= 'A' && why[0] <= 'Z')
			why[0] = (char)(why[0] - 'A' + 'a');
		spec_report(sink, ".root.path", "rootfs %s: %s", rootfs, why);
	}
	else if (!S_ISDIR(st.st_mode))
		spec_report(sink, ".root.path", "rootfs %s is not a directory", rootfs);
	else if ((real = realpath(rootfs, NULL)) && strcmp(real, rootfs) != 0)
		spec_report(sink, ".root.path",
			    "invalid rootfs: %s is a symlink or goes through one (to %s)", rootfs, real);
out:
	free(real);
	free(rootfs);
	free(dir);
}

/* Each bind source is there: create opens them all before anything is
 * made (mounts_open_sources()).  Whether a bind has a source at all is
 * the config's rule (spec/validate.c). */
static void bind_source_requirements(const spec_config *cfg, const char *bundle,
				     struct spec_sink *sink)
{
	char path[64], why[128], buf[128];

	for (size_t i = 0; i < cfg->mounts_len; i++) {
		const spec_mount *m = &cfg->mounts[i];
		struct stat st;
		char *source;

		if (!spec_mount_is_bind(m) || !m->source || !m->source[0])
			continue;
		source = path_join(bundle ? bundle : ".", m->source);
		if (source && stat(source, &st) < 0) {
			snprintf(why, sizeof(why), "%s", strerror_r(errno, buf, sizeof(buf)));
			if (why[0] >= 'A' && why[0] <= 'Z')
				why[0] = (char)(why[0] - 'A' + 'a');
			snprintf(path, sizeof(path), ".mounts[%zu].source", i);
			spec_report(sink, path, "bind mount source %s: %s", source, why);
		}
		free(source);
		if (sink->count && !spec_sink_goes_on(sink))
			return;
	}
}

int create_requirements(const spec_config *cfg, const char *bundle, bool no_pivot,
			struct spec_sink *sink)
{
	const char *propagation = cfg->linux_ ? cfg->linux_->rootfs_propagation : NULL;
	bool stop = false;

	if (net_sysctls_in_own_netns(cfg, sink) < 0)
		return -1;

	/* config-linux.md#intelrdt: with intelRdt set and no resctrl mounted
	 * the runtime MUST fail (intelrdt.c); a network device to move must
	 * exist (netdev.c). */
	{
		skiff_error rdt;

		if (intelrdt_check(cfg, &rdt) < 0) {
			spec_report(sink, rdt.context, "%s", rdt.message);
			if (!spec_sink_goes_on(sink))
				return -1;
		}
		if (netdev_check(cfg, &rdt) < 0) {
			spec_report(sink, rdt.context, "%s", rdt.message);
			if (!spec_sink_goes_on(sink))
				return -1;
		}
	}

	/* --no-pivot moves the rootfs over / and chroots: the host's mounts
	 * stay under it, and a private rootfs would no longer see them go, so
	 * they stay busy (runc's rule and words). */
	if (no_pivot && propagation &&
	    (!strcmp(propagation, "private") || !strcmp(propagation, "rprivate"))) {
		spec_report(sink, ".linux.rootfsPropagation",
			    "rootfsPropagation of [r]private is not safe without pivot_root");
		if (!spec_sink_goes_on(sink))
			return -1;
	}
	if (lsm_requirements(cfg, sink) < 0 && !spec_sink_goes_on(sink))
		return -1;
	if (seccomp_requirements(cfg, sink) < 0 && !spec_sink_goes_on(sink))
		return -1;

	if (!cfg->process) {
		spec_report(sink, ".process", "required to create a container");
		stop = !spec_sink_goes_on(sink);
	} else if (!cfg->process->args_len) {
		spec_report(sink, ".process.args", "must name the program to run");
		stop = !spec_sink_goes_on(sink);
	}
	if (!stop && (!cfg->root || !cfg->root->path))
		spec_report(sink, ".root.path", "required to create a container");
	else if (!stop)
		rootfs_requirements(cfg, bundle, sink);
	if (!sink->count || spec_sink_goes_on(sink))
		bind_source_requirements(cfg, bundle, sink);
	return sink->count ? -1 : 0;
}

/* The config's problems, as errors.  A config.json that cannot be read is
 * one error about the whole file. */
static spec_config *check_config(const char *bundle, check_report *r)
{
	char *path = path_join(bundle, "config.json"), *json = NULL;
	spec_config *cfg = NULL;
	struct spec_sink sink;
	skiff_error problem;
	size_t len = 0;

	if (!path) {
		r->out_of_memory = true;
		return NULL;
	}
	if (read_file_at(AT_FDCWD, path, SPEC_MAX_SIZE, &json, &len, &problem) < 0) {
		if (problem.errnum == ENOMEM)
			r->out_of_memory = true;
		check_error(r, "", "%s", problem.message);
		free(path);
		return NULL;
	}
	free(path);
	spec_config_problems(json, len, "config.json", config_problem, r, &cfg);
	spec_unknown_fields(json, len, unknown_field, r);
	free(json);
	if (cfg) {
		spec_sink_init(&sink, "config.json", NULL, config_problem, r);
		create_requirements(cfg, bundle, false, &sink);
	}
	return cfg;
}

int skiff_bundle_check(const char *bundle, skiff_diagnostics **out, skiff_error *err)
{
	check_report r = { 0 };
	skiff_diagnostics *d;
	spec_config *cfg;

	*out = NULL;
	if (!bundle)
		bundle = ".";
	cfg = check_config(bundle, &r);
	if (cfg)
		check_host(cfg, &r);
	spec_config_free(cfg);
	d = calloc(1, sizeof(*d));
	if (r.out_of_memory || !d) {
		free(d);
		diag_clear(r.errors, r.errors_len);
		diag_clear(r.warnings, r.warnings_len);
		return skiff_fail_errno(err, ENOMEM, "check bundle %s", bundle);
	}
	/* Errors first, then warnings, in one array. */
	d->errors = r.errors_len;
	d->warnings = r.warnings_len;
	d->len = r.errors_len + r.warnings_len;
	d->items = r.errors;
	if (r.warnings_len) {
		skiff_diagnostic *all = realloc(r.errors, d->len * sizeof(*all));

		if (!all) {
			diag_clear(r.errors, r.errors_len);
			diag_clear(r.warnings, r.warnings_len);
			free(d);
			return skiff_fail_errno(err, ENOMEM, "check bundle %s", bundle);
		}
		memcpy(all + r.errors_len, r.warnings, r.warnings_len * sizeof(*all));
		free(r.warnings);
		d->items = all;
	}
	*out = d;
	return 0;
}

void skiff_diagnostics_free(skiff_diagnostics *diags)
{
	if (!diags)
		return;
	diag_clear(diags->items, diags->len);
	free(diags);
}

static void gen_str(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static void gen_list(yajl_gen g, const char *key, const skiff_diagnostics *d,
		     skiff_severity severity)
{
	gen_str(g, key);
	yajl_gen_array_open(g);
	for (size_t i = 0; i < d->len; i++) {
		if (d->items[i].severity != severity)
			continue;
		yajl_gen_map_open(g);
		gen_str(g, "path");
		gen_str(g, d->items[i].path);
		gen_str(g, "message");
		gen_str(g, d->items[i].message);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}

int skiff_diagnostics_to_json(const skiff_diagnostics *diags, bool pretty, char **json_out,
			      skiff_error *err)
{
	const unsigned char *buf;
	size_t len;
	yajl_gen g;

	*json_out = NULL;
	if (!diags)
		return skiff_fail_msg(err, EINVAL, "diagnostics to JSON: no diagnostics");
	g = yajl_gen_alloc(NULL);
	if (!g)
		return skiff_fail_errno(err, ENOMEM, "diagnostics to JSON");
	yajl_gen_config(g, yajl_gen_beautify, pretty ? 1 : 0);
	yajl_gen_config(g, yajl_gen_indent_string, "  ");
	yajl_gen_map_open(g);
	gen_list(g, "errors", diags, SKIFF_SEVERITY_ERROR);
	gen_list(g, "warnings", diags, SKIFF_SEVERITY_WARNING);
	yajl_gen_map_close(g);
	if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok) {
		yajl_gen_free(g);
		return skiff_fail_msg(err, 0, "diagnostics to JSON: yajl_gen failed");
	}
	*json_out = strndup((const char *)buf, len);
	yajl_gen_free(g);
	if (!*json_out)
		return skiff_fail_errno(err, ENOMEM, "diagnostics to JSON");
	return 0;
}
