/* create, start, run, kill, delete. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "cli.h"

enum {
	OPT_BUNDLE = 'b',
	OPT_DETACH = 'd',
	OPT_CONSOLE_SOCKET = 256,
	OPT_PID_FILE,
	OPT_NO_PIVOT,
	OPT_NO_NEW_KEYRING,
	OPT_PRESERVE_FDS,
	OPT_KEEP,
	OPT_NO_SUBREAPER,
	OPT_PIDFD_SOCKET,
	OPT_HELP = 'h',
};

static const struct option create_options[] = {
	{ "bundle", required_argument, NULL, OPT_BUNDLE },
	{ "console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET },
	{ "pid-file", required_argument, NULL, OPT_PID_FILE },
	{ "no-pivot", no_argument, NULL, OPT_NO_PIVOT },
	{ "no-new-keyring", no_argument, NULL, OPT_NO_NEW_KEYRING },
	{ "preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS },
	{ "pidfd-socket", required_argument, NULL, OPT_PIDFD_SOCKET },
	{ "detach", no_argument, NULL, OPT_DETACH },
	{ "keep", no_argument, NULL, OPT_KEEP },
	{ "no-subreaper", no_argument, NULL, OPT_NO_SUBREAPER },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

/* runc's texts for the flags create and run share. */
#define OPT_TEXT_BUNDLE \
	{ "--bundle value, -b value", \
	  "path to the root of the bundle directory, defaults to the current directory" }
#define OPT_TEXT_CONSOLE_SOCKET \
	{ "--console-socket value", \
	  "path to an AF_UNIX socket which will receive a file descriptor referencing the master end of the console's pseudoterminal" }
#define OPT_TEXT_PID_FILE { "--pid-file value", "specify the file to write the process id to" }
#define OPT_TEXT_PIDFD_SOCKET \
	{ "--pidfd-socket value", \
	  "path to an AF_UNIX socket which will receive a file descriptor referencing the init process" }
#define OPT_TEXT_NO_PIVOT \
	{ "--no-pivot", \
	  "do not use pivot root to jail process inside rootfs.  This should be used whenever the rootfs is on top of a ramdisk" }
#define OPT_TEXT_NO_NEW_KEYRING \
	{ "--no-new-keyring", \
	  "do not create a new session keyring for the container.  This will cause the container to inherit the calling processes session key" }
#define OPT_TEXT_PRESERVE_FDS \
	{ "--preserve-fds value", \
	  "Pass N additional file descriptors to the container (stdio + $LISTEN_FDS + N in total) (default: 0)" }

typedef struct create_args {
	skiff_context ctx;
	bool detach;
	bool keep;
	bool no_subreaper;
} create_args;

static int parse_create(const cli_command *cmd, const cli_globals *g, int argc, char **argv,
			bool allow_detach, create_args *out)
{
	int opt;

	memset(out, 0, sizeof(*out));
	cli_context_init(&out->ctx, g);
	cli_reorder_args(argc, argv, "b:dh", create_options);
	while ((opt = getopt_long_only(argc, argv, "+b:dh", create_options, NULL)) != -1) {
		switch (opt) {
		case OPT_BUNDLE:
			out->ctx.bundle = optarg;
			break;
		case OPT_CONSOLE_SOCKET:
			out->ctx.console_socket = optarg;
			break;
		case OPT_PID_FILE:
			out->ctx.pid_file = optarg;
			break;
		case OPT_NO_PIVOT:
			out->ctx.no_pivot = true;
			break;
		case OPT_NO_NEW_KEYRING:
			out->ctx.no_new_keyring = true;
			break;
		case OPT_PRESERVE_FDS: {
			char *end;
			long n;

			errno = 0;
			n = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || n < 0 || n > 65536)
				return cli_usage_error(cmd, "invalid --preserve-fds \"%s\"", optarg);
			out->ctx.preserve_fds = (int)n;
			break;
		}
		case OPT_DETACH:
			if (!allow_detach)
				return cli_usage_error(cmd, "unknown option --detach");
			out->detach = true;
			break;
		case OPT_NO_SUBREAPER:
			if (!allow_detach)
				return cli_unknown_option(cmd, argv);
			out->no_subreaper = true;
			break;
		case OPT_KEEP:
			if (!allow_detach)
				return cli_unknown_option(cmd, argv);
			out->keep = true;
			break;
		case OPT_PIDFD_SOCKET:
			out->ctx.pidfd_socket = optarg;
			break;
		default:
			return cli_help_or_unknown(cmd, opt == OPT_HELP, argv);
		}
	}
	if (cli_one_id(cmd, argc, argv, &out->ctx.id))
		return 1;
	/* Socket activation, as runc: LISTEN_FDS sockets follow stdio. */
	const char *listen = getenv("LISTEN_FDS");
	if (listen && *listen) {
		char *end;
		long n = strtol(listen, &end, 10);

		if (*end || n < 0 || n > 65536)
			return cli_usage_error(cmd, "invalid LISTEN_FDS \"%s\" in the environment", listen);
		out->ctx.listen_fds = (int)n;
	}
	return 0;
}

