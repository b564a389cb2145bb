/*
 * The public API (skiff.h) driven the way an embedding program drives it:
 * real containers from a busybox bundle (tests/make-bundle.sh), through the
 * library only, linked against the shared libskiff that exports nothing
 * else.  Needs root; `make check-valgrind` runs it under valgrind too.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "skiff.h"
#include "tap.h"

static char tmp[] = "/tmp/skiff-api-XXXXXX";
static char root[256], bundle[256], bad_bundle[256], pid_file[256];

/*
 * Under valgrind (make check-valgrind) a container's init is a clone of
 * this process and so runs on valgrind's CPU too, and valgrind 3.19 knows
 * neither openat2() (the init cannot build a rootfs) nor pidfd_open() (the
 * library reaches inits through pidfds).  Then containers are created, and
 * live ones killed and deleted, by the skiff binary, and everything else
 * goes through the library here: start, state, list, exec, and every error.
 */
static bool under_valgrind;

static bool running_on_valgrind(void)
{
	char line[512];
	bool found = false;
	FILE *maps = fopen("/proc/self/maps", "r");

	while (maps && !found && fgets(line, sizeof(line), maps))
		found = strstr(line, "/vgpreload_") != NULL;
	if (maps)
		fclose(maps);
	return found;
}

/* ---- helpers ---- */

static const char *env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);

	return v && *v ? v : fallback;
}

/* tests/make-bundle.sh DIR ARGS...: a busybox rootfs and `skiff spec`. */
static bool make_bundle(const char *dir, const char *args)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "SKIFF='%s' '%s/make-bundle.sh' '%s' %s >/dev/null",
		 env_or("SKIFF", SKIFF_BIN_DEFAULT), env_or("TESTS_SRCDIR", TESTS_SRCDIR_DEFAULT), dir,
		 args);
	return system(cmd) == 0;
}

/* `skiff --root ROOT ARGS ID [AFTER]` (the binary, not the library); 0 on success. */
static int cli(const char *args, const skiff_context *ctx, const char *after, skiff_error *err)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), "'%s' --root '%s' %s '%s' %s", env_or("SKIFF", SKIFF_BIN_DEFAULT),
		 ctx->root, args, ctx->id, after);
	if (system(cmd) == 0)
		return 0;
	snprintf(err->message, sizeof(err->message), "skiff %.900s failed", args);
	return -1;
}

/* skiff_container_create(), or under valgrind the same by the skiff binary. */
static int create(const skiff_context *ctx, skiff_error *err)
{
	char args[1024];

	if (!under_valgrind)
		return skiff_container_create(ctx, NULL, err);
	snprintf(args, sizeof(args), "create --bundle '%s' %s%s%s", ctx->bundle,
		 ctx->pid_file ? "--pid-file '" : "", ctx->pid_file ? ctx->pid_file : "",
		 ctx->pid_file ? "'" : "");
	return cli(args, ctx, "", err);
}

/* Signal or delete a live container: the library, or under valgrind the binary. */
static int kill_live(const skiff_context *ctx, int signo, skiff_error *err)
{
	char sig[16];

	if (!under_valgrind)
		return skiff_container_kill(ctx, signo, false, err);
	snprintf(sig, sizeof(sig), "%d", signo);
	return cli("kill", ctx, sig, err);
}

static int delete_live(const skiff_context *ctx, bool force, skiff_error *err)
{
	if (!under_valgrind)
		return skiff_container_delete(ctx, force, err);
	return cli(force ? "delete --force" : "delete", ctx, "", err);
}

static skiff_context context(const char *id)
{
	skiff_context ctx;

	memset(&ctx, 0, sizeof(ctx));
	ctx.root = root;
	ctx.id = id;
	ctx.bundle = bundle;
	return ctx;
}

static bool status_is(const char *id, skiff_status want)
{
	skiff_context ctx = context(id);
	skiff_state *st = NULL;
	skiff_error err;
	bool same;

	if (skiff_container_state(&ctx, &st, &err) < 0)
		return false;
	same = st->status == want;
	skiff_state_free(st);
	return same;
}

