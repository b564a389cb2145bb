/*
 * JSON text -> model structs.  yajl builds a tree; one walker driven by the
 * descriptors in schema.c fills the structs and reports problems with their
 * JSON paths to a sink (schema.h): the first one only, after which
 * everything built so far is freed, or every one, going on past each with
 * the next field or element (spec_parse_config_all(), for `skiff check`).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>
#include <yajl/yajl_tree.h>

#include "error.h"
#include "schema.h"

struct pctx {
	struct spec_path path;
	struct spec_sink *sink;
};

#define SLOT(base, off, type) ((type *)((char *)(base) + (off)))

static int parse_fields(struct pctx *c, const struct spec_type *type, yajl_val obj,
			void *base);

/* ---- messages ---- */

/* What a value is, for "got ...": strings quoted, numbers as written. */
static const char *describe(yajl_val v, char *buf, size_t size)
{
	if (YAJL_IS_STRING(v))
		return spec_quote(buf, size, v->u.string);
	if (YAJL_IS_NUMBER(v)) {
		const char *text = YAJL_GET_NUMBER(v);

		if (strlen(text) > SPEC_QUOTE_MAX)
			snprintf(buf, size, "%.*s...", SPEC_QUOTE_MAX, text);
		else
			snprintf(buf, size, "%s", text);
		return buf;
	}
	if (YAJL_IS_OBJECT(v))
		return "an object";
	if (YAJL_IS_ARRAY(v))
		return "an array";
	if (YAJL_IS_TRUE(v))
		return "true";
	if (YAJL_IS_FALSE(v))
		return "false";
	return "null";
}

static int type_error(struct pctx *c, yajl_val v, const char *expected)
{
	char got[SPEC_QUOTE_MAX * 6 + 16];

	return spec_report(c->sink, c->path.buf, "expected %s, got %s", expected,
			   describe(v, got, sizeof(got)));
}

static void join(char *buf, size_t size, const char *const *values)
{
	size_t used = 0, i;

	buf[0] = '\0';
	for (i = 0; values[i] && used < size; i++) {
		int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", values[i]);

		if (n < 0)
			break;
		used += (size_t)n;
	}
}

static int enum_error(struct pctx *c, yajl_val v, const char *const *values)
{
	char list[512], expected[sizeof(list) + 16];

	join(list, sizeof(list), values);
	snprintf(expected, sizeof(expected), "one of %s", list);
	return type_error(c, v, expected);
}

static int oom(struct pctx *c)
{
	return spec_report_fatal(c->sink, ENOMEM, c->path.buf, "%s",
				 c->path.len ? c->path.buf : "parse");
}

static bool in_list(const char *const *values, const char *s)
{
	for (; *values; values++)
		if (strcmp(*values, s) == 0)
			return true;
	return false;
}

/* ---- scalars ---- */

static const char *number_name(enum spec_kind kind)
{
	switch (kind) {
	case SPEC_INT32:
		return "a 32-bit integer";
	case SPEC_UINT32:
		return "a 32-bit unsigned integer";
	case SPEC_UINT16:
		return "a 16-bit unsigned integer";
	case SPEC_INT64:
		return "a 64-bit integer";
	default:
		return "a 64-bit unsigned integer";
	}
}

/*
 * Integers come from the number's text, not yajl's long long: that keeps
 * uint64 values above INT64_MAX, and refuses 1.5, 1e3 and -1 (for unsigned
 * types) instead of rounding or wrapping them.
 */
