/*
 * How spec/ names what is wrong: JSON paths built as a walker descends
 * (".linux.resources.devices[2].major", ".annotations[\"k\"]"), values
 * quoted as JSON, and problem sinks, which keep the first problem as a
 * skiff_error and hand every one to a callback (`skiff check` lists them
 * all).  Shared by parse.c, serialize.c and the validators.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "schema.h"

/* ---- paths, quoting, errors ---- */

void spec_path_init(struct spec_path *p)
{
	p->len = 0;
	p->buf[0] = '\0';
}

static size_t path_append(struct spec_path *p, const char *s)
{
	size_t old = p->len, n = strlen(s), room = sizeof(p->buf) - 1 - p->len;

	if (n <= room) {
		memcpy(p->buf + p->len, s, n);
		p->len += n;
	} else {
		/* Cut short; only messages use the path, so say so with "...". */
		memcpy(p->buf + p->len, s, room);
		p->len = sizeof(p->buf) - 1;
		memcpy(p->buf + p->len - 3, "...", 3);
	}
	p->buf[p->len] = '\0';
	return old;
}

size_t spec_path_push_field(struct spec_path *p, const char *name)
{
	size_t old = path_append(p, ".");

	path_append(p, name);
	return old;
}

size_t spec_path_push_index(struct spec_path *p, size_t index)
{
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "[%zu]", index);
	return path_append(p, tmp);
}

size_t spec_path_push_key(struct spec_path *p, const char *key)
{
	char quoted[SPEC_QUOTE_MAX * 6 + 8];
	size_t old = path_append(p, "[");

	path_append(p, spec_quote(quoted, sizeof(quoted), key));
	path_append(p, "]");
	return old;
}

void spec_path_pop(struct spec_path *p, size_t len)
{
	if (len < p->len) {
		p->len = len;
		p->buf[len] = '\0';
	}
}

char *spec_quote(char *buf, size_t size, const char *s)
{
	size_t n = strlen(s), cut = n, o = 0, i;
	bool cut_short = false;

	if (size < 8) { /* too small to say anything useful */
		if (size)
			buf[0] = '\0';
		return buf;
	}
	if (n > SPEC_QUOTE_MAX) {
		cut = SPEC_QUOTE_MAX;
		/* Do not split a UTF-8 sequence. */
		while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
			cut--;
		cut_short = true;
	}
	buf[o++] = '"';
	for (i = 0; i < cut; i++) {
		unsigned char ch = (unsigned char)s[i];
		char esc[8];
		size_t elen;

		if (ch == '"' || ch == '\\')
			snprintf(esc, sizeof(esc), "\\%c", ch);
		else if (ch == '\n')
			snprintf(esc, sizeof(esc), "\\n");
		else if (ch == '\t')
			snprintf(esc, sizeof(esc), "\\t");
		else if (ch < 0x20 || ch == 0x7f)
			snprintf(esc, sizeof(esc), "\\u%04x", ch);
		else {
			esc[0] = (char)ch;
			esc[1] = '\0';
		}
		elen = strlen(esc);
		if (o + elen + 5 > size) { /* keep room for ...", NUL */
			cut_short = true;
			break;
		}
		memcpy(buf + o, esc, elen);
		o += elen;
	}
	if (cut_short) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

int spec_fail_path(skiff_error *err, const char *name, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	skiff_fail_in_file(err, 0, name, path, fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- problem sinks ---- */

void spec_sink_init(struct spec_sink *s, const char *name, skiff_error *first, spec_problem_fn fn,
		    void *data)
{
	memset(s, 0, sizeof(*s));
	s->name = name;
	s->first = first;
	s->fn = fn;
	s->data = data;
}

/* The first problem goes to s->first, every one to s->fn.  errnum (0 if
 * none) is kept in s->first and spelled out after the problem. */
static void sink_record(struct spec_sink *s, int errnum, const char *path, const char *problem)
{
	if (s->count++ == 0 && s->first) {
		if (errnum)
			skiff_fail_errno_at(s->first, errnum, path, "%s: %s", s->name, problem);
		else
			spec_fail_path(s->first, s->name, path, "%s", problem);
	}
	if (s->fn && errnum) {
		char full[1024], why[128];

		snprintf(full, sizeof(full), "%s: %s", problem, strerror_r(errnum, why, sizeof(why)));
		s->fn(s->data, path, full);
	} else if (s->fn) {
		s->fn(s->data, path, problem);
	}
}

static int report(struct spec_sink *s, int errnum, bool fatal, const char *path, const char *fmt,
		  va_list ap)
{
	char problem[768];

	vsnprintf(problem, sizeof(problem), fmt, ap);
	s->fatal |= fatal;
	sink_record(s, errnum, path ? path : "", problem);
	return -1;
}

int spec_report(struct spec_sink *s, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(s, 0, false, path, fmt, ap);
	va_end(ap);
	return -1;
}

int spec_report_fatal(struct spec_sink *s, int errnum, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(s, errnum, true, path, fmt, ap);
	va_end(ap);
	return -1;
}

bool spec_sink_goes_on(const struct spec_sink *s)
{
	return s->fn && !s->fatal;
}
