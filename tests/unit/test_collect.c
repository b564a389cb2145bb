/*
 * Unit tests of collecting every problem of a config (spec_parse_config_all,
 * spec_validate_all), the base of `skiff check`: the first problem is the
 * one loading reports, later ones are not lost, the walk goes on past a
 * field at fault, and half-parsed configs validate without crashing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "spec.h"
#include "spec_cases.h"
#include "tap.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_PROBLEMS 64

/* What the callback heard, each as "<path>: <problem>" (or the problem). */
struct heard {
	char text[MAX_PROBLEMS][1024];
	size_t n;
};

static void hear(void *data, const char *path, const char *problem)
{
	struct heard *h = data;

	if (h->n < MAX_PROBLEMS)
		snprintf(h->text[h->n], sizeof(h->text[0]), "%s%s%s", path, *path ? ": " : "",
			 problem);
	h->n++;
}

/* Parse and validate collecting everything, as `skiff check` does. */
static size_t collect(const char *json, struct heard *h, spec_config **out)
{
	spec_config *c = NULL;
	size_t n;

	memset(h, 0, sizeof(*h));
	n = spec_config_problems(json, strlen(json), "config.json", hear, h, &c);
	if (out)
		*out = c;
	else
		spec_config_free(c);
	return n;
}

static bool heard_text(const struct heard *h, const char *want)
{
	for (size_t i = 0; i < h->n && i < MAX_PROBLEMS; i++)
		if (strcmp(h->text[i], want) == 0)
			return true;
	return false;
}

static void show(const struct heard *h)
{
	for (size_t i = 0; i < h->n && i < MAX_PROBLEMS; i++)
		tap_diag("heard: %s", h->text[i]);
}

/* The first problem heard, as first-problem mode words it: after the
 * file's name, unless it names the file itself (a syntax error's
 * "config.json:LINE:COLUMN: ..."). */
static void first_as_message(const struct heard *h, char *buf, size_t size)
{
	const char *text = h->n ? h->text[0] : "(nothing)";

	if (!strncmp(text, "config.json:", 12) && text[12] >= '0' && text[12] <= '9')
		snprintf(buf, size, "%s", text);
	else
		snprintf(buf, size, "config.json: %s", text);
}

/* Every single-error case of test_spec: collecting hears the same problem
 * first (and the two modes never disagree on whether a config is valid). */
static void test_same_first_problem(void)
{
	char msg[1100];
	size_t i, bad = 0;

	for (i = 0; i < COUNT(parse_errors); i++) {
		struct heard h;

		collect(parse_errors[i].json, &h, NULL);
		first_as_message(&h, msg, sizeof(msg));
		if (strcmp(msg, parse_errors[i].message) != 0) {
			tap_diag("parse case %zu: got '%s', want '%s'", i, msg, parse_errors[i].message);
			bad++;
		}
	}
	ok(bad == 0, "all %zu parse error cases: the first problem collected is the one loading reports",
	   COUNT(parse_errors));
	bad = 0;
	for (i = 0; i < COUNT(validation_errors); i++) {
		struct heard h;

		collect(validation_errors[i].json, &h, NULL);
		first_as_message(&h, msg, sizeof(msg));
		if (h.n != 1 || strcmp(msg, validation_errors[i].message) != 0) {
			tap_diag("validation case %zu: %zu problems, first '%s', want '%s'", i, h.n, msg,
				 validation_errors[i].message);
			bad++;
		}
	}
	ok(bad == 0, "all %zu validation cases: exactly their one problem is collected",
	   COUNT(validation_errors));
	bad = 0;
	for (i = 0; i < COUNT(validation_ok); i++) {
		struct heard h;

		if (collect(validation_ok[i], &h, NULL) != 0) {
			show(&h);
			bad++;
		}
	}
	ok(bad == 0, "all %zu valid configs: nothing collected", COUNT(validation_ok));
}

