/* state, list, spec, features: commands that read or write descriptions. */
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
	cli_reorder_args(argc, argv, "h", flags);
	while ((opt = getopt_long_only(argc, argv, "+h", flags, NULL)) != -1) {
		if (opt == 'h')
			return cli_help(&cmd_state);
		return cli_unknown_option(&cmd_state, argv);
	}
	if (cli_one_id(&cmd_state, argc, argv, &ctx.id))
		return 1;
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

	cli_reorder_args(argc, argv, "f:qh", flags);
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
			return cli_unknown_option(&cmd_list, argv);
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
	cli_reorder_args(argc, argv, "b:h", flags);
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
			return cli_unknown_option(&cmd_spec, argv);
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

static int run_features(const cli_globals *g, int argc, char **argv)
{
	static const struct option flags[] = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
	skiff_error err;
	char *json;
	int opt;

	(void)g;
	cli_reorder_args(argc, argv, "h", flags);
	while ((opt = getopt_long_only(argc, argv, "+h", flags, NULL)) != -1) {
		if (opt == 'h')
			return cli_help(&cmd_features);
		return cli_unknown_option(&cmd_features, argv);
	}
	if (optind != argc)
		return cli_usage_error(&cmd_features, "takes no arguments");
	if (skiff_features_json(true, &json, &err) < 0)
		return cli_fail(&err);
	printf("%s\n", json);
	free(json);
	return 0;
}

const cli_command cmd_features = {
	"features", "show the enabled features", "", NULL,
	"Show the enabled features.\n"
	"   The result is the runtime-spec features document (features.md), parsable as JSON:\n"
	"   what this build of skiff implements; seccomp.supportedFlags is what this kernel and\n"
	"   libseccomp can set, and annotations under \"org.skiff.host.\" describe this host.",
	NULL, run_features,
};

const cli_command cmd_state = {
	"state", "output the state of a container", "<container-id>",
	"Where \"<container-id>\" is your name for the instance of the container.",
	"The state command outputs current state information for the\n"
	"instance of a container.",
	NULL, run_state,
};

static const cli_option list_help[] = {
	{ "--format value, -f value", "select one of: table or json (default: \"table\")" },
	{ "--quiet, -q", "display only container IDs" },
	{ NULL, NULL },
};

const cli_command cmd_list = {
	"list", "lists containers started by skiff with the given root", "",
	"Where the given root is specified via the global option \"--root\"\n"
	"(default: \"" SKIFF_DEFAULT_ROOT "\").\n\n"
	"EXAMPLE 1:\n"
	"To list containers created via the default \"--root\":\n"
	"       # skiff list\n\n"
	"EXAMPLE 2:\n"
	"To list containers created using a non-default value for \"--root\":\n"
	"       # skiff --root value list",
	NULL, list_help, run_list,
};

static const cli_option spec_help[] = {
	{ "--bundle value, -b value", "path to the root of the bundle directory" },
	{ "--rootless", "generate a configuration for a rootless container" },
	{ NULL, NULL },
};

const cli_command cmd_spec = {
	"spec", "create a new specification file", "[arguments...]", NULL,
	"The spec command creates the new specification file named \"config.json\" for\n"
	"the bundle.\n\n"
	"The spec generated is just a starter file. Editing of the spec is required to\n"
	"achieve desired results. For example, the newly generated spec includes an args\n"
	"parameter that is initially set to call the \"sh\" command when the container is\n"
	"started. Calling \"sh\" may work for an ubuntu container or busybox, but will not\n"
	"work for containers that do not include the \"sh\" program.\n\n"
	"EXAMPLE:\n"
	"  To run docker's hello-world container one needs to set the args parameter\n"
	"in the spec to call hello. This can be done using the sed command or a text\n"
	"editor. The following commands create a bundle for hello-world, change the\n"
	"default args parameter in the spec from \"sh\" to \"/hello\", then run the hello\n"
	"command in a new hello-world container named container1:\n\n"
	"    mkdir hello\n"
	"    cd hello\n"
	"    docker pull hello-world\n"
	"    docker export $(docker create hello-world) > hello-world.tar\n"
	"    mkdir rootfs\n"
	"    tar -C rootfs -xf hello-world.tar\n"
	"    skiff spec\n"
	"    sed -i 's;\"sh\";\"/hello\";' config.json\n"
	"    skiff run container1\n\n"
	"In the run command above, \"container1\" is the name for the instance of the\n"
	"container that you are starting. The name you provide for the container instance\n"
	"must be unique on your host.\n\n"
	"An existing \"config.json\" is never overwritten. \"skiff check\" reports what is\n"
	"wrong with a spec after editing it.\n\n"
	"When starting a container through skiff, skiff needs root privilege. If not\n"
	"already running as root, you can use sudo to give skiff root privilege. For\n"
	"example: \"sudo skiff start container1\" will give skiff root privilege to start the\n"
	"container on your host.\n\n"
	"You can pass the parameter --rootless to this command to generate a spec file\n"
	"whose user namespace maps the caller's own uid and gid.\n",
	spec_help, run_spec,
};
