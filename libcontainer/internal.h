/*
 * Declarations shared by the files of libcontainer/.  Nothing here is public.
 */
#ifndef SKIFF_INTERNAL_H
#define SKIFF_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sched.h>
#include <sys/types.h>

#include "compat.h"
#include "error.h"
#include "skiff.h"
#include "spec.h"

#define EXEC_FIFO_NAME "exec.fifo"
#define EXEC_REPLY_NAME "exec.reply"
#define STATE_FILE_NAME "state.json"
#define CONFIG_COPY_NAME "config.json"

/* ---- utils.c ---- */

/* Read a whole file (at most max bytes) into a NUL-terminated buffer. */
int read_file_at(int dirfd, const char *path, size_t max, char **out, size_t *len_out,
		 skiff_error *err);
/* The same from an open fd (path only names it in errors). */
int read_file_fd(int fd, const char *path, size_t max, char **out, size_t *len_out,
		 skiff_error *err);
/* Replace dirfd/name with data: write a temporary file, fsync-free rename. */
int write_file_atomic(int dirfd, const char *name, const void *data, size_t len,
		      mode_t mode, skiff_error *err);
/* The pid file of create, exec and restore (--pid-file). */
int pid_file_write(const char *path, pid_t pid, skiff_error *err);
int write_all(int fd, const void *data, size_t len);
/* Close *fd if it is open and mark it closed (-1): for release functions,
 * which may meet a field set or not. */
void fd_release(int *fd);
int mkdir_parents(const char *path, mode_t mode);
/* Remove a directory tree without following symlinks or crossing mounts. */
int remove_tree_at(int dirfd, const char *name);
/* The start time of a process (field 22 of /proc/<pid>/stat), 0 if gone;
 * with state non-NULL, also its state letter (field 3: 'S', 'D', ...). */
uint64_t process_start_time(pid_t pid);
uint64_t process_stat(pid_t pid, char *state);
/* Is pid alive and the same process that had start_time?  False when
 * start_time is 0 (unknown).  The _in_state form also gives the state
 * letter of a process that matches. */
bool process_matches(pid_t pid, uint64_t start_time);
bool process_matches_in_state(pid_t pid, uint64_t start_time, char *state);
/* "2006-01-02T15:04:05.999999999Z" for the current time. */
void rfc3339_now(char *buf, size_t size);
char *path_join(const char *a, const char *b);
/* sendmsg() of data with fd (if >= 0) as SCM_RIGHTS; no SIGPIPE. */
ssize_t send_with_fd(int sock, const void *data, size_t len, int fd);

/* ---- runtime-spec 1.3 and runc 1.2-1.4 additions, one file each ---- */
/* pidfd_socket.c: a pidfd of `pid` to the socket at path (NULL: nothing). */
int pidfd_socket_send(const char *path, pid_t pid, skiff_error *err);
/* mempolicy.c: linux.memoryPolicy for the calling process (the init and
 * exec's process, before their exec); nothing without one. */
int mempolicy_apply(const spec_config *cfg, skiff_error *err);
/* netdev.c: move linux.netDevices into the network namespace of `init`,
 * renamed, with their addresses and link state. */
int netdev_move(const spec_config *cfg, pid_t init, skiff_error *err);
/* ... and back to the runtime's namespace, for a create that fails later.
 * netdev_check: every host interface named exists (create and check). */
void netdev_return(const spec_config *cfg, pid_t init);
int netdev_check(const spec_config *cfg, skiff_error *err);
/* intelrdt.c: put `pid` in the container's resctrl group (made and its
 * schemata written when `create`), and in its monitoring group; undo
 * removes what create made.  intelrdt_check: the host has resctrl. */
int intelrdt_enter(const char *id, const spec_config *cfg, pid_t pid, bool create,
		   skiff_error *err);
void intelrdt_remove(const char *id, const spec_config *cfg);
int intelrdt_check(const spec_config *cfg, skiff_error *err);
/* What intelrdt_update.c shares of intelrdt.c: the resctrl mount (-1 if
 * none), a write there (errors name field), the schema l3CacheSchema and
 * memBwSchema make (NULL if neither; free() it), the group's directory. */
int intelrdt_root(char *buf, size_t size);
int intelrdt_write(const char *dir, const char *file, const char *value, const char *field,
		   skiff_error *err);
char *intelrdt_schema(const spec_intel_rdt *rdt);
void intelrdt_group_dir(const char *root, const char *id, const spec_intel_rdt *rdt, char *buf,
			size_t size);

/* ---- state.c: the state directory <root>/<id>/ ---- */

typedef struct container_record {
	char *id;
	pid_t pid;
	uint64_t pid_start_time;
	bool created; /* the init reported ready; false while creating */
	bool recorded; /* read from a state.json; false: its create never wrote one */
	char *bundle;
	char *rootfs;
	char *created_at;
	char *owner;
	spec_kv *annotations;
	size_t annotations_len;
	/* The container's cgroup directory in each hierarchy (cgroups.h),
	 * written before they are made, so delete finds them after a crash. */
	spec_kv *cgroup_paths;
	size_t cgroup_paths_len;
	/* The systemd driver's unit owning them ("" or NULL with cgroupfs),
	 * and whether the user's manager has it: later commands need not be
	 * given --systemd-cgroup again. */
	char *systemd_unit;
	bool systemd_user;
	/* Without a mount namespace of its own: the id of the rootfs's bind
	 * onto itself in the caller's namespace, which delete detaches with
	 * everything mounted below it (rootfs_undo_shared); else 0. */
	uint64_t rootfs_mount_id;
} container_record;

