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
	&cmd_create, &cmd_delete, &cmd_events, &cmd_exec,  &cmd_kill,  &cmd_list,   &cmd_pause,
	&cmd_ps,     &cmd_resume, &cmd_run,    &cmd_spec,  &cmd_start, &cmd_state,  &cmd_update,
};

static void print_version(void)
{
	printf("skiff version %s\ncommit: %s\nspec: %s\n", PACKAGE_VERSION, SKIFF_GIT_COMMIT,
	       SKIFF_OCI_VERSION);
}

/* runc's default: /run/skiff for root, $XDG_RUNTIME_DIR/skiff for others. */
static const char *default_root(char *buf, size_t size)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	if (geteuid() != 0 && xdg && xdg[0] && (size_t)snprintf(buf, size, "%s/skiff", xdg) < size)
		return buf;
	return SKIFF_DEFAULT_ROOT;
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
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
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

static void print_main_help(FILE *out, const char *root)
{
	fprintf(out,
		"NAME:\n"
		"   skiff - Open Container Initiative runtime\n\n"
		"skiff is a command line client for running applications packaged according to\n"
		"the Open Container Initiative (OCI) format and is a compliant implementation of the\n"
		"Open Container Initiative specification.\n\n"
		"Containers are configured using bundles. A bundle for a container is a directory\n"
		"that includes a specification file named \"config.json\" and a root filesystem.\n\n"
		"USAGE:\n"
		"   skiff [global options] command [command options] [arguments...]\n\n"
		"VERSION:\n"
		"   %s\n"
		"commit: %s\n"
		"spec: %s\n\n"
		"COMMANDS:\n",
		PACKAGE_VERSION, SKIFF_GIT_COMMIT, SKIFF_OCI_VERSION);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "   %-9s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(out,
		"   help      Shows a list of commands or help for one command\n\n"
		"GLOBAL OPTIONS:\n"
		"   --debug             enable debug logging\n"
		"   --log value         set the log file to write skiff logs to (default is '/dev/stderr')\n"
		"   --log-format value  set the log format ('text' (default), or 'json') (default: \"text\")\n"
		"   --root value        root directory for storage of container state (this should be located in tmpfs) (default: \"%s\")\n"
		"   --systemd-cgroup    enable systemd cgroup support, expects cgroupsPath to be of form \"slice:prefix:name\" for e.g. \"system.slice:skiff:434234\"\n"
		"   --rootless value    ignore cgroup permission errors ('true', 'false', or 'auto') (default: \"auto\")\n"
		"   --help, -h          show help\n"
		"   --version, -v       print the version\n",
		root);
}

int cli_help(const cli_command *cmd)
{
	printf("NAME:\n   skiff %s - %s\n\nUSAGE:\n   skiff %s %s\n\n%s", cmd->name, cmd->summary,
	       cmd->name, cmd->usage, cmd->help);
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

void cli_context_init(skiff_context *ctx, const cli_globals *g)
{
	/* Fault injection for the reliability tests (tests/integration/faults.bats). */
	const char *stop = getenv("SKIFF_DEBUG_STOP_AT");

	memset(ctx, 0, sizeof(*ctx));
	ctx->root = g->root;
	ctx->rootless = g->rootless;
	ctx->systemd_cgroup = g->systemd_cgroup;
	ctx->warn = cli_warn;
	ctx->debug_stop_at = stop && *stop ? stop : NULL;
}

static const cli_command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
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
	char root_buf[4096];
	cli_globals g = { .root = default_root(root_buf, sizeof(root_buf)) };
	const cli_command *cmd;
	int opt, rc;

	opterr = 0;
	while ((opt = getopt_long_only(argc, argv, "+hv", options, NULL)) != -1) {
		switch (opt) {
		case OPT_ROOT:
			g.root = optarg;
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
			break; /* accepted for runc compatibility */
		case 'h':
			print_main_help(stdout, g.root);
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
		print_main_help(stderr, g.root);
		return 1;
	}
	cli_log_open(&g);
	if (!strcmp(argv[optind], "help")) {
		cmd = optind + 1 < argc ? find_command(argv[optind + 1]) : NULL;
		rc = cmd ? cli_help(cmd) : (print_main_help(stdout, g.root), 0);
	} else if ((cmd = find_command(argv[optind]))) {
		int first = optind;

		optind = 0; /* GNU getopt: start afresh for the command's flags */
		rc = cmd->run(&g, argc - first, argv + first);
	} else {
		rc = cli_fail_text("unknown command \"%s\" (see 'skiff --help')", argv[optind]);
	}
	cli_log_close();
	return rc;
}