/* Poll up to ~5 s for a container to reach a status. */
static bool wait_status(const char *id, skiff_status want)
{
	for (int i = 0; i < 100; i++) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };

		if (status_is(id, want))
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

/* The comm of the process whose pid is in the pid file path. */
static bool comm_of(const char *path, char *out, size_t size)
{
	char proc[64];
	FILE *f = fopen(path, "r");
	int pid = 0;
	bool got;

	if (!f)
		return false;
	got = fscanf(f, "%d", &pid) == 1;
	fclose(f);
	if (!got)
		return false;
	snprintf(proc, sizeof(proc), "/proc/%d/comm", pid);
	f = fopen(proc, "r");
	if (!f)
		return false;
	got = fgets(out, (int)size, f) != NULL;
	fclose(f);
	out[strcspn(out, "\n")] = '\0';
	return got;
}

static bool dir_empty(const char *path)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "test -z \"$(ls -A '%s' 2>/dev/null)\"", path);
	return system(cmd) == 0;
}

/* Replace args of a config with a shell command. */
static bool set_shell(skiff_config *cfg, const char *script)
{
	char **args = calloc(3, sizeof(*args));

	if (!args)
		return false;
	args[0] = strdup("sh");
	args[1] = strdup("-c");
	args[2] = strdup(script);
	for (size_t i = 0; i < cfg->process->args_len; i++)
		free(cfg->process->args[i]);
	free(cfg->process->args);
	cfg->process->args = args;
	cfg->process->args_len = 3;
	return args[0] && args[1] && args[2];
}

static skiff_config *bundle_config(void)
{
	char path[300];
	skiff_config *cfg = NULL;
	skiff_error err;

	snprintf(path, sizeof(path), "%s/config.json", bundle);
	if (skiff_config_load_file(path, &cfg, &err) < 0)
		tap_diag("load %s: %s", path, err.message);
	return cfg;
}

/* ---- the lifecycle ---- */

/* The init's cgroup directory "memory:<dir>" (v1, hybrid) or "<dir>"
 * (unified) from /proc/<pid>/cgroup, for exec --cgroup. */
static bool init_cgroup(const skiff_context *ctx, char *spec, size_t spec_size, char *dir,
			size_t size)
{
	char path[64], line[512];
	skiff_state *st = NULL;
	skiff_error err;
	bool found = false;
	FILE *f;

	if (skiff_container_state(ctx, &st, &err) < 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)st->pid);
	skiff_state_free(st);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		char *rel = strchr(line, ':') ? strchr(strchr(line, ':') + 1, ':') : NULL;

		if (!rel)
			continue;
		rel[strcspn(rel, "\n")] = '\0';
		if (strstr(line, ":memory:")) {
			snprintf(dir, size, "/sys/fs/cgroup/memory%s/api-sub", rel + 1);
			snprintf(spec, spec_size, "memory:api-sub");
			found = true;
			break;
		}
		if (!strncmp(line, "0::", 3) && access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0) {
			snprintf(dir, size, "/sys/fs/cgroup%s/api-sub", rel + 1);
			snprintf(spec, spec_size, "api-sub");
			found = true;
		}
	}
	if (f)
		fclose(f);
	return found;
}

/* exec --cgroup through the library: a missing sub-cgroup is an error, an
 * existing one takes the process. */
static void test_exec_cgroups(const skiff_context *ctx)
{
	char *const args[] = { "sh", "-c", "grep -q /api-sub /proc/self/cgroup && exit 9; exit 1" };
	skiff_exec_overrides o = { .args = args, .args_len = 3 };
	char spec[64], dir[1024];
	const char *subs[] = { spec };
	spec_process *p = NULL;
	skiff_error err = { 0 };
	int status = -1;

	if (under_valgrind || !init_cgroup(ctx, spec, sizeof(spec), dir, sizeof(dir))) {
		tap_skip(under_valgrind ? "valgrind 3.19 has no pidfd_open()" : "no memory cgroup",
			 "skiff_container_exec_cgroups");
		tap_skip("same", "skiff_container_exec_cgroups in an existing sub-cgroup");
		return;
	}
	if (skiff_exec_process(ctx, &o, &p, &err) < 0) {
		ok(false, "skiff_exec_process: %s", err.message);
		return;
	}
	ok(skiff_container_exec_cgroups(ctx, p, false, false, subs, 1, &status, &err) < 0 &&
		   strstr(err.message, "no cgroup"),
	   "skiff_container_exec_cgroups: a missing sub-cgroup: \"%s\"", err.message);
	if (mkdir(dir, 0755) < 0)
		tap_diag("mkdir %s: %s", dir, strerror(errno));
	ok(skiff_container_exec_cgroups(ctx, p, false, false, subs, 1, &status, &err) == 0 &&
		   status == 9,
	   "skiff_container_exec_cgroups: the process runs in %s", spec);
	skiff_process_free(p);
}

