/*
 * Unit tests of the config model (spec/): parse, errors with their JSON
 * paths, malformed and hostile input, validation, serialization round
 * trips, defaults, and the configs real engines hand to runc.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "schema.h"
#include "spec.h"
#include "spec_cases.h"
#include "tap.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- helpers ---- */

/* tests/ in the source tree: $TESTS_SRCDIR under make check, else where the
 * build put it, else found from this file's name (tests/unit/test_spec.c). */
static const char *tests_dir(void)
{
	static char dir[4096];
	const char *env = getenv("TESTS_SRCDIR");
	char *p;

	if (env && *env)
		return env;
#ifdef TESTS_SRCDIR_DEFAULT
	return TESTS_SRCDIR_DEFAULT;
#endif
	snprintf(dir, sizeof(dir), "%s", __FILE__);
	p = strstr(dir, "/unit/test_spec.c");
	if (p)
		*p = '\0';
	else
		snprintf(dir, sizeof(dir), "tests");
	return dir;
}

static char *read_whole(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long size;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)size + 1);
		if (buf && fread(buf, 1, (size_t)size, f) == (size_t)size) {
			buf[size] = '\0';
			*len = (size_t)size;
		} else {
			free(buf);
			buf = NULL;
		}
	}
	fclose(f);
	return buf;
}

static char *fixture(const char *name, size_t *len)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/fixtures/%s", tests_dir(), name);
	return read_whole(path, len);
}

/* The context a message implies: "config.json: .a.b: ..." -> ".a.b". */
static void expected_context(const char *msg, char *buf, size_t size)
{
	const char *p = strchr(msg, ':'), *end;

	buf[0] = '\0';
	if (!p || p[1] != ' ' || p[2] != '.')
		return;
	p += 2;
	end = strstr(p, ": ");
	if (end && (size_t)(end - p) < size) {
		memcpy(buf, p, (size_t)(end - p));
		buf[end - p] = '\0';
	}
}

/* parse(serialize(cfg)) == cfg, and serializing again gives the same text. */
static bool round_trip(const struct spec_type *type, const void *obj, const char *what)
{
	bool pass = true;
	int pretty;

	for (pretty = 0; pretty < 2; pretty++) {
		skiff_error err = { 0 };
		char *text = NULL, *again = NULL;
		void *back = NULL;
		size_t len;

		if (spec_schema_serialize(type, obj, pretty, &text, &len, &err) < 0 ||
		    spec_schema_parse(type, text, len, what, &back, &err) < 0 ||
		    spec_schema_serialize(type, back, pretty, &again, NULL, &err) < 0) {
			tap_diag("%s: %s", what, err.message);
			pass = false;
		} else if (!spec_schema_equal(type, obj, back) || strcmp(text, again) != 0 ||
			   strlen(text) != len) {
			tap_diag("%s: round trip differs", what);
			pass = false;
		}
		if (back)
			spec_schema_free(type, back);
		free(back);
		free(text);
		free(again);
	}
	return pass;
}

/* ---- the full fixture ---- */

