/* update, pause, resume, ps, events: the commands that act through cgroups. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "cli.h"
#include "units.h"

extern char **environ;

/* ------------------------------------------------------------- update -- */

enum {
	U_RESOURCES = 'r',
	U_BLKIO_WEIGHT = 256,
	U_CPU_PERIOD,
	U_CPU_QUOTA,
	U_CPU_SHARE,
	U_CPU_BURST,
	U_CPU_RT_PERIOD,
	U_CPU_RT_RUNTIME,
	U_CPUSET_CPUS,
	U_CPUSET_MEMS,
	U_MEMORY,
	U_MEMORY_RESERVATION,
	U_MEMORY_SWAP,
	U_KERNEL_MEMORY,
	U_KERNEL_MEMORY_TCP,
	U_PIDS_LIMIT,
	U_L3_CACHE_SCHEMA,
	U_MEM_BW_SCHEMA,
	U_HELP = 'h',
};

static const struct option update_options[] = {
	{ "resources", required_argument, NULL, U_RESOURCES },
	{ "blkio-weight", required_argument, NULL, U_BLKIO_WEIGHT },
	{ "cpu-period", required_argument, NULL, U_CPU_PERIOD },
	{ "cpu-quota", required_argument, NULL, U_CPU_QUOTA },
	{ "cpu-share", required_argument, NULL, U_CPU_SHARE },
	{ "cpu-shares", required_argument, NULL, U_CPU_SHARE },
	{ "cpu-burst", required_argument, NULL, U_CPU_BURST },
	{ "cpu-rt-period", required_argument, NULL, U_CPU_RT_PERIOD },
	{ "cpu-rt-runtime", required_argument, NULL, U_CPU_RT_RUNTIME },
	{ "cpuset-cpus", required_argument, NULL, U_CPUSET_CPUS },
	{ "cpuset-mems", required_argument, NULL, U_CPUSET_MEMS },
	{ "memory", required_argument, NULL, U_MEMORY },
	{ "memory-reservation", required_argument, NULL, U_MEMORY_RESERVATION },
	{ "memory-swap", required_argument, NULL, U_MEMORY_SWAP },
	{ "kernel-memory", required_argument, NULL, U_KERNEL_MEMORY },
	{ "kernel-memory-tcp", required_argument, NULL, U_KERNEL_MEMORY_TCP },
	{ "pids-limit", required_argument, NULL, U_PIDS_LIMIT },
	{ "l3-cache-schema", required_argument, NULL, U_L3_CACHE_SCHEMA },
	{ "mem-bw-schema", required_argument, NULL, U_MEM_BW_SCHEMA },
	{ "help", no_argument, NULL, U_HELP },
	{ NULL, 0, NULL, 0 },
};

