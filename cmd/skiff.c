/*
 * skiff: an OCI container runtime with runc's command line.
 * Global flags come before the command, as with runc.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"

static const cli_command *const commands[] = {
	&cmd_check,  &cmd_checkpoint, &cmd_create, &cmd_delete, &cmd_events, &cmd_exec,
	&cmd_features, &cmd_kill,     &cmd_list,   &cmd_pause,  &cmd_ps,     &cmd_restore,
	&cmd_resume, &cmd_run,        &cmd_spec,   &cmd_start,  &cmd_state,  &cmd_update,
};
#define N_COMMANDS (ARRAY_SIZE(commands))

static const cli_option global_options[] = {
	{ "--debug", "enable debug logging" },
	{ "--log value", "set the log file to write skiff logs to (default is '/dev/stderr')" },
	{ "--log-format value", "set the log format ('text' (default), or 'json') (default: \"text\")" },
	/* usage filled in by print_main_help: the default this user gets, as runc shows it */
	{ "--root value", NULL },
	{ "--criu value", "path to the criu binary used for checkpoint and restore (default: \"criu\")" },
	{ "--systemd-cgroup",
	  "enable systemd cgroup support, expects cgroupsPath to be of form \"slice:prefix:name\" for e.g. \"system.slice:skiff:434234\"" },
	{ "--rootless value", "ignore cgroup permission errors ('true', 'false', or 'auto') (default: \"auto\")" },
	{ "--help, -h", "show help" },
	{ "--version, -v", "print the version" },
	{ NULL, NULL },
};

static void print_version(void)
{
	printf("skiff version %s\ncommit: %s\nspec: %s\n", PACKAGE_VERSION, SKIFF_GIT_COMMIT,
	       SKIFF_OCI_VERSION);
}

/* runc takes "auto" and whatever Go's strconv.ParseBool does. */
static int parse_rootless(const char *text, skiff_rootless *out)
{
	static const char *const yes[] = { "1", "t", "T", "true", "TRUE", "True" };
	static const char *const no[] = { "0", "f", "F", "false", "FALSE", "False" };

	if (!strcmp(text, "auto") || !text[0]) {
		*out = SKIFF_ROOTLESS_AUTO;
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcmp(text, yes[i])) {
			*out = SKIFF_ROOTLESS_TRUE;
			return 0;
		}
		if (!strcmp(text, no[i])) {
			*out = SKIFF_ROOTLESS_FALSE;
			return 0;
		}
	}
	return -1;
}

/* Aligned columns, as urfave/cli's tabwriter makes them: the longest flags
 * + 2.  A usage of several lines ends a column block (the lines after its
 * first have no cell), so the options after it are aligned on their own. */
static void print_options(FILE *out, const cli_option *opts)
{
	const cli_option *block = opts;

	while (block->flags) {
		const cli_option *end = block, *o;
		int width = 0;

		while (end->flags && !strchr(end->usage, '\n'))
			end++;
		if (end->flags)
			end++; /* the multi-line one closes its block */
		for (o = block; o < end; o++)
			if ((int)strlen(o->flags) > width)
				width = (int)strlen(o->flags);
		for (o = block; o < end; o++)
			fprintf(out, "   %-*s%s\n", width + 2, o->flags, o->usage);
		block = end;
	}
}

static void print_main_help(FILE *out, const char *root)
{
	cli_option options[sizeof(global_options) / sizeof(global_options[0])];
	char root_usage[4200];
	int width = (int)strlen("help, h");

	fprintf(out,
		"NAME:\n"
		"   skiff - Open Container Initiative runtime\n\n"
		"skiff is a command line client for running applications packaged according to\n"
		"the Open Container Initiative (OCI) format and is a compliant implementation of the\n"
		"Open Container Initiative specification.\n\n"
		"skiff integrates well with existing process supervisors to provide a production\n"
		"container runtime environment for applications. It can be used with your\n"
		"existing process monitoring tools and the container will be spawned as a\n"
		"direct child of the process supervisor.\n\n"
		"Containers are configured using bundles. A bundle for a container is a directory\n"
		"that includes a specification file named \"config.json\" and a root filesystem.\n"
		"The root filesystem contains the contents of the container.\n\n"
		"To start a new instance of a container:\n\n"
		"    # skiff run [ -b bundle ] <container-id>\n\n"
		"Where \"<container-id>\" is your name for the instance of the container that you\n"
		"are starting. The name you provide for the container instance must be unique on\n"
		"your host. Providing the bundle directory using \"-b\" is optional. The default\n"
		"value for \"bundle\" is the current directory.\n\n"
		"USAGE:\n"
		"   skiff [global options] command [command options] [arguments...]\n\n"
		"VERSION:\n"
		"   %s\n"
		"commit: %s\n"
		"spec: %s\n\n"
		"COMMANDS:\n",
		PACKAGE_VERSION, SKIFF_GIT_COMMIT, SKIFF_OCI_VERSION);
	for (size_t i = 0; i < N_COMMANDS; i++)
		if ((int)strlen(commands[i]->name) > width)
			width = (int)strlen(commands[i]->name);
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(out, "   %-*s%s\n", width + 2, commands[i]->name, commands[i]->summary);
	fprintf(out, "   %-*s%s\n\nGLOBAL OPTIONS:\n", width + 2, "help, h",
		"Shows a list of commands or help for one command");
	snprintf(root_usage, sizeof(root_usage),
		 "root directory for storage of container state (this should be located in tmpfs) (default: \"%s\")",
		 root);
	memcpy(options, global_options, sizeof(options));
	for (cli_option *o = options; o->flags; o++)
		if (!o->usage)
			o->usage = root_usage;
	print_options(out, options);
}