static void test_lifecycle(void)
{
	skiff_context ctx = context("api-life");
	skiff_state *st = NULL, **all = NULL;
	skiff_error err = { 0 };
	char buf[32] = "";
	size_t n = 0;
	int fd;

	ctx.pid_file = pid_file;
	if (!ok(create(&ctx, &err) == 0, "create from the bundle's config.json%s",
		under_valgrind ? " (by the skiff binary: valgrind)" : ""))
		tap_diag("%s", err.message);
	ok(skiff_container_state(&ctx, &st, &err) == 0 && st->status == SKIFF_STATUS_CREATED &&
		   st->pid > 0 && !strcmp(st->id, "api-life") && !strcmp(st->oci_version, SKIFF_OCI_VERSION),
	   "state: created, with the init's pid");
	fd = open(pid_file, O_RDONLY);
	if (fd >= 0) {
		ssize_t got = read(fd, buf, sizeof(buf) - 1);

		buf[got > 0 ? got : 0] = '\0';
		close(fd);
	}
	ok(st && atoi(buf) == st->pid && !strchr(buf, '\n'), "the pid file holds that pid, digits only");
	{
		char *json = NULL;

		ok(st && skiff_state_to_json(st, false, &json, &err) == 0 && strstr(json, "\"status\":\"created\""),
		   "skiff_state_to_json");
		free(json);
	}
	skiff_state_free(st);
	ok(skiff_container_list(root, &all, &n, &err) == 0 && n == 1 && !strcmp(all[0]->id, "api-life"),
	   "list: the one container");
	skiff_state_list_free(all, n);

	ok(skiff_container_start(&ctx, &err) == 0 && status_is("api-life", SKIFF_STATUS_RUNNING),
	   "start: running");
	ok(comm_of(pid_file, buf, sizeof(buf)) && strcmp(buf, "sleep") == 0,
	   "start returns once the init has exec'd its program (comm \"%s\")", buf);
	ok(skiff_container_start(&ctx, &err) < 0 && strstr(err.message, "already running"),
	   "start twice: \"%s\"", err.message);
	ok(skiff_container_delete(&ctx, false, &err) < 0 && err.errnum == EBUSY,
	   "delete a running container without force: EBUSY");

	/* exec with the container's process settings and a command */
	{
		/* Its pid 1 is the container's: sleep, which the init has
		 * exec'd before start returned. */
		static const char script[] =
			"for i in $(seq 50); do test \"$(cat /proc/1/comm)\" = sleep && exit 7; "
			"sleep 0.1; done; exit 1";
		char *const args[] = { "sh", "-c", (char *)script };
		skiff_exec_overrides o = { .args = args, .args_len = 3 };
		spec_process *p = NULL;
		int status = -1;

		int rc;

		ok(skiff_exec_process(&ctx, &o, &p, &err) == 0 && !strcmp(p->cwd, "/"),
		   "skiff_exec_process: the container's process with the command");
		if (under_valgrind) {
			tap_skip("valgrind 3.19 has no pidfd_open()", "exec");
		} else {
			rc = p ? skiff_container_exec(&ctx, p, false, false, &status, &err) : -1;
			if (!ok(rc == 0 && status == 7,
				"exec in the container's pid namespace, its status back (%d)", status))
				tap_diag("%s", err.message);
		}
		skiff_process_free(p);
	}
	{
		/* The same in one call; its cwd is the container's ("/"). */
		char *const args[] = { "sh", "-c", "test \"$PWD\" = / && exit 6" };
		skiff_exec_overrides o = { .args = args, .args_len = 3 };
		int status = -1;

		if (under_valgrind) {
			tap_skip("valgrind 3.19 has no pidfd_open()", "skiff_container_exec_command");
		} else if (!ok(skiff_container_exec_command(&ctx, &o, false, false, NULL, 0, &status,
							   &err) == 0 && status == 6,
			       "skiff_container_exec_command: the container's process with the "
			       "command, its status back")) {
			tap_diag("status %d: %s", status, err.message);
		}
		o.args_len = 0;
		ok(skiff_container_exec_command(&ctx, &o, false, false, NULL, 0, &status, &err) < 0 &&
			   err.errnum == EINVAL,
		   "skiff_container_exec_command without a command: EINVAL");
	}
	{
		static const char json[] = "{\"args\":[\"sh\",\"-c\",\"exit 5\"],\"cwd\":\"/tmp\"}";
		spec_process *p = NULL;
		int status = -1;

		ok(skiff_process_load_data(json, strlen(json), "process.json", &p, &err) == 0,
		   "skiff_process_load_data");
		if (under_valgrind)
			tap_skip("valgrind 3.19 has no pidfd_open()", "exec a process object");
		else
			ok(p && skiff_container_exec(&ctx, p, false, false, &status, &err) == 0 && status == 5,
			   "exec a process object");
		skiff_process_free(p);
	}

	test_exec_cgroups(&ctx);

	ok(kill_live(&ctx, SIGKILL, &err) == 0 && wait_status("api-life", SKIFF_STATUS_STOPPED),
	   "kill: stopped");
	ok(skiff_container_kill(&ctx, SIGKILL, false, &err) < 0 &&
		   !strcmp(err.message, "container not running"),
	   "kill a stopped container: \"%s\"", err.message);
	ok(skiff_container_delete(&ctx, false, &err) == 0, "delete");
	st = NULL;
	ok(skiff_container_state(&ctx, &st, &err) < 0 && err.errnum == ENOENT &&
		   strstr(err.message, "container does not exist"),
	   "state after delete: \"%s\"", err.message);
	skiff_state_free(st);
	ok(skiff_container_list(root, &all, &n, &err) == 0 && n == 0, "list: none");
	skiff_state_list_free(all, n);
	ok(dir_empty(root), "nothing left under the state root");
}