static void test_many_parse_problems(void)
{
	static const char json[] =
		"{\"ociVersion\":\"1.2.0\","
		"\"root\":{\"path\":5},"
		"\"process\":{\"cwd\":\"/\",\"args\":[\"sh\",7,\"-c\"],\"terminal\":\"no\","
		"\"user\":{\"uid\":-1,\"gid\":0}},"
		"\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"bogus\"},{}],"
		"\"timeOffsets\":{\"nope\":{},\"boottime\":{\"secs\":\"x\"}},"
		"\"sysctl\":{\"a.b\":1},"
		"\"resources\":{\"memory\":{\"limit\":\"1g\"},\"pids\":{\"limit\":-1}}}}";
	struct heard h;
	spec_config *c;
	size_t n = collect(json, &h, &c);

	ok(n == 11 && h.n == 11, "11 problems in a config with 11 mistakes (got %zu)", n);
	if (n != 11)
		show(&h);
	ok(!strcmp(h.text[0], ".process.terminal: expected a boolean, got \"no\""),
	   "in the order of the model's fields");
	ok(heard_text(&h, ".root.path: expected a string, got 5"), "a scalar");
	ok(heard_text(&h, ".process.args[1]: expected a string, got 7"), "an array element");
	ok(heard_text(&h, ".process.terminal: expected a boolean, got \"no\""), "a sibling field after it");
	ok(heard_text(&h, ".process.user.uid: expected a 32-bit unsigned integer, got -1"),
	   "a nested object");
	ok(heard_text(&h, ".linux.namespaces[1].type: expected one of pid, network, mount, ipc, uts, "
			  "user, cgroup, time, got \"bogus\""),
	   "an enum value in an array of objects");
	ok(heard_text(&h, ".linux.namespaces[2].type: required field is missing"),
	   "a missing field in the next element");
	ok(heard_text(&h, ".linux.timeOffsets[\"nope\"]: unknown key, expected one of monotonic, boottime"),
	   "an unknown map key");
	ok(heard_text(&h, ".linux.timeOffsets[\"boottime\"].secs: expected a 64-bit integer, got \"x\""),
	   "the map entry after it");
	ok(heard_text(&h, ".linux.sysctl[\"a.b\"]: expected a string, got 1"), "a string map value");
	ok(heard_text(&h, ".linux.resources.memory.limit: expected a 64-bit integer, got \"1g\""),
	   "a resource");
	ok(heard_text(&h, ".linux.timeOffsets: time offsets need a time namespace in .linux.namespaces"),
	   "and validation of what did parse");
	/* What parsed is kept: the walk went on past each problem. */
	ok(c && c->process && c->process->args_len == 3 && !strcmp(c->process->args[2], "-c") &&
		   !c->process->args[1],
	   "the elements around a bad one are kept, the bad one is NULL");
	ok(c && c->linux_ && c->linux_->time_offsets_len == 1 &&
		   !strcmp(c->linux_->time_offsets[0].key, "boottime"),
	   "a refused map key takes no entry");
	spec_config_free(c);
}

static void test_many_validation_problems(void)
{
	static const char json[] =
		"{\"ociVersion\":\"1.2.0\",\"hostname\":\"h\","
		"\"mounts\":[{\"destination\":\"\"},{\"destination\":\"ok\"},{\"destination\":\"\"}],"
		"\"process\":{\"cwd\":\"rel\",\"args\":[],"
		"\"capabilities\":{\"bounding\":[\"CAP_X\",\"CAP_KILL\",\"CAP_Y\"],\"ambient\":[\"CAP_Z\"]},"
		"\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1,\"soft\":2},"
		"{\"type\":\"RLIMIT_NOFILE\",\"hard\":1,\"soft\":1}]},"
		"\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"pid\"},{\"type\":\"mount\"}],"
		"\"maskedPaths\":[\"x\",\"/y\",\"z\"]}}";
	struct heard h;
	size_t n = collect(json, &h, NULL);
	static const char *const want[] = {
		".mounts[0].destination: must be a path, got \"\"",
		".mounts[2].destination: must be a path, got \"\"",
		".process.cwd: must be an absolute path, got \"rel\"",
		".process.args: must contain at least one entry",
		".process.rlimits[0]: soft limit 2 is greater than hard limit 1",
		".process.rlimits[1].type: duplicate rlimit \"RLIMIT_NOFILE\" (also at [0])",
		".process.capabilities.bounding[0]: unknown capability \"CAP_X\"",
		".process.capabilities.bounding[2]: unknown capability \"CAP_Y\"",
		".process.capabilities.ambient[0]: unknown capability \"CAP_Z\"",
		".linux.namespaces[1].type: duplicate namespace type \"pid\" (also at [0])",
		".linux.maskedPaths[0]: must be an absolute path, got \"x\"",
		".linux.maskedPaths[2]: must be an absolute path, got \"z\"",
		".hostname: unable to set hostname without a private UTS namespace",
	};
	bool in_order = n == COUNT(want);

	for (size_t i = 0; in_order && i < COUNT(want); i++)
		in_order = strcmp(h.text[i], want[i]) == 0;
	ok(in_order, "13 validation problems, all of them, in order");
	if (!in_order)
		show(&h);
}

static void test_fatal(void)
{
	struct heard h;
	spec_config *c = (spec_config *)1;
	size_t n;

	memset(&h, 0, sizeof(h));
	n = spec_parse_config_all("{\"ociVersion\":", 14, "config.json", hear, &h, &c);
	ok(n == 1 && c == NULL, "a syntax error is one problem and no config");
	ok(h.n == 1 && strcmp(h.text[0], "config.json:1:15: invalid JSON: parse error: premature EOF, "
					 "at the end of the text") == 0,
	   "  with no path, the problem says invalid JSON where (the file, line and column)");
	memset(&h, 0, sizeof(h));
	n = spec_parse_config_all("[1,2]", 5, "config.json", hear, &h, &c);
	ok(n == 1 && c == NULL && !strcmp(h.text[0], "expected an object, got an array"),
	   "a document that is not an object");
	memset(&h, 0, sizeof(h));
	n = spec_parse_config_all("", 0, "config.json", hear, &h, &c);
	ok(n == 1 && c == NULL && !strcmp(h.text[0], "invalid JSON: empty document"),
	   "an empty document");
	ok(spec_validate_all(NULL, "config.json", hear, &h) == 0, "validating no config finds nothing");
}

