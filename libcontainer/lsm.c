/*
 * AppArmor and SELinux labels: process.apparmorProfile,
 * process.selinuxLabel and linux.mountLabel.
 *
 * The process labels are "on exec" attributes of the init's own task,
 * written through /proc like libapparmor's aa_change_onexec() and
 * libselinux's setexeccon() do:
 *   AppArmor  "exec <profile>" to /proc/thread-self/attr/apparmor/exec
 *             (attr/exec on kernels without the per-LSM directory);
 *   SELinux   the label to /proc/thread-self/attr/exec.
 * A write that lands anywhere but in the task's own attribute would
 * silently drop the confinement (CVE-2019-16884, a volume mounted over
 * /proc; CVE-2025-52881, a procfs file mounted over the attribute), so the
 * file is opened only through the runtime's own procfs (procfs.c).  The
 * mount label goes into the context= option of the filesystems a
 * container mounts afresh.
 *
 * Asking for a label of an LSM the host does not run is an error of
 * create, checked before anything is made, and of `skiff check`
 * (create_requirements()).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "libmount_load.h"

static bool file_starts_with(const char *path, const char *prefix)
{
	char *text = NULL;
	bool yes;

	if (read_file_at(AT_FDCWD, path, 4096, &text, NULL, NULL) < 0)
		return false;
	yes = !strncmp(text, prefix, strlen(prefix));
	free(text);
	return yes;
}

/* As libapparmor: the module is loaded and switched on. */
bool lsm_apparmor_enabled(void)
{
	return access("/sys/kernel/security/apparmor", F_OK) == 0 &&
	       file_starts_with("/sys/module/apparmor/parameters/enabled", "Y");
}

/* As libselinux: selinuxfs is there. */
bool lsm_selinux_enabled(void)
{
	return access("/sys/fs/selinux/enforce", F_OK) == 0 ||
	       access("/selinux/enforce", F_OK) == 0;
}

int lsm_requirements(const spec_config *cfg, struct spec_sink *sink)
{
	const spec_process *p = cfg->process;
	const char *mount_label = cfg->linux_ ? cfg->linux_->mount_label : NULL;
	size_t before = sink->count;

	if (p && p->apparmor_profile && p->apparmor_profile[0] && !lsm_apparmor_enabled()) {
		spec_report(sink, ".process.apparmorProfile",
			    "AppArmor profile \"%s\" requested, but AppArmor is not enabled on this host",
			    p->apparmor_profile);
		if (!spec_sink_goes_on(sink))
			return -1;
	}
	if (p && p->selinux_label && p->selinux_label[0] && !lsm_selinux_enabled()) {
		spec_report(sink, ".process.selinuxLabel",
			    "SELinux label \"%s\" requested, but SELinux is not enabled on this host",
			    p->selinux_label);
		if (!spec_sink_goes_on(sink))
			return -1;
	}
	/* Refused rather than left out, as runc 1.1.5 does in effect (its
	 * mounts fail with context=) and crun does not: engines send no
	 * mountLabel where SELinux is off (README, Conformance). */
	if (mount_label && mount_label[0] && !lsm_selinux_enabled())
		spec_report(sink, ".linux.mountLabel",
			    "SELinux mount label \"%s\" requested, but SELinux is not enabled on this host",
			    mount_label);
	return sink->count > before ? -1 : 0;
}

int lsm_check(const spec_config *cfg, skiff_error *err)
{
	struct spec_sink sink;

	spec_sink_init(&sink, "config.json", err, NULL, NULL);
	if (lsm_requirements(cfg, &sink) == 0)
		return 0;
	if (err)
		err->errnum = EOPNOTSUPP;
	return -1;
}

/* The attribute for value under /proc/<pid>/, checked to be there through
 * open_attr; AppArmor's per-LSM file when apparmor_dir and the kernel has
 * it (since Linux 5.8 each LSM has its own directory; attr/exec is
 * whichever module came first). */