void container_record_clear(container_record *rec);
/* Create <root>/<id> exclusively and lock it; fails with EEXIST when the id is taken. */
int state_dir_create(const char *root, const char *id, int *dirfd_out, skiff_error *err);
/* Open and lock an existing container's directory (ENOENT: "container does not exist"). */
int state_dir_open(const char *root, const char *id, int *dirfd_out, skiff_error *err);
/* Take the exclusive lock of an opened container directory. */
int flock_dir(int dirfd, const char *id, skiff_error *err);
int state_write(int dirfd, const container_record *rec, skiff_error *err);
/* A deep copy of rec, as state_read would read it back from state_write's
 * file (through the same JSON). */
int state_copy(const container_record *rec, container_record *out, skiff_error *err);
int state_read(int dirfd, container_record *rec, skiff_error *err);
/* The record of the directory dir below atfd (list: the root and the id). */
int state_read_in(int atfd, const char *dir, container_record *rec, skiff_error *err);
/* The record in a state.json text (NUL-terminated); pure, for tests and fuzzing. */
int state_parse(const char *text, container_record *rec, skiff_error *err);
/* The live status of a container read from its record (paused when its
 * cgroup is frozen).  locked: the caller holds the directory's lock, so no
 * create is in progress there. */
skiff_status state_status(int dirfd, const container_record *rec, bool locked);
/* The same for the directory dir below atfd (list: the root's fd and the id). */
skiff_status state_status_in(int atfd, const char *dir, const container_record *rec, bool locked);
int state_dir_remove(const char *root, const char *id, skiff_error *err);
const char *state_root(const skiff_context *ctx);
/* The record as skiff_state; its strings and annotations move there. */
int state_export(int dirfd, container_record *rec, skiff_state **out, skiff_error *err);
int state_export_in(int atfd, const char *dir, container_record *rec, skiff_state **out,
		    skiff_error *err);

/* ---- procfs.c: procfs through a handle of the runtime's own ---- */

/* What a handle must show: the pid directories (subset=pid where the
 * kernel has it), or all of procfs (/proc/sys). */
enum procfs_scope { PROCFS_PIDS, PROCFS_ALL };
/* The root of a procfs only the caller can reach: a new detached
 * instance, else a detached copy of /proc without its submounts, else
 * /proc; always checked to be a procfs root.  O_CLOEXEC. */
int procfs_open_root(enum procfs_scope scope, skiff_error *err);
/* Open path ("sys/kernel/shmmax", "thread-self/attr/exec", "<pid>/uid_map")
 * under that root, through no symlink, no ".." and no mount; a file not on
 * procfs is refused, and so is a <pid> path on a handle of another pid
 * namespace.  Errors name the file as /proc/<path>. */
int procfs_open(int proc, const char *path, int flags, skiff_error *err);
int procfs_write(int proc, const char *path, const char *text, skiff_error *err);

/* ---- sync.c: the parent <-> init handshake over a socketpair ---- */

enum sync_type {
	SYNC_GO = 1,       /* parent -> child: id maps and cgroups are in place; value: host pid */
	SYNC_HOOKS,        /* init -> parent: mounts done, run createRuntime hooks before pivot */
	SYNC_HOOKS_DONE,   /* parent -> init: they ran */
	SYNC_CONSOLE,      /* child -> parent: the pty master, as the passed fd */
	SYNC_SECCOMP,      /* child -> parent: the seccomp notify listener, as the passed fd */
	SYNC_SECCOMP_DONE, /* parent -> child: the agent has it */
	SYNC_READY,        /* child -> parent: set up; the init now waits for start */
	SYNC_ERROR,        /* child -> parent: setup failed, the skiff_error says why */
	SYNC_TRACE,        /* child -> parent: a debug trace line, in the skiff_error's
			      message (trace.c); sync_recv_full() delivers it and waits on */
};

int sync_send(int sock, enum sync_type type, const skiff_error *payload);
int sync_send_full(int sock, enum sync_type type, long long value, int passfd,
		   const skiff_error *payload);
/* Wait for one message; EOF (the peer died) is an error.  SYNC_TRACE
 * lines met on the way go to the caller's trace callback (trace.c). */
int sync_recv(int sock, enum sync_type *type, skiff_error *payload, skiff_error *err);
/* After READY: wait until the exec stub lets go of the socket (0), or for
 * why the exec or the stub's first steps failed (-1). */
int sync_await_exec(int sock, skiff_error *err);
int sync_recv_full(int sock, enum sync_type *type, long long *value, int *fd_out,
		   skiff_error *payload, skiff_error *err);

/* ---- namespaces.c ---- */