static void test_full_fixture(void)
{
	skiff_error err = { 0 };
	spec_config *c = NULL;
	size_t len = 0;
	char *json = fixture("full.config.json", &len);
	const spec_linux *l;
	const spec_resources *r;

	if (!ok(json != NULL, "read fixtures/full.config.json from %s", tests_dir()))
		return;
	if (!ok(spec_parse_config(json, len, "full.config.json", &c, &err) == 0,
		"full config parses")) {
		tap_diag("%s", err.message);
		free(json);
		return;
	}
	ok(spec_validate(c, "full.config.json", &err) == 0, "full config validates");
	l = c->linux_;
	r = l->resources;
	is_str(c->oci_version, "1.2.0", "ociVersion");
	ok(c->root && c->root->readonly && strcmp(c->root->path, "rootfs") == 0, "root");
	ok(c->mounts_len == 2 && c->mounts[1].options_len == 3 &&
		   c->mounts[1].uid_mappings[0].host_id == 100000 &&
		   c->mounts[1].gid_mappings[0].size == 65536,
	   "mounts with id mappings");
	ok(c->process->terminal && c->process->console_size->width == 80, "terminal, consoleSize");
	ok(c->process->user->uid == 1 && c->process->user->has_umask &&
		   c->process->user->umask == 18 && c->process->user->additional_gids_len == 3 &&
		   c->process->user->additional_gids[2] == SPEC_ID_MAX,
	   "user with umask and additionalGids up to SPEC_ID_MAX");
	is_str(c->process->args[2], "echo \"hi\" \\ there", "escapes decoded in args");
	is_str(c->process->env[2], "UNICODE=h\xc3\xa9llo \xe2\x98\x83", "unicode escapes in env");
	ok(c->process->capabilities->inheritable_len == 1 &&
		   c->process->capabilities->ambient_len == 1,
	   "capability sets");
	ok(c->process->rlimits_len == 2 && c->process->rlimits[1].hard == UINT64_MAX,
	   "rlimit hard = UINT64_MAX");
	ok(c->process->has_oom_score_adj && c->process->oom_score_adj == -500, "oomScoreAdj");
	ok(c->process->scheduler->nice == -5 && c->process->scheduler->period == 30000000 &&
		   strcmp(c->process->scheduler->policy, "SCHED_DEADLINE") == 0,
	   "scheduler");
	ok(c->process->io_priority->priority == 4 &&
		   strcmp(c->process->exec_cpu_affinity->final, "0-3,7") == 0,
	   "ioPriority, execCPUAffinity");
	ok(c->hooks->prestart_len == 1 && c->hooks->create_runtime[0].has_timeout &&
		   c->hooks->create_runtime[0].timeout == 5 && !c->hooks->prestart[0].has_timeout &&
		   c->hooks->poststop[0].args_len == 2,
	   "hooks");
	is_str(spec_annotation(c, "com.example.key2"), "value2", "spec_annotation");
	ok(spec_annotation(c, "nope") == NULL && spec_annotation(NULL, "x") == NULL,
	   "spec_annotation of a missing key");
	ok(l->sysctl_len == 2 && strcmp(l->sysctl[0].key, "net.ipv4.ip_forward") == 0,
	   "sysctl map in document order");
	ok(r->devices_len == 2 && !r->devices[0].allow && !r->devices[0].has_major &&
		   r->devices[1].has_minor && r->devices[1].minor == 229,
	   "device cgroup rules");
	ok(r->memory->has_reservation && r->memory->reservation == 0 && r->memory->swap == -1 &&
		   r->memory->has_disable_oom_killer && !r->memory->disable_oom_killer &&
		   r->memory->check_before_update,
	   "memory: zeros and false kept as set");
	ok(r->cpu->has_idle && r->cpu->idle == 0 && r->cpu->burst == 1000000 &&
		   strcmp(r->cpu->mems, "0-7") == 0,
	   "cpu");
	ok(r->pids->limit == 32771 && r->block_io->weight_device_len == 2 &&
		   !r->block_io->weight_device[1].has_leaf_weight &&
		   r->block_io->throttle_write_iops_device[0].rate == 300,
	   "pids, blockIO");
	ok(r->hugepage_limits_len == 2 && r->network->class_id == 1048577 &&
		   r->network->priorities[1].priority == 1000,
	   "hugepageLimits, network");
	ok(r->rdma_len == 2 && strcmp(r->rdma[1].key, "mlx4_0") == 0 &&
		   !r->rdma[1].has_hca_handles && r->rdma[1].hca_objects == 1000,
	   "rdma map");
	ok(r->unified_len == 2 && strchr(r->unified[0].value, '\n') != NULL, "unified map");
	ok(l->namespaces_len == 8 && spec_namespace_find(c, "time") != NULL,
	   "eight namespaces");
	is_str(spec_namespace_find(c, "network")->path, "/var/run/netns/neta",
	       "spec_namespace_find");
	ok(l->devices_len == 2 && l->devices[0].file_mode == 438 && l->devices[1].has_gid,
	   "devices");
	ok(l->net_devices_len == 2 && strcmp(l->net_devices[0].name, "container_eth0") == 0 &&
		   l->net_devices[1].name == NULL,
	   "netDevices");
	ok(l->seccomp->default_errno_ret == 38 && l->seccomp->flags_len == 2 &&
		   l->seccomp->syscalls[1].args[1].value == UINT64_MAX &&
		   l->seccomp->syscalls[1].args[1].value_two == 4294967295u &&
		   !l->seccomp->syscalls[0].has_errno_ret,
	   "seccomp");
	ok(strcmp(l->rootfs_propagation, "rslave") == 0 && l->intel_rdt->enable_mbm &&
		   strcmp(l->personality->domain, "LINUX32") == 0,
	   "rootfsPropagation, intelRdt, personality");
	ok(l->time_offsets_len == 2 && l->time_offsets[0].secs == -86400 &&
		   l->time_offsets[1].nanosecs == 0,
	   "timeOffsets");
	ok(round_trip(&spec_type_config, c, "full.config.json"), "full config round trip");
	{
		char *text = NULL;

		ok(spec_config_serialize(c, true, &text, NULL, &err) == 0 && text &&
			   strstr(text, "\"hard\": 18446744073709551615") != NULL,
		   "uint64 max written exactly");
		free(text);
	}
	spec_config_free(c);
	free(json);
}