static void test_run(void)
{
	skiff_config *cfg = bundle_config();
	skiff_context ctx = context("api-run");
	skiff_error err = { 0 };
	int status = -1, rc;

	if (under_valgrind) {
		skiff_config_free(cfg);
		tap_skip("valgrind 3.19 has no openat2() for the init", "skiff_container_run");
		return;
	}
	if (!cfg || !set_shell(cfg, "echo from the container >/dev/null; exit 3")) {
		ok(false, "a config to run");
		skiff_config_free(cfg);
		return;
	}
	rc = skiff_container_run(&ctx, cfg, false, &status, &err);
	ok(rc == 0 && status == 3, "run a config built in memory: its exit status (%d)", status);
	ok(dir_empty(root), "  and the container is deleted");
	/* A pid namespace's init ignores its own SIGKILL: share the host's. */
	for (size_t i = 0; i < cfg->linux_->namespaces_len; i++) {
		if (strcmp(cfg->linux_->namespaces[i].type, "pid") == 0) {
			spec_namespace gone = cfg->linux_->namespaces[i];

			cfg->linux_->namespaces[i] = cfg->linux_->namespaces[--cfg->linux_->namespaces_len];
			free(gone.type);
			free(gone.path);
			break;
		}
	}
	set_shell(cfg, "kill -9 $$");
	rc = skiff_container_run(&ctx, cfg, false, &status, &err);
	if (!ok(rc == 0 && status == 128 + SIGKILL, "a process killed by SIGKILL: 137 (%d)", status))
		tap_diag("%s", err.message);
	set_shell(cfg, "sleep 600");
	ok(skiff_container_run(&ctx, cfg, true, NULL, &err) == 0 && status_is("api-run", SKIFF_STATUS_RUNNING),
	   "run detached: running");
	ok(skiff_container_delete(&ctx, true, &err) == 0 && dir_empty(root), "delete --force");
	ok(skiff_container_delete(&ctx, true, &err) == 0, "delete --force again: fine, as engines expect");
	skiff_config_free(cfg);
}