static int parse_integer(struct pctx *c, enum spec_kind kind, yajl_val v, void *dst)
{
	const char *text;
	char *end;

	if (!YAJL_IS_NUMBER(v))
		return type_error(c, v, number_name(kind));
	text = YAJL_GET_NUMBER(v);
	errno = 0;
	if (kind == SPEC_INT32 || kind == SPEC_INT64) {
		long long x = strtoll(text, &end, 10);

		if (end == text || *end || errno)
			return type_error(c, v, number_name(kind));
		if (kind == SPEC_INT64) {
			*(int64_t *)dst = x;
			return 0;
		}
		if (x < INT32_MIN || x > INT32_MAX)
			return type_error(c, v, number_name(kind));
		*(int32_t *)dst = (int32_t)x;
		return 0;
	} else {
		unsigned long long x = 0;

		/* strtoull would wrap "-1" around; only "-0" is a fine zero. */
		if (text[0] == '-') {
			if (strcmp(text, "-0") != 0)
				return type_error(c, v, number_name(kind));
		} else {
			x = strtoull(text, &end, 10);
			if (end == text || *end || errno)
				return type_error(c, v, number_name(kind));
		}
		if (kind == SPEC_UINT64)
			*(uint64_t *)dst = x;
		else if (kind == SPEC_UINT32 && x <= UINT32_MAX)
			*(uint32_t *)dst = (uint32_t)x;
		else if (kind == SPEC_UINT16 && x <= UINT16_MAX)
			*(uint16_t *)dst = (uint16_t)x;
		else
			return type_error(c, v, number_name(kind));
		return 0;
	}
}

static int parse_string(struct pctx *c, yajl_val v, const char *const *values, char **dst)
{
	if (!YAJL_IS_STRING(v))
		return type_error(c, v, "a string");
	if (values && !in_list(values, v->u.string))
		return enum_error(c, v, values);
	*dst = strdup(v->u.string);
	return *dst ? 0 : oom(c);
}

/* ---- arrays and maps ---- */

struct key_ref {
	const char *key;
	size_t index;
};

static int key_ref_cmp(const void *a, const void *b)
{
	const struct key_ref *x = a, *y = b;
	int r = strcmp(x->key, y->key);

	if (r)
		return r;
	return x->index < y->index ? -1 : x->index > y->index;
}

/*
 * The entries of a JSON object to use as a map: when a key repeats, the last
 * one wins (as in Go's encoding/json).  Fills keep[i] with whether entry i is
 * used and returns how many are.  Sorting keeps this O(n log n) for huge maps.
 */
static int map_entries(struct pctx *c, yajl_val obj, bool *keep, size_t *count)
{
	size_t n = obj->u.object.len, i;
	struct key_ref *refs;

	*count = n;
	for (i = 0; i < n; i++)
		keep[i] = true;
	if (n < 2)
		return 0;
	refs = calloc(n, sizeof(*refs));
	if (!refs)
		return oom(c);
	for (i = 0; i < n; i++) {
		refs[i].key = obj->u.object.keys[i];
		refs[i].index = i;
	}
	qsort(refs, n, sizeof(*refs), key_ref_cmp);
	for (i = 0; i + 1 < n; i++) {
		if (strcmp(refs[i].key, refs[i + 1].key) == 0) {
			keep[refs[i].index] = false;
			(*count)--;
		}
	}
	free(refs);
	return 0;
}

static int parse_map(struct pctx *c, const struct spec_field *f, yajl_val v, void *base)
{
	size_t n, count, i, j = 0, elem_size;
	bool *keep;
	char *arr;
	int rc = 0;

	if (!YAJL_IS_OBJECT(v))
		return type_error(c, v, "an object");
	n = v->u.object.len;
	if (n == 0)
		return 0;
	keep = calloc(n, sizeof(*keep));
	if (!keep)
		return oom(c);
	if (map_entries(c, v, keep, &count) < 0) {
		free(keep);
		return -1;
	}
	elem_size = f->kind == SPEC_STRING_MAP ? sizeof(spec_kv) : f->type->size;
	arr = calloc(count, elem_size);
	if (!arr) {
		free(keep);
		return oom(c);
	}
	/* Owned by the struct from here on, so a failure below frees it.  The
	 * length counts the entries used so far: a refused key takes none. */
	*SLOT(base, f->offset, void *) = arr;
	for (i = 0; i < n; i++) {
		const char *key = v->u.object.keys[i];
		yajl_val val = v->u.object.values[i];
		char *elem = arr + j * elem_size;
		size_t mark;

		if (!keep[i])
			continue;
		mark = spec_path_push_key(&c->path, key);
		if (f->values && !in_list(f->values, key)) {
			char list[256];

			join(list, sizeof(list), f->values);
			rc = spec_report(c->sink, c->path.buf, "unknown key, expected one of %s", list);
		} else if (!(*(char **)elem = strdup(key))) {
			rc = oom(c);
		} else {
			*SLOT(base, f->aux_offset, size_t) = ++j;
			if (f->kind == SPEC_STRING_MAP)
				rc = parse_string(c, val, NULL, &((spec_kv *)elem)->value);
			else if (!YAJL_IS_OBJECT(val))
				rc = type_error(c, val, "an object");
			else
				rc = parse_fields(c, f->type, val, elem);
		}
		spec_path_pop(&c->path, mark);
		if (rc < 0 && !spec_sink_goes_on(c->sink))
			break;
		rc = 0;
	}
	free(keep);
	return i < n ? -1 : 0;
}

