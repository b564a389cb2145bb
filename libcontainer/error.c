#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

/*
 * The message buffer gets text.  Text longer than the buffer loses its
 * middle, not its end: the start says what failed and the end why
 * ("set hostname \"hhh...hhh\": invalid argument"); a long value in
 * between is what gives way, not the reason after it.
 */
static void put_message(skiff_error *err, const char *text)
{
	size_t n = strlen(text), size = sizeof(err->message), head, tail;

	if (n < size) {
		memcpy(err->message, text, n + 1);
		return;
	}
	tail = (size - 1) / 3;
	head = size - 1 - 3 - tail;
	/* Not in the middle of a UTF-8 character. */
	while (head > 0 && ((unsigned char)text[head] & 0xc0) == 0x80)
		head--;
	while (tail > 0 && ((unsigned char)text[n - tail] & 0xc0) == 0x80)
		tail--;
	memcpy(err->message, text, head);
	memcpy(err->message + head, "...", 3);
	memcpy(err->message + head + 3, text + n - tail, tail);
	err->message[head + 3 + tail] = '\0';
}

/* The formatted message, followed when errnum is not 0 by ": <errno text>"
 * as runc (Go) spells it, "no such file or directory": engines match
 * runc's messages, so skiff's read the same.  strerror_r (GNU's, which
 * returns the text): strerror may share a buffer between threads. */
static void set_message(skiff_error *err, int errnum, const char *fmt, va_list ap)
{
	char why[128], *text = NULL;
	va_list copy;
	int n;

	va_copy(copy, ap);
	n = vasprintf(&text, fmt, copy);
	va_end(copy);
	if (n < 0) {
		/* No memory for the whole: the start, as it fits. */
		vsnprintf(err->message, sizeof(err->message), fmt, ap);
		text = NULL;
	} else {
		put_message(err, text);
	}
	if (errnum) {
		const char *reason = strerror_r(errnum, why, sizeof(why));
		char *full = NULL;

		if (reason != why)
			snprintf(why, sizeof(why), "%s", reason);
		if (why[0] >= 'A' && why[0] <= 'Z')
			why[0] = (char)(why[0] - 'A' + 'a');
		if (asprintf(&full, "%s: %s", text ? text : err->message, why) >= 0)
			put_message(err, full);
		free(full);
	}
	free(text);
	err->errnum = errnum;
}

/* ".process.cwd", ".mounts[2]": a JSON path; any other text a file's
 * path (absolute, or relative as ".", "state.json" or "sys/kernel/x"). */
static skiff_context_kind kind_of(const char *context)
{
	if (!context || !context[0])
		return SKIFF_CONTEXT_NONE;
	if (context[0] == '.' && (isalpha((unsigned char)context[1]) || context[1] == '['))
		return SKIFF_CONTEXT_JSON_PATH;
	return SKIFF_CONTEXT_FILE;
}

/* The four constructors below in one: context (NULL: none), the message,
 * and errnum spelt out after it or only kept. */
static int set_error(skiff_error *err, int errnum, bool spell, const char *context,
		     const char *fmt, va_list ap)
{
	if (!err)
		return -1;
	err->kind = kind_of(context);
	snprintf(err->context, sizeof(err->context), "%s", context ? context : "");
	set_message(err, spell ? errnum : 0, fmt, ap);
	err->errnum = errnum;
	return -1;
}

int skiff_fail_errno(skiff_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_error(err, errnum, true, NULL, fmt, ap);
	va_end(ap);
	return -1;
}

int skiff_fail_msg(skiff_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_error(err, errnum, false, NULL, fmt, ap);
	va_end(ap);
	return -1;
}

int skiff_fail_errno_at(skiff_error *err, int errnum, const char *context, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_error(err, errnum, true, context, fmt, ap);
	va_end(ap);
	return -1;
}

int skiff_fail_msg_at(skiff_error *err, int errnum, const char *context, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_error(err, errnum, false, context, fmt, ap);
	va_end(ap);
	return -1;
}

int skiff_fail_in_file(skiff_error *err, int errnum, const char *file, const char *json_path,
		       const char *fmt, va_list ap)
{
	char problem[768];

	if (!err)
		return -1;
	vsnprintf(problem, sizeof(problem), fmt, ap);
	if (!json_path || !*json_path)
		return skiff_fail_msg_at(err, errnum, "", "%s: %s", file, problem);
	return skiff_fail_msg_at(err, errnum, json_path, "%s: %s: %s", file, json_path, problem);
}

int skiff_fail_config(skiff_error *err, int errnum, const char *json_path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	skiff_fail_in_file(err, errnum, "config.json", json_path, fmt, ap);
	va_end(ap);
	return -1;
}

int skiff_error_prefix(skiff_error *err, const char *fmt, ...)
{
	char old[sizeof(err->message)], *prefix = NULL, *full = NULL;
	size_t used;
	va_list ap;
	int n;

	if (!err)
		return -1;
	memcpy(old, err->message, sizeof(old));
	va_start(ap, fmt);
	n = vasprintf(&prefix, fmt, ap);
	va_end(ap);
	if (n >= 0 && asprintf(&full, "%s: %s", prefix, old) >= 0) {
		/* Too long, the middle goes: the reason at the end stays. */
		put_message(err, full);
		free(full);
		free(prefix);
		return -1;
	}
	free(prefix);
	/* No memory: the start of each, as they fit. */
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	used = strlen(err->message);
	if (used + 2 < sizeof(err->message)) {
		/* (memcpy, not strncat: gcc's -fsanitize builds warn on that one.) */
		size_t len = strnlen(old, sizeof(err->message) - used - 3);

		memcpy(err->message + used, ": ", 2);
		memcpy(err->message + used + 2, old, len);
		err->message[used + 2 + len] = '\0';
	}
	return -1;
}

void skiff_error_clear(skiff_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}
