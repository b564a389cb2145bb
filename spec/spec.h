/*
 * The config model's operations: parse (with JSON-path errors), validate,
 * serialize, defaults.  The structs are in model.h.
 */
#ifndef SKIFF_SPEC_H
#define SKIFF_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "compat.h"
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

/*
 * Told about one problem of a document: path is the JSON path at fault
 * (".process.cwd"; "" for the document as a whole), problem what is wrong
 * with it ("must be an absolute path, got \"tmp\"").  Both are borrowed.
 */
typedef void (*spec_problem_fn)(void *data, const char *path, const char *problem);

/*
 * Where the problems found in a config go (the parser, the validator, and
 * the runtime's own requirements report through one).  Without a
 * callback (first-problem mode, what loading a config uses) the walk stops
 * at the first problem, which lands in `first`.  With one (spec_*_all()),
 * every problem is told to it, in order, and the walk goes on past
 * it, leaving the field at fault unset.  Either way `first` gets the first
 * problem as "<name>: <path>: <problem>" with the path as its context.
 */
struct spec_sink {
	const char *name;   /* "config.json" */
	skiff_error *first; /* may be NULL */
	spec_problem_fn fn; /* may be NULL */
	void *data;
	size_t count; /* problems so far */
	bool fatal;   /* not JSON, or out of memory: nothing more to look at */
};

void spec_sink_init(struct spec_sink *s, const char *name, skiff_error *first, spec_problem_fn fn,
		    void *data);
/* Record a problem at path ("" for the whole document).  Returns -1. */
int spec_report(struct spec_sink *s, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A problem after which nothing else can be checked; errnum (0 if none) is
 * spelled out after the message.  Returns -1. */
int spec_report_fatal(struct spec_sink *s, int errnum, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* After a problem: does the walk go on with the next field or element? */
bool spec_sink_goes_on(const struct spec_sink *s);

/* spec_parse_config() that does not stop at the first problem: each goes
 * to fn, in the order of the model's fields (runc's order, not the
 * document's), and parsing goes on with the next field.
 * Returns how many there were.  *out is the config as far as it could be
 * parsed (fields at fault left unset), to free with spec_config_free(); it
 * is NULL when the text is not a JSON object at all (or memory ran out). */
size_t spec_parse_config_all(const char *json, size_t len, const char *name, spec_problem_fn fn,
			     void *data, spec_config **out);

/* Every member of a config.json that the runtime-spec does not define,
 * which a runtime must ignore (so a misspelt field is silently dropped):
 * each told to fn, in the document's order, as (".process.argz",
 * "unknown field; did you mean `args`?").  Not fields: the keys of maps
 * that are the user's (annotations, sysctl, unified, ...) and vendor
 * extensions, members named in reverse domain notation ("org.example.x").
 * Other platforms' sections (windows, solaris, ...) are known too.  Text that is not JSON has none: the parser says what
 * is wrong with it.  Returns how many (spec/unknown.c). */
size_t spec_unknown_fields(const char *json, size_t len, spec_problem_fn fn, void *data);

void spec_config_free(spec_config *cfg);
void spec_process_free(spec_process *process);
void spec_resources_free(spec_resources *resources);

/* Checks across fields that types alone cannot express (absolute paths,
 * namespace types unique, id mappings need a user namespace, capability
 * names known, ...).  Errors name the JSON path like the parser's. */
int spec_validate(const spec_config *cfg, const char *name, skiff_error *err);
/* ---- vocabulary.c: the names config.json gives the kernel's things ---- */

/* A capability name libcap knows, spelled as the runtime-spec spells it
 * (CAP_UPPER_CASE; libcap also takes "cap_chown" and "12"). */
bool spec_capability_known(const char *name);
/* RLIMIT_NOFILE's number for "RLIMIT_NOFILE"; -1 for a name no rlimit has. */
int spec_rlimit_resource(const char *type);
/* NULL-terminated. */
extern const char *const spec_seccomp_arch_names[];
extern const char *const spec_seccomp_flag_names[];

/* Every validation problem, each told to fn; returns how many.  Safe on a
 * config spec_parse_config_all() left incomplete. */
size_t spec_validate_all(const spec_config *cfg, const char *name, spec_problem_fn fn, void *data);

/* Both of the above on one document, as `skiff check` needs: every parse
 * problem, then every validation problem except those at a path the parser
 * already complained about (a field it left unset would read "required
 * field is missing" again).  Returns how many went to fn; *out as for
 * spec_parse_config_all(). */
size_t spec_config_problems(const char *json, size_t len, const char *name, spec_problem_fn fn,
			    void *data, spec_config **out);

int spec_config_serialize(const spec_config *cfg, bool pretty, char **out,
			  size_t *len_out, skiff_error *err);
int spec_process_serialize(const spec_process *process, bool pretty, char **out,
			   size_t *len_out, skiff_error *err);

/* The default config of `runc spec`; rootless maps the given ids. */
int spec_config_default(bool rootless, uid_t uid, gid_t gid, spec_config **out,
			skiff_error *err);

/* The highest uid or gid a config may name, as runc: above it an id is
 * negative as an int, and (gid_t)-1 means "leave unchanged" to setresgid(),
 * which would keep the runtime's root. */
#define SPEC_ID_MAX 2147483647u

/* Sysctl keys (sysctl.c).  Keys longer than this are refused. */
#define SPEC_SYSCTL_MAX 256
/* The file under /proc/sys a key names, in either spelling
 * ("net.ipv4.ip_forward", "net/ipv4/ip_forward"): "net/ipv4/ip_forward".
 * -1 for a key that is empty, too long, or has an empty, "." or ".."
 * component. */
int spec_sysctl_path(const char *key, char *out, size_t size);
/* The same key in the dotted spelling the rules use: "net.ipv4.ip_forward". */
int spec_sysctl_name(const char *key, char *out, size_t size);
/* The namespace type ("ipc", "uts", "network") that makes the sysctl of a
 * dotted name the container's own; NULL when no namespace does (it is the
 * host's, whatever the container's namespaces). */
const char *spec_sysctl_namespace(const char *name);
/* ".linux.sysctl[\"key\"]", the JSON path of a key, into buf. */
char *spec_sysctl_json_path(const char *key, char *buf, size_t size);

/* Lookups shared with the runtime. */
const char *spec_annotation(const spec_config *cfg, const char *key);
const spec_namespace *spec_namespace_find(const spec_config *cfg, const char *type);
/* A bind mount: type "bind", or the option "bind" or "rbind". */
bool spec_mount_is_bind(const spec_mount *m);
/* An idmapped mount (mounts[].uidMappings/gidMappings, or runc 1.2's
 * options): 0 not, 1 idmapped, 2 recursively ("ridmap"). */
int spec_mount_idmap(const spec_mount *m);
/* The namespace types the model accepts, NULL-terminated. */
const char *const *spec_namespace_types(void);
/* linux.memoryPolicy's modes and flags, NULL-terminated. */
const char *const *spec_memory_policy_modes(void);
const char *const *spec_memory_policy_flags(void);
/* The kernel's largest MAX_NUMNODES (CONFIG_NODES_SHIFT 10). */
#define SPEC_NUMA_NODES_MAX 1024
/* A node list ("0-3,7", as cpuset.mems) into a mask of `bits` bits; empty
 * or NULL is no node.  -1 with the reason in why otherwise. */
int spec_node_list_parse(const char *list, unsigned long *mask, size_t bits, char *why,
			 size_t why_size);

#endif
