/*
 * Reading state.json into a container_record, in one pass of yajl's event
 * parser.  `list` reads one record per container and `exec`, `kill`,
 * `delete` one each: a tree of the whole document, then lookups in it,
 * cost `list` of 1,000 containers a third of its time in malloc and
 * strcmp.  The events carry what the record needs straight into it.  It
 * refuses what spec_json_prescan() refuses in a config: "\u0000" in a
 * string and nesting deeper than SPEC_MAX_DEPTH.
 *
 * What it takes, as the tree lookups it replaces did: the first
 * occurrence of each known key at the top; a string where a string is
 * wanted ("" otherwise), an integer that fits a long long (0 otherwise),
 * `true` for the booleans; in the two maps every entry, in order, a
 * value that is not a string read as "".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "internal.h"

enum state_key {
	KEY_OTHER = -1,
	KEY_ID,
	KEY_PID,
	KEY_PID_START,
	KEY_PHASE,
	KEY_BUNDLE,
	KEY_ROOTFS,
	KEY_CREATED,
	KEY_OWNER,
	KEY_SYSTEMD_UNIT,
	KEY_SYSTEMD_USER,
	KEY_MOUNT_ID,
	KEY_ANNOTATIONS,
	KEY_CGROUP_PATHS,
	KEY_COUNT
};

static const char *const key_names[KEY_COUNT] = {
	[KEY_ID] = "id",
	[KEY_PID] = "pid",
	[KEY_PID_START] = "pidStartTime",
	[KEY_PHASE] = "phase",
	[KEY_BUNDLE] = "bundle",
	[KEY_ROOTFS] = "rootfs",
	[KEY_CREATED] = "created",
	[KEY_OWNER] = "owner",
	[KEY_SYSTEMD_UNIT] = "systemdUnit",
	[KEY_SYSTEMD_USER] = "systemdUserManager",
	[KEY_MOUNT_ID] = "rootfsMountId",
	[KEY_ANNOTATIONS] = "annotations",
	[KEY_CGROUP_PATHS] = "cgroupPaths",
};

typedef struct reader {
	container_record *rec;
	size_t depth;          /* 1 inside the top object */
	enum state_key key;    /* the top-level key whose value comes next */
	unsigned seen;         /* keys met at the top, first one wins */
	spec_kv **map;         /* at depth 2: the map being filled, or NULL */
	size_t *map_len;
	char *entry_key;       /* its key whose value comes next */
	bool failed;           /* out of memory */
} reader;

/* The top-level key's value is this one: record it (or skip a repeat). */
static enum state_key take(reader *r)
{
	enum state_key k = r->key;

	r->key = KEY_OTHER;
	if (k == KEY_OTHER || (r->seen & (1u << k)))
		return KEY_OTHER;
	r->seen |= 1u << k;
	return k;
}

static char **string_slot(container_record *rec, enum state_key k)
{
	switch (k) {
	case KEY_ID:
		return &rec->id;
	case KEY_BUNDLE:
		return &rec->bundle;
	case KEY_ROOTFS:
		return &rec->rootfs;
	case KEY_CREATED:
		return &rec->created_at;
	case KEY_OWNER:
		return &rec->owner;
	case KEY_SYSTEMD_UNIT:
		return &rec->systemd_unit;
	default:
		return NULL;
	}
}

/* A map entry (at depth 2) with this string value, "" for another type. */
static int add_entry(reader *r, const char *value, size_t len)
{
	spec_kv *grown = realloc(*r->map, (*r->map_len + 1) * sizeof(**r->map));

	if (!grown) {
		r->failed = true;
		return 0;
	}
	*r->map = grown;
	grown[*r->map_len].key = r->entry_key ? r->entry_key : strdup("");
	grown[*r->map_len].value = strndup(value, len);
	r->entry_key = NULL;
	(*r->map_len)++;
	if (!grown[*r->map_len - 1].key || !grown[*r->map_len - 1].value) {
		r->failed = true;
		return 0;
	}
	return 1;
}

/* Any value but a string or a container: only its slot's default. */
static int scalar(reader *r)
{
	if (r->depth == 0)
		return 0; /* the record is not an object */
	if (r->depth == 2 && r->map)
		return add_entry(r, "", 0);
	if (r->depth == 1)
		take(r);
	return 1;
}

static int on_null(void *ctx)
{
	return scalar(ctx);
}

static int on_boolean(void *ctx, int value)
{
	reader *r = ctx;

	if (r->depth == 1 && r->key == KEY_SYSTEMD_USER && take(r) == KEY_SYSTEMD_USER) {
		r->rec->systemd_user = value;
		return 1;
	}
	return scalar(r);
}