/* ---- parse errors ---- */

static void test_parse_errors(void)
{
	char long_json[512], want[512], ctx[256];
	size_t i;

	for (i = 0; i < COUNT(parse_errors); i++) {
		const struct error_case *t = &parse_errors[i];
		skiff_error err = { 0 };
		spec_config *c = (spec_config *)1;
		int rc = spec_parse_config(t->json, strlen(t->json), "config.json", &c, &err);

		ok(rc == -1 && c == NULL, "parse error case %zu fails", i);
		is_str(err.message, t->message, "%s", t->message);
		expected_context(t->message, ctx, sizeof(ctx));
		if (strcmp(err.context, ctx) != 0)
			ok(false, "context %zu: got '%s', expected '%s'", i, err.context, ctx);
	}

	/* Long strings and numbers are cut in messages. */
	{
		skiff_error err = { 0 };
		spec_config *c;

		snprintf(long_json, sizeof(long_json), J("\"hostname\":%s"),
			 "12345678901234567890123456789012345678901234567890123456789012345678901234567890");
		spec_parse_config(long_json, strlen(long_json), "config.json", &c, &err);
		is_str(err.message,
		       E ".hostname: expected a string, got "
			 "1234567890123456789012345678901234567890123456789012345678901234...",
		       "long number cut after 64 characters");
		snprintf(long_json, sizeof(long_json),
			 J("\"root\":{\"path\":\"r\",\"readonly\":\"%s\"}"),
			 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
		snprintf(want, sizeof(want), "%s\"%.64s...\"",
			 E ".root.readonly: expected a boolean, got ",
			 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
		spec_parse_config(long_json, strlen(long_json), "config.json", &c, &err);
		is_str(err.message, want, "long string cut after 64 characters");
	}
}

/* ---- hostile input ---- */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int parse(const char *json, size_t len, spec_config **c, skiff_error *err)
{
	return spec_parse_config(json, len, "config.json", c, err);
}

static void test_hostile(void)
{
	static const char with_nul[] = "{\"ociVersion\":\"1.2.0\"}\0{}";
	static const char nul_in_string[] = "{\"ociVersion\":\"1\0\"}";
	skiff_error err = { 0 };
	spec_config *c = NULL;
	size_t n = 100000, i;
	char *buf = malloc(2 * n + 64);
	double t0;

	ok(parse(with_nul, sizeof(with_nul) - 1, &c, &err) < 0, "NUL byte refused");
	is_str(err.message, "config.json:1:23: invalid JSON: a NUL byte", "NUL byte message");
	ok(parse(nul_in_string, sizeof(nul_in_string) - 1, &c, &err) < 0 &&
		   !strcmp(err.message, "config.json:1:17: invalid JSON: a NUL byte"),
	   "NUL byte inside a string refused");
	ok(parse(J("\"hostname\":\"a\\\\u0000\""), strlen(J("\"hostname\":\"a\\\\u0000\"")), &c,
		 &err) == 0 && strcmp(c->hostname, "a\\u0000") == 0,
	   "an escaped backslash before u0000 is fine");
	spec_config_free(c);

	memset(buf, '[', n);
	t0 = now();
	ok(parse(buf, n, &c, &err) < 0, "100000 '[' refused");
	is_str(err.message, "config.json:1:65: invalid JSON: nested deeper than 64 levels",
	       "deep nesting message");
	ok(now() - t0 < 1.0, "deep nesting refused quickly");
	for (i = 0; i < n / 5; i++)
		memcpy(buf + 5 * i, "{\"a\":", 5);
	ok(parse(buf, n, &c, &err) < 0 && strstr(err.message, "nested deeper than 64"),
	   "100000 nested objects refused");

	/* Exactly SPEC_MAX_DEPTH levels is fine; one more is not. */
	for (i = 0; i < 2; i++) {
		size_t depth = SPEC_MAX_DEPTH - 1 + i, len = 0, k;

		len += (size_t)sprintf(buf, "{\"ociVersion\":\"1\",\"x\":");
		for (k = 0; k < depth; k++)
			buf[len++] = '[';
		for (k = 0; k < depth; k++)
			buf[len++] = ']';
		buf[len++] = '}';
		ok((parse(buf, len, &c, &err) == 0) == (i == 0), "nesting of %zu levels %s",
		   depth + 1, i == 0 ? "accepted" : "refused");
		spec_config_free(c);
		c = NULL;
	}

	/* Brackets inside strings are not nesting. */
	{
		size_t len = (size_t)sprintf(buf, "{\"ociVersion\":\"");

		memset(buf + len, '[', n);
		len += n;
		len += (size_t)sprintf(buf + len, "\\\"{\"}");
		ok(parse(buf, len, &c, &err) == 0 && strlen(c->oci_version) == n + 2,
		   "brackets in strings do not count as nesting");
		spec_config_free(c);
		c = NULL;
	}
	free(buf);

	/* Over SPEC_MAX_SIZE: refused before a byte is read. */
	buf = malloc((size_t)SPEC_MAX_SIZE + 1);
	ok(buf && parse(buf, (size_t)SPEC_MAX_SIZE + 1, &c, &err) < 0, "too large refused");
	is_str(err.message, E "too large: 67108865 bytes, the limit is 67108864",
	       "too large message");
	free(buf);
}

static void test_huge(void)
{
	const size_t count = 100000, entry = 100;
	size_t cap = count * (entry + 4) + 256, len = 0, i;
	char *buf = malloc(cap);
	skiff_error err = { 0 };
	spec_config *c = NULL;
	double t0;

	len += (size_t)sprintf(buf, "{\"ociVersion\":\"1.2.0\",\"process\":{\"cwd\":\"/\",\"env\":[");
	for (i = 0; i < count; i++)
		len += (size_t)sprintf(buf + len, "%s\"V%07zu=%0*d\"", i ? "," : "", i,
				       (int)(entry - 10), 0);
	len += (size_t)sprintf(buf + len, "],\"args\":[\"sh\"]}}");
	t0 = now();
	ok(len > 10000000 && parse(buf, len, &c, &err) == 0, "10 MB config parses (%zu bytes)", len);
	ok(c && c->process->env_len == count && strncmp(c->process->env[count - 1], "V0099999=", 9) == 0,
	   "all %zu env entries kept", count);
	tap_diag("10 MB parse took %.2f s", now() - t0);
	spec_config_free(c);
	free(buf);
}

/* Every prefix of a valid document and many one-byte mutations: no crash,
 * no leak, and whatever parses survives a round trip. */
static void test_fuzz(void)
{
	size_t len = 0, end, i, bad = 0, parsed = 0;
	char *json = fixture("full.config.json", &len);
	unsigned seed = 12345;

	if (!json) {
		tap_skip("no fixture", "truncation fuzz");
		tap_skip("no fixture", "mutation fuzz");
		return;
	}
	/* Up to the closing brace, every prefix is incomplete. */
	for (end = len; end > 0 && strchr(" \t\r\n", json[end - 1]);)
		end--;
	for (i = 0; i < end; i++) {
		skiff_error err = { 0 };
		spec_config *c = NULL;

		/* "config.json: ..." or, for syntax, "config.json:LINE:COL: ..." */
		if (parse(json, i, &c, &err) == 0 || strncmp(err.message, "config.json:", 12) != 0)
			bad++;
		spec_config_free(c);
	}
	ok(bad == 0, "all %zu truncations of the full config fail cleanly", end);
	bad = 0;
	for (i = 0; i < 1000; i++) {
		static const char bytes[] = "{}[]\",:0-9.e \\ntfu\x80\xff";
		char *copy = malloc(len);
		skiff_error err = { 0 };
		spec_config *c = NULL;
		size_t at;

		memcpy(copy, json, len);
		seed = seed * 1103515245u + 12345u;
		at = (seed >> 8) % len;
		seed = seed * 1103515245u + 12345u;
		copy[at] = bytes[(seed >> 8) % (sizeof(bytes) - 1)];
		if (parse(copy, len, &c, &err) == 0) {
			parsed++;
			if (!round_trip(&spec_type_config, c, "mutant"))
				bad++;
			spec_validate(c, "config.json", &err);
		}
		spec_config_free(c);
		free(copy);
	}
	ok(bad == 0, "1000 mutations: no crash, %zu parsed and round-tripped", parsed);
	free(json);
}

/* ---- smaller parse behaviours ---- */

static void test_parse_misc(void)
{
	skiff_error err = { 0 };
	spec_config *c = NULL;
	const char *dup = J("\"ociVersion\":\"9\",\"annotations\":{\"k\":\"1\",\"j\":\"2\",\"k\":\"3\"}");
	const char *unknown = J("\"future\":{\"x\":[1,{\"y\":null}]},\"process\":{\"cwd\":\"/\","
				"\"newThing\":true,\"terminal\":null,\"oomScoreAdj\":null}");
	const char *limits = P("\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"hard\":18446744073709551615,"
			       "\"soft\":-0}],\"oomScoreAdj\":-2147483648");

	ok(parse(dup, strlen(dup), &c, &err) == 0, "duplicate keys parse");
	is_str(c ? c->oci_version : NULL, "9", "the last duplicate wins");
	ok(c && c->annotations_len == 2 && strcmp(c->annotations[0].key, "j") == 0 &&
		   strcmp(spec_annotation(c, "k"), "3") == 0,
	   "duplicate map keys: one entry, last value");
	spec_config_free(c);

	ok(parse(unknown, strlen(unknown), &c, &err) == 0 && !c->process->terminal &&
		   !c->process->has_oom_score_adj,
	   "unknown fields ignored, null means absent");
	spec_config_free(c);

	ok(parse(limits, strlen(limits), &c, &err) == 0 && c->process->rlimits[0].hard == UINT64_MAX &&
		   c->process->rlimits[0].soft == 0 && c->process->oom_score_adj == INT32_MIN,
	   "uint64 max, -0 and int32 min accepted");
	spec_config_free(c);

	/* The serializer refuses what the parser could never produce. */
	ok(parse(J("\"hostname\":\"h\""), strlen(J("\"hostname\":\"h\"")), &c, &err) == 0,
	   "tiny config parses");
	if (c) {
		char *text = NULL;

		free(c->hostname);
		c->hostname = strdup("bad \xff utf-8");
		ok(spec_config_serialize(c, false, &text, NULL, &err) < 0 && text == NULL,
		   "invalid UTF-8 refused by the serializer");
		is_str(err.message, "serialize: .hostname: not valid UTF-8", "serializer message");
		is_str(err.context, ".hostname", "serializer context");
		spec_config_free(c);
	}
}

/* ---- validation ---- */

static void test_validation(void)
{
	char ctx[256];
	size_t i;

	for (i = 0; i < COUNT(validation_errors); i++) {
		const struct error_case *t = &validation_errors[i];
		skiff_error err = { 0 };
		spec_config *c = NULL;

		if (!ok(parse(t->json, strlen(t->json), &c, &err) == 0, "validation case %zu parses", i)) {
			tap_diag("%s", err.message);
			continue;
		}
		ok(spec_validate(c, "config.json", &err) < 0, "validation case %zu refused", i);
		is_str(err.message, t->message, "%s", t->message);
		expected_context(t->message, ctx, sizeof(ctx));
		if (strcmp(err.context, ctx) != 0)
			ok(false, "validation context %zu: got '%s', expected '%s'", i, err.context, ctx);
		spec_config_free(c);
	}
	for (i = 0; i < COUNT(validation_ok); i++) {
		skiff_error err = { 0 };
		spec_config *c = NULL;

		ok(parse(validation_ok[i], strlen(validation_ok[i]), &c, &err) == 0 &&
			   spec_validate(c, "config.json", &err) == 0,
		   "valid config %zu accepted", i);
		if (err.message[0])
			tap_diag("%s", err.message);
		spec_config_free(c);
	}
	{
		skiff_error err = { 0 };
		spec_config *c = NULL;

		parse(J("\"hostname\":\"x\""), strlen(J("\"hostname\":\"x\"")), &c, &err);
		spec_validate(c, "my.json", &err);
		ok(strncmp(err.message, "my.json: .hostname: ", 20) == 0, "validation uses the name");
		spec_config_free(c);
	}
}

/* ---- loading files ---- */

static void test_load(void)
{
	char dir[] = "/tmp/skiff-test-XXXXXX", path[256];
	skiff_error err = { 0 };
	skiff_config *c = (skiff_config *)1;
	FILE *f;

	ok(skiff_config_load_file("/nonexistent-skiff/config.json", &c, &err) < 0 && c == NULL,
	   "load of a missing file fails");
	is_str(err.message, "open /nonexistent-skiff/config.json: no such file or directory",
	       "missing file message");
	ok(err.errnum == ENOENT, "missing file errnum is ENOENT");
	if (!mkdtemp(dir)) {
		tap_skip("mkdtemp failed", "load from a temporary bundle");
		return;
	}
	snprintf(path, sizeof(path), "%s/config.json", dir);
	f = fopen(path, "w");
	fputs("{\"ociVersion\":\"1.2.0\",\"process\":{\"cwd\":\"x\",\"args\":[\"sh\"]}}", f);
	fclose(f);
	ok(skiff_config_load_file(path, &c, &err) < 0, "load_file validates");
	is_str(err.message, "config.json: .process.cwd: must be an absolute path, got \"x\"",
	       "load_file names the file by its base name");
	f = fopen(path, "w");
	fputs("{\"ociVersion\":\"1.2.0\",\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"]}}", f);
	fclose(f);
	ok(skiff_config_load_file(path, &c, &err) == 0 && strcmp(c->process->cwd, "/") == 0,
	   "load_file loads");
	skiff_config_free(c);
	ok(skiff_config_load_file(dir, &c, &err) < 0 && err.errnum == EISDIR,
	   "load_file of a directory fails: %s", err.message);
	unlink(path);
	rmdir(dir);
}

