/*
 * Which namespaces the init gets, and how.
 *
 * New namespaces are created by the clone3() that makes the init, in one
 * step, so that a new user namespace owns the others (without a new user
 * namespace, create makes the network one ahead, on a thread, and the init
 * joins it first thing: create.c).  Namespaces given by
 * path are opened by the parent (errors surface before anything is made)
 * and joined by the init right after clone, except:
 *   - pid: setns() only affects children, so the parent joins it just
 *     before clone3() and the init is born inside;
 *   - time with offsets: offsets can only be written before any process
 *     lives in the namespace, so the parent unshares it, writes them, and
 *     the init is born inside;
 *   - with a new user namespace, the init has no privilege over namespaces
 *     the host owns (a pod's network namespace, say), so the parent enters
 *     them around clone3() and the init is born inside (runc joins them
 *     before it unshares the user namespace, to the same effect).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"


/* In join order: the user namespace first, so that the process has
 * privileges over the namespaces owned by it. */
static const struct {
	const char *name;
	int flag;
} ns_types[] = {
	{ "user", CLONE_NEWUSER },   { "pid", CLONE_NEWPID },   { "network", CLONE_NEWNET },
	{ "ipc", CLONE_NEWIPC },     { "uts", CLONE_NEWUTS },   { "cgroup", CLONE_NEWCGROUP },
	{ "time", CLONE_NEWTIME },   { "mount", CLONE_NEWNS },
};

static const char *ns_name(int flag)
{
	for (size_t t = 0; t < ARRAY_SIZE(ns_types); t++)
		if (ns_types[t].flag == flag)
			return ns_types[t].name;
	return "?";
}

static int open_own_namespace(int type)
{
	const char *name = NULL;
	char path[32];

	for (size_t t = 0; t < ARRAY_SIZE(ns_types); t++)
		if (ns_types[t].flag == type)
			name = ns_types[t].name;
	if (!name) {
		errno = EINVAL;
		return -1;
	}
	/* /proc names: "net", not "network" */
	snprintf(path, sizeof(path), "/proc/self/ns/%s", strcmp(name, "network") ? name : "net");
	return open(path, O_RDONLY | O_CLOEXEC);
}

void ns_plan_close(ns_plan *plan)
{
	for (size_t i = 0; i < plan->join_count; i++)
		if (plan->join_fds[i] >= 0)
			close(plan->join_fds[i]);
	plan->join_count = 0;
	if (plan->pid_join_fd >= 0)
		close(plan->pid_join_fd);
	plan->pid_join_fd = -1;
}

static int open_namespace(const char *path, const char *type, int flag, size_t index,
			  skiff_error *err)
{
	char ctx[64];
	int fd, kind;

	snprintf(ctx, sizeof(ctx), ".linux.namespaces[%zu].path", index);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return skiff_fail_errno_at(err, errno, ctx, "open %s namespace %s", type, path);
	kind = ioctl(fd, NS_GET_NSTYPE);
	if (kind < 0 && errno == ENOTTY) {
		close(fd);
		return skiff_fail_msg_at(err, 0, ctx, "%s: %s is not a namespace file", ctx, path);
	}
	if (kind >= 0 && kind != flag) {
		close(fd);
		return skiff_fail_msg_at(err, 0, ctx, "%s: %s is not a %s namespace", ctx, path, type);
	}
	return fd;
}

int ns_plan_make(const spec_config *cfg, ns_plan *plan, skiff_error *err)
{
	const spec_linux *lx = cfg->linux_;
	bool joins_other = false;

	memset(plan, 0, sizeof(*plan));
	plan->pid_join_fd = -1;
	for (size_t t = 0; t < ARRAY_SIZE(ns_types); t++) {
		const spec_namespace *ns = NULL;
		size_t index = 0;

		for (size_t i = 0; lx && i < lx->namespaces_len; i++) {
			if (!strcmp(lx->namespaces[i].type, ns_types[t].name)) {
				ns = &lx->namespaces[i];
				index = i;
			}
		}
		if (!ns)
			continue;
		if (!ns->path || !ns->path[0]) {
			if (ns_types[t].flag == CLONE_NEWTIME && lx->time_offsets_len > 0)
				plan->time_offsets = true;
			else
				plan->clone_flags |= ns_types[t].flag;
			trace("namespace %s: new", ns->type);
			continue;
		}
		trace("namespace %s: join %s", ns->type, ns->path);
		int fd = open_namespace(ns->path, ns->type, ns_types[t].flag, index, err);
		if (fd < 0) {
			ns_plan_close(plan);
			return -1;
		}
		if (ns_types[t].flag == CLONE_NEWPID) {
			plan->pid_join_fd = fd;
			continue;
		}
		plan->join_fds[plan->join_count] = fd;
		plan->join_types[plan->join_count] = ns_types[t].flag;
		plan->join_count++;
		if (ns_types[t].flag != CLONE_NEWUSER)
			joins_other = true;
	}
	plan->new_userns = plan->clone_flags & CLONE_NEWUSER;
	plan->new_mountns = plan->clone_flags & CLONE_NEWNS;
	plan->new_utsns = plan->clone_flags & CLONE_NEWUTS;
	plan->new_cgroupns = plan->clone_flags & CLONE_NEWCGROUP;
	plan->parent_joins = plan->new_userns && joins_other;
	/* A config spec/ did not validate: a mount namespace given by path
	 * with a new user namespace (validate_linux.c says why). */
	for (size_t i = 0; plan->parent_joins && i < plan->join_count; i++) {
		if (plan->join_types[i] == CLONE_NEWNS) {
			ns_plan_close(plan);
			return skiff_fail_config(err, EINVAL, ".linux.namespaces",
						 "a mount namespace given by path cannot go with a new user namespace");
		}
	}
	return 0;
}

