/*
 * check: what is wrong with a bundle, without running it.  The findings
 * are the command's output (stdout); the exit status says whether the
 * bundle can be created from (0, maybe with warnings) or not (1).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void print_text(const skiff_diagnostics *d, const char *bundle)
{
	for (size_t i = 0; i < d->len; i++) {
		const skiff_diagnostic *x = &d->items[i];

		printf("%s: %s%s%s\n", x->severity == SKIFF_SEVERITY_ERROR ? "error" : "warning",
		       x->path, x->path[0] ? ": " : "", x->message);
	}
	printf("%s/config.json: ", bundle);
	if (d->errors)
		printf("%zu error%s", d->errors, d->errors == 1 ? "" : "s");
	else
		printf("valid");
	if (d->warnings)
		printf(", %zu warning%s", d->warnings, d->warnings == 1 ? "" : "s");
	printf("\n");
}

static int run_check(const cli_globals *g, int argc, char **argv)
{
	static const struct option flags[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *bundle = ".";
	skiff_diagnostics *d;
	skiff_error err;
	bool json = false;
	int opt;

	(void)g;
	cli_reorder_args(argc, argv, "b:f:h", flags);
	while ((opt = getopt_long_only(argc, argv, "+b:f:h", flags, NULL)) != -1) {
		switch (opt) {
		case 'b':
			bundle = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "text") && strcmp(optarg, "json"))
				return cli_usage_error(&cmd_check, "invalid format \"%s\": expected text or json",
						       optarg);
			json = !strcmp(optarg, "json");
			break;
		case 'h':
			return cli_help(&cmd_check);
		default:
			return cli_unknown_option(&cmd_check, argv);
		}
	}
	if (optind != argc)
		return cli_usage_error(&cmd_check, "takes no arguments");
	if (skiff_bundle_check(bundle, &d, &err) < 0)
		return cli_fail(&err);
	if (json) {
		char *text;

		if (skiff_diagnostics_to_json(d, true, &text, &err) < 0) {
			skiff_diagnostics_free(d);
			return cli_fail(&err);
		}
		printf("%s\n", text);
		free(text);
	} else {
		print_text(d, bundle);
	}
	opt = d->errors ? 1 : 0;
	skiff_diagnostics_free(d);
	return opt;
}

static const cli_option check_help[] = {
	{ "--bundle value, -b value", "path to the root of the bundle directory, defaults to the current directory" },
	{ "--format value, -f value", "select one of: text or json (default: \"text\")" },
	{ NULL, NULL },
};

const cli_command cmd_check = {
	"check", "check a bundle's configuration without running it", "",
	"Where the bundle is given with \"--bundle\" (default: the current directory).\n\n"
	"EXAMPLE:\n"
	"To check the bundle in /containers/web and read the result as JSON:\n"
	"       # skiff check --bundle /containers/web --format json",
	"The check command reports every error in the bundle's \"config.json\", each\n"
	"with the JSON path of the field at fault (not only the first, as create does):\n"
	"whatever create would refuse, a missing root filesystem or bind mount source,\n"
	"an absent LSM or a seccomp architecture libseccomp does not know included. It\n"
	"warns about fields the runtime-spec does not define (which create ignores),\n"
	"with the closest known name, and about fields this host cannot fully honour: a\n"
	"cgroup controller that is not mounted, a capability skiff itself lacks, an\n"
	"rlimit above skiff's own hard limit.\n\n"
	"It exits with 0 when the bundle is valid (even with warnings) and 1 when it has\n"
	"errors. \"--format json\" prints {\"errors\": [...], \"warnings\": [...]}, each a list\n"
	"of {\"path\", \"message\"} objects.",
	check_help, run_check,
};