static int parse_array(struct pctx *c, const struct spec_field *f, yajl_val v, void *base)
{
	size_t n, i, elem_size;
	char *arr;
	int rc = 0;

	if (!YAJL_IS_ARRAY(v))
		return type_error(c, v, "an array");
	n = v->u.array.len;
	if (n == 0 && (f->flags & SPEC_KEEP_EMPTY)) {
		arr = calloc(1, sizeof(char *));
		if (!arr)
			return oom(c);
		*SLOT(base, f->offset, void *) = arr;
		return 0;
	}
	if (n == 0)
		return 0;
	switch (f->kind) {
	case SPEC_OBJECT_ARRAY:
		elem_size = f->type->size;
		break;
	case SPEC_STRING_ARRAY:
		elem_size = sizeof(char *);
		break;
	default:
		elem_size = sizeof(uint32_t);
		break;
	}
	arr = calloc(n, elem_size);
	if (!arr)
		return oom(c);
	*SLOT(base, f->offset, void *) = arr;
	*SLOT(base, f->aux_offset, size_t) = n;
	/* An element at fault stays zero (a NULL string, an empty object). */
	for (i = 0; i < n; i++) {
		yajl_val item = v->u.array.values[i];
		char *elem = arr + i * elem_size;
		size_t mark = spec_path_push_index(&c->path, i);

		if (f->kind == SPEC_STRING_ARRAY)
			rc = parse_string(c, item, f->values, (char **)elem);
		else if (f->kind == SPEC_UINT32_ARRAY)
			rc = parse_integer(c, SPEC_UINT32, item, elem);
		else if (!YAJL_IS_OBJECT(item))
			rc = type_error(c, item, "an object");
		else
			rc = parse_fields(c, f->type, item, elem);
		spec_path_pop(&c->path, mark);
		if (rc < 0 && !spec_sink_goes_on(c->sink))
			return -1;
	}
	return 0;
}

/* ---- the walker ---- */

static int parse_field(struct pctx *c, const struct spec_field *f, yajl_val v, void *base)
{
	void *slot = SLOT(base, f->offset, void);

	switch (f->kind) {
	case SPEC_STRING:
		return parse_string(c, v, f->values, slot);
	case SPEC_BOOL:
		if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
			return type_error(c, v, "a boolean");
		*(bool *)slot = YAJL_IS_TRUE(v);
		break;
	case SPEC_INT32:
	case SPEC_UINT32:
	case SPEC_UINT16:
	case SPEC_INT64:
	case SPEC_UINT64:
		if (parse_integer(c, f->kind, v, slot) < 0)
			return -1;
		break;
	case SPEC_OBJECT: {
		void *obj;

		if (!YAJL_IS_OBJECT(v))
			return type_error(c, v, "an object");
		obj = calloc(1, f->type->size);
		if (!obj)
			return oom(c);
		*(void **)slot = obj;
		return parse_fields(c, f->type, v, obj);
	}
	case SPEC_OBJECT_ARRAY:
	case SPEC_STRING_ARRAY:
	case SPEC_UINT32_ARRAY:
		return parse_array(c, f, v, base);
	case SPEC_STRING_MAP:
	case SPEC_OBJECT_MAP:
		return parse_map(c, f, v, base);
	}
	if (f->aux_offset != SPEC_NO_AUX)
		*SLOT(base, f->aux_offset, bool) = true;
	return 0;
}

