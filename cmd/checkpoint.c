/* checkpoint, restore: runc's flags, handed to criu by the library. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "cli.h"

enum {
	OPT_BUNDLE = 'b',
	OPT_DETACH = 'd',
	OPT_HELP = 'h',
	OPT_IMAGE_PATH = 256,
	OPT_WORK_PATH,
	OPT_PARENT_PATH,
	OPT_LEAVE_RUNNING,
	OPT_TCP_ESTABLISHED,
	OPT_EXT_UNIX_SK,
	OPT_SHELL_JOB,
	OPT_LAZY_PAGES,
	OPT_STATUS_FD,
	OPT_PAGE_SERVER,
	OPT_FILE_LOCKS,
	OPT_PRE_DUMP,
	OPT_MANAGE_CGROUPS_MODE,
	OPT_EMPTY_NS,
	OPT_AUTO_DEDUP,
	OPT_CONSOLE_SOCKET,
	OPT_PID_FILE,
	OPT_NO_SUBREAPER,
	OPT_NO_PIVOT,
	OPT_LSM_PROFILE,
	OPT_LSM_MOUNT_CONTEXT,
};

static const struct option checkpoint_options[] = {
	{ "image-path", required_argument, NULL, OPT_IMAGE_PATH },
	{ "work-path", required_argument, NULL, OPT_WORK_PATH },
	{ "parent-path", required_argument, NULL, OPT_PARENT_PATH },
	{ "leave-running", no_argument, NULL, OPT_LEAVE_RUNNING },
	{ "tcp-established", no_argument, NULL, OPT_TCP_ESTABLISHED },
	{ "ext-unix-sk", no_argument, NULL, OPT_EXT_UNIX_SK },
	{ "shell-job", no_argument, NULL, OPT_SHELL_JOB },
	{ "lazy-pages", no_argument, NULL, OPT_LAZY_PAGES },
	{ "status-fd", required_argument, NULL, OPT_STATUS_FD },
	{ "page-server", required_argument, NULL, OPT_PAGE_SERVER },
	{ "file-locks", no_argument, NULL, OPT_FILE_LOCKS },
	{ "pre-dump", no_argument, NULL, OPT_PRE_DUMP },
	{ "manage-cgroups-mode", required_argument, NULL, OPT_MANAGE_CGROUPS_MODE },
	{ "empty-ns", required_argument, NULL, OPT_EMPTY_NS },
	{ "auto-dedup", no_argument, NULL, OPT_AUTO_DEDUP },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static const struct option restore_options[] = {
	{ "console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET },
	{ "image-path", required_argument, NULL, OPT_IMAGE_PATH },
	{ "work-path", required_argument, NULL, OPT_WORK_PATH },
	{ "tcp-established", no_argument, NULL, OPT_TCP_ESTABLISHED },
	{ "ext-unix-sk", no_argument, NULL, OPT_EXT_UNIX_SK },
	{ "shell-job", no_argument, NULL, OPT_SHELL_JOB },
	{ "file-locks", no_argument, NULL, OPT_FILE_LOCKS },
	{ "manage-cgroups-mode", required_argument, NULL, OPT_MANAGE_CGROUPS_MODE },
	{ "bundle", required_argument, NULL, OPT_BUNDLE },
	{ "detach", no_argument, NULL, OPT_DETACH },
	{ "pid-file", required_argument, NULL, OPT_PID_FILE },
	{ "no-subreaper", no_argument, NULL, OPT_NO_SUBREAPER },
	{ "no-pivot", no_argument, NULL, OPT_NO_PIVOT },
	{ "empty-ns", required_argument, NULL, OPT_EMPTY_NS },
	{ "auto-dedup", no_argument, NULL, OPT_AUTO_DEDUP },
	{ "lazy-pages", no_argument, NULL, OPT_LAZY_PAGES },
	{ "lsm-profile", required_argument, NULL, OPT_LSM_PROFILE },
	{ "lsm-mount-context", required_argument, NULL, OPT_LSM_MOUNT_CONTEXT },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

typedef struct cr_args {
	skiff_context ctx;
	skiff_checkpoint_opts opts;
	bool detach, no_subreaper;
	char default_images[PATH_MAX];
} cr_args;

/* The flags both commands share, and each one's own; -1 after --help. */
static int parse(const cli_command *cmd, const struct option *options, const cli_globals *g,
		 int argc, char **argv, cr_args *a)
{
	int opt;

	memset(a, 0, sizeof(*a));
	cli_context_init(&a->ctx, g);
	a->opts.status_fd = -1;
	a->opts.criu = g->criu;
	cli_reorder_args(argc, argv, "b:dh", options);
	while ((opt = getopt_long_only(argc, argv, "+b:dh", options, NULL)) != -1) {
		switch (opt) {
		case OPT_IMAGE_PATH: a->opts.image_path = optarg; break;
		case OPT_WORK_PATH: a->opts.work_path = optarg; break;
		case OPT_PARENT_PATH: a->opts.parent_path = optarg; break;
		case OPT_LEAVE_RUNNING: a->opts.leave_running = true; break;
		case OPT_TCP_ESTABLISHED: a->opts.tcp_established = true; break;
		case OPT_EXT_UNIX_SK: a->opts.ext_unix_sk = true; break;
		case OPT_SHELL_JOB: a->opts.shell_job = true; break;
		case OPT_LAZY_PAGES: a->opts.lazy_pages = true; break;
		case OPT_PAGE_SERVER: a->opts.page_server = optarg; break;
		case OPT_FILE_LOCKS: a->opts.file_locks = true; break;
		case OPT_PRE_DUMP: a->opts.pre_dump = true; break;
		case OPT_MANAGE_CGROUPS_MODE: a->opts.manage_cgroups_mode = optarg; break;
		case OPT_AUTO_DEDUP: a->opts.auto_dedup = true; break;
		case OPT_LSM_PROFILE: a->opts.lsm_profile = optarg; break;
		case OPT_LSM_MOUNT_CONTEXT: a->opts.lsm_mount_context = optarg; break;
		case OPT_BUNDLE: a->ctx.bundle = optarg; break;
		case OPT_DETACH: a->detach = true; break;
		case OPT_CONSOLE_SOCKET: a->ctx.console_socket = optarg; break;
		case OPT_PID_FILE: a->ctx.pid_file = optarg; break;
		case OPT_NO_SUBREAPER: a->no_subreaper = true; break;
		case OPT_NO_PIVOT: a->ctx.no_pivot = true; break; /* criu builds the root */
		case OPT_STATUS_FD: {
			char *end;
			long n = strtol(optarg, &end, 10);

			if (*end || end == optarg || n < -1 || n > INT_MAX)
				return cli_usage_error(cmd, "invalid --status-fd \"%s\"", optarg);
			a->opts.status_fd = (int)n;
			break;
		}
		case OPT_EMPTY_NS:
			/* as runc: only the network namespace, which it does not manage */
			if (strcmp(optarg, "network"))
				return cli_usage_error(cmd, "namespace \"%s\" is not supported", optarg);
			a->opts.empty_net_ns = true;
			break;
		default:
			return cli_help_or_unknown(cmd, opt == OPT_HELP, argv);
		}
	}
	if (cli_one_id(cmd, argc, argv, &a->ctx.id))
		return 1;
	/* runc's default: ./checkpoint */
	if (!a->opts.image_path) {
		if (!getcwd(a->default_images, sizeof(a->default_images) - 12))
			return cli_fail_text("checkpoint: current directory: %s", strerror(errno));
		strcat(a->default_images, "/checkpoint");
		a->opts.image_path = a->default_images;
	}
	return 0;
}