typedef struct ns_plan {
	int clone_flags;       /* namespaces created by clone3 */
	int join_fds[8];       /* open fds of namespaces joined by path, in join order */
	int join_types[8];
	size_t join_count;
	int pid_join_fd;       /* the pid namespace is joined by the parent: -1 if none */
	bool new_userns;
	bool new_mountns;
	bool new_utsns;
	bool new_cgroupns;   /* unshared by the init after cgroup placement */
	bool time_offsets;     /* the parent unshares the time namespace to set offsets */
	bool parent_joins;     /* a new user namespace: the parent joins join_fds around clone */
} ns_plan;

int ns_plan_make(const spec_config *cfg, ns_plan *plan, skiff_error *err);
void ns_plan_close(ns_plan *plan);
/* In the init: join every namespace given by path (unless parent_joins). */
int ns_join(const ns_plan *plan, skiff_error *err);
/* Parent, around clone3 when plan->parent_joins: enter the namespaces
 * given by path, then go back to the runtime's own. */
typedef struct ns_saved {
	int fds[8], types[8];
	size_t count;
} ns_saved;
int ns_parent_enter(const ns_plan *plan, ns_saved *saved, skiff_error *err);
/* Is the namespace ns_fd owned by the user namespace userns_fd?  (True
 * when the kernel will not say.) */
bool ns_owned_by(int ns_fd, int userns_fd);
void ns_parent_leave(ns_saved *saved);
/* Parent, before clone: enter the time namespace that will hold the init, with offsets. */
int ns_prepare_time(const spec_config *cfg, skiff_error *err);
/* setns() gives pid and time namespaces only to children: the runtime
 * enters them (the time one fresh with offsets_cfg's offsets, or time_fd)
 * just before clone3, and leaves them right after so that its own later
 * children are born at home. */
typedef struct ns_children {
	int pid, time; /* the runtime's own namespaces, to go back to */
} ns_children;
int ns_children_enter(ns_children *saved, int pid_fd, int time_fd, const spec_config *offsets_cfg,
		      skiff_error *err);
void ns_children_leave(ns_children *saved);

/* ---- userns.c ---- */

/* Parent, after clone: the init's uid and gid maps (newuidmap/newgidmap
 * when an unprivileged caller maps more than its own ids). */
int userns_write_id_maps(pid_t pid, const spec_config *cfg, skiff_error *err);
/* The same for any mappings (an idmapped mount's). */
int userns_write_maps(pid_t pid, const spec_id_mapping *uids, size_t nuids,
		      const spec_id_mapping *gids, size_t ngids, skiff_error *err);
/* In the init, once mapped: setresgid/setresuid to 0 inside. */
int userns_become_root(skiff_error *err);
/* Has /proc/self/setgroups been set to "deny" (unprivileged mappings)? */
bool userns_setgroups_denied(void);
/* Rootless mode (ctx->rootless, AUTO resolved): cgroups are not the
 * runtime's to manage, as with runc --rootless. */
bool context_rootless(const skiff_context *ctx);

/* ---- rootfs.c, mounts.c, pathsafe.c, devices.c ---- */

typedef struct rootfs_opts {
	const char *rootfs;  /* absolute host path of the container's root, for messages */
	int rootfs_fd;       /* the same, opened (O_PATH) by the runtime */
	const int *mount_sources; /* per mounts[] entry: the bind source opened by
				     the runtime, or -1 */
	const int *idmapped;      /* per mounts[] entry: a detached idmapped tree
				     (idmap.c), or -1; NULL when there is none */
	const char *bundle;  /* absolute; relative bind sources start here */
	bool no_pivot;
	bool shared_mountns; /* no mount namespace of its own: chroot, and
				leave the caller's "/" as it is */
	bool in_userns;
	bool new_cgroupns;
	/* Called once the mounts are made, before pivot_root: where the
	 * createRuntime and createContainer hooks run. */
	const char *mount_label; /* linux.mountLabel, or NULL */
	int (*before_pivot)(void *data, skiff_error *err);
	void *before_pivot_data;
} rootfs_opts;

int rootfs_setup(const spec_config *cfg, const rootfs_opts *opts, skiff_error *err);
/* Without a mount namespace of its own a container's mounts are made in
 * the caller's, under the rootfs's bind onto itself: the id of the mount
 * on top at rootfs (0 if unknown), and its undoing (the bind and all below
 * it, detached) while that mount is still the one on top. */
uint64_t rootfs_top_mount_id(const char *rootfs);
void rootfs_undo_shared(const char *rootfs, uint64_t mount_id);
/* Is m a read-only /dev, mounted writable and made read-only by rootfs_finish? */
bool rootfs_dev_readonly(const spec_mount *m);
/* After pivot_root and the sysctls: masked and read-only paths, a read-only
 * /dev, read-only root. */
int rootfs_finish(const spec_config *cfg, skiff_error *err);
/* Open (O_PATH) dest inside the tree at rootfd, creating missing directories
 * and, when as_file, the last component as an empty file.  Symlinks resolve as
 * if rootfd were "/", so nothing can land outside it. */
int path_open_in_root(int rootfd, const char *dest, bool create, bool as_file,
		      skiff_error *err);