/* The resources document of -r: a file, or stdin for "-". */
static int read_resources(const char *path, spec_resources **out, skiff_error *err)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "re") : stdin;
	char *text = NULL;
	size_t len = 0, cap = 0;
	int rc;

	if (!f) {
		snprintf(err->message, sizeof(err->message), "open %s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		size_t n;

		if (cap - len < 4096) {
			char *grown = cap > (64u << 20) ? NULL : realloc(text, cap + 65536);

			if (!grown) {
				free(text);
				if (f != stdin)
					fclose(f);
				snprintf(err->message, sizeof(err->message), "read %s: too large", path);
				return -1;
			}
			text = grown;
			cap += 65536;
		}
		n = fread(text + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (f != stdin)
		fclose(f);
	rc = skiff_resources_load_data(text, len, strcmp(path, "-") ? path : "stdin", out, err);
	free(text);
	return rc;
}

typedef struct update_flags {
	spec_resources *r;
	const char *resources_file;
	const char *l3_cache_schema, *mem_bw_schema;
} update_flags;

static void *section(void **slot, size_t size)
{
	if (!*slot)
		*slot = calloc(1, size);
	return *slot;
}

/* One flag into the resources, runc's parsing and wording. */
static int update_flag(const cli_command *cmd, update_flags *u, int opt, const char *name,
		       const char *value)
{
	spec_resources *r = u->r;
	spec_memory *m = NULL;
	spec_cpu *c = NULL;
	char why[256];
	int64_t v = 0;

	if (opt >= U_MEMORY && opt <= U_KERNEL_MEMORY_TCP) {
		if (!(m = section((void **)&r->memory, sizeof(*r->memory))))
			return cli_fail_text("out of memory");
		if (strcmp(value, "-1") && units_parse_size(value, &v, why, sizeof(why)) < 0)
			return cli_fail_text("invalid value for %s: %s", name, why);
		if (!strcmp(value, "-1"))
			v = -1;
	} else if (opt >= U_CPU_PERIOD && opt <= U_CPUSET_MEMS) {
		if (!(c = section((void **)&r->cpu, sizeof(*r->cpu))))
			return cli_fail_text("out of memory");
		if (opt != U_CPUSET_CPUS && opt != U_CPUSET_MEMS &&
		    units_parse_int(value, opt == U_CPU_QUOTA || opt == U_CPU_RT_RUNTIME, &v, why,
				    sizeof(why)) < 0)
			return cli_fail_text("invalid value for %s: %s", name, why);
	}
	switch (opt) {
	case U_MEMORY: m->limit = v; m->has_limit = true; break;
	case U_MEMORY_RESERVATION: m->reservation = v; m->has_reservation = true; break;
	case U_MEMORY_SWAP: m->swap = v; m->has_swap = true; break;
	case U_KERNEL_MEMORY: m->kernel = v; m->has_kernel = true; break;
	case U_KERNEL_MEMORY_TCP: m->kernel_tcp = v; m->has_kernel_tcp = true; break;
	case U_CPU_PERIOD: c->period = (uint64_t)v; c->has_period = true; break;
	case U_CPU_QUOTA: c->quota = v; c->has_quota = true; break;
	case U_CPU_SHARE: c->shares = (uint64_t)v; c->has_shares = true; break;
	case U_CPU_BURST: c->burst = (uint64_t)v; c->has_burst = true; break;
	case U_CPU_RT_PERIOD: c->realtime_period = (uint64_t)v; c->has_realtime_period = true; break;
	case U_CPU_RT_RUNTIME: c->realtime_runtime = v; c->has_realtime_runtime = true; break;
	case U_CPUSET_CPUS:
		free(c->cpus);
		if (!(c->cpus = strdup(value)))
			return cli_fail_text("out of memory");
		break;
	case U_CPUSET_MEMS:
		free(c->mems);
		if (!(c->mems = strdup(value)))
			return cli_fail_text("out of memory");
		break;
	case U_PIDS_LIMIT:
		if (units_parse_int(value, true, &v, why, sizeof(why)) < 0 || v < INT32_MIN ||
		    v > INT32_MAX)
			return cli_usage_error(cmd, "invalid value \"%s\" for flag -pids-limit: parse error",
					       value);
		if (!section((void **)&r->pids, sizeof(*r->pids)))
			return cli_fail_text("out of memory");
		r->pids->limit = v;
		break;
	case U_BLKIO_WEIGHT:
		if (units_parse_int(value, false, &v, why, sizeof(why)) < 0 || v > UINT16_MAX)
			return cli_usage_error(cmd, "invalid value \"%s\" for flag -blkio-weight: parse error",
					       value);
		if (!section((void **)&r->block_io, sizeof(*r->block_io)))
			return cli_fail_text("out of memory");
		r->block_io->weight = (uint16_t)v;
		r->block_io->has_weight = v != 0;
		break;
	}
	return 0;
}

static int run_update(const cli_globals *g, int argc, char **argv)
{
	update_flags u = { .r = calloc(1, sizeof(spec_resources)) };
	spec_resources *from_file = NULL;
	skiff_context ctx;
	skiff_error err;
	int opt, rc = 1;

	if (!u.r)
		return cli_fail_text("out of memory");
	cli_context_init(&ctx, g);
	cli_reorder_args(argc, argv, "r:h", update_options);
	for (int index = -1; (opt = getopt_long_only(argc, argv, "+r:h", update_options, &index)) != -1;
	     index = -1) {
		switch (opt) {
		case U_HELP:
			cli_help(&cmd_update);
			rc = 0;
			goto out;
		case U_RESOURCES:
			u.resources_file = optarg;
			break;
		case U_L3_CACHE_SCHEMA:
			u.l3_cache_schema = optarg;
			break;
		case U_MEM_BW_SCHEMA:
			u.mem_bw_schema = optarg;
			break;
		case '?':
		case ':':
			rc = cli_unknown_option(&cmd_update, argv);
			goto out;
		default:
			if (update_flag(&cmd_update, &u, opt,
					index >= 0 ? update_options[index].name : "", optarg))
				goto out;
		}
	}
	rc = cli_one_id(&cmd_update, argc, argv, &ctx.id);
	if (rc)
		goto out;
	/* runc writes the Intel RDT schemas first, then the resources. */
	if (skiff_container_update_intel_rdt(&ctx, u.l3_cache_schema, u.mem_bw_schema, &err) < 0) {
		rc = cli_fail(&err);
		goto out;
	}
	/* As runc: with -r, every other flag is ignored. */
	if (u.resources_file && read_resources(u.resources_file, &from_file, &err) < 0) {
		rc = cli_fail(&err);
		goto out;
	}
	if (skiff_container_update(&ctx, from_file ? from_file : u.r, &err) < 0) {
		rc = cli_fail(&err);
		goto out;
	}
	rc = 0;
out:
	skiff_resources_free(from_file);
	skiff_resources_free(u.r);
	return rc;
}

/* ------------------------------------------------------- pause, resume -- */

static int parse_only_id(const cli_command *cmd, const cli_globals *g, int argc, char **argv,
			 skiff_context *ctx)
{
	static const struct option flags[] = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
	int opt;

	cli_context_init(ctx, g);
	cli_reorder_args(argc, argv, "h", flags);
	if ((opt = getopt_long_only(argc, argv, "+h", flags, NULL)) != -1)
		return cli_help_or_unknown(cmd, opt == 'h', argv);
	if (cli_one_id(cmd, argc, argv, &ctx->id))
		return 1;
	return 0;
}

static int run_pause(const cli_globals *g, int argc, char **argv)
{
	skiff_context ctx;
	skiff_error err;
	int rc = parse_only_id(&cmd_pause, g, argc, argv, &ctx);

	if (rc)
		return rc < 0 ? 0 : rc;
	return skiff_container_pause(&ctx, &err) < 0 ? cli_fail(&err) : 0;
}

static int run_resume(const cli_globals *g, int argc, char **argv)
{
	skiff_context ctx;
	skiff_error err;
	int rc = parse_only_id(&cmd_resume, g, argc, argv, &ctx);

	if (rc)
		return rc < 0 ? 0 : rc;
	return skiff_container_resume(&ctx, &err) < 0 ? cli_fail(&err) : 0;
}

/* ----------------------------------------------------------------- ps -- */

static int print_pids_json(const pid_t *pids, size_t n)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;

	if (!g)
		return cli_fail_text("out of memory");
	/* Go encodes an empty list as null, and so runc prints it. */
	if (n == 0) {
		yajl_gen_null(g);
	} else {
		yajl_gen_array_open(g);
		for (size_t i = 0; i < n; i++)
			yajl_gen_integer(g, pids[i]);
		yajl_gen_array_close(g);
	}
	if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok)
		printf("%.*s\n", (int)len, (const char *)buf);
	yajl_gen_free(g);
	return 0;
}