static int find_attr(lsm_open_fn open_attr, void *data, bool apparmor_dir, const char **attr,
		     skiff_error *err)
{
	int fd = -1;

	*attr = "attr/exec";
	if (apparmor_dir) {
		skiff_error probe;

		skiff_error_clear(&probe);
		fd = open_attr(data, "thread-self/attr/apparmor/exec", &probe);
		if (fd >= 0) {
			*attr = "attr/apparmor/exec";
		} else if (probe.errnum != ENOENT) {
			if (err)
				*err = probe;
			return -1;
		}
	}
	if (fd < 0 && (fd = open_attr(data, "thread-self/attr/exec", err)) < 0)
		return -1;
	close(fd);
	return 0;
}

int lsm_exec_labels(const spec_process *p, lsm_open_fn open_attr, void *data,
		    lsm_exec_label out[2], size_t *n, skiff_error *err)
{
	*n = 0;
	if (p->apparmor_profile && p->apparmor_profile[0]) {
		if (find_attr(open_attr, data, true, &out[*n].attr, err) < 0)
			return skiff_error_prefix(err, "apply AppArmor profile \"%s\"", p->apparmor_profile);
		out[*n].what = NULL;
		if (asprintf(&out[*n].value, "exec %s", p->apparmor_profile) < 0)
			return skiff_fail_errno(err, ENOMEM, "apparmor profile");
		if (asprintf(&out[*n].what, "apply AppArmor profile \"%s\"", p->apparmor_profile) < 0) {
			free(out[*n].value);
			return skiff_fail_errno(err, ENOMEM, "apparmor profile");
		}
		(*n)++;
	}
	if (p->selinux_label && p->selinux_label[0]) {
		out[*n].value = out[*n].what = NULL;
		if (find_attr(open_attr, data, false, &out[*n].attr, err) < 0 ||
		    !(out[*n].value = strdup(p->selinux_label)) ||
		    asprintf(&out[*n].what, "apply SELinux label \"%s\"", p->selinux_label) < 0) {
			free(out[*n].value);
			lsm_exec_labels_free(out, *n);
			*n = 0;
			if (err && !err->message[0])
				skiff_fail_errno(err, ENOMEM, "selinux label");
			return skiff_error_prefix(err, "apply SELinux label \"%s\"", p->selinux_label);
		}
		(*n)++;
	}
	return 0;
}

void lsm_exec_labels_free(lsm_exec_label *labels, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(labels[i].value);
		free(labels[i].what);
		labels[i].value = labels[i].what = NULL;
	}
}

static int open_in_procfs(void *data, const char *path, skiff_error *err)
{
	return procfs_open(*(const int *)data, path, O_WRONLY, err);
}

int lsm_exec_labels_in(const spec_process *p, int proc, lsm_exec_label out[2], size_t *n,
		       skiff_error *err)
{
	return lsm_exec_labels(p, open_in_procfs, &proc, out, n, err);
}

bool lsm_has_exec_labels(const spec_process *p)
{
	return (p->apparmor_profile && p->apparmor_profile[0]) ||
	       (p->selinux_label && p->selinux_label[0]);
}

bool lsm_mount_takes_label(const char *fstype)
{
	static const char *const labelled[] = { "tmpfs", "devpts", "mqueue", "ramfs" };

	for (size_t i = 0; fstype && i < ARRAY_SIZE(labelled); i++)
		if (!strcmp(fstype, labelled[i]))
			return true;
	return false;
}

int lsm_mount_data(const char *data, const char *label, char **out)
{
	char *optstr, *quoted;

	if (libmount_ready(NULL) < 0)
		return -1;
	optstr = data && data[0] ? strdup(data) : NULL;
	if (data && data[0] && !optstr)
		return -1;
	/* The label has colons and maybe commas: libmount quotes nothing,
	 * the kernel wants context="...". */
	if (asprintf(&quoted, "\"%s\"", label) < 0) {
		free(optstr);
		return -1;
	}
	if (mnt_optstr_append_option(&optstr, "context", quoted) != 0) {
		free(quoted);
		free(optstr);
		return -1;
	}
	free(quoted);
	*out = optstr;
	return 0;
}