int cli_help(const cli_command *cmd)
{
	printf("NAME:\n   skiff %s - %s\n\nUSAGE:\n   skiff %s%s %s\n", cmd->name, cmd->summary,
	       cmd->name, cmd->options ? " [command options]" : "", cmd->args);
	if (cmd->args_help)
		printf("\n%s\n", cmd->args_help);
	if (cmd->description)
		printf("\nDESCRIPTION:\n   %s\n", cmd->description);
	if (cmd->options) {
		printf("\nOPTIONS:\n");
		print_options(stdout, cmd->options);
		printf("   \n");
	}
	return 0;
}

int cli_usage_error(const cli_command *cmd, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cli_fail_text("%s: %s (see 'skiff %s --help')", cmd->name, msg, cmd->name);
	return 1;
}

int cli_unknown_option(const cli_command *cmd, char **argv)
{
	return cli_usage_error(cmd, "unknown option \"%s\"", argv[optind - 1]);
}

int cli_help_or_unknown(const cli_command *cmd, bool help, char **argv)
{
	if (help)
		return (cli_help(cmd), -1);
	return cli_unknown_option(cmd, argv);
}

int cli_one_id(const cli_command *cmd, int argc, char **argv, const char **id)
{
	if (optind != argc - 1)
		return cli_usage_error(cmd, "requires exactly 1 argument, the container id");
	*id = argv[optind];
	return 0;
}

/* urfave/cli's argIsFlag: "-x", "--x", "-x=v" or "--x=v" for a flag x
 * of the command (long name or short letter). */
static bool arg_is_flag(const char *arg, const char *shortopts, const struct option *longopts)
{
	size_t len;

	if (arg[0] != '-' || !strcmp(arg, "-"))
		return false;
	arg += arg[1] == '-' ? 2 : 1;
	len = strcspn(arg, "=");
	if (len == 1 && arg[0] != '+' && arg[0] != ':' && strchr(shortopts, arg[0]))
		return true;
	for (const struct option *o = longopts; o && o->name; o++)
		if (strlen(o->name) == len && !strncmp(o->name, arg, len))
			return true;
	return false;
}

void cli_reorder_args(int argc, char **argv, const char *shortopts,
		      const struct option *longopts)
{
	char **flags = calloc((size_t)argc + 1, sizeof(*flags));
	char **rest = calloc((size_t)argc + 1, sizeof(*rest));
	int nflags = 0, nrest = 0, i;
	bool may_take_value = false;

	if (!flags || !rest) {
		free(flags);
		free(rest);
		return; /* left as it is: flags after the id are then refused */
	}
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			while (i < argc)
				rest[nrest++] = argv[i++];
			break;
		}
		if (may_take_value && !arg_is_flag(argv[i], shortopts, longopts)) {
			/* urfave moves the word after any flag with it, a boolean
			 * one's too: `kill ID --all KILL` makes KILL the id, as
			 * with runc; and a value may look like a flag that is not
			 * one ("--pids-limit -1", "-r -"). */
			may_take_value = false;
			flags[nflags++] = argv[i];
		} else if (arg_is_flag(argv[i], shortopts, longopts)) {
			flags[nflags++] = argv[i];
			may_take_value = !strchr(argv[i], '=');
		} else {
			rest[nrest++] = argv[i];
		}
	}
	memcpy(argv + 1, flags, (size_t)nflags * sizeof(*argv));
	memcpy(argv + 1 + nflags, rest, (size_t)nrest * sizeof(*argv));
	free(flags);
	free(rest);
}