/* Run ps with args, its stdout and stderr together into *out. */
static int capture_ps(char **args, char **out, int *status)
{
	posix_spawn_file_actions_t fa;
	size_t len = 0, cap = 0;
	int pipefd[2];
	pid_t pid;
	int rc;

	*out = NULL;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
	rc = posix_spawnp(&pid, "ps", &fa, NULL, args, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (rc) {
		close(pipefd[0]);
		errno = rc;
		return -1;
	}
	for (;;) {
		ssize_t n;

		if (cap - len < 4096) {
			char *grown = realloc(*out, cap + 65536);

			if (!grown)
				break;
			*out = grown;
			cap += 65536;
		}
		n = read(pipefd[0], *out + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(pipefd[0]);
	if (*out)
		(*out)[len] = '\0';
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	return *out ? 0 : -1;
}

static bool has_pid(const pid_t *pids, size_t n, long pid)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/* Which whitespace-separated field of ps's header is PID, or -1. */
static int pid_column(const char *header)
{
	char *copy = strdup(header), *f, *save = NULL, *p = copy;
	int col = 0, found = -1;

	for (; copy && (f = strtok_r(p, " \t", &save)); p = NULL, col++) {
		if (!strcmp(f, "PID")) {
			found = col;
			break;
		}
	}
	free(copy);
	return found;
}

/* runc's table: ps's header, then the lines whose PID is the container's. */
static int print_ps_table(char **ps_args, int n_args, const pid_t *pids, size_t n)
{
	char **args = calloc((size_t)n_args + 3, sizeof(*args)), *output, *line, *save = NULL;
	int status = 0, pid_col;

	if (!args)
		return cli_fail_text("out of memory");
	args[0] = "ps";
	if (n_args == 0)
		args[1] = "-ef";
	for (int i = 0; i < n_args; i++)
		args[i + 1] = ps_args[i];
	if (capture_ps(args, &output, &status) < 0) {
		free(args);
		return cli_fail_text("exec ps: %s", strerror(errno));
	}
	free(args);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		cli_fail_text("exit status %d: %s", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
			      output);
		free(output);
		return 1;
	}
	line = strtok_r(output, "\n", &save);
	pid_col = line ? pid_column(line) : -1;
	if (pid_col < 0) {
		free(output);
		return cli_fail_text("couldn't find PID field in ps output");
	}
	printf("%s\n", line);
	while ((line = strtok_r(NULL, "\n", &save))) {
		char *copy = strdup(line), *f = NULL, *fs = NULL, *p = copy;

		for (int i = 0; copy && i <= pid_col; i++, p = NULL)
			f = strtok_r(p, " \t", &fs);
		if (f && has_pid(pids, n, strtol(f, NULL, 10)))
			printf("%s\n", line);
		free(copy);
	}
	free(output);
	return 0;
}

static int run_ps(const cli_globals *g, int argc, char **argv)
{
	static const struct option flags[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *format = "table";
	skiff_context ctx;
	skiff_error err;
	pid_t *pids;
	size_t n;
	int opt, rc;

	cli_context_init(&ctx, g);
	/* "+": everything after the id belongs to ps. */
	while ((opt = getopt_long_only(argc, argv, "+f:h", flags, NULL)) != -1) {
		if (opt == 'h')
			return cli_help(&cmd_ps);
		if (opt == 'f') {
			format = optarg;
			continue;
		}
		return cli_unknown_option(&cmd_ps, argv);
	}
	if (optind >= argc)
		return cli_usage_error(&cmd_ps, "requires at least 1 argument, the container id");
	if (strcmp(format, "table") && strcmp(format, "json"))
		return cli_fail_text("invalid format option");
	ctx.id = argv[optind];
	if (skiff_container_pids(&ctx, &pids, &n, &err) < 0)
		return cli_fail(&err);
	if (!strcmp(format, "json"))
		rc = print_pids_json(pids, n);
	else
		rc = print_ps_table(argv + optind + 1, argc - optind - 1, pids, n);
	free(pids);
	return rc;
}

/* ------------------------------------------------------------- events -- */

static int print_event(const char *type, const char *id, const skiff_stats *st)
{
	skiff_error err;
	char *json;

	if (skiff_event_to_json(type, id, st, &json, &err) < 0)
		return cli_fail(&err);
	printf("%s\n", json);
	/* One line as it happens, whatever stdout is. */
	fflush(stdout);
	free(json);
	return 0;
}

static int print_stats(const skiff_context *ctx, skiff_error *err)
{
	skiff_stats *st;
	int rc;

	if (skiff_container_stats(ctx, &st, err) < 0)
		return -1;
	rc = print_event("stats", ctx->id, st);
	skiff_stats_free(st);
	return rc ? -1 : 0;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The init's pidfd: readable once the container has stopped. */
static int open_init(const skiff_context *ctx, skiff_error *err)
{
	skiff_state *st;
	int fd = -1;

	if (skiff_container_state(ctx, &st, err) < 0)
		return -1;
	if (st->status != SKIFF_STATUS_STOPPED)
		fd = (int)syscall(SYS_pidfd_open, st->pid, 0);
	if (fd < 0)
		snprintf(err->message, sizeof(err->message), "container with id %s is not running",
			 ctx->id);
	skiff_state_free(st);
	return fd;
}

/* Report OOMs the watch has seen; false once its cgroup is gone. */
static bool report_ooms(skiff_oom_watch *watch, const char *id)
{
	unsigned ooms = 0;
	bool gone = false;
	skiff_error err;

	if (!watch || skiff_oom_watch_read(watch, &ooms, &gone, &err) < 0)
		return watch != NULL;
	while (ooms-- > 0)
		print_event("oom", id, NULL);
	return !gone;
}

static int run_events(const cli_globals *g, int argc, char **argv)
{
	static const struct option flags[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "stats", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int64_t interval = 5000000000LL, next;
	skiff_oom_watch *watch = NULL;
	bool stats_once = false;
	skiff_context ctx;
	skiff_error err;
	char why[256];
	int opt, init_fd, rc = 0;

	cli_context_init(&ctx, g);
	cli_reorder_args(argc, argv, "h", flags);
	while ((opt = getopt_long_only(argc, argv, "+h", flags, NULL)) != -1) {
		if (opt == 'h')
			return cli_help(&cmd_events);
		if (opt == 's') {
			stats_once = true;
		} else if (opt == 'i') {
			if (units_parse_duration(optarg, &interval, why, sizeof(why)) < 0)
				return cli_usage_error(&cmd_events,
						       "invalid value \"%s\" for flag -interval: parse error",
						       optarg);
		} else {
			return cli_unknown_option(&cmd_events, argv);
		}
	}
	if (cli_one_id(&cmd_events, argc, argv, &ctx.id))
		return 1;
	if (interval <= 0)
		return cli_fail_text("duration interval must be greater than 0");
	if (stats_once)
		return print_stats(&ctx, &err) < 0 ? cli_fail(&err) : 0;
	init_fd = open_init(&ctx, &err);
	if (init_fd < 0)
		return cli_fail(&err);
	/* Without a memory controller there are stats but no OOM events. */
	if (skiff_oom_watch_open(&ctx, &watch, &err) < 0 && err.errnum != ENOTSUP) {
		close(init_fd);
		return cli_fail(&err);
	}
	/* Stats every interval, OOMs as they come, until the container stops.
	 * What poll reports is handled before the next stats, so that an OOM
	 * that ends the container is never lost to a failing stats read. */
	for (next = now_ns();;) {
		struct pollfd fds[2] = {
			{ .fd = init_fd, .events = POLLIN },
			{ .fd = skiff_oom_watch_fd(watch), .events = POLLIN },
		};
		int64_t wait = next - now_ns();

		if (poll(fds, watch ? 2 : 1, wait > 0 ? (int)(wait / 1000000 + 1) : 0) < 0 &&
		    errno != EINTR) {
			rc = cli_fail_text("events: poll: %s", strerror(errno));
			break;
		}
		if (fds[1].revents && !report_ooms(watch, ctx.id))
			break;
		if (fds[0].revents) {
			/* The kernel signals an OOM before its victim is gone. */
			report_ooms(watch, ctx.id);
			break;
		}
		if (now_ns() < next)
			continue;
		if (print_stats(&ctx, &err) < 0) {
			struct pollfd gone = { .fd = init_fd, .events = POLLIN };

			/* The container stopping under us ends the stream; anything
			 * else is an error. */
			if (poll(&gone, 1, 0) != 1)
				rc = cli_fail(&err);
			report_ooms(watch, ctx.id);
			break;
		}
		next += interval;
	}
	skiff_oom_watch_close(watch);
	close(init_fd);
	return rc;
}

/* --------------------------------------------------------------- help -- */

/* runc 1.1's --kernel-memory and --kernel-memory-tcp are accepted and not
 * listed, as runc lists them no more; --cpu-burst is runc 1.2's. */
static const cli_option update_help[] = {
	{ "--resources value, -r value",
	  "path to the file containing the resources to update or '-' to read from the standard input\n"
	  "\n"
	  "The accepted format is as follow (unchanged values can be omitted):\n"
	  "\n"
	  "{\n"
	  "  \"memory\": {\n"
	  "    \"limit\": 0,\n"
	  "    \"reservation\": 0,\n"
	  "    \"swap\": 0\n"
	  "  },\n"
	  "  \"cpu\": {\n"
	  "    \"shares\": 0,\n"
	  "    \"quota\": 0,\n"
	  "    \"period\": 0,\n"
	  "    \"realtimeRuntime\": 0,\n"
	  "    \"realtimePeriod\": 0,\n"
	  "    \"cpus\": \"\",\n"
	  "    \"mems\": \"\"\n"
	  "  },\n"
	  "  \"blockIO\": {\n"
	  "    \"weight\": 0\n"
	  "  }\n"
	  "}\n"
	  "\n"
	  "Note: if data is to be read from a file or the standard input, all\n"
	  "other options are ignored." },
	{ "--blkio-weight value", "Specifies per cgroup weight, range is from 10 to 1000 (default: 0)" },
	{ "--cpu-period value", "CPU CFS period to be used for hardcapping (in usecs). 0 to use system default" },
	{ "--cpu-quota value", "CPU CFS hardcap limit (in usecs). Allowed cpu time in a given period" },
	{ "--cpu-burst value",
	  "CPU CFS hardcap burst limit (in usecs). Allowed accumulated cpu time additionally for burst a given period" },
	{ "--cpu-share value", "CPU shares (relative weight vs. other containers)" },
	{ "--cpu-rt-period value", "CPU realtime period to be used for hardcapping (in usecs). 0 to use system default" },
	{ "--cpu-rt-runtime value", "CPU realtime hardcap limit (in usecs). Allowed cpu time in a given period" },
	{ "--cpuset-cpus value", "CPU(s) to use" },
	{ "--cpuset-mems value", "Memory node(s) to use" },
	{ "--memory value", "Memory limit (in bytes)" },
	{ "--memory-reservation value", "Memory reservation or soft_limit (in bytes)" },
	{ "--memory-swap value", "Total memory usage (memory + swap); set '-1' to enable unlimited swap" },
	{ "--pids-limit value", "Maximum number of pids allowed in the container (default: 0)" },
	{ "--l3-cache-schema value", "The string of Intel RDT/CAT L3 cache schema" },
	{ "--mem-bw-schema value", "The string of Intel RDT/MBA memory bandwidth schema" },
	{ NULL, NULL },
};

const cli_command cmd_update = {
	"update", "update container resource constraints", "<container-id>", NULL, NULL,
	update_help, run_update,
};

const cli_command cmd_pause = {
	"pause", "pause suspends all processes inside the container", "<container-id>",
	"Where \"<container-id>\" is the name for the instance of the container to be\n"
	"paused. ",
	"The pause command suspends all processes in the instance of the container.\n"
	"\n"
	"Use skiff list to identify instances of containers and their current status.",
	NULL, run_pause,
};

const cli_command cmd_resume = {
	"resume", "resumes all processes that have been previously paused", "<container-id>",
	"Where \"<container-id>\" is the name for the instance of the container to be\n"
	"resumed.",
	"The resume command resumes all processes in the instance of the container.\n"
	"\n"
	"Use skiff list to identify instances of containers and their current status.",
	NULL, run_resume,
};

static const cli_option ps_help[] = {
	{ "--format value, -f value", "select one of: table or json (default: \"table\")" },
	{ NULL, NULL },
};

const cli_command cmd_ps = {
	"ps", "ps displays the processes running inside a container", "<container-id> [ps options]",
	NULL, NULL, ps_help, run_ps,
};

static const cli_option events_help[] = {
	{ "--interval value", "set the stats collection interval (default: 5s)" },
	{ "--stats", "display the container's stats then exit" },
	{ NULL, NULL },
};

const cli_command cmd_events = {
	"events",
	"display container events such as OOM notifications, cpu, memory, and IO usage statistics",
	"<container-id>", "Where \"<container-id>\" is the name for the instance of the container.",
	"The events command displays information about the container. By default the\n"
	"information is displayed once every 5 seconds.",
	events_help, run_events,
};
