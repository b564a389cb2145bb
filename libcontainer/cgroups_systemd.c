/*
 * The systemd cgroup driver (--systemd-cgroup), as runc's: the container
 * lives in a transient unit that systemd creates, named by cgroupsPath in
 * the form "slice:prefix:name":
 *
 *   "system.slice:skiff:abc"  scope skiff-abc.scope in system.slice, whose
 *                             cgroup is /system.slice/skiff-abc.scope
 *   ":skiff:abc"              the same (user.slice when rootless)
 *   "" (none)                 ":skiff:<id>"
 *   "a-b.slice:x:c.slice"     a slice unit, c.slice, placed by its own name
 *
 * create: the directories are planned (and recorded) before anything is
 * made; once the init exists, StartTransientUnit puts it in the unit with
 * the resources as properties (Delegate=yes: the tree below is the
 * container's), then skiff makes the directories systemd does not manage
 * (v1 cpuset, freezer, ...), writes every resource to the files as the
 * cgroupfs driver does, and moves the init into them, all before the init
 * runs anything of the user's.  update sets the properties, then the
 * files; delete kills what is left, stops the unit and removes the rest.
 * Pause, ps, stats and kill --all act on the recorded directories.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroups.h"

#define PATH_FORM "\"slice:prefix:name\" (e.g. \"system.slice:skiff:abc\")"

bool cgsd_systemd_running(void)
{
	struct stat st;

	/* sd_booted(3): systemd made this directory as the init. */
	return lstat("/run/systemd/system", &st) == 0 && S_ISDIR(st.st_mode);
}

/* ---------------------------------------------------------------- names -- */

bool cgsd_unit_name_valid(const char *name)
{
	size_t len = strlen(name);

	/* systemd's UNIT_NAME_MAX is 256 with the NUL. */
	if (len == 0 || len > 255)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr(":-_.\\", *p)))
			return false;
	return true;
}

char *cgsd_expand_slice(const char *slice)
{
	size_t len = strlen(slice), stem, used = 0;
	char *out;

	if (len <= 6 || strcmp(slice + len - 6, ".slice") || !cgsd_unit_name_valid(slice))
		return NULL;
	stem = len - 6;
	if (stem == 1 && slice[0] == '-')
		return strdup("/"); /* the root slice */
	/* Each dash opens a level: a-b-c.slice is /a.slice/a-b.slice/a-b-c.slice.
	 * No empty component (a leading, trailing or double dash). */
	if (slice[0] == '-' || slice[stem - 1] == '-' || strstr(slice, "--"))
		return NULL;
	/* At most (stem + 1) levels of "/" + prefix + ".slice". */
	out = malloc((stem + 1) * (stem + 8) + 1);
	if (!out)
		return NULL;
	for (size_t i = 0; i <= stem; i++) {
		if (i < stem && slice[i] != '-')
			continue;
		used += (size_t)sprintf(out + used, "/%.*s.slice", (int)i, slice);
	}
	return out;
}

void cgsd_path_free(cgsd_path *p)
{
	free(p->slice);
	free(p->unit);
	free(p->cgroup);
	memset(p, 0, sizeof(*p));
}

static int path_error(skiff_error *err, const char *path, const char *why)
{
	return skiff_fail_msg_at(err, EINVAL, ".linux.cgroupsPath",
				  "linux.cgroupsPath: \"%s\" %s", path, why);
}

int cgsd_parse_path(const char *path, const char *id, bool rootless, cgsd_path *out,
		    skiff_error *err)
{
	char *copy = NULL, *colon1, *colon2, *expanded = NULL;
	const char *slice, *prefix, *name;
	size_t name_len;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (path && path[0]) {
		copy = strdup(path);
		if (!copy)
			return skiff_fail_errno(err, ENOMEM, "cgroups: systemd unit");
		colon1 = strchr(copy, ':');
		colon2 = colon1 ? strchr(colon1 + 1, ':') : NULL;
		if (!colon2 || strchr(colon2 + 1, ':')) {
			path_error(err, path, "is not of the form " PATH_FORM
					      " that --systemd-cgroup expects");
			goto out;
		}
		*colon1 = *colon2 = '\0';
		slice = copy;
		prefix = colon1 + 1;
		name = colon2 + 1;
	} else {
		slice = "";
		prefix = "skiff";
		name = id;
	}
	if (!slice[0])
		slice = rootless ? "user.slice" : "system.slice";
	if (!name[0]) {
		path_error(err, path, "has an empty name: expected " PATH_FORM);
		goto out;
	}
	expanded = cgsd_expand_slice(slice);
	if (!expanded) {
		char why[400];

		snprintf(why, sizeof(why),
			 "names slice \"%.200s\", which is not a systemd slice (NAME.slice, dashes for nesting, no '/')",
			 slice);
		path_error(err, path, why);
		goto out;
	}
	name_len = strlen(name);
	out->slice = strdup(slice);
	if (name_len > 6 && !strcmp(name + name_len - 6, ".slice")) {
		/* A slice unit is placed by its own name, not under slice. */
		out->unit = strdup(name);
		out->cgroup = cgsd_expand_slice(name);
		if (out->unit && !out->cgroup) {
			path_error(err, path, "ends in a name that is not a valid systemd slice");
			goto out;
		}
	} else if (asprintf(&out->unit, "%s-%s.scope", prefix, name) < 0) {
		out->unit = NULL;
	} else if (!cgsd_unit_name_valid(out->unit)) {
		char why[400];

		snprintf(why, sizeof(why),
			 "gives unit name \"%.200s\", which systemd does not allow (letters, digits, ':', '-', '_', '.', '\\', at most 255)",
			 out->unit);
		path_error(err, path && path[0] ? path : "", why);
		goto out;
	} else if (asprintf(&out->cgroup, "%s/%s", strcmp(expanded, "/") ? expanded : "",
			    out->unit) < 0) {
		out->cgroup = NULL;
	}
	if (!out->slice || !out->unit || !out->cgroup) {
		skiff_fail_errno(err, ENOMEM, "cgroups: systemd unit");
		goto out;
	}
	rc = 0;
out:
	if (rc < 0)
		cgsd_path_free(out);
	free(expanded);
	free(copy);
	return rc;
}