/* lstat() of path inside the tree at rootfd (the last component is not followed). */
struct stat;
int path_lstat_in_root(int rootfd, const char *path, struct stat *st);
/* The path, as the container will see it, of fd: something under rootfs.
 * EXDEV when fd is outside it. */
int path_in_root(int fd, const char *rootfs, char *out, size_t size);
/* mounts[index] of cfg, inside the tree at rootfd. */
int mount_entry(int rootfd, const spec_mount *m, size_t index, const rootfs_opts *opts,
		skiff_error *err);
/* In the runtime: O_PATH fds of the bind sources of mounts[] (-1 for other
 * entries), so that the init need not reach them by path.  *fds_out has
 * cfg->mounts_len entries; close them with mounts_close_sources(). */
int mounts_open_sources(const spec_config *cfg, const char *bundle, int **fds_out,
			skiff_error *err);
void mounts_close_sources(int *fds, size_t n);
/* Not called when /dev is a bind mount: that /dev is left as it is. */
int devices_create(int rootfd, const spec_config *cfg, bool in_userns, skiff_error *err);
int devices_link_ptmx(int rootfd, skiff_error *err);
/* After pivot_root: maskedPaths and readonlyPaths (masks.c). */
int paths_mask_and_protect(const spec_config *cfg, skiff_error *err);
/* Inside a user namespace a bind of a host mount keeps its nosuid, nodev,
 * noexec and atime flags locked: a remount of path must repeat these. */
unsigned long mount_locked_flags(const char *path);
int remount_readonly(const char *path, skiff_error *err);

/* ---- fdmount.c: mounts from fd to fd, no path in between ---- */

#define FD_BIND_RECURSIVE 1u /* what is mounted below source comes along */
#define FD_BIND_RDONLY 2u    /* the new (top) mount is read-only */
/* Bind what source holds onto target (both may be O_PATH); what names
 * the target in messages. */
int fd_bind_onto(int source, int target, unsigned flags, const char *what, skiff_error *err);
/* A new tmpfs on target. */
int fd_tmpfs_onto(int target, bool rdonly, const char *what, skiff_error *err);

/* ---- procfs.c: the container's /proc, checked on the fd used ---- */

/* EXDEV unless fd is on a procfs; path names it in messages. */
int procfs_check_fd(int fd, const char *path, skiff_error *err);
/* Does the container path name /proc or something under it (lexically)? */
bool path_is_under_proc(const char *path);

/* ---- idmap.c ---- */

/* Does this mount ask to be idmapped (mappings, "idmap" or "ridmap")? */
bool mount_is_idmapped(const spec_mount *m);
/* In the runtime: a detached idmapped copy of each such bind source, per
 * mounts[] entry (-1 for others); *trees_out is NULL when there is none.
 * Close with mounts_close_sources(). */
int idmap_prepare_mounts(const spec_config *cfg, const char *bundle, int **trees_out,
			 skiff_error *err);
/* In the init: put the tree on the destination opened as target_fd. */
int idmap_attach(int tree, int target_fd, const char *dest, skiff_error *err);

/* ---- exposure.c: what a container could reach of a process being set up ---- */

/* Close every fd from first on except those in keep[0..n) (sorted here). */
void fds_close_all_but(int first, int *keep, size_t n);
/* The same, keeping own[0..n_own) and the fds of host (may be NULL). */
typedef struct host_fds host_fds;
void fds_keep_only(int first, const int *own, size_t n_own, const host_fds *host);
/* Make the calling process non-dumpable until it execs. */
void exposure_hide_binary(void);
/* clone_fn(data, err), with the child non-dumpable from its first
 * instruction when the runtime is root (else the child hides itself once
 * its id maps are written). */
pid_t exposure_clone_hidden(pid_t (*clone_fn)(void *data, skiff_error *err), void *data,
			    skiff_error *err);

/* ---- hostfds.c: the host paths the init uses to build the rootfs ---- */

struct host_fds {
	int rootfs;          /* O_PATH of the rootfs, or -1 */
	int *mount_sources;  /* per mounts[]: an O_PATH bind source, or -1 */
	int *idmapped;       /* per mounts[]: a detached idmapped tree, or -1 */
	size_t mounts;       /* cfg->mounts_len */
};

/* In the runtime, before clone: the idmapped trees (idmap.c). */
int host_fds_prepare(host_fds *h, const spec_config *cfg, const char *bundle, skiff_error *err);
/* In the init, with the caller's credentials still: the rootfs and the
 * bind sources. */
int host_fds_open(host_fds *h, const spec_config *cfg, const char *rootfs, const char *bundle,
		  skiff_error *err);
/* Append the fds the init must keep until it builds its root to keep. */
size_t host_fds_list(const host_fds *h, int *keep);
void host_fds_close(host_fds *h);

/* ---- seccomp.c, seccomp_agent.c ---- */

/* When the filter is loaded (see seccomp.c for why). */
enum seccomp_stage {
	SECCOMP_PRIVILEGED, /* noNewPrivileges false: last, with CAP_SYS_ADMIN kept for it */
	SECCOMP_BEFORE_READY,    /* a notify listener must reach the agent during create */
	SECCOMP_BEFORE_EXEC,     /* otherwise: right before execve */
};
typedef struct seccomp_plan seccomp_plan;
/* Compile linux.seccomp (*out NULL when there is none); nothing is loaded. */
int seccomp_prepare(const spec_config *cfg, seccomp_plan **out, skiff_error *err);
/* Load the filter if stage is its stage; *listener_fd is then its notify
 * listener (to close), or -1. */
