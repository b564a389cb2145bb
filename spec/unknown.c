/*
 * Members of a config.json that the runtime-spec does not define.  A
 * runtime must ignore them (config.md, "Extensibility"), so a misspelt
 * field ("argz") is silently dropped and only its absence shows, if at
 * all.  `skiff check` warns about each, with the closest known name.
 *
 * The walk follows the same descriptor tables as the parser (schema.c),
 * over its own yajl tree: it looks only at names, never at values, and
 * leaves anything of the wrong type to the parser's errors.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "schema.h"

/*
 * Fields the runtime-spec defines that the model does not keep: the other
 * platforms' sections.  Known, so not warned about.  Keyed by the JSON
 * path of the object holding them.
 */
static const struct {
	const char *path;
	const char *names[6];
} spec_only[] = {
	{ "", { "solaris", "windows", "vm", "zos", "freebsd", NULL } },
};

static bool spec_defines(const char *path, const char *name)
{
	for (size_t i = 0; i < sizeof(spec_only) / sizeof(spec_only[0]); i++) {
		if (strcmp(spec_only[i].path, path) != 0)
			continue;
		for (size_t j = 0; spec_only[i].names[j]; j++)
			if (strcmp(spec_only[i].names[j], name) == 0)
				return true;
	}
	return false;
}

/* A vendor's extension names itself in reverse domain notation
 * ("org.example.thing"), as annotations keys do: no field has a dot. */
static bool vendor_extension(const char *name)
{
	return strchr(name, '.') != NULL;
}

static char lower(char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

/* Edit distance, ignoring case, counting a swap of two neighbours as one
 * edit (optimal string alignment).  Names longer than 63 bytes are far
 * from every field name anyway: SIZE_MAX. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), d[64][64];

	if (la >= 64 || lb >= 64)
		return (size_t)-1;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = lower(a[i - 1]) != lower(b[j - 1]), best = d[i - 1][j - 1] + cost;

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
			    lower(a[i - 2]) == lower(b[j - 1]) && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

/* The field of type closest to name, if one is close enough to be what
 * was meant: a difference of case alone, or at most 2 edits and fewer
 * than half of name's length (so that "ab" does not become "id"). */
static const char *closest(const struct spec_type *type, const char *name)
{
	size_t best = (size_t)-1;
	const char *found = NULL;

	for (size_t i = 0; i < type->n_fields; i++) {
		size_t d = distance(name, type->fields[i].name);

		if (d < best) {
			best = d;
			found = type->fields[i].name;
		}
	}
	if (best == 0 || (best <= 2 && best * 2 < strlen(name)))
		return found;
	return NULL;
}

struct walk {
	struct spec_path path;
	spec_problem_fn fn;
	void *data;
	size_t count;
};

static void walk_object(struct walk *w, const struct spec_type *type, yajl_val obj);

static const struct spec_field *field_named(const struct spec_type *type, const char *name)
{
	for (size_t i = 0; i < type->n_fields; i++)
		if (strcmp(type->fields[i].name, name) == 0)
			return &type->fields[i];
	return NULL;
}

/* Into a known field's value: objects, and the objects in its arrays and
 * maps, have fields of their own. */
static void walk_value(struct walk *w, const struct spec_field *f, yajl_val v)
{
	size_t i, mark;

	switch (f->kind) {
	case SPEC_OBJECT:
		if (YAJL_IS_OBJECT(v))
			walk_object(w, f->type, v);
		break;
	case SPEC_OBJECT_ARRAY:
		for (i = 0; YAJL_IS_ARRAY(v) && i < v->u.array.len; i++) {
			mark = spec_path_push_index(&w->path, i);
			if (YAJL_IS_OBJECT(v->u.array.values[i]))
				walk_object(w, f->type, v->u.array.values[i]);
			spec_path_pop(&w->path, mark);
		}
		break;
	case SPEC_OBJECT_MAP:
		for (i = 0; YAJL_IS_OBJECT(v) && i < v->u.object.len; i++) {
			mark = spec_path_push_key(&w->path, v->u.object.keys[i]);
			if (YAJL_IS_OBJECT(v->u.object.values[i]))
				walk_object(w, f->type, v->u.object.values[i]);
			spec_path_pop(&w->path, mark);
		}
		break;
	default:
		break; /* scalars, and maps whose keys are the user's */
	}
}

static void walk_object(struct walk *w, const struct spec_type *type, yajl_val obj)
{
	for (size_t i = 0; i < obj->u.object.len; i++) {
		const char *name = obj->u.object.keys[i];
		const struct spec_field *f = field_named(type, name);
		size_t mark;

		if (!f && (spec_defines(w->path.buf, name) || vendor_extension(name)))
			continue;
		mark = spec_path_push_field(&w->path, name);
		if (f) {
			walk_value(w, f, obj->u.object.values[i]);
		} else {
			const char *guess = closest(type, name);
			char problem[128];

			if (guess)
				snprintf(problem, sizeof(problem),
					 "unknown field; did you mean `%s`?", guess);
			else
				snprintf(problem, sizeof(problem),
					 "unknown field, not in the runtime-spec: ignored");
			w->count++;
			w->fn(w->data, w->path.buf, problem);
		}
		spec_path_pop(&w->path, mark);
	}
}

size_t spec_unknown_fields(const char *json, size_t len, spec_problem_fn fn, void *data)
{
	struct walk w = { .fn = fn, .data = data };
	yajl_val tree;
	char *copy;

	/* Not JSON, too deep, too large: the parser's errors say so. */
	if (!json || len > SPEC_MAX_SIZE || spec_json_prescan(json, len, "", NULL) < 0)
		return 0;
	copy = malloc(len + 1);
	if (!copy)
		return 0;
	memcpy(copy, json, len);
	copy[len] = '\0';
	tree = yajl_tree_parse(copy, NULL, 0);
	free(copy);
	if (!tree)
		return 0;
	spec_path_init(&w.path);
	if (YAJL_IS_OBJECT(tree))
		walk_object(&w, &spec_type_config, tree);
	yajl_tree_free(tree);
	return w.count;
}
