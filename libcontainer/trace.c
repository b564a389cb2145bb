/*
 * Debug tracing (skiff_context.trace, `skiff --debug`).
 *
 * Trace points anywhere in the library call trace("fmt", ...).  Where the
 * line goes is decided per call of the public API, not per trace point,
 * so that no internal function needs a tracer argument:
 *   - a public function that acts (create, start, run, exec, kill, delete,
 *     update, pause, resume) opens a TRACE_SCOPE(ctx): for its duration,
 *     in the calling thread, trace() formats the line and gives it to
 *     ctx->trace; on any return the scope ends and the previous one (none,
 *     or the outer call's) is back;
 *   - a process the call clones (the container's init, exec's process)
 *     inherits the scope with its copy of the thread, and first thing
 *     turns it into a relay (trace_relay_to): its lines go to the runtime
 *     as SYNC_TRACE messages over the setup socket, where sync_recv_full()
 *     hands them to the callback (trace_deliver) between the messages it
 *     waits for.  The embedder's callback never runs in a child.
 * The scope lives in one thread-local variable: it is set and restored by
 * each call, never shared between threads and never outlives a call, so
 * the library keeps no state between calls (skiff.h's promise).  With
 * ctx->trace NULL the scope is empty and trace() returns before any
 * formatting: one thread-local load per trace point.
 *
 * A relaying child never blocks for good on its lines: the runtime reads
 * the socket at every step it waits for the child (sync.c), and a runtime
 * that died makes the send fail (EPIPE, no SIGPIPE), which is ignored.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#include "internal.h"

static __thread trace_scope current = { NULL, NULL, NULL, NULL };

trace_scope trace_scope_begin(const skiff_context *ctx)
{
	trace_scope saved = current;

	current.fn = ctx ? ctx->trace : NULL;
	current.data = ctx ? ctx->trace_data : NULL;
	current.relay = NULL;
	current.who = NULL;
	return saved;
}

void trace_scope_end(trace_scope *saved)
{
	current = *saved;
}

bool trace_active(void)
{
	return current.fn != NULL;
}

void trace_relay_to(const int *sock, const char *who)
{
	if (!current.fn)
		return;
	current.relay = sock;
	current.who = who;
}

void trace(const char *fmt, ...)
{
	skiff_error line;
	int saved_errno;
	va_list ap;
	int n = 0;

	if (!current.fn)
		return;
	/* Trace points sit between a syscall and its errno's reader. */
	saved_errno = errno;
	if (current.relay && current.who)
		n = snprintf(line.message, sizeof(line.message), "%s: ", current.who);
	if (n < 0 || (size_t)n >= sizeof(line.message))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(line.message + n, sizeof(line.message) - (size_t)n, fmt, ap);
	va_end(ap);
	if (current.relay) {
		line.errnum = 0;
		line.context[0] = '\0';
		if (*current.relay >= 0)
			sync_send(*current.relay, SYNC_TRACE, &line);
	} else {
		current.fn(current.data, line.message);
	}
	errno = saved_errno;
}

void trace_deliver(const char *msg)
{
	int saved_errno = errno;

	/* Only where the scope is the caller's own: a relay never calls it. */
	if (current.fn && !current.relay)
		current.fn(current.data, msg);
	errno = saved_errno;
}

const char *trace_seccomp_stage(enum seccomp_stage stage)
{
	switch (stage) {
	case SECCOMP_PRIVILEGED:
		return "last, with CAP_SYS_ADMIN kept for it (noNewPrivileges false)";
	case SECCOMP_BEFORE_READY:
		return "before the process reports ready (its notify listener goes to the agent)";
	case SECCOMP_BEFORE_EXEC:
		return "by the exec stub, just before execve";
	}
	return "?";
}

const char *trace_mount_flags(unsigned long flags, char *buf, size_t size)
{
	static const struct {
		unsigned long flag;
		const char *name;
	} names[] = {
		{ MS_RDONLY, "MS_RDONLY" },     { MS_NOSUID, "MS_NOSUID" },
		{ MS_NODEV, "MS_NODEV" },       { MS_NOEXEC, "MS_NOEXEC" },
		{ MS_SYNCHRONOUS, "MS_SYNCHRONOUS" }, { MS_REMOUNT, "MS_REMOUNT" },
		{ MS_MANDLOCK, "MS_MANDLOCK" }, { MS_DIRSYNC, "MS_DIRSYNC" },
		{ MS_NOSYMFOLLOW, "MS_NOSYMFOLLOW" }, { MS_NOATIME, "MS_NOATIME" },
		{ MS_NODIRATIME, "MS_NODIRATIME" }, { MS_BIND, "MS_BIND" },
		{ MS_MOVE, "MS_MOVE" },         { MS_REC, "MS_REC" },
		{ MS_SILENT, "MS_SILENT" },     { MS_UNBINDABLE, "MS_UNBINDABLE" },
		{ MS_PRIVATE, "MS_PRIVATE" },   { MS_SLAVE, "MS_SLAVE" },
		{ MS_SHARED, "MS_SHARED" },     { MS_RELATIME, "MS_RELATIME" },
		{ MS_STRICTATIME, "MS_STRICTATIME" }, { MS_LAZYTIME, "MS_LAZYTIME" },
	};

	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(names) && flags; i++) {
		if (!(flags & names[i].flag))
			continue;
		flags &= ~names[i].flag;
		snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", buf[0] ? "|" : "",
			 names[i].name);
	}
	if (flags)
		snprintf(buf + strlen(buf), size - strlen(buf), "%s0x%lx", buf[0] ? "|" : "", flags);
	if (!buf[0])
		snprintf(buf, size, "0");
	return buf;
}