int seccomp_load_at(seccomp_plan *plan, enum seccomp_stage stage, int *listener_fd,
		    skiff_error *err);
/* In the process being set up: seccomp_load_at(), and a notify listener
 * sent over sock (SYNC_SECCOMP) at once; returns when the runtime has
 * handed it to the agent. */
int seccomp_load_and_hand_over(seccomp_plan *plan, enum seccomp_stage stage, int sock,
			       skiff_error *err);
void seccomp_plan_free(seccomp_plan *plan);
/* A filter of stage SECCOMP_BEFORE_EXEC as a BPF program in a sealed memfd
 * (at fd min or above) for the exec stub to load, with the kernel's
 * SECCOMP_FILTER_FLAG_* bits; *fd is -1 when the filter has another stage
 * (or there is none). */
int seccomp_export_last(const seccomp_plan *plan, int min, int *fd, unsigned long *flags,
			skiff_error *err);
/* What skiff knows of seccomp, for the features document: the i-th action,
 * operator or filter flag name (NULL past the last). */
const char *seccomp_action_name(size_t i);
const char *seccomp_operator_name(size_t i);
const char *seccomp_flag_name(size_t i);
/* What this libseccomp and kernel cannot do of cfg's profile (an
 * architecture libseccomp does not know, a flag beyond its API level,
 * notify), each reported to sink; -1 if any.  create_requirements() and
 * seccomp_prepare() use it. */
int seccomp_requirements(const spec_config *cfg, struct spec_sink *sink);
/* Can the flag be set here: libseccomp, its API level and the kernel
 * (probed) all have it. */
bool seccomp_flag_supported(const char *name);
/* Does cfg's profile have an SCMP_ACT_NOTIFY rule?  Its init then may wait
 * for an agent from before it reports ready, and `start` does not wait for
 * the program's exec (the agent may be start's own caller). */
bool seccomp_config_notifies(const spec_config *cfg);

typedef struct seccomp_agent_info {
	const spec_config *cfg;
	const char *id;
	pid_t pid;          /* the init, in the runtime's pid namespace */
	const char *bundle;
	skiff_status status; /* of the container, as the state tells the agent */
} seccomp_agent_info;
/* Hand the listener to the agent at linux.seccomp.listenerPath. */
int seccomp_agent_send(const seccomp_agent_info *info, int listener, skiff_error *err);
/* In the runtime, on SYNC_SECCOMP: hand the listener (closed here) to the
 * agent, then tell the process over sock (SYNC_SECCOMP_DONE). */
int seccomp_take_listener(const seccomp_agent_info *info, int sock, int listener,
			  skiff_error *err);

/* ---- lsm.c: AppArmor and SELinux ---- */

/* Labels of an LSM this host does not run, each reported to sink (its
 * JSON path, what is asked); -1 if any.  create_requirements() uses it. */
int lsm_requirements(const spec_config *cfg, struct spec_sink *sink);
/* The first of them as an error (EOPNOTSUPP): exec's process labels. */
int lsm_check(const spec_config *cfg, skiff_error *err);
/* Does p ask for an AppArmor profile or an SELinux label? */
bool lsm_has_exec_labels(const spec_process *p);
/* p's AppArmor profile and SELinux label as what to write where: the
 * attribute under /proc/<pid>/ and its value.  They apply at the next exec,
 * which must be the program's, so the exec stub writes them (stub/stub.c);
 * here each attribute file is only found and checked to be there, opened
 * by open_attr ("thread-self/attr/exec", or AppArmor's
 * "thread-self/attr/apparmor/exec" when it exists): the seam of the unit
 * tests, which have no LSM.  *n is how many (0 to 2; free them). */
typedef struct lsm_exec_label {
	const char *attr; /* "attr/exec" or "attr/apparmor/exec" */
	char *value;      /* "exec <profile>", or the SELinux label */
	char *what;       /* for its error: apply AppArmor profile "<profile>" */
} lsm_exec_label;
typedef int (*lsm_open_fn)(void *data, const char *path, skiff_error *err);
int lsm_exec_labels(const spec_process *p, lsm_open_fn open_attr, void *data,
		    lsm_exec_label out[2], size_t *n, skiff_error *err);
/* The same through the procfs handle proc (procfs_open_root). */
int lsm_exec_labels_in(const spec_process *p, int proc, lsm_exec_label out[2], size_t *n,
		       skiff_error *err);
void lsm_exec_labels_free(lsm_exec_label *labels, size_t n);
/* Does this host run AppArmor (module loaded and on), SELinux (selinuxfs)? */
bool lsm_apparmor_enabled(void);
bool lsm_selinux_enabled(void);
/* Does a filesystem of this type take linux.mountLabel (context=)? */
bool lsm_mount_takes_label(const char *fstype);
/* data (may be NULL) with context="label" added; *out is malloc'd. */
int lsm_mount_data(const char *data, const char *label, char **out);

