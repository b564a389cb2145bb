/*
 * Internal helpers around the public skiff_error type (skiff.h).
 * Every failing function fills one skiff_error and returns -1; callers add
 * context on the way up with skiff_error_prefix().  A NULL error pointer is
 * allowed everywhere and means "the caller does not care".
 */
#ifndef SKIFF_ERROR_H
#define SKIFF_ERROR_H

#include <stdarg.h>

#include "compat.h"
#include "skiff.h"

/*
 * The constructors, named by what they do with errnum:
 *   skiff_fail_errno  the message, then ": " and errnum's text (a system
 *                     call failed: "open /x: no such file or directory");
 *   skiff_fail_msg    the message alone, worded in full (bad input, runc's
 *                     exact wordings); errnum is kept for programs.
 * The _at forms record what the error concerns: ".process.cwd" or
 * ".mounts[2]" is a JSON path (SKIFF_CONTEXT_JSON_PATH), any other text a
 * file's path (SKIFF_CONTEXT_FILE); NULL or "" is none.  A message too
 * long for the buffer loses its middle ("..."), so that the reason at its
 * end stays (here and in every function below).  All return -1.
 */
int skiff_fail_errno(skiff_error *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int skiff_fail_msg(skiff_error *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int skiff_fail_errno_at(skiff_error *err, int errnum, const char *context, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int skiff_fail_msg_at(skiff_error *err, int errnum, const char *context, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A config field this host or this build cannot take, found at run time
 * (the config's own rules are spec/'s): "config.json: <json_path>: <the
 * message>", as spec/'s errors read; errnum kept. */
int skiff_fail_config(skiff_error *err, int errnum, const char *json_path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The same for any file ("<file>: <json_path>: <problem>", or "<file>:
 * <problem>" without a path), from a va_list. */
int skiff_fail_in_file(skiff_error *err, int errnum, const char *file, const char *json_path,
		       const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

/* Turn "why" into "<prefix>: why", keeping errnum and context.  Returns -1. */
int skiff_error_prefix(skiff_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void skiff_error_clear(skiff_error *err);

#endif
