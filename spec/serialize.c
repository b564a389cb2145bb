/*
 * Model structs -> JSON text, walking the same descriptors as the parser.
 * What is written mirrors Go's encoding/json on the runtime-spec types, so
 * `skiff spec` matches `runc spec`: absent strings, objects and empty arrays
 * are left out, optional scalars are written when their has_ flag is set,
 * other scalars when non-zero unless the field is SPEC_ALWAYS.  Maps keep
 * their order.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "error.h"
#include "schema.h"

struct gctx {
	yajl_gen g;
	struct spec_path path;
	skiff_error *err;
};

#define CSLOT(base, off, type) ((const type *)((const char *)(base) + (off)))

static int gen_fields(struct gctx *c, const struct spec_type *type, const void *base);

static int gen_check(struct gctx *c, yajl_gen_status st)
{
	if (st == yajl_gen_status_ok)
		return 0;
	if (st == yajl_gen_invalid_string)
		return spec_fail_path(c->err, "serialize", c->path.buf, "not valid UTF-8");
	return spec_fail_path(c->err, "serialize", c->path.buf, "yajl_gen failed (status %d)",
			      (int)st);
}

static int gen_string(struct gctx *c, const char *s)
{
	if (!s)
		return spec_fail_path(c->err, "serialize", c->path.buf, "NULL string");
	return gen_check(c, yajl_gen_string(c->g, (const unsigned char *)s, strlen(s)));
}

/* Numbers go out as text so uint64 values above INT64_MAX stay exact. */
static int gen_scalar(struct gctx *c, enum spec_kind kind, const void *p)
{
	char buf[32];

	switch (kind) {
	case SPEC_BOOL:
		return gen_check(c, yajl_gen_bool(c->g, *(const bool *)p));
	case SPEC_INT32:
		snprintf(buf, sizeof(buf), "%" PRId32, *(const int32_t *)p);
		break;
	case SPEC_UINT32:
		snprintf(buf, sizeof(buf), "%" PRIu32, *(const uint32_t *)p);
		break;
	case SPEC_UINT16:
		snprintf(buf, sizeof(buf), "%" PRIu16, *(const uint16_t *)p);
		break;
	case SPEC_INT64:
		snprintf(buf, sizeof(buf), "%" PRId64, *(const int64_t *)p);
		break;
	default:
		snprintf(buf, sizeof(buf), "%" PRIu64, *(const uint64_t *)p);
		break;
	}
	return gen_check(c, yajl_gen_number(c->g, buf, strlen(buf)));
}

static bool scalar_is_zero(enum spec_kind kind, const void *p)
{
	switch (kind) {
	case SPEC_BOOL:
		return !*(const bool *)p;
	case SPEC_INT32:
	case SPEC_UINT32:
		return *(const uint32_t *)p == 0;
	case SPEC_UINT16:
		return *(const uint16_t *)p == 0;
	default:
		return *(const uint64_t *)p == 0;
	}
}

/* Is the field written at all? */
static bool present(const struct spec_field *f, const void *base)
{
	const void *slot = CSLOT(base, f->offset, void);

	switch (f->kind) {
	case SPEC_STRING:
		return *(char *const *)slot || (f->flags & SPEC_ALWAYS);
	case SPEC_OBJECT:
		return *(void *const *)slot != NULL;
	case SPEC_OBJECT_ARRAY:
	case SPEC_STRING_ARRAY:
	case SPEC_UINT32_ARRAY:
	case SPEC_STRING_MAP:
	case SPEC_OBJECT_MAP:
		return *CSLOT(base, f->aux_offset, size_t) > 0 || (f->flags & SPEC_ALWAYS) ||
		       ((f->flags & SPEC_KEEP_EMPTY) && *(void *const *)slot);
	default:
		if (f->aux_offset != SPEC_NO_AUX)
			return *CSLOT(base, f->aux_offset, bool);
		return (f->flags & SPEC_ALWAYS) || !scalar_is_zero(f->kind, slot);
	}
}

static int gen_array(struct gctx *c, const struct spec_field *f, const void *base)
{
	const char *arr = *CSLOT(base, f->offset, char *);
	size_t len = *CSLOT(base, f->aux_offset, size_t), i;
	int rc;

	if (len && !arr)
		return spec_fail_path(c->err, "serialize", c->path.buf,
				      "NULL array with %zu entries", len);
	if (gen_check(c, yajl_gen_array_open(c->g)) < 0)
		return -1;
	for (i = 0; i < len; i++) {
		size_t mark = spec_path_push_index(&c->path, i);

		if (f->kind == SPEC_STRING_ARRAY)
			rc = gen_string(c, ((char *const *)(const void *)arr)[i]);
		else if (f->kind == SPEC_UINT32_ARRAY)
			rc = gen_scalar(c, SPEC_UINT32, arr + i * sizeof(uint32_t));
		else
			rc = gen_fields(c, f->type, arr + i * f->type->size);
		spec_path_pop(&c->path, mark);
		if (rc < 0)
			return -1;
	}
	return gen_check(c, yajl_gen_array_close(c->g));
}