static int run_checkpoint(const cli_globals *g, int argc, char **argv)
{
	skiff_error err;
	cr_args a;
	int rc = parse(&cmd_checkpoint, checkpoint_options, g, argc, argv, &a);

	if (rc)
		return rc < 0 ? 0 : rc;
	if (skiff_container_checkpoint(&a.ctx, &a.opts, &err) < 0)
		return cli_fail(&err);
	return 0;
}

static int run_restore(const cli_globals *g, int argc, char **argv)
{
	skiff_error err;
	int status = 0;
	cr_args a;
	int rc = parse(&cmd_restore, restore_options, g, argc, argv, &a);

	if (rc)
		return rc < 0 ? 0 : rc;
	/* as run: what the restored container abandons comes to us */
	if (!a.detach && !a.no_subreaper && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)
		a.ctx.subreaper = true;
	if (skiff_container_restore(&a.ctx, NULL, &a.opts, a.detach, &status, &err) < 0)
		return cli_fail(&err);
	return a.detach ? 0 : status;
}

static const cli_option checkpoint_help[] = {
	{ "--image-path value", "path for saving criu image files (default: ./checkpoint)" },
	{ "--work-path value", "path for saving work files and logs (default: the image path)" },
	{ "--parent-path value", "path for previous criu image files in pre-dump, relative to the image path" },
	{ "--leave-running", "leave the process running after checkpointing" },
	{ "--tcp-established", "allow open tcp connections" },
	{ "--ext-unix-sk", "allow external unix sockets" },
	{ "--shell-job", "allow shell jobs" },
	{ "--lazy-pages", "use userfaultfd to lazily restore memory pages" },
	{ "--status-fd value", "criu writes \\0 to this FD once lazy-pages is ready (default: -1)" },
	{ "--page-server value", "ADDRESS:PORT of the page server" },
	{ "--file-locks", "handle file locks, for safety" },
	{ "--pre-dump", "dump container's memory information only, leave the container running after this" },
	{ "--manage-cgroups-mode value", "cgroups mode: soft|full|strict|ignore (default: soft)" },
	{ "--empty-ns value", "create a namespace, but don't restore its properties (network only)" },
	{ "--auto-dedup", "enable auto deduplication of memory images" },
	{ NULL, NULL },
};