int ns_parent_enter(const ns_plan *plan, ns_saved *saved, skiff_error *err)
{
	saved->count = 0;
	if (!plan->parent_joins)
		return 0;
	for (size_t i = 0; i < plan->join_count; i++) {
		int own = open_own_namespace(plan->join_types[i]);

		if (own < 0) {
			skiff_fail_errno(err, errno, "open the runtime's own namespace (type 0x%x)",
				   (unsigned)plan->join_types[i]);
			goto fail;
		}
		saved->fds[saved->count] = own;
		saved->types[saved->count] = plan->join_types[i];
		saved->count++;
		trace("setns: join the %s namespace around clone", ns_name(plan->join_types[i]));
		if (setns(plan->join_fds[i], plan->join_types[i]) < 0) {
			skiff_fail_errno(err, errno, "join namespace (setns type 0x%x)",
				   (unsigned)plan->join_types[i]);
			goto fail;
		}
	}
	return 0;
fail:
	ns_parent_leave(saved);
	return -1;
}

void ns_parent_leave(ns_saved *saved)
{
	for (size_t i = saved->count; i-- > 0;) {
		setns(saved->fds[i], saved->types[i]);
		close(saved->fds[i]);
	}
	saved->count = 0;
}

bool ns_owned_by(int ns_fd, int userns_fd)
{
	struct stat owner_st, userns_st;
	int owner = ioctl(ns_fd, NS_GET_USERNS);
	bool same;

	/* Not ours to know (an owner above the caller's): say yes, which keeps
	 * the usual order, user namespace first. */
	if (owner < 0)
		return true;
	same = fstat(owner, &owner_st) == 0 && fstat(userns_fd, &userns_st) == 0 &&
	       owner_st.st_ino == userns_st.st_ino && owner_st.st_dev == userns_st.st_dev;
	close(owner);
	return same;
}

int ns_join(const ns_plan *plan, skiff_error *err)
{
	if (plan->parent_joins)
		return 0;
	for (size_t i = 0; i < plan->join_count; i++) {
		trace("setns: join the %s namespace", ns_name(plan->join_types[i]));
		if (setns(plan->join_fds[i], plan->join_types[i]) < 0)
			return skiff_fail_errno(err, errno, "join namespace (setns type 0x%x)",
					  (unsigned)plan->join_types[i]);
	}
	return 0;
}

int ns_prepare_time(const spec_config *cfg, skiff_error *err)
{
	const spec_linux *lx = cfg->linux_;
	char text[256];
	size_t used = 0;
	int proc;

	if (unshare(CLONE_NEWTIME) < 0)
		return skiff_fail_errno(err, errno, "unshare the time namespace");
	for (size_t i = 0; i < lx->time_offsets_len; i++) {
		const spec_time_offset *o = &lx->time_offsets[i];

		used += (size_t)snprintf(text + used, sizeof(text) - used, "%s %lld %u\n", o->key,
					 (long long)o->secs, o->nanosecs);
		if (used >= sizeof(text))
			return skiff_fail_msg(err, 0, "linux.timeOffsets: too many entries");
	}
	/* Through a procfs of our own, as every procfs write (procfs.c). */
	proc = procfs_open_root(PROCFS_PIDS, err);
	if (proc < 0 || procfs_write(proc, "self/timens_offsets", text, err) < 0) {
		if (proc >= 0)
			close(proc);
		return skiff_error_prefix(err, "set linux.timeOffsets");
	}
	close(proc);
	return 0;
}

int ns_children_enter(ns_children *saved, int pid_fd, int time_fd, const spec_config *offsets_cfg,
		      skiff_error *err)
{
	saved->pid = saved->time = -1;
	if (pid_fd >= 0) {
		saved->pid = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
		if (saved->pid < 0 || setns(pid_fd, CLONE_NEWPID) < 0) {
			skiff_fail_errno(err, errno, "join the container's pid namespace");
			goto fail;
		}
	}
	if (time_fd >= 0 || offsets_cfg) {
		saved->time = open("/proc/self/ns/time", O_RDONLY | O_CLOEXEC);
		if (saved->time < 0) {
			skiff_fail_errno(err, errno, "open /proc/self/ns/time");
			goto fail;
		}
		if (offsets_cfg ? ns_prepare_time(offsets_cfg, err) < 0
				: (setns(time_fd, CLONE_NEWTIME) < 0 &&
				   skiff_fail_errno(err, errno, "join the container's time namespace") < 0))
			goto fail;
	}
	return 0;
fail:
	ns_children_leave(saved);
	return -1;
}

void ns_children_leave(ns_children *saved)
{
	if (saved->pid >= 0) {
		setns(saved->pid, CLONE_NEWPID);
		close(saved->pid);
	}
	if (saved->time >= 0) {
		setns(saved->time, CLONE_NEWTIME);
		close(saved->time);
	}
	saved->pid = saved->time = -1;
}