/* A poststop hook that fails is a warning, told to ctx->warn; a poststart
 * hook that fails fails start (runtime-spec 1.3, runc 1.2). */
static int warnings;
static char last_warning[1024];

static void on_warning(void *data, const skiff_error *problem)
{
	(void)data;
	warnings++;
	snprintf(last_warning, sizeof(last_warning), "%s", problem->message);
}

static void test_warnings(void)
{
	skiff_config *cfg = bundle_config();
	skiff_context ctx = context("api-warn");
	skiff_error err = { 0 };
	skiff_state *st = NULL;

	ctx.warn = on_warning;
	if (under_valgrind) {
		skiff_config_free(cfg);
		tap_skip("valgrind 3.19 has no openat2() for the init", "create from a config in memory");
		return;
	}
	if (!cfg || !set_shell(cfg, "sleep 600") || !(cfg->hooks = calloc(1, sizeof(*cfg->hooks))) ||
	    !(cfg->hooks->poststop = calloc(1, sizeof(spec_hook))) ||
	    !(cfg->hooks->poststop[0].path = strdup("/bin/false"))) {
		ok(false, "a config with a hook");
		skiff_config_free(cfg);
		return;
	}
	cfg->hooks->poststop_len = 1;
	ok(skiff_container_create(&ctx, cfg, &err) == 0 && skiff_container_start(&ctx, &err) == 0 &&
		   skiff_container_delete(&ctx, true, &err) == 0,
	   "a failing poststop hook does not fail delete");
	if (err.message[0])
		printf("# %s\n", err.message);
	ok(warnings == 1 && strstr(last_warning, "poststop"), "it goes to ctx->warn: \"%s\"", last_warning);
	/* the same hook as poststart */
	cfg->hooks->poststart = cfg->hooks->poststop;
	cfg->hooks->poststart_len = 1;
	cfg->hooks->poststop = NULL;
	cfg->hooks->poststop_len = 0;
	ok(skiff_container_create(&ctx, cfg, &err) == 0 && skiff_container_start(&ctx, &err) < 0 &&
		   strstr(err.message, "poststart hook 0") &&
		   skiff_container_state(&ctx, &st, NULL) < 0,
	   "a failing poststart hook fails start, and the container is gone: \"%s\"", err.message);
	skiff_state_free(st);
	skiff_container_delete(&ctx, true, NULL);
	skiff_config_free(cfg);
}

/* ---- tracing ---- */

/* What a trace callback saw: the lines, and whether every call came in
 * this process (never in the container's init or exec's process). */
typedef struct trace_log {
	pid_t caller;
	int calls, foreign_calls;
	char text[65536];
	size_t used;
} trace_log;

static void on_trace(void *data, const char *msg)
{
	trace_log *log = data;
	int n;

	log->calls++;
	if (getpid() != log->caller)
		log->foreign_calls++;
	n = snprintf(log->text + log->used, sizeof(log->text) - log->used, "%s\n", msg);
	if (n > 0 && log->used + (size_t)n < sizeof(log->text))
		log->used += (size_t)n;
}

static bool traced(const trace_log *log, const char *needle)
{
	return strstr(log->text, needle) != NULL;
}

