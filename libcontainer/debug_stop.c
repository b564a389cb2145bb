/*
 * Fault injection for tests: skiff_context.debug_stop_at names one step of
 * create, run or exec, and the process that reaches it dies there at once
 * with SIGKILL, as a crash or an OOM kill would take it.  Tests then check
 * that what is left is reported honestly and that `delete --force` cleans
 * it all up.  The CLI sets the field from $SKIFF_DEBUG_STOP_AT; unset, every
 * call below is one pointer test.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* In the order a container starts; who stops is in the name. */
static const char *const steps[] = {
	"create-after-state-dir",      /* runtime: <root>/<id> made, nothing in it */
	"create-after-clone",          /* runtime: cgroups made, the init exists, its pid
					  not yet in state.json */
	"create-after-pid-record",     /* runtime: state.json says creating, with the pid */
	"create-after-systemd-unit",   /* runtime: (--systemd-cgroup) the unit holds the init */
	"create-after-cgroups",        /* runtime: the init is in its cgroups */
	"create-after-id-maps",        /* runtime: uid/gid maps written */
	"create-after-go",             /* runtime: the init was told to set up */
	"init-after-go",               /* init: before any setup */
	"init-after-mounts",           /* init: mounts made, before pivot_root */
	"init-after-pivot",            /* init: in its root, before sysctls and the user */
	"init-before-ready",           /* init: set up, READY not sent */
	"create-after-ready",          /* runtime: READY received, state.json still creating */
	"create-after-created-record", /* runtime: state.json says created, no pid file */
	"init-after-ready",            /* init: waiting for start */
	"run-after-create",            /* run: created, not started */
	"run-after-start",             /* run: started, while waiting for the process */
	"exec-after-clone",            /* exec: the new process exists */
	"exec-after-go",               /* exec: the new process was told to set up */
	"exec-child-before-ready",     /* exec's new process: set up, READY not sent */
};

int debug_stop_check(const skiff_context *ctx, skiff_error *err)
{
	if (!ctx->debug_stop_at)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(steps); i++)
		if (!strcmp(ctx->debug_stop_at, steps[i]))
			return 0;
	return skiff_fail_msg(err, EINVAL, "unknown debug stop step \"%.64s\"", ctx->debug_stop_at);
}

void debug_stop(const skiff_context *ctx, const char *step)
{
	if (!ctx->debug_stop_at || strcmp(ctx->debug_stop_at, step))
		return;
	kill(getpid(), SIGKILL);
	/* Still here: the init of a pid namespace ignores SIGKILL from inside
	 * it.  _exit() runs no cleanup either, which is what matters. */
	_exit(128 + SIGKILL);
}
