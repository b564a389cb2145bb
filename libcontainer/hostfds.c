/*
 * What the init reaches on the host to build the container's root: the
 * rootfs and the bind sources, opened while it still has the caller's
 * credentials (root of a new user namespace may be refused the way there,
 * a 0700 directory of the host's root, and fds the runtime opened would
 * belong to the host's mount namespace, which the kernel will not bind
 * from), plus the idmapped trees only the runtime can make.  None of them
 * outlives the building of the root.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "internal.h"

int host_fds_prepare(host_fds *h, const spec_config *cfg, const char *bundle, skiff_error *err)
{
	h->rootfs = -1;
	h->mount_sources = NULL;
	h->mounts = cfg->mounts_len;
	return idmap_prepare_mounts(cfg, bundle, &h->idmapped, err);
}

int host_fds_open(host_fds *h, const spec_config *cfg, const char *rootfs, const char *bundle,
		  skiff_error *err)
{
	h->rootfs = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (h->rootfs < 0)
		return skiff_fail_errno_at(err, errno, ".root.path", "open the rootfs %s", rootfs);
	return mounts_open_sources(cfg, bundle, &h->mount_sources, err);
}

size_t host_fds_list(const host_fds *h, int *keep)
{
	size_t n = 0;

	if (h->rootfs >= 0)
		keep[n++] = h->rootfs;
	for (size_t i = 0; i < h->mounts; i++) {
		if (h->mount_sources && h->mount_sources[i] >= 0)
			keep[n++] = h->mount_sources[i];
		if (h->idmapped && h->idmapped[i] >= 0)
			keep[n++] = h->idmapped[i];
	}
	return n;
}

void host_fds_close(host_fds *h)
{
	mounts_close_sources(h->mount_sources, h->mounts);
	h->mount_sources = NULL;
	mounts_close_sources(h->idmapped, h->mounts);
	h->idmapped = NULL;
	if (h->rootfs >= 0)
		close(h->rootfs);
	h->rootfs = -1;
}