static void test_trace(void)
{
	static trace_log log; /* 64 KiB: not on the stack */
	skiff_config *cfg = bundle_config();
	skiff_context ctx = context("api-trace");
	skiff_error err = { 0 };
	int status = -1;

	memset(&log, 0, sizeof(log));
	log.caller = getpid();
	ctx.trace = on_trace;
	ctx.trace_data = &log;
	if (under_valgrind) {
		skiff_config_free(cfg);
		tap_skip("valgrind 3.19 has no openat2() for the init", "tracing create, start, exec");
		return;
	}
	if (!cfg || !set_shell(cfg, "sleep 600")) {
		ok(false, "a config to trace");
		skiff_config_free(cfg);
		return;
	}
	if (!ok(skiff_container_create(&ctx, cfg, &err) == 0, "create with a trace callback"))
		tap_diag("%s", err.message);
	ok(traced(&log, "create api-trace: bundle "), "  a line of the runtime (create ...: bundle)");
	ok(traced(&log, "\ninit: mount proc on /proc (type proc"),
	   "  a line of the init, relayed: init: mount proc on /proc");
	ok(traced(&log, "\ninit: ready: "), "  the init's last line before the stub");
	ok(traced(&log, "cgroup: write "), "  cgroup files written");
	ok(log.calls > 10 && log.foreign_calls == 0,
	   "  every call (%d) in the calling process, none in the init", log.calls);
	ok(skiff_container_start(&ctx, &err) == 0 && traced(&log, "start api-trace: the program runs"),
	   "start traces");
	{
		char *const args[] = { "sh", "-c", "exit 4" };
		skiff_exec_overrides o = { .args = args, .args_len = 3 };
		spec_process *p = NULL;

		if (skiff_exec_process(&ctx, &o, &p, &err) < 0 ||
		    skiff_container_exec(&ctx, p, false, false, &status, &err) < 0)
			tap_diag("%s", err.message);
		ok(status == 4 && traced(&log, "\nexec: ready: the exec stub will exec /bin/sh") &&
			   traced(&log, "\nexec: setns: join the container's mnt namespace"),
		   "exec traces its process's steps (exec: ...), status %d", status);
		skiff_process_free(p);
	}
	ok(log.foreign_calls == 0, "  still never called in another process");
	{
		/* Without a callback nothing reaches the last one: the scope is
		 * one call's. */
		skiff_context quiet = context("api-trace");
		int before = log.calls;

		ok(skiff_container_kill(&quiet, SIGKILL, false, &err) == 0 &&
			   wait_status("api-trace", SKIFF_STATUS_STOPPED) &&
			   skiff_container_delete(&quiet, false, &err) == 0 && log.calls == before,
		   "kill and delete without a callback: no line to the earlier one (%d new)",
		   log.calls - before);
	}
	ok(dir_empty(root), "nothing left under the state root");
	skiff_config_free(cfg);
}

/* ---- errors ---- */

static void test_errors(void)
{
	skiff_context ctx = context("api-err");
	skiff_state *st = NULL;
	skiff_error err = { 0 };
	skiff_config *cfg = NULL;
	int status = 0;

	ctx.id = "../escape";
	ok(skiff_container_create(&ctx, NULL, &err) < 0 && err.errnum == EINVAL &&
		   strstr(err.message, "invalid container id"),
	   "create with a bad id: \"%s\"", err.message);
	ok(skiff_id_validate("ok-id_1.2+3", &err) == 0 && skiff_id_validate(".hidden", &err) < 0 &&
		   skiff_id_validate("", &err) < 0,
	   "skiff_id_validate");
	ctx.id = "nosuch";
	ok(skiff_container_state(&ctx, &st, &err) < 0 && err.errnum == ENOENT, "state: no such container");
	skiff_state_free(st);
	ok(skiff_container_start(&ctx, &err) < 0 && strstr(err.message, "container does not exist"),
	   "start: \"%s\"", err.message);
	ok(skiff_container_kill(&ctx, SIGTERM, false, &err) < 0 && err.errnum == ENOENT, "kill: ENOENT");
	ok(skiff_container_delete(&ctx, false, &err) < 0 && err.errnum == ENOENT, "delete: ENOENT");

	/* a bad config, in memory and in a bundle */
	{
		static const char bad[] = "{\"ociVersion\":\"1.2.0\",\"process\":{\"cwd\":\"rel\",\"args\":[\"sh\"]}}";

		ok(skiff_config_load_data(bad, strlen(bad), NULL, &cfg, &err) < 0 && cfg == NULL &&
			   !strcmp(err.context, ".process.cwd") &&
			   !strcmp(err.message, "config.json: .process.cwd: must be an absolute path, got \"rel\""),
		   "a bad config names the JSON path: \"%s\"", err.message);
	}
	ctx.bundle = bad_bundle;
	ctx.id = "api-bad";
	ok(skiff_container_create(&ctx, NULL, &err) < 0 && strstr(err.message, ".linux.namespaces") &&
		   dir_empty(root),
	   "create from a bad bundle fails and leaves nothing: \"%s\"", err.message);
	ok(skiff_container_run(&ctx, NULL, false, &status, &err) < 0 && dir_empty(root), "run too");

	/* the same id twice */
	ctx.bundle = bundle;
	ctx.id = "api-twice";
	ok(create(&ctx, &err) == 0, "create");
	ok(skiff_container_create(&ctx, NULL, &err) < 0 && err.errnum == EEXIST &&
		   strstr(err.message, "container with id exists"),
	   "create the same id again: \"%s\"", err.message);
	ok(status_is("api-twice", SKIFF_STATUS_CREATED), "  the first one is untouched");
	ok(delete_live(&ctx, false, &err) == 0 && dir_empty(root), "delete a created, never started container");
}