/* The value of `key` in obj; a repeated key's last value wins. */
static yajl_val find_last(yajl_val obj, const char *key)
{
	size_t i = obj->u.object.len;

	while (i-- > 0)
		if (strcmp(obj->u.object.keys[i], key) == 0)
			return obj->u.object.values[i];
	return NULL;
}

static int parse_fields(struct pctx *c, const struct spec_type *type, yajl_val obj, void *base)
{
	size_t i;

	for (i = 0; i < type->n_fields; i++) {
		const struct spec_field *f = &type->fields[i];
		yajl_val v = find_last(obj, f->name);
		size_t mark;
		int rc = 0;

		/* null means absent, except that a required field must be there. */
		if (!v || (YAJL_IS_NULL(v) && !(f->flags & SPEC_REQUIRED)))
			v = NULL;
		if (!v && !(f->flags & SPEC_REQUIRED))
			continue;
		mark = spec_path_push_field(&c->path, f->name);
		if (!v)
			rc = spec_report(c->sink, c->path.buf, "required field is missing");
		else
			rc = parse_field(c, f, v, base);
		spec_path_pop(&c->path, mark);
		if (rc < 0 && !spec_sink_goes_on(c->sink))
			return -1;
	}
	return 0;
}

/* ---- the document ---- */

/*
 * A problem of the document as a whole at byte off, as compilers and
 * editors spell a position: "<name>:LINE:COLUMN: <problem>" (the column
 * counts characters, from 1).  With a problem function (skiff check) the
 * position opens the problem itself, there being no JSON path to give.
 * Fatal: the text is not JSON.
 */
static int report_at(struct spec_sink *sink, const char *json, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int report_at(struct spec_sink *sink, const char *json, size_t off, const char *fmt, ...)
{
	const char *name = sink->name;
	spec_problem_fn fn = sink->fn;
	size_t line = 1, col = 1;
	char at[256], problem[512];
	va_list ap;

	for (size_t i = 0; i < off; i++) {
		if (json[i] == '\n') {
			line++;
			col = 1;
		} else if (((unsigned char)json[i] & 0xc0) != 0x80) {
			col++; /* not a UTF-8 continuation byte */
		}
	}
	va_start(ap, fmt);
	vsnprintf(problem, sizeof(problem), fmt, ap);
	va_end(ap);
	snprintf(at, sizeof(at), "%s:%zu:%zu", name, line, col);
	/* The first error names the file with the position (the sink's name
	 * for this one report); the problem function gets both. */
	sink->name = at;
	sink->fn = NULL;
	spec_report_fatal(sink, 0, "", "%s", problem);
	sink->name = name;
	sink->fn = fn;
	if (fn) {
		char full[sizeof(at) + sizeof(problem) + 2];

		snprintf(full, sizeof(full), "%s: %s", at, problem);
		fn(sink->data, "", full);
	}
	return -1;
}

/*
 * Before yajl sees the text: refuse NUL bytes (yajl reads a C string and
 * would stop there), "\u0000" in strings (it would silently cut the string),
 * and nesting deeper than SPEC_MAX_DEPTH (yajl_tree_free recurses, so a deep
 * document could blow the stack).  Linear, skipping string contents.
 */
static int prescan(const char *json, size_t len, struct spec_sink *sink)
{
	size_t i, depth = 0;
	bool in_string = false, any = false;

	for (i = 0; i < len; i++) {
		char ch = json[i];

		if (ch == '\0')
			return report_at(sink, json, i, "invalid JSON: a NUL byte");
		if (in_string) {
			if (ch == '"') {
				in_string = false;
			} else if (ch == '\\' && i + 1 < len) {
				if (json[i + 1] == 'u' && len - i >= 6 &&
				    memcmp(json + i + 2, "0000", 4) == 0)
					return report_at(sink, json, i,
							 "invalid JSON: \\u0000 in a string");
				if (json[i + 1] != '\0')
					i++; /* skip the escaped character */
			}
			continue;
		}
		switch (ch) {
		case '"':
			in_string = true;
			any = true;
			break;
		case '[':
		case '{':
			if (++depth > SPEC_MAX_DEPTH)
				return report_at(sink, json, i,
						 "invalid JSON: nested deeper than %d levels",
						 SPEC_MAX_DEPTH);
			any = true;
			break;
		case ']':
		case '}':
			if (depth)
				depth--;
			any = true;
			break;
		case ' ':
		case '\t':
		case '\n':
		case '\r':
			break;
		default:
			any = true;
			break;
		}
	}
	if (!any)
		return spec_report_fatal(sink, 0, "", "invalid JSON: empty document");
	return 0;
}

int spec_json_prescan(const char *json, size_t len, const char *name, skiff_error *err)
{
	struct spec_sink sink;

	spec_sink_init(&sink, name, err, NULL, NULL);
	return prescan(json, len, &sink);
}

/* yajl's message spans lines (with a picture of the spot); the first. */
static size_t first_line_len(const char *msg)
{
	size_t n = strcspn(msg, "\r\n");

	while (n > 0 && (msg[n - 1] == ' ' || msg[n - 1] == '.'))
		n--;
	return n;
}

static bool word_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '.' || ch == '-' || ch == '+';
}

