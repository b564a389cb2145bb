/*
 * The skiff command line: argument parsing and output only.  Every command
 * is a function that parses its own flags and calls the public API.
 */
#ifndef SKIFF_CLI_H
#define SKIFF_CLI_H

#include <stdbool.h>

#include "skiff.h"

typedef struct cli_globals {
	const char *root;
	const char *log_path;
	bool log_json;
	bool debug;
	bool systemd_cgroup;
	skiff_rootless rootless;
} cli_globals;

typedef struct cli_command {
	const char *name;
	const char *summary;
	const char *usage;  /* after "skiff NAME " */
	const char *help;   /* the description and options, runc's layout */
	int (*run)(const cli_globals *g, int argc, char **argv);
} cli_command;

/* log.c: "skiff: <message>" on stderr, and to --log in its format. */
void cli_log_open(const cli_globals *g);
int cli_fail(const skiff_error *err);
int cli_fail_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_log_close(void);
/* The library's warnings (failing poststart/poststop hooks). */
void cli_warn(void *data, const skiff_error *problem);

/* Print NAME's help, return 0; or a usage error for NAME, return 1. */
int cli_help(const cli_command *cmd);
int cli_usage_error(const cli_command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* One command's flags: getopt_long with "+" (stop at the first argument). */
void cli_context_init(skiff_context *ctx, const cli_globals *g);

extern const cli_command cmd_exec, cmd_create, cmd_start, cmd_run, cmd_state, cmd_kill, cmd_delete,
	cmd_list, cmd_spec, cmd_update, cmd_pause, cmd_resume, cmd_ps, cmd_events;

#endif
