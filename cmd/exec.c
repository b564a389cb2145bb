/* exec: run a new process inside a container. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum {
	OPT_CONSOLE_SOCKET = 256,
	OPT_PIDFD_SOCKET,
	OPT_CWD,
	OPT_PID_FILE,
	OPT_PROCESS_LABEL,
	OPT_APPARMOR,
	OPT_NO_NEW_PRIVS,
	OPT_PRESERVE_FDS,
	OPT_CGROUP,
	OPT_IGNORE_PAUSED,
};

static const struct option exec_options[] = {
	{ "console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET },
	{ "pidfd-socket", required_argument, NULL, OPT_PIDFD_SOCKET },
	{ "cwd", required_argument, NULL, OPT_CWD },
	{ "env", required_argument, NULL, 'e' },
	{ "tty", no_argument, NULL, 't' },
	{ "user", required_argument, NULL, 'u' },
	{ "additional-gids", required_argument, NULL, 'g' },
	{ "process", required_argument, NULL, 'p' },
	{ "detach", no_argument, NULL, 'd' },
	{ "pid-file", required_argument, NULL, OPT_PID_FILE },
	{ "process-label", required_argument, NULL, OPT_PROCESS_LABEL },
	{ "apparmor", required_argument, NULL, OPT_APPARMOR },
	{ "no-new-privs", no_argument, NULL, OPT_NO_NEW_PRIVS },
	{ "cap", required_argument, NULL, 'c' },
	{ "preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS },
	{ "cgroup", required_argument, NULL, OPT_CGROUP },
	{ "ignore-paused", no_argument, NULL, OPT_IGNORE_PAUSED },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int parse_u32(const char *text, uint32_t *out)
{
	char *end;
	unsigned long v;

	/* Digits only: strtoul would also take " -4294967295", and wrap it
	 * into 1. */
	if (text[0] < '0' || text[0] > '9')
		return -1;
	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || *end || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* -u uid[:gid], numbers only, as runc. */
static int parse_user(const char *text, skiff_exec_overrides *o)
{
	char buf[64], *colon;

	if (strlen(text) >= sizeof(buf))
		return -1;
	strcpy(buf, text);
	colon = strchr(buf, ':');
	if (colon)
		*colon = '\0';
	if (parse_u32(buf, &o->uid) < 0 || (colon && parse_u32(colon + 1, &o->gid) < 0))
		return -1;
	o->set_user = true;
	return 0;
}

typedef struct list {
	char **items;
	size_t len;
} list;

static int list_add(list *l, char *item)
{
	char **grown = realloc(l->items, (l->len + 1) * sizeof(*grown));

	if (!grown)
		return -1;
	grown[l->len++] = item;
	l->items = grown;
	return 0;
}

/* runc's exit status for every exec that fails once its flags were read
 * (runc 1.1.5: a missing container or program, a bad --user, --env or
 * --cgroup, no command); a command line it cannot read is 1.  Engines
 * tell the two apart (a program's own failure is its status). */
#define EXEC_FAILED 255

typedef struct exec_args {
	skiff_context ctx;
	skiff_exec_overrides o;
	list env, caps, cgroups;
	uint32_t *gids;
	size_t ngids;
	const char *process_file;
	bool detach, ignore_paused;
} exec_args;

static void exec_args_free(exec_args *a)
{
	free(a->env.items);
	free(a->caps.items);
	free(a->cgroups.items);
	free(a->gids);
}

/* One flag into *a: 0, or -1 with the command's exit status in *rc. */
static int exec_flag(exec_args *a, int opt, char **argv, int *rc)
{
	*rc = EXEC_FAILED;
	switch (opt) {
	case OPT_CONSOLE_SOCKET: a->ctx.console_socket = optarg; return 0;
	case OPT_PIDFD_SOCKET: a->ctx.pidfd_socket = optarg; return 0;
	case OPT_CWD: a->o.cwd = optarg; return 0;
	case 't': a->o.tty = true; return 0;
	case 'p': a->process_file = optarg; return 0;
	case 'd': a->detach = true; return 0;
	case OPT_PID_FILE: a->ctx.pid_file = optarg; return 0;
	case OPT_PROCESS_LABEL: a->o.process_label = optarg; return 0;
	case OPT_APPARMOR: a->o.apparmor = optarg; return 0;
	case OPT_NO_NEW_PRIVS: a->o.no_new_privs = true; return 0;
	case OPT_IGNORE_PAUSED: a->ignore_paused = true; return 0;
	case 'e':
		if (!strchr(optarg, '=') || optarg[0] == '=')
			return (cli_usage_error(&cmd_exec, "invalid --env \"%s\": expected NAME=VALUE", optarg), -1);
		break;
	case 'u':
		if (parse_user(optarg, &a->o) < 0)
			return (cli_usage_error(&cmd_exec, "invalid --user \"%s\": expected uid[:gid]", optarg), -1);
		return 0;
	case 'g': {
		uint32_t *grown = realloc(a->gids, (a->ngids + 1) * sizeof(*grown));

		if (!grown)
			return (cli_fail_text("exec: out of memory"), -1);
		a->gids = grown;
		if (parse_u32(optarg, &a->gids[a->ngids]) < 0) {
			*rc = cli_usage_error(&cmd_exec, "invalid --additional-gids \"%s\"", optarg);
			return -1;
		}
		a->ngids++;
		return 0;
	}
	case OPT_PRESERVE_FDS: {
		uint32_t n;

		if (parse_u32(optarg, &n) < 0 || n > 65536) {
			*rc = cli_usage_error(&cmd_exec, "invalid --preserve-fds \"%s\"", optarg);
			return -1;
		}
		a->ctx.preserve_fds = (int)n;
		return 0;
	}
	case OPT_CGROUP:
		if (!optarg[0] || optarg[strlen(optarg) - 1] == ':')
			return (cli_usage_error(&cmd_exec, "invalid --cgroup \"%s\": expected "
					       "[controller[,controller]:]path", optarg), -1);
		break;
	case 'c':
		break;
	case 'h':
		*rc = cli_help(&cmd_exec);
		return -1;
	default:
		*rc = cli_unknown_option(&cmd_exec, argv);
		return -1;
	}
	/* the three repeatable text flags */
	if (list_add(opt == 'e' ? &a->env : opt == 'c' ? &a->caps : &a->cgroups, optarg) < 0)
		return (cli_fail_text("exec: out of memory"), -1);
	return 0;
}