/* create's and run's failure.  Without --bundle, a missing config.json
 * is most often a command run from the wrong directory. */
static int fail_bundle(const create_args *a, const skiff_error *err)
{
	if (!a->ctx.bundle && err->errnum == ENOENT && !strcmp(err->context, "./config.json"))
		return cli_fail_text("%s (the bundle is the current directory unless --bundle DIR "
				     "names it; `skiff spec` writes a config.json)",
				     err->message);
	return cli_fail(err);
}

static int run_create(const cli_globals *g, int argc, char **argv)
{
	create_args a;
	skiff_error err;
	int rc = parse_create(&cmd_create, g, argc, argv, false, &a);

	if (rc)
		return rc < 0 ? 0 : rc;
	if (skiff_container_create(&a.ctx, NULL, &err) < 0)
		return fail_bundle(&a, &err);
	return 0;
}

static int run_run(const cli_globals *g, int argc, char **argv)
{
	create_args a;
	skiff_error err;
	int status = 0, rc = parse_create(&cmd_run, g, argc, argv, true, &a);

	if (rc)
		return rc < 0 ? 0 : rc;
	if (!a.detach) {
		/* As runc: processes the container abandons come to us to be
		 * reaped, instead of to whatever reaper is above. */
		if (!a.no_subreaper && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)
			a.ctx.subreaper = true;
	}
	/* runc takes --keep with --detach too; it changes nothing there. */
	if (skiff_container_run_flags(&a.ctx, NULL,
				      (a.detach ? SKIFF_RUN_DETACH : 0) | (a.keep ? SKIFF_RUN_KEEP : 0),
				      &status, &err) < 0)
		return fail_bundle(&a, &err);
	return a.detach ? 0 : status;
}

/* Commands that take only an id, and maybe a few boolean flags. */
static int parse_id(const cli_command *cmd, const cli_globals *g, int argc, char **argv,
		    const char *shortopts, const struct option *flags, bool *flag_values, int max_args,
		    skiff_context *ctx, char ***rest, int *rest_count)
{
	int opt;

	cli_context_init(ctx, g);
	cli_reorder_args(argc, argv, shortopts, flags);
	while ((opt = getopt_long_only(argc, argv, shortopts, flags, NULL)) != -1) {
		/* Each command has at most one boolean flag: value 0 or its short letter. */
		if (flag_values && (opt == 0 || opt == 'a' || opt == 'f')) {
			flag_values[0] = true;
			continue;
		}
		return cli_help_or_unknown(cmd, opt == 'h', argv);
	}
	if (optind >= argc || argc - optind > max_args)
		return cli_usage_error(cmd, max_args == 1 ? "requires exactly 1 argument, the container id"
							   : "requires the container id");
	ctx->id = argv[optind];
	*rest = argv + optind + 1;
	*rest_count = argc - optind - 1;
	return 0;
}

static int run_start(const cli_globals *g, int argc, char **argv)
{
	static const struct option flags[] = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
	skiff_context ctx;
	skiff_error err;
	char **rest;
	int n, rc = parse_id(&cmd_start, g, argc, argv, "+h", flags, NULL, 1, &ctx, &rest, &n);

	if (rc)
		return rc < 0 ? 0 : rc;
	if (skiff_container_start(&ctx, &err) < 0)
		return cli_fail(&err);
	return 0;
}