static int gen_map(struct gctx *c, const struct spec_field *f, const void *base)
{
	const char *arr = *CSLOT(base, f->offset, char *);
	size_t len = *CSLOT(base, f->aux_offset, size_t), i;
	size_t size = f->kind == SPEC_STRING_MAP ? sizeof(spec_kv) : f->type->size;
	int rc;

	if (len && !arr)
		return spec_fail_path(c->err, "serialize", c->path.buf,
				      "NULL map with %zu entries", len);
	if (gen_check(c, yajl_gen_map_open(c->g)) < 0)
		return -1;
	for (i = 0; i < len; i++) {
		const char *elem = arr + i * size;
		const char *key = *(char *const *)(const void *)elem;
		size_t mark;

		if (!key)
			return spec_fail_path(c->err, "serialize", c->path.buf,
					      "NULL key in entry %zu", i);
		mark = spec_path_push_key(&c->path, key);
		rc = gen_string(c, key);
		if (rc == 0 && f->kind == SPEC_STRING_MAP)
			rc = gen_string(c, ((const spec_kv *)(const void *)elem)->value);
		else if (rc == 0)
			rc = gen_fields(c, f->type, elem);
		spec_path_pop(&c->path, mark);
		if (rc < 0)
			return -1;
	}
	return gen_check(c, yajl_gen_map_close(c->g));
}

static int gen_field(struct gctx *c, const struct spec_field *f, const void *base)
{
	const void *slot = CSLOT(base, f->offset, void);

	switch (f->kind) {
	case SPEC_STRING: {
		const char *s = *(char *const *)slot;

		/* A required string left NULL is written as "", as Go would. */
		return gen_string(c, s ? s : "");
	}
	case SPEC_OBJECT:
		return gen_fields(c, f->type, *(const void *const *)slot);
	case SPEC_OBJECT_ARRAY:
	case SPEC_STRING_ARRAY:
	case SPEC_UINT32_ARRAY:
		return gen_array(c, f, base);
	case SPEC_STRING_MAP:
	case SPEC_OBJECT_MAP:
		return gen_map(c, f, base);
	default:
		return gen_scalar(c, f->kind, slot);
	}
}

static int gen_fields(struct gctx *c, const struct spec_type *type, const void *base)
{
	size_t i;

	if (gen_check(c, yajl_gen_map_open(c->g)) < 0)
		return -1;
	for (i = 0; i < type->n_fields; i++) {
		const struct spec_field *f = &type->fields[i];
		size_t mark;
		int rc;

		if (!present(f, base))
			continue;
		mark = spec_path_push_field(&c->path, f->name);
		rc = gen_check(c, yajl_gen_string(c->g, (const unsigned char *)f->name,
						  strlen(f->name)));
		if (rc == 0)
			rc = gen_field(c, f, base);
		spec_path_pop(&c->path, mark);
		if (rc < 0)
			return -1;
	}
	return gen_check(c, yajl_gen_map_close(c->g));
}

/*
 * yajl beautifies an empty object or array as "{\n\n<indent>}"; Go writes
 * "{}".  A raw newline never occurs inside a generated string (yajl escapes
 * it), so the pattern can only be structure.
 */
static size_t squeeze_empty(char *s, size_t len)
{
	size_t r = 0, w = 0;

	while (r < len) {
		char ch = s[r];

		if ((ch == '{' || ch == '[') && r + 2 < len && s[r + 1] == '\n' &&
		    s[r + 2] == '\n') {
			size_t k = r + 3;

			while (k < len && s[k] == '\t')
				k++;
			if (k < len && s[k] == (ch == '{' ? '}' : ']')) {
				s[w++] = ch;
				s[w++] = s[k];
				r = k + 1;
				continue;
			}
		}
		s[w++] = s[r++];
	}
	return w;
}

int spec_schema_serialize(const struct spec_type *type, const void *base, bool pretty,
			  char **out, size_t *len_out, skiff_error *err)
{
	struct gctx c = { .err = err };
	const unsigned char *buf;
	size_t len;
	char *text;
	int rc;

	*out = NULL;
	if (len_out)
		*len_out = 0;
	if (!base)
		return skiff_fail_msg(err, EINVAL, "serialize: nothing to serialize");
	spec_path_init(&c.path);
	c.g = yajl_gen_alloc(NULL);
	if (!c.g)
		return skiff_fail_errno(err, ENOMEM, "serialize");
	yajl_gen_config(c.g, yajl_gen_validate_utf8, 1);
	if (pretty) {
		/* runc's layout: tab indentation, "key": value. */
		yajl_gen_config(c.g, yajl_gen_beautify, 1);
		yajl_gen_config(c.g, yajl_gen_indent_string, "\t");
	}
	rc = gen_fields(&c, type, base);
	if (rc == 0)
		rc = gen_check(&c, yajl_gen_get_buf(c.g, &buf, &len));
	if (rc < 0) {
		yajl_gen_free(c.g);
		return -1;
	}
	/* yajl ends pretty output with a newline; runc spec does not. */
	while (len > 0 && buf[len - 1] == '\n')
		len--;
	text = malloc(len + 1);
	if (!text) {
		yajl_gen_free(c.g);
		return skiff_fail_errno(err, ENOMEM, "serialize");
	}
	memcpy(text, buf, len);
	yajl_gen_free(c.g);
	if (pretty)
		len = squeeze_empty(text, len);
	text[len] = '\0';
	*out = text;
	if (len_out)
		*len_out = len;
	return 0;
}

int spec_config_serialize(const spec_config *cfg, bool pretty, char **out, size_t *len_out,
			  skiff_error *err)
{
	return spec_schema_serialize(&spec_type_config, cfg, pretty, out, len_out, err);
}

int spec_process_serialize(const spec_process *process, bool pretty, char **out,
			   size_t *len_out, skiff_error *err)
{
	return spec_schema_serialize(&spec_type_process, process, pretty, out, len_out, err);
}