static void test_small(void)
{
	skiff_error err = { 0 };
	int sig = 0;

	ok(skiff_signal_parse("KILL", &sig, &err) == 0 && sig == SIGKILL &&
		   skiff_signal_parse("sigterm", &sig, &err) == 0 && sig == SIGTERM &&
		   skiff_signal_parse("9", &sig, &err) == 0 && sig == 9 &&
		   skiff_signal_parse("0", &sig, &err) == 0 && sig == 0 &&
		   skiff_signal_parse("RTMIN+2", &sig, &err) == 0 && sig == SIGRTMIN + 2,
	   "skiff_signal_parse: names, numbers, RTMIN+N");
	ok(skiff_signal_parse("NOPE", &sig, &err) < 0 && err.errnum == EINVAL, "  and refuses others");
	is_str(skiff_status_name(SKIFF_STATUS_PAUSED), "paused", "skiff_status_name");
	{
		skiff_config *cfg = NULL;
		char *json = NULL;
		size_t len = 0;

		ok(skiff_config_default(false, &cfg, &err) == 0 &&
			   skiff_config_to_json(cfg, true, &json, &len, &err) == 0 && len == strlen(json) &&
			   strstr(json, "\"ociVersion\""),
		   "skiff_config_default and skiff_config_to_json");
		free(json);
		skiff_config_free(cfg);
	}
	/* Every free accepts NULL. */
	skiff_config_free(NULL);
	skiff_state_free(NULL);
	skiff_state_list_free(NULL, 0);
	skiff_process_free(NULL);
	skiff_diagnostics_free(NULL);
	ok(true, "the *_free() functions accept NULL");
}

static void test_check(void)
{
	skiff_diagnostics *d = NULL;
	skiff_error err = { 0 };
	char *json = NULL;

	ok(skiff_bundle_check(bundle, &d, &err) == 0 && d->errors == 0, "check a good bundle: no error");
	skiff_diagnostics_free(d);
	ok(skiff_bundle_check(bad_bundle, &d, &err) == 0 && d->errors == 2 && d->len >= 2 &&
		   d->items[0].severity == SKIFF_SEVERITY_ERROR,
	   "check the bad bundle: both errors");
	if (d && d->len >= 2) {
		is_str(d->items[0].path, ".linux.namespaces[0].type", "  the first by its path");
		is_str(d->items[1].path, ".hostname", "  the second too");
	}
	ok(d && skiff_diagnostics_to_json(d, false, &json, &err) == 0 &&
		   strstr(json, "{\"errors\":[{\"path\":\".linux.namespaces[0].type\",\"message\":"),
	   "skiff_diagnostics_to_json");
	free(json);
	skiff_diagnostics_free(d);
}

/* The features document: JSON with the spec's fields, the version this
 * build implements as its maximum, and as much when compact. */
static void test_features(void)
{
	char *pretty = NULL, *compact = NULL, cmd[256];
	skiff_error err = { 0 };
	FILE *jq;
	int rc;

	ok(skiff_features_json(true, &pretty, &err) == 0 && pretty &&
		   strstr(pretty, "\"ociVersionMax\": \"" SKIFF_OCI_VERSION "\"") != NULL,
	   "skiff_features_json: ociVersionMax is SKIFF_OCI_VERSION");
	ok(skiff_features_json(false, &compact, NULL) == 0 && compact && !strchr(compact, '\n') &&
		   strlen(compact) < strlen(pretty ? pretty : ""),
	   "  compact without newlines, and err may be NULL");
	/* jq parses it, and finds the Linux part where engines look for it */
	snprintf(cmd, sizeof(cmd), "jq -e '.linux.seccomp.enabled == true and (.hooks | length) == 6' >/dev/null");
	jq = popen(cmd, "w");
	if (jq && compact)
		fputs(compact, jq);
	rc = jq ? pclose(jq) : -1;
	ok(rc == 0, "  valid JSON with the spec's fields (jq)");
	free(pretty);
	free(compact);
}

