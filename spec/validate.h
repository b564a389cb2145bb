/*
 * What spec/validate.c and the files it is split into share: the walk's
 * context, and reporting a problem at a JSON path (see validate.c).
 */
#ifndef SKIFF_SPEC_VALIDATE_H
#define SKIFF_SPEC_VALIDATE_H

#include <stdbool.h>
#include <stdint.h>

#include "schema.h"

struct vctx {
	const spec_config *cfg;
	struct spec_sink *sink;
};

#define QBUF (SPEC_QUOTE_MAX * 6 + 8)

/* Report a problem at a path that is itself a format: -1 to stop, 0 to go on. */
int vfail(struct vctx *v, const char *problem, const char *path_fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *vquote(char *buf, size_t size, const char *s);
bool vis_absolute(const char *path);
bool vin_list(const char *const *list, const char *s);
bool vhas_namespace(const spec_config *cfg, const char *type);
/* An id above SPEC_ID_MAX is refused wherever a config names one. */
int vcheck_id(struct vctx *v, uint32_t id, const char *path_fmt, ...)
	__attribute__((format(printf, 3, 4)));
int vcheck_id_mappings(struct vctx *v, const spec_id_mapping *maps, size_t len,
		       const char *field);
/* validate_linux.c */
int validate_linux(struct vctx *v, const spec_linux *l);
/* validate_linux13.c: netDevices, memoryPolicy, intelRdt */
int validate_linux13(struct vctx *v, const spec_linux *l);

#endif