static int run_exec(const cli_globals *g, int argc, char **argv)
{
	exec_args a = { 0 };
	skiff_exec_overrides *o = &a.o;
	spec_process *p = NULL;
	skiff_error err;
	int opt, status = 0, rc = 1;

	cli_context_init(&a.ctx, g);
	while ((opt = getopt_long(argc, argv, "+e:tu:g:p:dc:h", exec_options, NULL)) != -1)
		if (exec_flag(&a, opt, argv, &rc) < 0)
			goto out;
	if (optind >= argc) {
		rc = cli_usage_error(&cmd_exec, "requires the container id");
		goto out;
	}
	a.ctx.id = argv[optind++];
	rc = EXEC_FAILED;
	if (a.process_file) {
		if (optind < argc) {
			rc = cli_usage_error(&cmd_exec, "--process and a command cannot go together");
			goto out;
		}
		if (skiff_process_load_file(a.process_file, &p, &err) < 0 ||
		    skiff_container_exec_cgroups(&a.ctx, p, a.detach, a.ignore_paused,
						 (const char *const *)a.cgroups.items, a.cgroups.len,
						 &status, &err) < 0) {
			cli_fail(&err);
			goto out;
		}
	} else {
		o->args = argv + optind;
		o->args_len = (size_t)(argc - optind);
		o->env = a.env.items;
		o->env_len = a.env.len;
		o->caps = a.caps.items;
		o->caps_len = a.caps.len;
		o->additional_gids = a.gids;
		o->additional_gids_len = a.ngids;
		if (!o->args_len) {
			cli_usage_error(&cmd_exec, "requires a command, or --process");
			goto out;
		}
		if (skiff_container_exec_command(&a.ctx, o, a.detach, a.ignore_paused,
						 (const char *const *)a.cgroups.items, a.cgroups.len,
						 &status, &err) < 0) {
			cli_fail(&err);
			goto out;
		}
	}
	rc = a.detach ? 0 : status;
out:
	skiff_process_free(p);
	exec_args_free(&a);
	return rc;
}

static const cli_option exec_help[] = {
	{ "--console-socket value",
	  "path to an AF_UNIX socket which will receive a file descriptor referencing the master end of the console's pseudoterminal" },
	{ "--cwd value", "current working directory in the container" },
	{ "--env value, -e value", "set environment variables" },
	{ "--tty, -t", "allocate a pseudo-TTY" },
	{ "--user value, -u value", "UID (format: <uid>[:<gid>])" },
	{ "--additional-gids value, -g value", "additional gids" },
	{ "--process value, -p value", "path to the process.json" },
	{ "--detach, -d", "detach from the container's process" },
	{ "--pid-file value", "specify the file to write the process id to" },
	{ "--pidfd-socket value",
	  "path to an AF_UNIX socket which will receive a file descriptor referencing the exec process" },
	{ "--process-label value", "set the asm process label for the process commonly used with selinux" },
	{ "--apparmor value", "set the apparmor profile for the process" },
	{ "--no-new-privs", "set the no new privileges value for the process" },
	{ "--cap value, -c value", "add a capability to the bounding set for the process" },
	{ "--preserve-fds value",
	  "Pass N additional file descriptors to the container (stdio + $LISTEN_FDS + N in total) (default: 0)" },
	{ "--cgroup value",
	  "run the process in an (existing) sub-cgroup(s). Format is [<controller>:]<cgroup>." },
	{ "--ignore-paused", "allow exec in a paused container" },
	{ NULL, NULL },
};

const cli_command cmd_exec = {
	"exec", "execute new process inside the container",
	"<container-id> <command> [command options]  || -p process.json <container-id>",
	"Where \"<container-id>\" is the name for the instance of the container and\n"
	"\"<command>\" is the command to be executed in the container.\n"
	"\"<command>\" can't be empty unless a \"-p\" flag provided.\n\n"
	"EXAMPLE:\n"
	"For example, if the container is configured to run the linux ps command the\n"
	"following will output a list of processes running in the container:\n\n"
	"       # skiff exec <container-id> ps",
	NULL, exec_help, run_exec,
};