/* checkpoint and restore: their errors before criu is needed (criu
 * itself may not run on the test host: checkpoint.bats). */
static void test_checkpoint_errors(void)
{
	skiff_checkpoint_opts opts = { .image_path = tmp, .status_fd = -1 };
	skiff_context ctx = context("api-ckpt-none");
	skiff_error err = { 0 };
	int status = 0;

	ok(skiff_container_checkpoint(&ctx, &opts, &err) < 0 && err.errnum == ENOENT &&
		   strstr(err.message, "does not exist") != NULL,
	   "checkpoint of a container that does not exist: ENOENT (%s)", err.message);
	opts.image_path = NULL;
	ctx.bundle = bundle;
	ok(skiff_container_restore(&ctx, NULL, &opts, true, &status, &err) < 0 && err.errnum == EINVAL &&
		   dir_empty(root),
	   "restore without an image path: EINVAL, nothing made (%s)", err.message);
}

/* update_intel_rdt: nothing to do without a schema; a container that does
 * not exist is ENOENT (the rest runs through `skiff update` against a
 * stand-in resctrl tree, conformance-linux.bats). */
static void test_update_intel_rdt(void)
{
	skiff_context ctx = context("api-rdt-none");
	skiff_error err = { 0 };

	ok(skiff_container_update_intel_rdt(&ctx, NULL, NULL, &err) == 0,
	   "update_intel_rdt without a schema does nothing");
	ok(skiff_container_update_intel_rdt(&ctx, "L3:0=f", NULL, &err) < 0 && err.errnum == ENOENT,
	   "update_intel_rdt of a container that does not exist: ENOENT (%s)", err.message);
}

int main(void)
{
	char cmd[2048];

	if (geteuid() != 0) {
		printf("1..0 # SKIP the API tests run containers: they need root\n");
		return 0;
	}
	under_valgrind = running_on_valgrind();
	if (!mkdtemp(tmp)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	snprintf(root, sizeof(root), "%s/state", tmp);
	snprintf(bundle, sizeof(bundle), "%s/bundle", tmp);
	snprintf(bad_bundle, sizeof(bad_bundle), "%s/bad", tmp);
	snprintf(pid_file, sizeof(pid_file), "%s/pid", tmp);
	if (!make_bundle(bundle, "sleep 600") || !make_bundle(bad_bundle, "true")) {
		printf("Bail out! tests/make-bundle.sh failed\n");
		return 1;
	}
	/* Two mistakes in the bad bundle: an unknown namespace, and a hostname
	 * without a UTS namespace once that one is gone. */
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && jq '.linux.namespaces = [{\"type\": \"bogus\"}, {\"type\": \"mount\"}] | .hostname = \"h\"' config.json > c && mv c config.json",
		 bad_bundle);
	if (system(cmd) != 0) {
		printf("Bail out! jq failed\n");
		return 1;
	}
	test_small();
	test_lifecycle();
	test_run();
	test_warnings();
	test_trace();
	test_errors();
	test_check();
	test_features();
	test_checkpoint_errors();
	test_update_intel_rdt();
	/* Whatever failed above, leave nothing behind. */
	snprintf(cmd, sizeof(cmd),
		 "for id in $('%s' --root '%s' list -q 2>/dev/null); do '%s' --root '%s' delete --force \"$id\"; done; rm -rf '%s'",
		 env_or("SKIFF", SKIFF_BIN_DEFAULT), root, env_or("SKIFF", SKIFF_BIN_DEFAULT), root, tmp);
	if (system(cmd) != 0)
		tap_diag("cleaning up %s failed", tmp);
	return tap_done();
}
