#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

/* The errno text as runc (Go) spells it, "no such file or directory":
 * engines match runc's messages, so skiff's read the same.  strerror_r
 * (GNU's, which returns the text): strerror may share a buffer between
 * threads. */
static void append_errno(skiff_error *err, int errnum)
{
	size_t used = strlen(err->message);
	char buf[128];

	if (errnum && used + 2 < sizeof(err->message)) {
		snprintf(err->message + used, sizeof(err->message) - used, ": %s",
			 strerror_r(errnum, buf, sizeof(buf)));
		if (err->message[used + 2] >= 'A' && err->message[used + 2] <= 'Z')
			err->message[used + 2] = (char)(err->message[used + 2] - 'A' + 'a');
	}
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
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	if (spell)
		append_errno(err, errnum);
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

int skiff_fail_config(skiff_error *err, int errnum, const char *json_path, const char *fmt, ...)
{
	char problem[768];
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(problem, sizeof(problem), fmt, ap);
	va_end(ap);
	return skiff_fail_msg_at(err, errnum, json_path, "config.json: %s: %s", json_path, problem);
}

int skiff_error_prefix(skiff_error *err, const char *fmt, ...)
{
	char old[sizeof(err->message)];
	size_t used;
	va_list ap;

	if (!err)
		return -1;
	memcpy(old, err->message, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	used = strlen(err->message);
	if (used + 2 < sizeof(err->message)) {
		/* Truncation keeps the start of the old text, which says the most.
		 * (memcpy, not strncat: gcc's -fsanitize builds warn on that one.) */
		size_t n = strnlen(old, sizeof(err->message) - used - 3);

		memcpy(err->message + used, ": ", 2);
		memcpy(err->message + used + 2, old, n);
		err->message[used + 2 + n] = '\0';
	}
	return -1;
}

void skiff_error_clear(skiff_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}
