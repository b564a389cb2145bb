/*
 * The process an exec runs: read from a process.json (--process), or built
 * like runc does from the container's own process (its user, env, cwd,
 * capabilities, rlimits, ...) with the command line's changes on top.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void skiff_process_free(spec_process *p)
{
	spec_process_free(p);
}

/* Validate a lone process with the config rules that apply to it. */
static int validate_process(spec_process *p, const char *name, skiff_error *err)
{
	spec_config wrapper = { .oci_version = SKIFF_OCI_VERSION, .process = p };
	int rc = spec_validate(&wrapper, name, err);

	wrapper.process = NULL;
	return rc;
}

int skiff_process_load_data(const char *json, size_t len, const char *name, spec_process **out,
			    skiff_error *err)
{
	spec_process *p;

	if (spec_parse_process(json, len, name, &p, err) < 0)
		return -1;
	if (validate_process(p, name, err) < 0) {
		spec_process_free(p);
		return -1;
	}
	*out = p;
	return 0;
}

int skiff_process_load_file(const char *path, spec_process **out, skiff_error *err)
{
	const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t len;
	char *json;
	int rc;

	if (read_file_at(AT_FDCWD, path, SPEC_MAX_SIZE, &json, &len, err) < 0)
		return -1;
	rc = skiff_process_load_data(json, len, name, out, err);
	free(json);
	return rc;
}

/* Append copies of add[] to a counted string array of the model. */
static int append_strings(char ***arr, size_t *len, char *const *add, size_t n)
{
	char **grown;

	if (n == 0)
		return 0;
	grown = realloc(*arr, (*len + n) * sizeof(**arr));
	if (!grown)
		return -1;
	*arr = grown;
	for (size_t i = 0; i < n; i++) {
		grown[*len] = strdup(add[i]);
		if (!grown[*len])
			return -1;
		(*len)++;
	}
	return 0;
}

/* -e NAME=VALUE replaces NAME when the process has it, else adds it. */
static int set_env(spec_process *p, const char *entry)
{
	size_t name_len = strcspn(entry, "=");

	for (size_t i = 0; i < p->env_len; i++) {
		if (!strncmp(p->env[i], entry, name_len) && p->env[i][name_len] == '=') {
			char *copy = strdup(entry);

			if (!copy)
				return -1;
			free(p->env[i]);
			p->env[i] = copy;
			return 0;
		}
	}
	return append_strings(&p->env, &p->env_len, (char *const *)&entry, 1);
}

static int replace_string(char **field, const char *value)
{
	char *copy = strdup(value);

	if (!copy)
		return -1;
	free(*field);
	*field = copy;
	return 0;
}

static int apply_overrides(spec_process *p, const skiff_exec_overrides *o)
{
	for (size_t i = 0; i < p->args_len; i++)
		free(p->args[i]);
	p->args_len = 0;
	if (append_strings(&p->args, &p->args_len, o->args, o->args_len) < 0)
		return -1;
	for (size_t i = 0; i < o->env_len; i++)
		if (set_env(p, o->env[i]) < 0)
			return -1;
	if (o->cwd && replace_string(&p->cwd, o->cwd) < 0)
		return -1;
	if (o->set_user) {
		if (!p->user && !(p->user = calloc(1, sizeof(*p->user))))
			return -1;
		p->user->uid = o->uid;
		p->user->gid = o->gid;
	}
	if (o->additional_gids_len) {
		uint32_t *gids = malloc(o->additional_gids_len * sizeof(*gids));

		if (!gids || (!p->user && !(p->user = calloc(1, sizeof(*p->user))))) {
			free(gids);
			return -1;
		}
		memcpy(gids, o->additional_gids, o->additional_gids_len * sizeof(*gids));
		free(p->user->additional_gids);
		p->user->additional_gids = gids;
		p->user->additional_gids_len = o->additional_gids_len;
	}
	if (o->caps_len) {
		spec_capabilities *c = p->capabilities;

		if (!c && !(c = p->capabilities = calloc(1, sizeof(*c))))
			return -1;
		/* As runc: added where they can take effect, never to the
		 * inheritable set (CVE-2022-29162). */
		if (append_strings(&c->bounding, &c->bounding_len, o->caps, o->caps_len) < 0 ||
		    append_strings(&c->effective, &c->effective_len, o->caps, o->caps_len) < 0 ||
		    append_strings(&c->permitted, &c->permitted_len, o->caps, o->caps_len) < 0)
			return -1;
	}
	if (o->tty)
		p->terminal = true;
	if (o->no_new_privs)
		p->no_new_privileges = true;
	if (o->apparmor && replace_string(&p->apparmor_profile, o->apparmor) < 0)
		return -1;
	if (o->process_label && replace_string(&p->selinux_label, o->process_label) < 0)
		return -1;
	return 0;
}