/*
 * Where yajl stopped, which yajl_tree_parse() does not tell: the same text
 * again through a parser without callbacks (as lenient as the tree's:
 * comments allowed), whose byte count ends just after the token at fault.
 * Returns the offset of that token's first byte; *at_end when the text
 * ended too soon.
 */
static size_t syntax_error_offset(const char *json, size_t len, bool *at_end)
{
	yajl_handle h = yajl_alloc(NULL, NULL, NULL);
	size_t off = len;

	*at_end = true;
	if (!h)
		return len;
	yajl_config(h, yajl_allow_comments, 1);
	if (yajl_parse(h, (const unsigned char *)json, len) != yajl_status_ok) {
		off = yajl_get_bytes_consumed(h);
		*at_end = false;
	}
	yajl_free(h);
	if (*at_end || off > len) {
		/* Just after the last character that is not a space. */
		*at_end = true;
		for (off = len; off > 0 && strchr(" \t\r\n", json[off - 1]);)
			off--;
		return off;
	}
	/* Back from the end of the token to its start: a bare word
	 * ("tru", "01") as a whole, else the one character. */
	while (off > 0 && strchr(" \t\r\n", json[off - 1]))
		off--;
	if (off > 0)
		off--;
	while (off > 0 && word_char(json[off]) && word_char(json[off - 1]))
		off--;
	return off;
}

/* Text from the document made fit for a one-line message (and for JSON
 * logs, which must be UTF-8): control characters become spaces, bytes
 * that are not UTF-8 '?'. */
