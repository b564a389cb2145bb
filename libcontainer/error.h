/*
 * Internal helpers around the public skiff_error type (skiff.h).
 * Every failing function fills one skiff_error and returns -1; callers add
 * context on the way up with skiff_error_prefix().  A NULL error pointer is
 * allowed everywhere and means "the caller does not care".
 */
#ifndef SKIFF_ERROR_H
#define SKIFF_ERROR_H

#include "skiff.h"

/* Set *err to the formatted message; when errnum is not 0, ": strerror(errnum)"
 * is appended and errnum is kept.  A message too long for the buffer loses
 * its middle ("..."), so that the reason at its end stays (here and in
 * every function below).  Always returns -1. */
int skiff_fail(skiff_error *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like skiff_fail() but the message is complete as given: errnum is kept
 * for callers and not spelled out (for runc's exact wordings). */
int skiff_fail_code(skiff_error *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like skiff_fail(), and records context (a JSON path, a file, a syscall). */
int skiff_fail_at(skiff_error *err, int errnum, const char *context, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* skiff_fail_code() with a context: for validation errors worded in full. */
int skiff_fail_code_at(skiff_error *err, int errnum, const char *context, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Turn "why" into "<prefix>: why", keeping errnum and context.  Returns -1. */
int skiff_error_prefix(skiff_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void skiff_error_clear(skiff_error *err);

#endif
