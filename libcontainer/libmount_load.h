/*
 * libmount, loaded when first used rather than at every start of skiff.
 *
 * Linked normally, libmount and what it pulls in (libblkid, libselinux,
 * libpcre2; all built with BIND_NOW) cost each skiff process about 0.35 ms
 * of loading and relocation here, a sixth of an `exec`, though `state`,
 * `list`, `kill` and `start` never parse a mount option or a mount table.
 * So, like libsystemd (cgroups_systemd_bus.c), libskiff opens
 * libmount.so.1 with dlopen the first time it needs it and calls it
 * through a table of the functions it uses; each name below stands for its
 * table entry, so the code reads as plain libmount calls.
 *
 * Every function that starts using libmount calls libmount_ready() first
 * and fails with its error when the library cannot be loaded.  The
 * container's init and exec's process never load it: create loads it in
 * the runtime before the clone (the init's copy of the process has it),
 * because after pivot_root the host's libraries are out of reach, and it
 * loads it on a thread while it makes its state and cgroups (create.c).
 *
 * Only the mount options of a create need it where the kernel has
 * statmount and listmount with option arrays (Linux 6.14): the cgroup
 * hierarchies are found with them (mount_facts.h), so exec, kill and
 * delete do not load it, and neither create nor they read
 * /proc/self/mountinfo (--no-pivot, intelRdt and `check` still do).
 */
#ifndef SKIFF_LIBMOUNT_LOAD_H
#define SKIFF_LIBMOUNT_LOAD_H

#include <libmount/libmount.h>

#include "skiff.h"

#define LIBMOUNT_FUNCS(X)             \
	X(mnt_new_table_from_file)    \
	X(mnt_unref_table)            \
	X(mnt_table_next_fs)          \
	X(mnt_new_iter)               \
	X(mnt_reset_iter)             \
	X(mnt_free_iter)              \
	X(mnt_fs_get_fstype)          \
	X(mnt_fs_get_fs_options)      \
	X(mnt_fs_get_root)            \
	X(mnt_fs_get_target)          \
	X(mnt_fs_get_id)              \
	X(mnt_get_mountpoint)         \
	X(mnt_get_builtin_optmap)     \
	X(mnt_split_optstr)           \
	X(mnt_optstr_get_flags)       \
	X(mnt_optstr_get_option)      \
	X(mnt_optstr_next_option)     \
	X(mnt_optstr_append_option)

/* Fields are named fn_<name>: ## keeps the names below from expanding. */
#define LIBMOUNT_FIELD(name) __typeof__(name) *fn_##name;
struct libmount_api {
	LIBMOUNT_FUNCS(LIBMOUNT_FIELD)
};
#undef LIBMOUNT_FIELD

/* 0 once libmount is loaded (the first call loads it), or -1 with why in
 * err (NULL allowed). */
int libmount_ready(skiff_error *err);

/* The table; only after libmount_ready() succeeded. */
const struct libmount_api *libmount_api(void);

#define mnt_new_table_from_file (*libmount_api()->fn_mnt_new_table_from_file)
#define mnt_unref_table (*libmount_api()->fn_mnt_unref_table)
#define mnt_table_next_fs (*libmount_api()->fn_mnt_table_next_fs)
#define mnt_new_iter (*libmount_api()->fn_mnt_new_iter)
#define mnt_reset_iter (*libmount_api()->fn_mnt_reset_iter)
#define mnt_free_iter (*libmount_api()->fn_mnt_free_iter)
#define mnt_fs_get_fstype (*libmount_api()->fn_mnt_fs_get_fstype)
#define mnt_fs_get_fs_options (*libmount_api()->fn_mnt_fs_get_fs_options)
#define mnt_fs_get_root (*libmount_api()->fn_mnt_fs_get_root)
#define mnt_fs_get_target (*libmount_api()->fn_mnt_fs_get_target)
#define mnt_fs_get_id (*libmount_api()->fn_mnt_fs_get_id)
#define mnt_get_mountpoint (*libmount_api()->fn_mnt_get_mountpoint)
#define mnt_get_builtin_optmap (*libmount_api()->fn_mnt_get_builtin_optmap)
#define mnt_split_optstr (*libmount_api()->fn_mnt_split_optstr)
#define mnt_optstr_get_flags (*libmount_api()->fn_mnt_optstr_get_flags)
#define mnt_optstr_get_option (*libmount_api()->fn_mnt_optstr_get_option)
#define mnt_optstr_next_option (*libmount_api()->fn_mnt_optstr_next_option)
#define mnt_optstr_append_option (*libmount_api()->fn_mnt_optstr_append_option)

#endif