/* ---- exec_stub.c: the last program before the user's (stub/stub.c) ---- */

typedef struct stub_request {
	int *go, *reply;       /* create: the exec fifos (moved above close_from) */
	int *sync;             /* the runtime's socket, which the runtime waits to
				* see closed: at the stub's exec, or with LSM labels
				* by the stub once they are written */
	int proc;              /* a procfs handle for the labels (dup'd), or -1 */
	const lsm_exec_label *labels;
	size_t labels_len;
	const spec_hook *hooks; /* startContainer hooks, run after `start` */
	size_t hooks_len;
	const char *state_json; /* their stdin */
	const seccomp_plan *seccomp; /* loaded by the stub if its stage is last */
	int close_from;         /* the program inherits fds below this one */
} stub_request;
typedef struct stub_launch {
	int stub, bpf, hooks, state, args, go, reply, sync, proc, close_from;
	const char *exe;
	long args_size, bpf_size, hooks_size; /* told to the stub, which then needs no lseek */
	unsigned long bpf_flags;
	char *labels; /* "N\0" then "ATTR\0VALUE\0WHAT\0" each, for the args memfd */
	size_t labels_len;
} stub_launch;
/* Every memfd the stub needs, made before any seccomp filter is loaded. */
int stub_prepare(stub_launch *l, const stub_request *req, skiff_error *err);
/* Write the program for the stub (exe, then args[0..n)) and leave open
 * at exec only the fds the stub reads: before any seccomp filter. */
int stub_set_program(stub_launch *l, const char *exe, char *const *args, size_t n,
		     skiff_error *err);
/* Exec the stub, which execs the program: returns only on failure. */
int stub_exec(const stub_launch *l, char *const *env, skiff_error *err);
void stub_release(stub_launch *l);

/* ---- tmpcopyup.c ---- */

/* Copy the tree of directory from_dir into directory to_dir (a fresh
 * tmpfs), following nothing; owners, modes and times kept where allowed. */
int tmpfs_copy_up(int from_dir, int to_dir, skiff_error *err);

/* ---- sched.c ---- */

/* process.scheduler and process.ioPriority, for the calling process. */
int sched_apply(const spec_process *p, skiff_error *err);
/* "0-3,7" as a CPU set; -1 if it is not such a list. */
int sched_cpu_list_parse(const char *list, cpu_set_t *set);
/* The calling thread's CPU affinity from such a list; path names the
 * field in errors. */
int sched_set_affinity(const char *list, const char *path, skiff_error *err);

/* ---- process.c, capabilities.c ---- */

/* The last steps in the init before exec: identity, capabilities, limits. */
int process_apply_rlimits(const spec_process *p, skiff_error *err);
int process_set_identity(const spec_process *p, bool in_userns, skiff_error *err);
int capabilities_drop_bounding(const spec_capabilities *caps, skiff_error *err);
int capabilities_apply(const spec_capabilities *caps, bool keep_admin, skiff_error *err);
/* Each capability of caps the init will leave out, with its JSON path and
 * why (unknown, not in this kernel, outside the runtime's bounding set):
 * warnings of create, exec and `skiff check`. */
typedef void (*cap_problem_fn)(void *data, const char *path, const char *message);
void capabilities_problems(const spec_capabilities *caps, cap_problem_fn fn, void *data);
/* The same, told to ctx->warn as "config.json: PATH: MESSAGE". */
void capabilities_warn(const skiff_context *ctx, const spec_capabilities *caps);
/* How process_prepare hands over to its caller once every step of its own
 * is done: before_filter (may be NULL) with the program found, for what
 * must come before any seccomp filter (the stub's program, signals); then
 * run, at SECCOMP_PRIVILEGED and SECCOMP_BEFORE_READY in turn, where
 * the filter of that stage is loaded.  privileged_filter: one is loaded
 * without no_new_privs, so CAP_SYS_ADMIN stays effective until then. */
typedef struct process_hook {
	int (*before_filter)(void *data, const char *exe, skiff_error *err);
	int (*run)(void *data, enum seccomp_stage stage, skiff_error *err);
	void *data;
	bool privileged_filter;
} process_hook;
/* Everything between the container's setup and exec, in order: HOME and
 * the stdio's owner as runc's setupUser (*home: "HOME=<the user's home in
 * the container's /etc/passwd, or />" when the env has no non-empty HOME,
 * else NULL; malloc'd), rlimits, bounding set, user, capabilities,
 * no_new_privs, umask, cwd, and finding the program (*exe, malloc'd).
 * hook may be NULL. */
int process_prepare(const spec_process *p, bool in_userns, const process_hook *hook, char **exe,
		    char **home, skiff_error *err);
/* NULL-terminated argv and envp for execve (home, process_prepare's, in
 * place of a missing or empty HOME; without it HOME=/ when unset; and
 * LISTEN_FDS/LISTEN_PID when listen_fds > 0).  The strings stay the
 * model's and home. */
int process_exec_vectors(const spec_process *p, int listen_fds, const char *home,
			 char ***argv_out, char ***env_out);
/* Resolve args[0] like execvp with the container's PATH; *path_out is malloc'd. */
int process_find_executable(const spec_process *p, char **path_out, skiff_error *err);