/* As yajl's tree: an integer when the whole text is one that fits. */
static int on_number(void *ctx, const char *text, size_t len)
{
	reader *r = ctx;
	enum state_key k;
	long long v;
	char buf[32], *end;

	if (r->depth != 1)
		return scalar(r);
	k = take(r);
	if ((k != KEY_PID && k != KEY_PID_START && k != KEY_MOUNT_ID) || len >= sizeof(buf))
		return 1;
	memcpy(buf, text, len);
	buf[len] = '\0';
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (errno || *end)
		return 1;
	if (k == KEY_PID)
		r->rec->pid = (pid_t)v;
	else if (k == KEY_PID_START)
		r->rec->pid_start_time = (uint64_t)v;
	else
		r->rec->rootfs_mount_id = (uint64_t)v;
	return 1;
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
	reader *r = ctx;
	enum state_key k;
	char **slot;

	if (memchr(s, '\0', len))
		return 0; /* "\u0000", which would cut the string short */
	if (r->depth == 2 && r->map)
		return add_entry(r, (const char *)s, len);
	if (r->depth != 1)
		return r->depth > 0;
	k = take(r);
	if (k == KEY_PHASE) {
		r->rec->created = len == 7 && !memcmp(s, "created", 7);
		return 1;
	}
	slot = string_slot(r->rec, k);
	if (slot) {
		*slot = strndup((const char *)s, len);
		r->failed |= !*slot;
	}
	return 1;
}

static int on_start(reader *r)
{
	/* As deep as any config may nest, no deeper (spec_json_prescan). */
	if (r->depth >= SPEC_MAX_DEPTH)
		return 0;
	if (r->depth == 1) {
		enum state_key k = take(r);

		if (k == KEY_ANNOTATIONS) {
			r->map = &r->rec->annotations;
			r->map_len = &r->rec->annotations_len;
		} else if (k == KEY_CGROUP_PATHS) {
			r->map = &r->rec->cgroup_paths;
			r->map_len = &r->rec->cgroup_paths_len;
		}
	} else if (r->depth == 2 && r->map && !add_entry(r, "", 0)) {
		return 0;
	}
	r->depth++;
	return 1;
}

static int on_start_map(void *ctx)
{
	return on_start(ctx);
}

static int on_start_array(void *ctx)
{
	reader *r = ctx;

	/* Only an object is a map; an array there leaves the map empty. */
	if (r->depth == 0)
		return 0;
	if (r->depth == 1 && r->depth < SPEC_MAX_DEPTH) {
		take(r);
		r->depth++;
		return 1;
	}
	return on_start(r);
}

static int on_map_key(void *ctx, const unsigned char *s, size_t len)
{
	reader *r = ctx;

	if (memchr(s, '\0', len))
		return 0;
	if (r->depth == 1) {
		r->key = KEY_OTHER;
		for (int k = 0; k < KEY_COUNT; k++) {
			if (strlen(key_names[k]) == len && !memcmp(key_names[k], s, len)) {
				r->key = (enum state_key)k;
				break;
			}
		}
	} else if (r->depth == 2 && r->map) {
		free(r->entry_key);
		r->entry_key = strndup((const char *)s, len);
		r->failed |= !r->entry_key;
	}
	return 1;
}

static int on_end(void *ctx)
{
	reader *r = ctx;

	r->depth--;
	if (r->depth == 1)
		r->map = NULL;
	return 1;
}

static const yajl_callbacks callbacks = {
	.yajl_null = on_null,
	.yajl_boolean = on_boolean,
	.yajl_number = on_number,
	.yajl_string = on_string,
	.yajl_start_map = on_start_map,
	.yajl_map_key = on_map_key,
	.yajl_end_map = on_end,
	.yajl_start_array = on_start_array,
	.yajl_end_array = on_end,
};

/* The strings a record always has, "" when state.json lacks them. */
static bool fill_strings(container_record *rec)
{
	char **slots[] = { &rec->id, &rec->bundle, &rec->rootfs, &rec->created_at, &rec->owner,
			   &rec->systemd_unit };

	for (size_t i = 0; i < sizeof(slots) / sizeof(slots[0]); i++)
		if (!*slots[i] && !(*slots[i] = strdup("")))
			return false;
	return true;
}

int state_parse(const char *text, container_record *rec, skiff_error *err)
{
	reader r = { .rec = rec, .key = KEY_OTHER };
	yajl_status status;
	yajl_handle h;

	memset(rec, 0, sizeof(*rec));
	h = yajl_alloc(&callbacks, NULL, &r);
	if (!h)
		return skiff_fail(err, ENOMEM, "read state");
	yajl_config(h, yajl_allow_comments, 1);
	status = yajl_parse(h, (const unsigned char *)text, strlen(text));
	if (status == yajl_status_ok)
		status = yajl_complete_parse(h);
	yajl_free(h);
	free(r.entry_key);
	if (r.failed || (status == yajl_status_ok && !fill_strings(rec))) {
		container_record_clear(rec);
		return skiff_fail(err, ENOMEM, "read state");
	}
	if (status != yajl_status_ok) {
		container_record_clear(rec);
		return skiff_fail_code(err, EINVAL, "state.json is corrupt");
	}
	rec->recorded = true;
	return 0;
}