/* ---- defaults ---- */

static void check_default(bool rootless, const char *golden)
{
	skiff_error err = { 0 };
	spec_config *c = NULL;
	char *text = NULL, *want;
	size_t len = 0;

	if (!ok(spec_config_default(rootless, 1000, 1000, &c, &err) == 0, "%s default parses",
		rootless ? "rootless" : "root")) {
		tap_diag("%s", err.message);
		return;
	}
	ok(spec_validate(c, "config.json", &err) == 0, "%s default validates",
	   rootless ? "rootless" : "root");
	want = fixture(golden, &len);
	ok(want && spec_config_serialize(c, true, &text, NULL, &err) == 0 && strcmp(text, want) == 0,
	   "%s default is what runc spec writes (fixtures/%s)", rootless ? "rootless" : "root",
	   golden);
	ok(round_trip(&spec_type_config, c, "default"), "%s default round trip",
	   rootless ? "rootless" : "root");
	free(want);
	free(text);
	spec_config_free(c);
}

static void test_defaults(void)
{
	skiff_error err = { 0 };
	spec_config *c = NULL;
	const spec_mount *sys = NULL;
	size_t i;

	check_default(false, "runc-spec.json");
	check_default(true, "runc-spec-rootless.json");

	ok(spec_config_default(false, 0, 0, &c, &err) == 0 &&
		   strcmp(c->oci_version, SKIFF_OCI_VERSION) == 0 && c->process->terminal &&
		   strcmp(c->process->args[0], "sh") == 0 && c->mounts_len == 7 &&
		   spec_namespace_find(c, "network") && !spec_namespace_find(c, "user") &&
		   c->linux_->resources->devices_len == 1,
	   "root default: network namespace, device rules");
	spec_config_free(c);

	ok(spec_config_default(true, 1234, 5678, &c, &err) == 0, "rootless default with ids");
	for (i = 0; c && i < c->mounts_len; i++)
		if (strcmp(c->mounts[i].destination, "/sys") == 0)
			sys = &c->mounts[i];
	ok(c && c->linux_->uid_mappings_len == 1 && c->linux_->uid_mappings[0].host_id == 1234 &&
		   c->linux_->uid_mappings[0].container_id == 0 &&
		   c->linux_->uid_mappings[0].size == 1 &&
		   c->linux_->gid_mappings[0].host_id == 5678,
	   "rootless default maps root to the given ids");
	ok(c && spec_namespace_find(c, "user") && !spec_namespace_find(c, "network") &&
		   !c->linux_->resources,
	   "rootless default: user namespace, no network namespace, no resources");
	ok(sys && strcmp(sys->type, "none") == 0 && strcmp(sys->options[0], "rbind") == 0,
	   "rootless default binds /sys");
	spec_config_free(c);

	ok(skiff_config_default(true, &c, &err) == 0 &&
		   c->linux_->uid_mappings[0].host_id == (uint32_t)geteuid(),
	   "skiff_config_default maps the caller's euid");
	spec_config_free(c);
	ok(spec_namespace_find(NULL, "pid") == NULL, "spec_namespace_find(NULL)");
	ok(parse(J("\"root\":{\"path\":\"r\"}"), strlen(J("\"root\":{\"path\":\"r\"}")), &c, &err) == 0 &&
		   spec_namespace_find(c, "pid") == NULL,
	   "spec_namespace_find without a linux section");
	spec_config_free(c);
}

