/*
 * statmount(2) and listmount(2): statx gives the unique id of the mount a
 * path is on, listmount the ids of the mounts below one, statmount a
 * mount's type, mount point, root and options.
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
#ifndef SYS_listmount
#define SYS_listmount 458
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

/* The facts of the mount with unique id mnt_id. */
static bool facts_of_id(uint64_t mnt_id, mount_facts *out)
{
	struct mf_request req = { .size = MF_REQ_SIZE_VER0, .mnt_id = mnt_id };
	struct mf_statmount *sm = calloc(1, MF_BUF_SIZE);
	const __u64 want = MF_MNT_ROOT | MF_MNT_POINT | MF_FS_TYPE;

	memset(out, 0, sizeof(*out));
	if (!sm)
		return false;
	req.param = want | MF_OPT_ARRAY;
	if (syscall(SYS_statmount, &req, sm, MF_BUF_SIZE, 0) < 0 || (sm->mask & want) != want ||
	    !(out->fstype = field(sm, sm->fs_type)) || !(out->point = field(sm, sm->mnt_point)) ||
	    !(out->root = field(sm, sm->mnt_root)))
		goto fail;
	/* The kernel leaves the bit out both when it has no option arrays
	 * and when the filesystem shows no options. */
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

static bool mount_id_of(const char *path, uint64_t *id)
{
	struct statx stx;

	if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, MF_STATX_MNT_ID_UNIQUE, &stx) < 0 ||
	    !(stx.stx_mask & MF_STATX_MNT_ID_UNIQUE))
		return false;
	*id = stx.stx_mnt_id;
	return true;
}

bool mount_facts_of(const char *path, mount_facts *out)
{
	uint64_t id;

	memset(out, 0, sizeof(*out));
	return mount_id_of(path, &id) && facts_of_id(id, out);
}

/* Every mount below mount top, in the order they were made: listmount
 * lists a mount's whole subtree, a page at a time. */
static bool list_below(uint64_t top, uint64_t **ids, size_t *n)
{
	struct mf_request req = { .size = MF_REQ_SIZE_VER0, .mnt_id = top };
	uint64_t batch[64];
	long got;

	do {
		uint64_t *grown;

		got = syscall(SYS_listmount, &req, batch, 64, 0);
		if (got < 0)
			return false;
		if (got == 0)
			break;
		grown = realloc(*ids, (*n + (size_t)got) * sizeof(**ids));
		if (!grown)
			return false;
		*ids = grown;
		memcpy(*ids + *n, batch, (size_t)got * sizeof(*batch));
		*n += (size_t)got;
		req.param = batch[got - 1];
	} while (got == 64);
	return true;
}

bool mount_facts_below(const char *path, mount_facts **out, size_t *n)
{
	uint64_t top, *ids = NULL;
	size_t n_ids = 0;
	mount_facts *facts = NULL;
	bool ok;

	*out = NULL;
	*n = 0;
	if (!mount_id_of(path, &top))
		return false;
	ok = list_below(top, &ids, &n_ids);
	if (ok && n_ids > 0)
		ok = (facts = calloc(n_ids, sizeof(*facts))) != NULL;
	for (size_t i = 0; ok && i < n_ids; i++)
		ok = facts_of_id(ids[i], &facts[i]);
	free(ids);
	if (!ok) {
		mount_facts_free_all(facts, n_ids);
		return false;
	}
	*out = facts;
	*n = n_ids;
	return true;
}

void mount_facts_free_all(mount_facts *facts, size_t n)
{
	for (size_t i = 0; facts && i < n; i++)
		mount_facts_free(&facts[i]);
	free(facts);
}

void mount_facts_free(mount_facts *facts)
{
	free(facts->buf);
	memset(facts, 0, sizeof(*facts));
}