static int run_kill(const cli_globals *g, int argc, char **argv)
{
	static const struct option flags[] = {
		{ "all", no_argument, NULL, 0 },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool values[8] = { false };
	skiff_context ctx;
	skiff_error err;
	int signo = 15, n;
	char **rest;
	int rc = parse_id(&cmd_kill, g, argc, argv, "+ha", flags, values, 2, &ctx, &rest, &n);

	if (rc)
		return rc < 0 ? 0 : rc;
	if (n == 1 && skiff_signal_parse(rest[0], &signo, &err) < 0)
		return cli_fail(&err);
	if (skiff_container_kill(&ctx, signo, values[0], &err) < 0)
		return cli_fail(&err);
	return 0;
}

static int run_delete(const cli_globals *g, int argc, char **argv)
{
	static const struct option flags[] = {
		{ "force", no_argument, NULL, 0 },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool values[8] = { false };
	skiff_context ctx;
	skiff_error err;
	char **rest;
	int n, rc = parse_id(&cmd_delete, g, argc, argv, "+hf", flags, values, 1, &ctx, &rest, &n);

	if (rc)
		return rc < 0 ? 0 : rc;
	if (skiff_container_delete(&ctx, values[0], &err) < 0) {
		/* A live container: say how to delete it anyway. */
		if (err.errnum == EBUSY && !values[0])
			return cli_fail_text("%s (kill it first, or delete it with --force)", err.message);
		return cli_fail(&err);
	}
	return 0;
}

/* runc's description of create and run. */
#define CREATE_DESCRIPTION(verb) \
	"The " verb " command creates an instance of a container for a bundle. The bundle\n" \
	"is a directory with a specification file named \"config.json\" and a root\n" \
	"filesystem.\n\n" \
	"The specification file includes an args parameter. The args parameter is used\n" \
	"to specify command(s) that get run when the container is started. To change the\n" \
	"command(s) that get executed on start, edit the args parameter of the spec. See\n" \
	"\"skiff spec --help\" for more explanation."

static const cli_option create_help[] = {
	OPT_TEXT_BUNDLE, OPT_TEXT_CONSOLE_SOCKET, OPT_TEXT_PIDFD_SOCKET, OPT_TEXT_PID_FILE,
	OPT_TEXT_NO_PIVOT, OPT_TEXT_NO_NEW_KEYRING, OPT_TEXT_PRESERVE_FDS, { NULL, NULL },
};

static const cli_option run_help[] = {
	OPT_TEXT_BUNDLE,
	OPT_TEXT_CONSOLE_SOCKET,
	OPT_TEXT_PIDFD_SOCKET,
	{ "--detach, -d", "detach from the container's process" },
	{ "--keep", "do not delete the container after it exits" },
	OPT_TEXT_PID_FILE,
	{ "--no-subreaper", "disable the use of the subreaper used to reap reparented processes" },
	OPT_TEXT_NO_PIVOT,
	OPT_TEXT_NO_NEW_KEYRING,
	OPT_TEXT_PRESERVE_FDS,
	{ NULL, NULL },
};

const cli_command cmd_create = {
	"create", "create a container", "<container-id>", CLI_NEW_ID_HELP,
	CREATE_DESCRIPTION("create"), create_help, run_create,
};

const cli_command cmd_run = {
	"run", "create and run a container", "<container-id>", CLI_NEW_ID_HELP,
	CREATE_DESCRIPTION("run"), run_help, run_run,
};

const cli_command cmd_start = {
	"start", "executes the user defined process in a created container", "<container-id>",
	CLI_NEW_ID_HELP,
	"The start command executes the user defined process in a created container.",
	NULL, run_start,
};

static const cli_option kill_help[] = {
	{ "--all, -a", "send the specified signal to all processes inside the container" },
	{ NULL, NULL },
};

const cli_command cmd_kill = {
	"kill", "kill sends the specified signal (default: SIGTERM) to the container's init process",
	"<container-id> [signal]",
	"Where \"<container-id>\" is the name for the instance of the container and\n"
	"\"[signal]\" is the signal to be sent to the init process.\n\n"
	"EXAMPLE:\n"
	"For example, if the container id is \"ubuntu01\" the following will send a \"KILL\"\n"
	"signal to the init process of the \"ubuntu01\" container:\n\n"
	"       # skiff kill ubuntu01 KILL",
	NULL, kill_help, run_kill,
};

static const cli_option delete_help[] = {
	{ "--force, -f", "Forcibly deletes the container if it is still running (uses SIGKILL)" },
	{ NULL, NULL },
};

const cli_command cmd_delete = {
	"delete", "delete any resources held by the container often used with detached container",
	"<container-id>",
	"Where \"<container-id>\" is the name for the instance of the container.\n\n"
	"EXAMPLE:\n"
	"For example, if the container id is \"ubuntu01\" and skiff list currently shows the\n"
	"status of \"ubuntu01\" as \"stopped\" the following will delete resources held for\n"
	"\"ubuntu01\" removing \"ubuntu01\" from the skiff list of containers:\n\n"
	"       # skiff delete ubuntu01",
	NULL, delete_help, run_delete,
};
