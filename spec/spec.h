/*
 * The config model's operations: parse (with JSON-path errors), validate,
 * serialize, defaults.  The structs are in model.h.
 */
#ifndef SKIFF_SPEC_H
#define SKIFF_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "model.h"
#include "skiff.h"

/* Nesting deeper than this is refused before any parsing happens. */
#define SPEC_MAX_DEPTH 64
/* Documents larger than this are refused (bytes). */
#define SPEC_MAX_SIZE (64u << 20)

/* Parse a whole config.json.  `name` prefixes error messages:
 *   "config.json: .linux.resources.memory.limit: expected a 64-bit integer, got \"1g\""
 * Unknown fields are ignored; wrong types, out-of-range numbers, invalid enum
 * values and missing required fields are errors.  Does not run spec_validate(). */
int spec_parse_config(const char *json, size_t len, const char *name,
		      spec_config **out, skiff_error *err);
/* An OCI process object alone (exec --process). */
int spec_parse_process(const char *json, size_t len, const char *name,
		       spec_process **out, skiff_error *err);
/* A linux.resources object alone (update --resources). */
int spec_parse_resources(const char *json, size_t len, const char *name,
			 spec_resources **out, skiff_error *err);

/* The checks every JSON document gets before yajl sees it: no NUL bytes,
 * no "\u0000", nesting at most SPEC_MAX_DEPTH (yajl's tree functions
 * recurse: a deeper document would overflow the stack), not empty.  Errors
 * read "<name>: invalid JSON: ...". */
int spec_json_prescan(const char *json, size_t len, const char *name, skiff_error *err);

void spec_config_free(spec_config *cfg);
void spec_process_free(spec_process *process);
void spec_resources_free(spec_resources *resources);

/* Checks across fields that types alone cannot express (absolute paths,
 * namespace types unique, id mappings need a user namespace, capability
 * names known, ...).  Errors name the JSON path like the parser's. */
int spec_validate(const spec_config *cfg, const char *name, skiff_error *err);

int spec_config_serialize(const spec_config *cfg, bool pretty, char **out,
			  size_t *len_out, skiff_error *err);
int spec_process_serialize(const spec_process *process, bool pretty, char **out,
			   size_t *len_out, skiff_error *err);

/* The default config of `runc spec`; rootless maps the given ids. */
int spec_config_default(bool rootless, uid_t uid, gid_t gid, spec_config **out,
			skiff_error *err);

/* Lookups shared with the runtime. */
const char *spec_annotation(const spec_config *cfg, const char *key);
const spec_namespace *spec_namespace_find(const spec_config *cfg, const char *type);

#endif