static const cli_option restore_help[] = {
	{ "--console-socket value",
	  "path to an AF_UNIX socket which will receive a file descriptor referencing the master end of the console's pseudoterminal" },
	{ "--image-path value", "path to criu image files for restoring (default: ./checkpoint)" },
	{ "--work-path value", "path for saving work files and logs (default: the image path)" },
	{ "--tcp-established", "allow open tcp connections" },
	{ "--ext-unix-sk", "allow external unix sockets" },
	{ "--shell-job", "allow shell jobs" },
	{ "--file-locks", "handle file locks, for safety" },
	{ "--manage-cgroups-mode value", "cgroups mode: soft|full|strict|ignore (default: soft)" },
	{ "--bundle value, -b value", "path to the root of the bundle directory" },
	{ "--detach, -d", "detach from the container's process" },
	{ "--pid-file value", "specify the file to write the process id to" },
	{ "--no-subreaper", "disable the use of the subreaper used to reap reparented processes" },
	{ "--no-pivot", "do not use pivot root to jail process inside rootfs (criu builds the root: no effect)" },
	{ "--empty-ns value", "create a namespace, but don't restore its properties (network only)" },
	{ "--auto-dedup", "enable auto deduplication of memory images" },
	{ "--lazy-pages", "use userfaultfd to lazily restore memory pages" },
	{ "--lsm-profile value", "Specify an LSM profile to be used during restore in the form of TYPE:NAME." },
	{ "--lsm-mount-context value", "Specify an LSM mount context to be used during restore." },
	{ NULL, NULL },
};

const cli_command cmd_checkpoint = {
	"checkpoint", "checkpoint a running container", "<container-id>",
	"Where \"<container-id>\" is the name for the instance of the container to be\n"
	"checkpointed.",
	"The checkpoint command saves the state of the container instance, through criu(8).",
	checkpoint_help, run_checkpoint,
};

const cli_command cmd_restore = {
	"restore", "restore a container from a previous checkpoint", "<container-id>",
	"Where \"<container-id>\" is the name for the instance of the container to be\n"
	"restored.",
	"Restores the saved state of the container instance that was previously saved\n"
	"using the skiff checkpoint command, through criu(8).",
	restore_help, run_restore,
};