/* Mutated documents through both walkers: no crash, and under
 * `make check-valgrind` no leak or invalid read in half-parsed configs. */
static void test_fuzz(void)
{
	static const char base[] = "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"
				   "\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"rlimits\":"
				   "[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1,\"soft\":1},"
				   "{\"type\":\"RLIMIT_NPROC\",\"hard\":2,\"soft\":2}],"
				   "\"capabilities\":{\"bounding\":[\"CAP_KILL\"]}},"
				   "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\"}],"
				   "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"}],"
				   "\"sysctl\":{\"a\":\"1\"},\"timeOffsets\":{\"boottime\":{}},"
				   "\"devices\":[{\"path\":\"/dev/x\",\"type\":\"c\"}]}}";
	static const char bytes[] = "{}[]\",:0-9 tfn\x80";
	size_t len = strlen(base), problems = 0;
	unsigned seed = 4242;
	char copy[sizeof(base)];

	for (int i = 0; i < 2000; i++) {
		struct heard h;
		spec_config *c = NULL;

		memcpy(copy, base, sizeof(base));
		for (int k = 0; k < 3; k++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % len;

			seed = seed * 1103515245u + 12345u;
			copy[at] = bytes[(seed >> 8) % (sizeof(bytes) - 1)];
		}
		memset(&h, 0, sizeof(h));
		problems += spec_config_problems(copy, len, "config.json", hear, &h, &c);
		spec_config_free(c);
	}
	ok(problems > 0, "2000 mutants parsed and validated collecting problems (%zu found)", problems);
}

/* spec_unknown_fields(): names the runtime-spec does not define, with the
 * closest known one; maps of the user's, vendor extensions and other
 * platforms' fields are not fields to warn about; non-JSON has none. */
static void test_unknown_fields(void)
{
	static const char doc[] =
		"{\"ociVersion\": \"1.2.0\", \"hostnmae\": \"x\", \"Root\": {\"path\": \"r\"},"
		" \"process\": {\"argz\": [\"sh\"], \"cwd\": \"/\", \"user\": {\"uidd\": 1}},"
		" \"mounts\": [{\"destination\": \"/a\"}, {\"destination\": \"/b\", \"typ\": \"x\"}],"
		" \"linux\": {\"timeOffsets\": {\"boottime\": {\"sec\": 1}}, \"sysctl\": {\"argz\": \"1\"},"
		"   \"memoryPolicy\": {}, \"resources\": {\"unified\": {\"nope\": \"1\"}}},"
		" \"annotations\": {\"hostnmae\": \"1\"}, \"org.example.ext\": 1, \"windows\": {},"
		" \"zzzzzz\": 1, \"ab\": 2}";
	struct heard h;
	size_t n;

	memset(&h, 0, sizeof(h));
	n = spec_unknown_fields(doc, strlen(doc), hear, &h);
	if (n != 8)
		show(&h);
	ok(n == 8 && h.n == 8, "eight unknown fields (%zu)", n);
	ok(heard_text(&h, ".hostnmae: unknown field; did you mean `hostname`?"), "a swap of two letters");
	ok(heard_text(&h, ".Root: unknown field; did you mean `root`?"), "a difference of case");
	ok(heard_text(&h, ".process.argz: unknown field; did you mean `args`?"), "one letter");
	ok(heard_text(&h, ".process.user.uidd: unknown field; did you mean `uid`?"), "one letter more");
	ok(heard_text(&h, ".mounts[1].typ: unknown field; did you mean `type`?"), "in an array");
	ok(heard_text(&h, ".linux.timeOffsets[\"boottime\"].sec: unknown field; did you mean `secs`?"),
	   "in a map of objects");
	ok(heard_text(&h, ".zzzzzz: unknown field, not in the runtime-spec: ignored"),
	   "nothing close: no guess");
	ok(heard_text(&h, ".ab: unknown field, not in the runtime-spec: ignored"),
	   "two letters are no guess (not `id`)");
	memset(&h, 0, sizeof(h));
	ok(spec_unknown_fields("{\"argz\": ", 9, hear, &h) == 0 && h.n == 0,
	   "not JSON: nothing (the parser says what is wrong)");
	ok(spec_unknown_fields("[{\"argz\": 1}]", 14, hear, &h) == 0, "not an object: nothing");
}

int main(void)
{
	test_same_first_problem();
	test_many_parse_problems();
	test_many_validation_problems();
	test_fatal();
	test_fuzz();
	test_unknown_fields();
	return tap_done();
}