/* ---- lifecycle.c ---- */

/* Open an existing container (locked when lock), read its record and status.
 * A directory whose record was never written reads as stopped, rec->id NULL. */
int container_open(const skiff_context *ctx, bool lock, int *dirfd, container_record *rec,
		   skiff_status *status, skiff_error *err);
/* Nothing acts on the cgroups a record names (delete, kill --all, the
 * cgroup commands, exec, checkpoint) before this checks them to be the
 * container's (cgroups_record.c): state.json is only a file.  Commands that
 * only read the record (state, list, start) skip its cost. */
int container_check_cgroups(int dirfd, const char *id, const container_record *rec,
			   skiff_error *err);
/* A pidfd of the container's init, or -1 when it is gone (or its pid reused). */
int container_pidfd(const container_record *rec);
/* The config copy of a container's state directory (container_setup.c
 * writes it), or NULL (err says why). */
spec_config *container_saved_config(int dirfd, skiff_error *err);

/* ---- create.c: the start sequence ---- */

#include <signal.h>
/* Make the container and leave its init waiting for start; *pid_out is the
 * init's host pid, a child of the caller.  caller_mask is the signal mask
 * the user's program starts with.  console_out is NULL when detached (a
 * terminal then needs --console-socket); otherwise it receives the pty
 * master of a terminal process (or -1). */
/* skiff_container_exec_cgroups() with the container's config, when the
 * caller has parsed it already (taken: freed here); NULL reads the copy
 * saved at create. */
int container_exec_with_config(const skiff_context *ctx, const spec_process *p, spec_config *cfg,
			       bool detach, bool ignore_paused, const char *const *sub_cgroups,
			       size_t n_sub_cgroups, int *exit_status, skiff_error *err);
/* With record_out non-NULL (run), also the record it wrote, to clear:
 * run's start and delete act on it without reading state.json back. */
int container_create(const skiff_context *ctx, const spec_config *cfg,
		     const sigset_t *caller_mask, int *console_out, pid_t *pid_out,
		     container_record *record_out, skiff_error *err);

/* ---- init_kernel.c: the init's kernel settings besides the root and the process ---- */

/* Does the init write to procfs (sysctls, oomScoreAdj, LSM labels)?  Then
 * it makes a procfs handle first thing (procfs.c), proc below. */
bool init_needs_procfs(const spec_config *cfg);
int init_set_sysctls(const spec_config *cfg, int proc, skiff_error *err);
int init_set_personality(const spec_config *cfg, skiff_error *err);
/* oomScoreAdj, when set (config.md: MUST NOT change it otherwise). */
int init_set_oom_score_adj(const spec_process *p, int proc, skiff_error *err);
/* A new network namespace starts with lo down; runc brings it up. */
int init_loopback_up(skiff_error *err);
int init_set_names(const spec_config *cfg, skiff_error *err);
/* A fresh session keyring, so containers do not share the caller's keys. */
int init_join_session_keyring(const skiff_context *ctx, skiff_error *err);

/* ---- start_sync.c: `start` and the waiting init ---- */

/* How long `start` waits for the program's exec once the startContainer
 * hooks are done, before it returns all the same. */
#define START_EXEC_TIMEOUT_MS 5000
/* In create: exec.fifo and exec.reply, and the init's ends of them. */
int start_fifos_make(int statefd, int *go, int *reply, skiff_error *err);
/* The init's side is the exec stub's (stub/stub.c): it waits on the fifo
 * and writes "H" once the startContainer hooks ran, "E<why>" on failure. */
/* In `start`: wake the init, then wait until its program runs.  -1 when
 * the init could not be woken (it is gone: nothing changed), -2 when it
 * failed after (a startContainer hook, seccomp, execve: the error says
 * which).  hooks_ms bounds the startContainer hooks (-1: one has no
 * timeout); *late is set when the exec did not come in time. */
int start_release(int dirfd, int pidfd, int hooks_ms, bool *late, skiff_error *err);

/* ---- hooks.c ---- */

/* Run hooks[0..n) in order; the first failure is the error.  kind names
 * them in messages ("createRuntime").  A hook without env gets inherit's
 * env, or with inherit NULL the runtime's (environ), as runc. */
int hooks_run(const spec_hook *hooks, size_t n, const spec_process *inherit, const char *kind,
	      const char *state_json, skiff_error *err);
/* The sum of the hooks' timeouts in ms; -1 when one has none. */
long long hooks_timeout_ms(const spec_hook *hooks, size_t n);
/* poststart (status running) or poststop (stopped): every hook runs, and
 * failures are warnings to ctx->warn, as the spec has them. */
void hooks_run_late(const skiff_context *ctx, const spec_config *cfg, pid_t pid,
		    skiff_status status, const char *bundle);
/* poststart, as runtime-spec 1.3 and runc 1.2 have it: the first failure
 * is the error (start then destroys the container). */
int hooks_run_poststart(const skiff_context *ctx, const spec_config *cfg, pid_t pid,
			const char *bundle, skiff_error *err);
/* The state JSON hooks read on stdin; free() it. NULL when out of memory. */
char *hooks_state_json(const spec_config *cfg, const char *id, pid_t pid, skiff_status status,
		       const char *bundle);