void cli_context_init(skiff_context *ctx, const cli_globals *g)
{
	/* Fault injection for the reliability tests (tests/integration/faults.bats). */
	const char *stop = getenv("SKIFF_DEBUG_STOP_AT");

	memset(ctx, 0, sizeof(*ctx));
	ctx->root = g->root;
	ctx->rootless = g->rootless;
	ctx->systemd_cgroup = g->systemd_cgroup;
	ctx->warn = cli_warn;
	if (g->debug)
		ctx->trace = cli_trace;
	ctx->debug_stop_at = stop && *stop ? stop : NULL;
}

/* Every command but these reads or writes the state root; and none does
 * when its first word asks for its help ("skiff run --help").  Only the
 * first: exec's and ps's words after the id are the program's. */
static bool uses_root(const cli_command *cmd, int argc, char **argv)
{
	if (cmd == &cmd_spec || cmd == &cmd_check || cmd == &cmd_features)
		return false;
	return !(argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")));
}

static const cli_command *find_command(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	enum { OPT_ROOT = 256, OPT_LOG, OPT_LOG_FORMAT, OPT_DEBUG, OPT_SYSTEMD, OPT_ROOTLESS,
	       OPT_CRIU };
	static const struct option options[] = {
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "log", required_argument, NULL, OPT_LOG },
		{ "log-format", required_argument, NULL, OPT_LOG_FORMAT },
		{ "debug", no_argument, NULL, OPT_DEBUG },
		{ "systemd-cgroup", no_argument, NULL, OPT_SYSTEMD },
		{ "rootless", required_argument, NULL, OPT_ROOTLESS },
		{ "criu", required_argument, NULL, OPT_CRIU },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	static cli_root_buf root_buf; /* 4.6 KB: not on the stack */
	cli_globals g = { 0 };
	const char *default_root;
	const cli_command *cmd;
	int opt, rc;

	cli_default_root(&g, &root_buf);
	default_root = g.root; /* --help shows it, whatever --root says */
	opterr = 0;
	while ((opt = getopt_long_only(argc, argv, "+hv", options, NULL)) != -1) {
		switch (opt) {
		case OPT_ROOT:
			g.root = optarg;
			g.root_why = g.root_refused = NULL;
			break;
		case OPT_LOG:
			g.log_path = optarg;
			break;
		case OPT_LOG_FORMAT:
			if (strcmp(optarg, "text") && strcmp(optarg, "json"))
				return cli_fail_text("invalid log format \"%s\": expected text or json", optarg);
			g.log_json = !strcmp(optarg, "json");
			break;
		case OPT_DEBUG:
			g.debug = true;
			break;
		case OPT_SYSTEMD:
			g.systemd_cgroup = true;
			break;
		case OPT_ROOTLESS:
			if (parse_rootless(optarg, &g.rootless) < 0)
				return cli_fail_text("invalid --rootless value \"%s\": expected true, false or auto",
						     optarg);
			break;
		case OPT_CRIU:
			g.criu = optarg;
			break;
		case 'h':
			print_main_help(stdout, default_root);
			return 0;
		case 'v':
			print_version();
			return 0;
		default:
			return cli_fail_text("unknown global option \"%s\" (see 'skiff --help')",
					     argv[optind - 1]);
		}
	}
	if (optind >= argc) {
		print_main_help(stderr, default_root);
		return 1;
	}
	if (cli_log_open(&g) < 0)
		return 1;
	if (!strcmp(argv[optind], "help") || !strcmp(argv[optind], "h")) {
		if (optind + 1 >= argc)
			rc = (print_main_help(stdout, default_root), 0);
		else if ((cmd = find_command(argv[optind + 1])))
			rc = cli_help(cmd);
		else
			rc = cli_fail_text("No help topic for '%s'", argv[optind + 1]);
	} else if ((cmd = find_command(argv[optind]))) {
		int first = optind;

		optind = 0; /* GNU getopt: start afresh for the command's flags */
		if (uses_root(cmd, argc - first, argv + first) && cli_root_refused(&g) < 0)
			rc = 1;
		else
			rc = cmd->run(&g, argc - first, argv + first);
	} else {
		rc = cli_fail_text("unknown command \"%s\" (see 'skiff --help')", argv[optind]);
	}
	cli_log_close();
	return rc;
}
