/*
 * The public skiff_config_* functions (skiff.h) on top of the spec module,
 * and the small lookups the runtime shares.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "schema.h"

/* Read a whole file, refusing more than SPEC_MAX_SIZE bytes. */
static int read_file(const char *path, char **data, size_t *len, skiff_error *err)
{
	size_t cap = 64 * 1024, used = 0;
	struct stat st;
	char *buf;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return skiff_fail_errno_at(err, errno, path, "open %s", path);
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		if ((unsigned long long)st.st_size > SPEC_MAX_SIZE) {
			close(fd);
			return skiff_fail_msg_at(err, 0, path, "%s: too large: %lld bytes, the limit is %u",
					     path, (long long)st.st_size, SPEC_MAX_SIZE);
		}
		cap = (size_t)st.st_size + 1; /* +1 to see EOF in one read */
	}
	buf = malloc(cap);
	if (!buf) {
		close(fd);
		return skiff_fail_errno_at(err, ENOMEM, path, "read %s", path);
	}
	for (;;) {
		ssize_t n;

		if (used == cap) {
			char *bigger;

			/* Files that grow, or are not regular, are read in steps. */
			if (cap > SPEC_MAX_SIZE) {
				free(buf);
				close(fd);
				return skiff_fail_msg_at(err, 0, path, "%s: too large, the limit is %u bytes",
						     path, SPEC_MAX_SIZE);
			}
			cap = cap * 2 > (size_t)SPEC_MAX_SIZE + 1 ? (size_t)SPEC_MAX_SIZE + 1 : cap * 2;
			bigger = realloc(buf, cap);
			if (!bigger) {
				free(buf);
				close(fd);
				return skiff_fail_errno_at(err, ENOMEM, path, "read %s", path);
			}
			buf = bigger;
		}
		n = read(fd, buf + used, cap - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int saved = errno;

			free(buf);
			close(fd);
			return skiff_fail_errno_at(err, saved, path, "read %s", path);
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	close(fd);
	*data = buf;
	*len = used;
	return 0;
}

int skiff_config_load_file(const char *path, skiff_config **out, skiff_error *err)
{
	const char *name, *slash;
	char *data = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	if (!path)
		return skiff_fail_msg(err, EINVAL, "load config: no path");
	/* Messages name the file as users know it: "config.json: ...". */
	slash = strrchr(path, '/');
	name = slash && slash[1] ? slash + 1 : path;
	if (read_file(path, &data, &len, err) < 0)
		return -1;
	rc = skiff_config_load_data(data, len, name, out, err);
	free(data);
	return rc;
}

int skiff_config_load_data(const char *json, size_t len, const char *name, skiff_config **out,
			   skiff_error *err)
{
	spec_config *cfg;

	*out = NULL;
	if (!name)
		name = "config.json";
	if (spec_parse_config(json, len, name, &cfg, err) < 0)
		return -1;
	if (spec_validate(cfg, name, err) < 0) {
		spec_config_free(cfg);
		return -1;
	}
	*out = cfg;
	return 0;
}

void skiff_config_free(skiff_config *cfg)
{
	spec_config_free(cfg);
}

int skiff_config_to_json(const skiff_config *cfg, bool pretty, char **json_out, size_t *len_out,
			 skiff_error *err)
{
	return spec_config_serialize(cfg, pretty, json_out, len_out, err);
}

int skiff_config_default(bool rootless, skiff_config **out, skiff_error *err)
{
	return spec_config_default(rootless, geteuid(), getegid(), out, err);
}

const char *spec_annotation(const spec_config *cfg, const char *key)
{
	size_t i;

	if (!cfg || !key)
		return NULL;
	/* The parser keeps one entry per key, so the first match is the one. */
	for (i = 0; i < cfg->annotations_len; i++)
		if (cfg->annotations[i].key && strcmp(cfg->annotations[i].key, key) == 0)
			return cfg->annotations[i].value;
	return NULL;
}

const spec_namespace *spec_namespace_find(const spec_config *cfg, const char *type)
{
	size_t i;

	if (!cfg || !cfg->linux_ || !type)
		return NULL;
	for (i = 0; i < cfg->linux_->namespaces_len; i++)
		if (cfg->linux_->namespaces[i].type &&
		    strcmp(cfg->linux_->namespaces[i].type, type) == 0)
			return &cfg->linux_->namespaces[i];
	return NULL;
}

static bool mount_has_option(const spec_mount *m, const char *name)
{
	for (size_t i = 0; i < m->options_len; i++)
		if (m->options[i] && strcmp(m->options[i], name) == 0)
			return true;
	return false;
}

bool spec_mount_is_bind(const spec_mount *m)
{
	return (m->type && strcmp(m->type, "bind") == 0) || mount_has_option(m, "bind") ||
	       mount_has_option(m, "rbind");
}

int spec_mount_idmap(const spec_mount *m)
{
	if (mount_has_option(m, "ridmap"))
		return 2;
	return m->uid_mappings_len || m->gid_mappings_len || mount_has_option(m, "idmap") ? 1 : 0;
}

int skiff_resources_load_data(const char *json, size_t len, const char *name,
			      spec_resources **out, skiff_error *err)
{
	return spec_parse_resources(json, len, name, out, err);
}

void skiff_resources_free(spec_resources *resources)
{
	spec_resources_free(resources);
}