/* The container's process from cfg, with the overrides applied. */
static int build_process(const spec_config *cfg, const skiff_exec_overrides *o,
			 spec_process **out, skiff_error *err)
{
	spec_process *p = NULL;
	char *json = NULL;
	size_t len;
	int rc = -1;

	if (!cfg->process)
		return skiff_fail_msg(err, EINVAL, "the container has no process to start from");
	/* A deep copy through the model's own serializer. */
	if (spec_process_serialize(cfg->process, false, &json, &len, err) < 0 ||
	    spec_parse_process(json, len, "process", &p, err) < 0)
		goto out;
	p->terminal = false;
	if (apply_overrides(p, o) < 0) {
		skiff_fail_errno(err, ENOMEM, "exec: build the process");
		goto out;
	}
	if (validate_process(p, "exec", err) < 0)
		goto out;
	*out = p;
	p = NULL;
	rc = 0;
out:
	spec_process_free(p);
	free(json);
	return rc;
}

/* The config saved at create of ctx->id (ENOENT: no such container). */
static spec_config *saved_config_of(const skiff_context *ctx, skiff_error *err)
{
	container_record rec;
	skiff_status status;
	spec_config *cfg;
	int dirfd;

	if (container_open(ctx, false, &dirfd, &rec, &status, err) < 0)
		return NULL;
	cfg = container_saved_config(dirfd, err);
	container_record_clear(&rec);
	close(dirfd);
	return cfg;
}

/* The container's saved config and the process built from it with the
 * overrides: what both entry points below start from. */
static int config_and_process(const skiff_context *ctx, const skiff_exec_overrides *o,
			      spec_config **cfg_out, spec_process **p_out, skiff_error *err)
{
	spec_config *cfg;

	if (!o->args_len)
		return skiff_fail_msg(err, EINVAL, "exec: no command given");
	cfg = saved_config_of(ctx, err);
	if (!cfg)
		return -1;
	if (build_process(cfg, o, p_out, err) < 0) {
		spec_config_free(cfg);
		return -1;
	}
	*cfg_out = cfg;
	return 0;
}

int skiff_exec_process(const skiff_context *ctx, const skiff_exec_overrides *o,
		       spec_process **out, skiff_error *err)
{
	spec_config *cfg;

	if (config_and_process(ctx, o, &cfg, out, err) < 0)
		return -1;
	spec_config_free(cfg);
	return 0;
}

int skiff_container_exec_command(const skiff_context *ctx, const skiff_exec_overrides *o,
				 bool detach, bool ignore_paused, const char *const *sub_cgroups,
				 size_t n_sub_cgroups, int *exit_status, skiff_error *err)
{
	spec_process *p = NULL;
	spec_config *cfg;
	int rc;

	/* The saved config is read and parsed once, for the process and for
	 * the exec (seccomp, labels, the cgroups' check): it is most of what
	 * an exec costs before the clone. */
	if (config_and_process(ctx, o, &cfg, &p, err) < 0)
		return -1;
	rc = container_exec_with_config(ctx, p, cfg, detach, ignore_paused, sub_cgroups,
					n_sub_cgroups, exit_status, err);
	spec_process_free(p);
	return rc;
}
