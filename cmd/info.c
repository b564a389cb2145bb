/* state, list, spec: commands that read or write descriptions. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static int run_state(const cli_globals *g, int argc, char **argv)
{
	static const struct option flags[] = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
	skiff_context ctx;
	skiff_state *st;
	skiff_error err;
	char *json;
	int opt;

	cli_context_init(&ctx, g);
	while ((opt = getopt_long_only(argc, argv, "+h", flags, NULL)) != -1) {
		if (opt == 'h')
			return cli_help(&cmd_state);
		return cli_usage_error(&cmd_state, "unknown option \"%s\"", argv[optind - 1]);
	}
	if (optind != argc - 1)
		return cli_usage_error(&cmd_state, "requires exactly 1 argument, the container id");
	ctx.id = argv[optind];
	if (skiff_container_state(&ctx, &st, &err) < 0)
		return cli_fail(&err);
	if (skiff_state_to_json(st, true, &json, &err) < 0) {
		skiff_state_free(st);
		return cli_fail(&err);
	}
	printf("%s\n", json);
	free(json);
	skiff_state_free(st);
	return 0;
}

static int print_list_json(skiff_state **states, size_t n)
{
	skiff_error err;

	/* Each element comes from yajl; the array around them is ours. */
	fputc('[', stdout);
	for (size_t i = 0; i < n; i++) {
		char *json;

		if (skiff_state_to_json(states[i], false, &json, &err) < 0)
			return cli_fail(&err);
		printf("%s%s", i ? "," : "", json);
		free(json);
	}
	fputs("]\n", stdout);
	return 0;
}

static void print_list_table(skiff_state **states, size_t n)
{
	int w = 2;

	for (size_t i = 0; i < n; i++)
		if ((int)strlen(states[i]->id) > w)
			w = (int)strlen(states[i]->id);
	printf("%-*s   %-8s %-10s %-40s %-30s %s\n", w, "ID", "PID", "STATUS", "BUNDLE", "CREATED",
	       "OWNER");
	for (size_t i = 0; i < n; i++)
		printf("%-*s   %-8d %-10s %-40s %-30s %s\n", w, states[i]->id, (int)states[i]->pid,
		       skiff_status_name(states[i]->status), states[i]->bundle, states[i]->created,
		       states[i]->owner[0] ? states[i]->owner : "root");
}

static int run_list(const cli_globals *g, int argc, char **argv)
{
	static const struct option flags[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false, quiet = false;
	skiff_state **states;
	skiff_error err;
	size_t n;
	int opt, rc = 0;

	while ((opt = getopt_long_only(argc, argv, "+f:qh", flags, NULL)) != -1) {
		switch (opt) {
		case 'f':
			if (strcmp(optarg, "table") && strcmp(optarg, "json"))
				return cli_usage_error(&cmd_list, "invalid format \"%s\": expected table or json", optarg);
			json = !strcmp(optarg, "json");
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			return cli_help(&cmd_list);
		default:
			return cli_usage_error(&cmd_list, "unknown option \"%s\"", argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cli_usage_error(&cmd_list, "takes no arguments");
	if (skiff_container_list(g->root, &states, &n, &err) < 0)
		return cli_fail(&err);
	if (quiet)
		for (size_t i = 0; i < n; i++)
			printf("%s\n", states[i]->id);
	else if (json)
		rc = print_list_json(states, n);
	else
		print_list_table(states, n);
	skiff_state_list_free(states, n);
	return rc;
}

static int run_spec(const cli_globals *g, int argc, char **argv)
{
	static const struct option flags[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "rootless", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *bundle = ".";
	bool rootless = false;
	skiff_config *cfg;
	skiff_error err;
	char *json, *path;
	size_t len;
	int opt, fd;

	(void)g;
	while ((opt = getopt_long_only(argc, argv, "+b:h", flags, NULL)) != -1) {
		switch (opt) {
		case 'b':
			bundle = optarg;
			break;
		case 'r':
			rootless = true;
			break;
		case 'h':
			return cli_help(&cmd_spec);
		default:
			return cli_usage_error(&cmd_spec, "unknown option \"%s\"", argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cli_usage_error(&cmd_spec, "takes no arguments");
	if (skiff_config_default(rootless, &cfg, &err) < 0)
		return cli_fail(&err);
	if (skiff_config_to_json(cfg, true, &json, &len, &err) < 0) {
		skiff_config_free(cfg);
		return cli_fail(&err);
	}
	skiff_config_free(cfg);
	if (asprintf(&path, "%s/config.json", bundle) < 0) {
		free(json);
		return cli_fail_text("spec: out of memory");
	}
	/* O_EXCL: an existing config is never overwritten. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0) {
		int saved = errno;

		free(json);
		if (saved == EEXIST) {
			cli_fail_text("spec: %s exists: remove it first", path);
			free(path);
			return 1;
		}
		cli_fail_text("spec: create %s: %s", path, strerror(saved));
		free(path);
		return 1;
	}
	if (write(fd, json, len) != (ssize_t)len || write(fd, "\n", 1) != 1 || close(fd) < 0) {
		cli_fail_text("spec: write %s: %s", path, strerror(errno));
		free(json);
		free(path);
		return 1;
	}
	free(json);
	free(path);
	return 0;
}

const cli_command cmd_state = {
	"state", "output the state of a container", "<container-id>",
	"DESCRIPTION:\n"
	"   The state command outputs current state information for the instance of a\n"
	"   container (JSON: ociVersion, id, pid, status, bundle, rootfs, created, owner,\n"
	"   annotations).\n",
	run_state,
};

const cli_command cmd_list = {
	"list", "lists containers started by skiff with the given root", "[command options]",
	"EXAMPLE:\n"
	"   # skiff list\n\n"
	"OPTIONS:\n"
	"   --format value, -f value  select one of: table or json (default: \"table\")\n"
	"   --quiet, -q               display only container IDs\n",
	run_list,
};

const cli_command cmd_spec = {
	"spec", "create a new specification file", "[command options]",
	"DESCRIPTION:\n"
	"   The spec command creates the new specification file named \"config.json\" for\n"
	"   the bundle, the same default as runc's. It never overwrites an existing one.\n\n"
	"OPTIONS:\n"
	"   --bundle value, -b value  path to the root of the bundle directory\n"
	"   --rootless                generate a configuration for a rootless container\n",
	run_spec,
};