static void printable(char *s)
{
	unsigned char *p = (unsigned char *)s;

	while (*p) {
		size_t n = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3
			   : (*p & 0xf8) == 0xf0 ? 4 : 0, i;

		for (i = 1; i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				n = 0; /* a sequence cut short (or the end) */
		if (n == 0 || (n == 2 && *p < 0xc2)) {
			*p++ = '?';
			continue;
		}
		if (n == 1 && *p < ' ')
			*p = ' ';
		p += n;
	}
}

/* yajl's reason, its position, and the text there: "parse error: invalid
 * object key (must be a string), at `,`". */
static int syntax_error(struct spec_sink *sink, const char *json, size_t len, const char *msg)
{
	size_t n = first_line_len(msg), off, show = 0;
	char snippet[64];
	bool at_end;

	off = syntax_error_offset(json, len, &at_end);
	if (at_end) {
		snprintf(snippet, sizeof(snippet), "the end of the text");
	} else {
		/* to the end of the line, at most 24 bytes (the text is not
		 * NUL-terminated: its length bounds everything) */
		while (off + show < len && show < 24 && !strchr("\r\n", json[off + show]))
			show++;
		/* not in the middle of a UTF-8 character */
		while (show > 1 && off + show < len && ((unsigned char)json[off + show] & 0xc0) == 0x80)
			show--;
		snprintf(snippet, sizeof(snippet), "`%.*s%s`", (int)show, json + off,
			 off + show < len && !strchr("\r\n", json[off + show]) ? "..." : "");
		printable(snippet);
	}
	if (n == 0)
		return report_at(sink, json, off, "invalid JSON, at %s", snippet);
	return report_at(sink, json, off, "invalid JSON: %.*s, at %s", (int)n, msg, snippet);
}

int spec_schema_parse_sink(const struct spec_type *type, const char *json, size_t len,
			   struct spec_sink *sink, void **out)
{
	struct pctx c = { .sink = sink };
	char errbuf[1024] = "";
	yajl_val tree;
	char *copy;
	void *obj;

	*out = NULL;
	spec_path_init(&c.path);
	if (len > SPEC_MAX_SIZE)
		return spec_report_fatal(sink, 0, "", "too large: %zu bytes, the limit is %u", len,
					 SPEC_MAX_SIZE);
	if (!json)
		len = 0;
	if (prescan(json, len, sink) < 0)
		return -1;
	/* yajl_tree_parse() wants a C string. */
	copy = malloc(len + 1);
	if (!copy)
		return spec_report_fatal(sink, ENOMEM, "", "parse");
	if (len)
		memcpy(copy, json, len);
	copy[len] = '\0';
	tree = yajl_tree_parse(copy, errbuf, sizeof(errbuf));
	free(copy);
	if (!tree)
		return syntax_error(sink, json, len, errbuf);
	if (!YAJL_IS_OBJECT(tree)) {
		type_error(&c, tree, "an object");
		sink->fatal = true;
		yajl_tree_free(tree);
		return -1;
	}
	obj = calloc(1, type->size);
	if (!obj) {
		yajl_tree_free(tree);
		return oom(&c);
	}
	parse_fields(&c, type, tree, obj);
	yajl_tree_free(tree);
	/* Collecting, a config with problems is still worth validating. */
	if (sink->count && !spec_sink_goes_on(sink)) {
		spec_schema_free(type, obj);
		free(obj);
		return -1;
	}
	*out = obj;
	return sink->count ? -1 : 0;
}

int spec_schema_parse(const struct spec_type *type, const char *json, size_t len,
		      const char *name, void **out, skiff_error *err)
{
	struct spec_sink sink;

	spec_sink_init(&sink, name, err, NULL, NULL);
	return spec_schema_parse_sink(type, json, len, &sink, out);
}

int spec_parse_config(const char *json, size_t len, const char *name, spec_config **out,
		      skiff_error *err)
{
	void *obj;
	int rc = spec_schema_parse(&spec_type_config, json, len, name ? name : "config.json",
				   &obj, err);

	*out = obj;
	return rc;
}

size_t spec_parse_config_all(const char *json, size_t len, const char *name, spec_problem_fn fn,
			     void *data, spec_config **out)
{
	struct spec_sink sink;
	void *obj;

	spec_sink_init(&sink, name ? name : "config.json", NULL, fn, data);
	spec_schema_parse_sink(&spec_type_config, json, len, &sink, &obj);
	*out = obj;
	return sink.count;
}

int spec_parse_process(const char *json, size_t len, const char *name, spec_process **out,
		       skiff_error *err)
{
	void *obj;
	int rc = spec_schema_parse(&spec_type_process, json, len, name ? name : "process.json",
				   &obj, err);

	*out = obj;
	return rc;
}

int spec_parse_resources(const char *json, size_t len, const char *name,
			 spec_resources **out, skiff_error *err)
{
	void *obj;
	int rc = spec_schema_parse(&spec_type_resources, json, len,
				   name ? name : "resources.json", &obj, err);

	*out = obj;
	return rc;
}
