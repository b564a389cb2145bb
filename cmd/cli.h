/*
 * The skiff command line: argument parsing and output only.  Every command
 * is a function that parses its own flags and calls the public API.
 */
#ifndef SKIFF_CLI_H
#define SKIFF_CLI_H

#include <stdbool.h>

#include "skiff.h"

/* The CLI sees only the public header (install.bats checks): its own. */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

typedef struct cli_globals {
	const char *root;
	const char *root_why;     /* the default's reason; NULL with --root */
	const char *root_refused; /* the default may not be used: why */
	const char *log_path;
	bool log_json;
	bool debug;
	bool systemd_cgroup;
	skiff_rootless rootless;
	const char *criu; /* --criu: the criu binary for checkpoint and restore */
} cli_globals;

/* One line of OPTIONS in --help: the flags as runc spells them
 * ("--bundle value, -b value") and what they do. */
typedef struct cli_option {
	const char *flags;
	const char *usage;
} cli_option;

/*
 * A command and its --help, laid out as runc's (urfave/cli):
 *   NAME:
 *      skiff <name> - <summary>
 *
 *   USAGE:
 *      skiff <name> [command options] <args>     ("[command options]" when
 *                                                 there are options)
 *   <args_help>                                   (runc's "Where ..." and
 *                                                 examples, verbatim)
 *   DESCRIPTION:
 *      <description>                              (only its first line is
 *                                                 indented, as runc's)
 *   OPTIONS:
 *      <flags>  <usage>                           (one column, aligned)
 * The man page man/skiff-<name>.8.scd documents the same flags; a test
 * checks they agree.
 */
typedef struct cli_command {
	const char *name;
	const char *summary;
	const char *args;        /* after the options in USAGE: "<container-id>" */
	const char *args_help;   /* NULL when none */
	const char *description; /* NULL when none */
	const cli_option *options; /* ends with { NULL, NULL }; NULL when none */
	int (*run)(const cli_globals *g, int argc, char **argv);
} cli_command;

/* root.c: the default state root (runc's rule, then /run/user/UID, then
 * TMPDIR/skiff-UID) and why it was chosen, in g->root, g->root_why and
 * g->root_refused, pointing into buf. */
typedef struct cli_root_buf {
	char path[4096];
	char why[256];
	char refused[256];
} cli_root_buf;
void cli_default_root(cli_globals *g, cli_root_buf *buf);
/* A default root somebody else owns: says so, returns -1. */
int cli_root_refused(const cli_globals *g);

/* log.c: "skiff: <message>" on stderr, and to --log in its format.
 * cli_log_open() says why on stderr and returns -1 when --log cannot be
 * opened. */
int cli_log_open(const cli_globals *g);
int cli_fail(const skiff_error *err);
int cli_fail_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_log_close(void);
/* The library's warnings (failing poststart/poststop hooks). */
void cli_warn(void *data, const skiff_error *problem);
/* --debug: the library's trace lines (skiff_context.trace), as runc's
 * level=debug lines on the --log file or else stderr. */
void cli_trace(void *data, const char *msg);

/* Print NAME's help, return 0; or a usage error for NAME, return 1. */
int cli_help(const cli_command *cmd);
int cli_usage_error(const cli_command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The usage error for the option getopt just refused (return 1); or,
 * when that option is the help flag, the help (return -1: the parsers'
 * "done, exit 0"). */
int cli_unknown_option(const cli_command *cmd, char **argv);
int cli_help_or_unknown(const cli_command *cmd, bool help, char **argv);
/* After getopt: the one word left must be the container id; store it in
 * *id and return 0, or return a usage error. */
int cli_one_id(const cli_command *cmd, int argc, char **argv, const char **id);

/*
 * Flags after the arguments, as runc takes them: urfave/cli (v1, runc
 * 1.1) moves every word that is one of the command's flags (a long name
 * or a short letter of shortopts/longopts, with - or --, maybe =value) in
 * front of the others, each with the word after it unless that begins
 * with '-' (even after a boolean flag), up to a "--".  Then getopt with
 * "+" reads the flags and stops at the first argument, as Go's flag
 * package does.  Not for exec and ps, whose trailing words are the
 * program's (runc's SkipArgReorder).
 */
struct option;
void cli_reorder_args(int argc, char **argv, const char *shortopts,
		      const struct option *longopts);

/* One command's flags: getopt_long with "+" (stop at the first argument). */
void cli_context_init(skiff_context *ctx, const cli_globals *g);

extern const cli_command cmd_check, cmd_exec, cmd_create, cmd_start, cmd_run, cmd_state, cmd_kill,
	cmd_delete, cmd_list, cmd_spec, cmd_update, cmd_pause, cmd_resume, cmd_ps, cmd_events,
	cmd_features, cmd_checkpoint, cmd_restore;

/* runc's paragraph after USAGE for commands taking a new container's id. */
#define CLI_NEW_ID_HELP \
	"Where \"<container-id>\" is your name for the instance of the container that you\n" \
	"are starting. The name you provide for the container instance must be unique on\n" \
	"your host."

#endif