/* ---- what engines hand to runc ---- */

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void check_engine_file(const char *dir, const char *name)
{
	const struct spec_type *type = &spec_type_config;
	char path[8192];
	skiff_error err = { 0 };
	size_t len = 0;
	char *json;
	void *obj = NULL;
	bool pass;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	json = read_whole(path, &len);
	if (ends_with(name, ".process.json"))
		type = &spec_type_process;
	else if (ends_with(name, ".resources.json"))
		type = &spec_type_resources;
	pass = json && spec_schema_parse(type, json, len, name, &obj, &err) == 0;
	if (pass && type == &spec_type_config)
		pass = spec_validate(obj, name, &err) == 0;
	if (!ok(pass, "engine config %s parses and validates", name))
		tap_diag("%s", err.message);
	if (pass)
		ok(round_trip(type, obj, name), "engine config %s round trip", name);
	if (obj)
		spec_schema_free(type, obj);
	free(obj);
	free(json);
}

static void test_engine_configs(void)
{
	char dir[4096], *names[256];
	size_t n = 0, i;
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/../../shared/engine-configs", tests_dir());
	d = opendir(dir);
	if (!d) {
		tap_skip("no shared/engine-configs directory", "engine configs");
		return;
	}
	while ((de = readdir(d)) && n < COUNT(names))
		if (ends_with(de->d_name, ".config.json") || ends_with(de->d_name, ".process.json") ||
		    ends_with(de->d_name, ".resources.json"))
			names[n++] = strdup(de->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), name_cmp);
	if (n == 0)
		tap_skip("shared/engine-configs is empty", "engine configs");
	for (i = 0; i < n; i++) {
		check_engine_file(dir, names[i]);
		free(names[i]);
	}
}

