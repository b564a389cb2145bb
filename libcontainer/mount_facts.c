/*
 * statmount(2) for one path: statx gives the unique id of the mount the
 * path is on, statmount that mount's type, mount point, root and options.
 * Debian 12's headers predate both, so the kernel's ABI is spelled out
 * here (include/uapi/linux/mount.h, fields up to the option array).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/types.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mount_facts.h"

#ifndef SYS_statmount
#define SYS_statmount 457
#endif
#define MF_STATX_MNT_ID_UNIQUE 0x4000U
#define MF_MNT_ROOT 0x08U
#define MF_MNT_POINT 0x10U
#define MF_FS_TYPE 0x20U
#define MF_OPT_ARRAY 0x400U
#define MF_REQ_SIZE_VER0 24

struct mf_request {
	__u32 size;
	__u32 spare;
	__u64 mnt_id;
	__u64 param;
};

struct mf_statmount {
	__u32 size;
	__u32 mnt_opts;
	__u64 mask;
	__u32 sb_dev_major;
	__u32 sb_dev_minor;
	__u64 sb_magic;
	__u32 sb_flags;
	__u32 fs_type;
	__u64 mnt_id;
	__u64 mnt_parent_id;
	__u32 mnt_id_old;
	__u32 mnt_parent_id_old;
	__u64 mnt_attr;
	__u64 mnt_propagation;
	__u64 mnt_peer_group;
	__u64 mnt_master;
	__u64 propagate_from;
	__u32 mnt_root;
	__u32 mnt_point;
	__u64 mnt_ns_id;
	__u32 fs_subtype;
	__u32 sb_source;
	__u32 opt_num;
	__u32 opt_array;
	__u64 spare2[47];
	char str[];
};

_Static_assert(sizeof(struct mf_statmount) == 512, "statmount's fixed part is 512 bytes");

/* Enough for any cgroup or tmpfs mount; a longer answer is EOVERFLOW,
 * and the caller falls back to the mount table. */
#define MF_BUF_SIZE 4096

/* A string field: inside what the kernel wrote, NUL-terminated there. */
static const char *field(const struct mf_statmount *sm, __u32 offset)
{
	size_t room = sm->size - offsetof(struct mf_statmount, str);

	if (sm->size < sizeof(*sm) || sm->size > MF_BUF_SIZE || offset >= room ||
	    !memchr(sm->str + offset, '\0', room - offset))
		return NULL;
	return sm->str + offset;
}

bool mount_facts_of(const char *path, mount_facts *out)
{
	struct statx stx;
	struct mf_request req = { .size = MF_REQ_SIZE_VER0 };
	struct mf_statmount *sm;
	const __u64 want = MF_MNT_ROOT | MF_MNT_POINT | MF_FS_TYPE;

	memset(out, 0, sizeof(*out));
	if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, MF_STATX_MNT_ID_UNIQUE, &stx) < 0 ||
	    !(stx.stx_mask & MF_STATX_MNT_ID_UNIQUE))
		return false;
	sm = calloc(1, MF_BUF_SIZE);
	if (!sm)
		return false;
	req.mnt_id = stx.stx_mnt_id;
	req.param = want | MF_OPT_ARRAY;
	if (syscall(SYS_statmount, &req, sm, MF_BUF_SIZE, 0) < 0 || (sm->mask & want) != want ||
	    !(out->fstype = field(sm, sm->fs_type)) || !(out->point = field(sm, sm->mnt_point)) ||
	    !(out->root = field(sm, sm->mnt_root)))
		goto fail;
	/* The kernel leaves the bit out both when it has no option arrays
	 * (before 6.13) and when the filesystem shows no options. */
	if (sm->mask & MF_OPT_ARRAY) {
		const char *p = field(sm, sm->opt_array);
		const char *end = (const char *)sm + sm->size;

		if (!p)
			goto fail;
		for (__u32 i = 0; i < sm->opt_num; i++) {
			const char *nul = memchr(p, '\0', (size_t)(end - p));

			if (!nul || (i + 1 < sm->opt_num && nul + 1 >= end))
				goto fail;
			p = nul + 1;
		}
		out->options = sm->str + sm->opt_array;
		out->n_options = sm->opt_num;
	}
	out->buf = sm;
	return true;
fail:
	free(sm);
	memset(out, 0, sizeof(*out));
	return false;
}

void mount_facts_free(mount_facts *facts)
{
	free(facts->buf);
	memset(facts, 0, sizeof(*facts));
}