/* ---- terminal.c, wait.c ---- */

#include <termios.h>
/* In the container: a pty in its devpts becomes the controlling terminal
 * and stdio; *master_out is the master. */
int terminal_setup(const spec_process *p, bool console, int *master_out, skiff_error *err);
/* Hand the pty master to the --console-socket listener (SCM_RIGHTS). */
int terminal_send(const char *socket_path, int master, skiff_error *err);
/* The caller's terminal: the first of fds 0-2 that is one, else
 * /dev/tty opened (to close when above 2); -1 without one. */
int terminal_host(void);
/* Raw mode on fd's terminal, output processing included; *saved to
 * restore with tcsetattr(). */
int terminal_raw(int fd, struct termios *saved);
void terminal_copy_size(int from, int to);
/* Wait for a foreground process, forwarding the signals of forward (which
 * the caller has blocked, SIGCHLD among them) and proxying the pty master
 * (or -1) to stdin/stdout.  *exit_status is the status, 128+N for signal N.
 * With reap_all, every child is reaped (the caller is a subreaper whose
 * only children are the container's), up to the last before returning. */
int wait_foreground(pid_t pid, const sigset_t *forward, int master, bool reap_all,
		    int *exit_status, skiff_error *err);

/* ---- trace.c: debug tracing (skiff_context.trace) ---- */

/* Where trace() lines go in this thread: the callback, or in a cloned
 * child the socket to the runtime (*relay; the fd may move, see
 * fds_keep_only and stub_prepare, so it is read at each line). */
typedef struct trace_scope {
	skiff_trace_fn fn;
	void *data;
	const int *relay;
	const char *who; /* "init", "exec": what a relay's lines begin with */
} trace_scope;

/* For the duration of one public call that acts on containers: trace()
 * goes to ctx->trace (nowhere when NULL) until the enclosing block ends,
 * whatever way it is left; the outer scope is back then. */
#define TRACE_SCOPE(ctx) \
	trace_scope trace_scope_saved_ __attribute__((cleanup(trace_scope_end), unused)) = \
		trace_scope_begin(ctx)
trace_scope trace_scope_begin(const skiff_context *ctx);
void trace_scope_end(trace_scope *saved);
/* Is anyone listening?  For trace points whose arguments cost something. */
bool trace_active(void);
/* In a cloned child, first thing: its lines go to the runtime over the
 * socket *sock (read at each line: the fd may be moved), prefixed
 * "<who>: ".  Nothing when tracing is off. */
void trace_relay_to(const int *sock, const char *who);
/* One line; nothing is formatted when tracing is off; errno is kept. */
void trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A relayed line, in the runtime: to the caller's callback. */
void trace_deliver(const char *msg);
/* "before the switch to the container's user", ... */
const char *trace_seccomp_stage(enum seccomp_stage stage);
/* "MS_NOSUID|MS_NODEV|..." for mount(2) flags, "0" for none. */
const char *trace_mount_flags(unsigned long flags, char *buf, size_t size);

/* ---- debug_stop.c: fault injection for tests ---- */

/* Refuse an unknown ctx->debug_stop_at, so a misspelt step fails loudly. */
int debug_stop_check(const skiff_context *ctx, skiff_error *err);
/* When ctx->debug_stop_at is step, die here with SIGKILL. */
void debug_stop(const skiff_context *ctx, const char *step);

/* ---- check.c, check_host.c: skiff_bundle_check() ---- */

/* The diagnostics found so far; an allocation failure sets out_of_memory. */
typedef struct check_report {
	skiff_diagnostic *errors;
	size_t errors_len;
	skiff_diagnostic *warnings;
	size_t warnings_len;
	bool out_of_memory;
} check_report;

/* Add a diagnostic at a JSON path ("" for the whole bundle).  A second
 * error at the same path is dropped: one field, one error. */
void check_error(check_report *r, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void check_warn(check_report *r, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* What create needs beyond a valid config, reported to sink; -1 when
 * something is missing.  The rules that depend on the host (a rootfs that
 * is there, the LSMs it runs) or on create's flags (no_pivot) rather than
 * the config alone (those are spec/'s), so that `skiff check` and create
 * (first-problem mode) cannot disagree.  bundle is where a relative
 * root.path is; check knows no flags and passes no_pivot false. */
int create_requirements(const spec_config *cfg, const char *bundle, bool no_pivot,
			struct spec_sink *sink);
/* The warnings: fields this host cannot honour (check_host.c). */
void check_host(const spec_config *cfg, check_report *r);

/* ---- signals.c ---- */
const char *signal_name(int signo);
/* Every signal's disposition the default, also 32 and 33, and mask the
 * signal mask: what a container's process starts with. */
void signals_reset_all(const sigset_t *mask);
/* The signals a runtime waiting for a container's process handles itself
 * (blocked, then read by wait_foreground): SIGCHLD, and in the foreground
 * those it forwards to the process (run, exec, restore).  Blocked in the
 * calling thread; *old gets the mask before. */
void signals_block_forwarded(bool foreground, sigset_t *forward, sigset_t *old);

#endif
