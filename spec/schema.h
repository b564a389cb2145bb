/*
 * Descriptor tables for the config model (model.h) and the helpers shared by
 * the generic walkers: parse.c fills structs from a yajl tree, serialize.c
 * writes them back with yajl_gen, schema.c frees and compares them.
 *
 * Every struct of model.h has one spec_type listing its fields in the order
 * runc writes them; adding a field to the model means adding one line to a
 * table in schema.c and nothing else.
 */
#ifndef SKIFF_SPEC_SCHEMA_H
#define SKIFF_SPEC_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "spec.h"

enum spec_kind {
	SPEC_STRING,       /* char * */
	SPEC_BOOL,         /* bool */
	SPEC_INT32,        /* int32_t */
	SPEC_UINT32,       /* uint32_t */
	SPEC_UINT16,       /* uint16_t */
	SPEC_INT64,        /* int64_t */
	SPEC_UINT64,       /* uint64_t */
	SPEC_OBJECT,       /* struct pointer, NULL when absent */
	SPEC_OBJECT_ARRAY, /* T *x; size_t x_len */
	SPEC_STRING_ARRAY, /* char **x; size_t x_len */
	SPEC_UINT32_ARRAY, /* uint32_t *x; size_t x_len */
	SPEC_STRING_MAP,   /* spec_kv *x; size_t x_len */
	SPEC_OBJECT_MAP,   /* T *x; size_t x_len, T starting with char *key */
};

/* Field flags. */
#define SPEC_REQUIRED 0x1u /* parse: the field must be present */
#define SPEC_ALWAYS 0x2u   /* serialize: written even when zero or empty,
			    * like a Go field without omitempty */
#define SPEC_KEEP_EMPTY 0x4u /* SPEC_STRING_ARRAY: a present but empty array
			      * is kept apart from an absent one (a non-NULL
			      * pointer, length 0; written back as []), as Go
			      * keeps a nil slice apart from an empty one */

/* aux_offset value of fields without a has_ flag or length. */
#define SPEC_NO_AUX ((size_t)-1)

struct spec_type;

struct spec_field {
	const char *name; /* the JSON key */
	enum spec_kind kind;
	unsigned flags;
	size_t offset;
	/* scalars: offset of the `bool has_x` beside x (SPEC_NO_AUX if none);
	 * arrays and maps: offset of `size_t x_len`. */
	size_t aux_offset;
	/* SPEC_OBJECT, _OBJECT_ARRAY, _OBJECT_MAP: the element's descriptor
	 * (for maps it describes the members after `key`). */
	const struct spec_type *type;
	/* SPEC_STRING: the allowed values; SPEC_OBJECT_MAP: the allowed keys.
	 * NULL-terminated; NULL means anything goes. */
	const char *const *values;
};

struct spec_type {
	const char *name; /* C struct name, for debugging */
	size_t size;
	const struct spec_field *fields;
	size_t n_fields;
};

extern const struct spec_type spec_type_config;
extern const struct spec_type spec_type_process;
extern const struct spec_type spec_type_resources;

/* Free everything a struct of `type` owns (not the struct itself). */
void spec_schema_free(const struct spec_type *type, void *base);
/* Deep equality of two structs of `type` (order of arrays and maps counts). */
bool spec_schema_equal(const struct spec_type *type, const void *a, const void *b);

/* Parse one document whose top level is an object of `type` (parse.c). */
int spec_schema_parse(const struct spec_type *type, const char *json, size_t len,
		      const char *name, void **out, skiff_error *err);
/* The same, telling problems to a sink.  Returns 0 when there was none.
 * Otherwise -1, and *out is NULL in first-problem mode; when collecting,
 * *out is what could be parsed (NULL after a fatal problem), for the
 * validator to look at. */
int spec_schema_parse_sink(const struct spec_type *type, const char *json, size_t len,
			   struct spec_sink *sink, void **out);
/* Serialize one struct of `type` (serialize.c). */
int spec_schema_serialize(const struct spec_type *type, const void *base, bool pretty,
			  char **out, size_t *len_out, skiff_error *err);

/*
 * A JSON path being built while walking: ".linux.namespaces[1].type",
 * ".annotations[\"key\"]".  Each push returns the old length to hand back to
 * spec_path_pop().  A path too long for the buffer is cut short and ends in
 * "...", which is fine for a message.
 */
struct spec_path {
	char buf[512];
	size_t len;
};

void spec_path_init(struct spec_path *p);
size_t spec_path_push_field(struct spec_path *p, const char *name);
size_t spec_path_push_index(struct spec_path *p, size_t index);
size_t spec_path_push_key(struct spec_path *p, const char *key);
void spec_path_pop(struct spec_path *p, size_t len);

/* Longest string shown in messages before it is cut with "...". */
#define SPEC_QUOTE_MAX 64

/* Write s as a JSON string literal into buf (always terminated), cut after
 * SPEC_QUOTE_MAX bytes of s.  Returns buf. */
char *spec_quote(char *buf, size_t size, const char *s);

/* "<name>: <path>: <problem>" with the path as the error's context.  An empty
 * path gives "<name>: <problem>".  Returns -1. */
int spec_fail_path(skiff_error *err, const char *name, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