/* ----------------------------------------------------------------- plan -- */

int cgroup_plan_systemd(const skiff_context *ctx, const spec_config *cfg, cgroup_set *out,
			skiff_error *err)
{
	const char *path = cfg->linux_ ? cfg->linux_->cgroups_path : NULL;
	bool rootless = context_rootless(ctx);
	char *manager_cg = NULL, *full = NULL;
	cg_layout layout;
	unsigned version;
	cgsd_path p;
	size_t len;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	/* The config first, as runc: its error does not depend on the host. */
	if (cgsd_parse_path(path, ctx->id, rootless, &p, err) < 0)
		return -1;
	if (!cgsd_systemd_running()) {
		skiff_fail_msg(err, ENOTSUP, "systemd cgroup driver requested but systemd is not running");
		goto out;
	}
	if (cgroup_layout_detect(&layout, err) < 0)
		goto out;
	if (rootless && layout != CG_LAYOUT_UNIFIED) {
		/* A user's manager may delegate only on cgroup v2. */
		skiff_fail_msg(err, ENOTSUP,
				"rootless containers with the systemd cgroup driver need cgroup v2");
		goto out;
	}
	/* Reaching systemd now makes a missing bus an error before anything
	 * exists; the manager's own cgroup is where its units go. */
	if (cgsd_bus_manager(rootless, &version, &manager_cg, err) < 0)
		goto out;
	len = strlen(manager_cg);
	while (len > 0 && manager_cg[len - 1] == '/')
		manager_cg[--len] = '\0';
	if (asprintf(&full, "%s%s", manager_cg, p.cgroup) < 0) {
		full = NULL;
		skiff_fail_errno(err, ENOMEM, "cgroups: plan");
		goto out;
	}
	if (cgroup_plan_dirs(full, out, err) < 0)
		goto out;
	out->unit = p.unit;
	out->slice = p.slice;
	out->unit_cgroup = full;
	out->user_manager = rootless;
	trace("systemd: unit %s in slice %s, cgroup %s", p.unit, p.slice, full);
	p.unit = p.slice = NULL;
	full = NULL;
	rc = 0;
out:
	if (rc < 0)
		cgroup_set_free(out);
	cgsd_path_free(&p);
	free(manager_cg);
	free(full);
	return rc;
}

/* ---------------------------------------------------------------- start -- */

int cgroup_systemd_start(const cgroup_set *set, const spec_config *cfg, const char *id,
			 pid_t pid, skiff_error *err)
{
	static const spec_resources none;
	const spec_resources *r = cfg->linux_ && cfg->linux_->resources ? cfg->linux_->resources
									  : &none;
	cg_device_rule *rules = NULL;
	char *actual = NULL;
	cgsd_props props;
	unsigned version;
	size_t n_rules;
	int rc;

	if (cg_device_rules(cfg, &rules, &n_rules, err) < 0)
		return -1;
	trace("systemd: StartTransientUnit %s with pid %d", set->unit, (int)pid);
	/* The version again: a property systemd does not know fails the call. */
	rc = cgsd_bus_manager(set->user_manager, &version, NULL, err);
	if (rc == 0)
		rc = cgsd_start_props(set->unit, set->slice, id, pid, cg_set_is_unified(set), version,
				      r, rules, n_rules, &props, err);
	free(rules);
	if (rc < 0)
		return -1;
	rc = cgsd_bus_start(set->user_manager, set->unit, &props, err);
	cgsd_props_free(&props);
	if (rc < 0)
		return -1;
	/* Where systemd put it must be where state.json says it is. */
	if (cgsd_bus_unit_cgroup(set->user_manager, set->unit, &actual, err) < 0)
		return -1;
	if (actual[0] && set->unit_cgroup && strcmp(actual, set->unit_cgroup)) {
		skiff_fail_msg_at(err, EINVAL, ".linux.cgroupsPath",
				   "systemd put unit %s in cgroup %s, not %s as planned", set->unit,
				   actual, set->unit_cgroup);
		free(actual);
		return -1;
	}
	free(actual);
	/* The rest as the cgroupfs driver does it: directories systemd does
	 * not make, every resource in the files, the device rules. */
	return cgroup_create(set, cfg, err);
}

int cgroup_systemd_update(const cgroup_set *set, const spec_resources *r, skiff_error *err)
{
	cgsd_props props;
	unsigned version;
	int rc;

	if (cgsd_bus_manager(set->user_manager, &version, NULL, err) < 0 ||
	    cgsd_resource_props(r, cg_set_is_unified(set), version, &props, err) < 0)
		return -1;
	rc = props.n ? cgsd_bus_set(set->user_manager, set->unit, &props, err) : 0;
	cgsd_props_free(&props);
	if (rc < 0)
		return -1;
	return cg_apply_resources(set, r, err);
}

int cgroup_systemd_stop(const cgroup_set *set, skiff_error *err)
{
	return cgsd_bus_stop(set->user_manager, set->unit, err);
}
