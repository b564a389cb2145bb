/*
 * skiff_container_update_intel_rdt(): `update --l3-cache-schema` and
 * `--mem-bw-schema`, as runc's update does them.
 *
 * The resctrl filesystem must offer the resource (its info/L3 or info/MB
 * directory; runc's words otherwise: "Intel RDT/CAT: l3 cache schema is not
 * enabled").  A container created without linux.intelRdt gets the group of
 * its id then, and its init is moved into it (as runc); one created with it
 * keeps its group.  The new l3CacheSchema/memBwSchema replace the config's
 * and their combined value is written to the group's schemata; the saved
 * config copy is updated, so delete removes a group made here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* Does this resctrl offer the resource ("L3", "MB")? */
static int resource_enabled(const char *root, const char *info, const char *what,
			    skiff_error *err)
{
	char path[4200];
	struct stat st;

	snprintf(path, sizeof(path), "%s/info/%s", root, info);
	if (stat(path, &st) == 0)
		return 0;
	return skiff_fail_code(err, ENOTSUP, "%s is not enabled", what);
}

static int set_schema(char **slot, const char *value)
{
	char *copy;

	if (!value)
		return 0;
	if (!(copy = strdup(value)))
		return -1;
	free(*slot);
	*slot = copy;
	return 0;
}

static int update(const char *id, spec_config *cfg, pid_t init, const char *l3, const char *mb,
		  skiff_error *err)
{
	char root[4096], dir[8192], *schema;
	bool had;
	int rc;

	if (intelrdt_root(root, sizeof(root)) < 0)
		return skiff_fail_code(err, ENOTSUP, "Intel RDT: no resctrl filesystem is mounted");
	if ((l3 && resource_enabled(root, "L3", "Intel RDT/CAT: l3 cache schema", err) < 0) ||
	    (mb && resource_enabled(root, "MB", "Intel RDT/MBA: memory bandwidth schema", err) < 0))
		return -1;
	if (!cfg->linux_ && !(cfg->linux_ = calloc(1, sizeof(*cfg->linux_))))
		return skiff_fail(err, ENOMEM, "update");
	had = cfg->linux_->intel_rdt != NULL;
	if (!had && !(cfg->linux_->intel_rdt = calloc(1, sizeof(*cfg->linux_->intel_rdt))))
		return skiff_fail(err, ENOMEM, "update");
	if (set_schema(&cfg->linux_->intel_rdt->l3_cache_schema, l3) < 0 ||
	    set_schema(&cfg->linux_->intel_rdt->mem_bw_schema, mb) < 0)
		return skiff_fail(err, ENOMEM, "update");
	/* The values obey the config's rules (memBwSchema starts with MB:),
	 * or the saved copy would no longer load. */
	if (spec_validate(cfg, "update", err) < 0)
		return -1;
	/* runc: a container created without intelRdt is put in a group of its
	 * own now (only its init, as runc's Apply does). */
	if (!had)
		return intelrdt_enter(id, cfg, init, true, err); /* writes the schema too */
	intelrdt_group_dir(root, id, cfg->linux_->intel_rdt, dir, sizeof(dir));
	if (!(schema = intelrdt_schema(cfg->linux_->intel_rdt)))
		return skiff_fail(err, ENOMEM, "update");
	rc = intelrdt_write(dir, "schemata", schema, ".linux.intelRdt", err);
	free(schema);
	return rc;
}

int skiff_container_update_intel_rdt(const skiff_context *ctx, const char *l3_cache_schema,
				     const char *mem_bw_schema, skiff_error *err)
{
	TRACE_SCOPE(ctx);
	spec_config *cfg = NULL;
	container_record rec;
	skiff_status status;
	char *json = NULL;
	size_t len;
	int dirfd, rc = -1;

	if (!l3_cache_schema && !mem_bw_schema)
		return 0;
	if (container_open(ctx, true, &dirfd, &rec, &status, err) < 0)
		return -1;
	if (status == SKIFF_STATUS_STOPPED || rec.pid <= 0) {
		skiff_fail_code(err, EINVAL, "container not running");
		goto out;
	}
	if (read_file_at(dirfd, CONFIG_COPY_NAME, SPEC_MAX_SIZE, &json, &len, err) < 0 ||
	    spec_parse_config(json, len, CONFIG_COPY_NAME, &cfg, err) < 0)
		goto out;
	free(json);
	json = NULL;
	if (update(ctx->id, cfg, rec.pid, l3_cache_schema, mem_bw_schema, err) < 0 ||
	    spec_config_serialize(cfg, false, &json, &len, err) < 0 ||
	    write_file_atomic(dirfd, CONFIG_COPY_NAME, json, len, 0600, err) < 0)
		goto out;
	rc = 0;
out:
	free(json);
	spec_config_free(cfg);
	container_record_clear(&rec);
	close(dirfd);
	return rc;
}