/* A hook's "env": [] is not its absence (runc: none at all, against the
 * runtime's env), in the model and through serialize and parse again (the
 * config copy `delete` runs poststop hooks from). */
static void test_hook_env_kept_apart(void)
{
	static const char json[] = "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},"
				   "\"hooks\":{\"poststop\":[{\"path\":\"/bin/a\"},"
				   "{\"path\":\"/bin/b\",\"env\":[]},"
				   "{\"path\":\"/bin/c\",\"env\":[\"X=1\"]}]}}";
	spec_config *c = NULL, *again = NULL;
	skiff_error err;
	char *out = NULL;

	if (!ok(spec_parse_config(json, sizeof(json) - 1, "hooks.json", &c, &err) == 0,
		"hook env: parse"))
		return;
	ok(c->hooks->poststop[0].env == NULL && c->hooks->poststop[1].env != NULL &&
		   c->hooks->poststop[1].env_len == 0 && c->hooks->poststop[2].env_len == 1,
	   "hook env: absent is NULL, [] an empty array");
	ok(spec_config_serialize(c, false, &out, NULL, &err) == 0 && strstr(out, "\"env\":[]") &&
		   spec_parse_config(out, strlen(out), "again.json", &again, &err) == 0 &&
		   again->hooks->poststop[0].env == NULL && again->hooks->poststop[1].env != NULL &&
		   again->hooks->poststop[1].env_len == 0,
	   "hook env: [] and absent survive serialize and parse");
	free(out);
	spec_config_free(again);
	spec_config_free(c);
}

int main(void)
{
	test_full_fixture();
	test_parse_errors();
	test_hostile();
	test_huge();
	test_parse_misc();
	test_validation();
	test_load();
	test_defaults();
	test_engine_configs();
	test_fuzz();
	test_hook_env_kept_apart();
	return tap_done();
}
