/*
 * Error reporting of the CLI: always "skiff: <what failed>: <why>" on
 * stderr, and with --log one line per error in the asked format, which
 * engines read back (containerd shows the last "error" line's msg).
 * With --debug the library's trace lines (skiff_context.trace) go out as
 * runc's debug lines, to the --log file or else stderr:
 *   time="<RFC 3339>" level=debug msg="<line>"
 *   {"level":"debug","msg":"<line>","time":"<RFC 3339>"}  (--log-format json)
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "cli.h"

/* The one piece of process-wide state of the CLI (never of the library). */
static struct {
	int fd;
	bool json;
	bool debug; /* --debug: trace lines go to fd, or stderr without --log */
	const char *root, *root_why; /* the default state root and why (no --root) */
} log_sink = { -1, false, false, NULL, NULL };

/* A log that cannot be opened fails the command before it does anything,
 * as with runc (exit 1, "open PATH: ..."): an engine that asked for the
 * log reads its errors there, and would otherwise find none. */
int cli_log_open(const cli_globals *g)
{
	log_sink.debug = g->debug;
	log_sink.json = g->log_json;
	log_sink.root = g->root;
	log_sink.root_why = g->root_why;
	if (!g->log_path)
		return 0;
	log_sink.fd = open(g->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (log_sink.fd < 0) {
		fprintf(stderr, "skiff: open log file %s: %m\n", g->log_path);
		return -1;
	}
	return 0;
}

void cli_log_close(void)
{
	if (log_sink.fd >= 0)
		close(log_sink.fd);
	log_sink.fd = -1;
}

/* RFC 3339 in UTC with nanoseconds, as runc's log lines carry it. */
static void timestamp(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec);
}

/* msg as logrus's text formatter quotes it (Go's %q): backslash escapes
 * for the quote, the backslash and control characters. */
static void quote(FILE *out, const char *msg)
{
	fputc('"', out);
	for (const unsigned char *c = (const unsigned char *)msg; *c; c++) {
		switch (*c) {
		case '"':
		case '\\':
			fprintf(out, "\\%c", *c);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		default:
			if (*c < 0x20 || *c == 0x7f)
				fprintf(out, "\\x%02x", *c);
			else
				fputc(*c, out);
		}
	}
	fputc('"', out);
}

/* msg with each byte that is not part of valid UTF-8 replaced by U+FFFD,
 * as Go's encoder does (a path may hold any bytes); malloc'd or NULL. */
static char *utf8_clean(const char *msg)
{
	size_t n = strlen(msg), used = 0;
	const unsigned char *c = (const unsigned char *)msg;
	char *out = malloc(3 * n + 1);

	if (!out)
		return NULL;
	for (size_t i = 0; i < n;) {
		size_t len = c[i] < 0x80 ? 1 : (c[i] & 0xe0) == 0xc0 && c[i] >= 0xc2 ? 2 :
			     (c[i] & 0xf0) == 0xe0 ? 3 : (c[i] & 0xf8) == 0xf0 && c[i] <= 0xf4 ? 4 : 0;
		bool ok = len > 0 && i + len <= n;

		for (size_t k = 1; ok && k < len; k++)
			ok = (c[i + k] & 0xc0) == 0x80;
		/* no overlong 3-byte forms, surrogates or values past U+10FFFF */
		if (ok && len == 3)
			ok = !(c[i] == 0xe0 && c[i + 1] < 0xa0) && !(c[i] == 0xed && c[i + 1] >= 0xa0);
		if (ok && len == 4)
			ok = !(c[i] == 0xf0 && c[i + 1] < 0x90) && !(c[i] == 0xf4 && c[i + 1] >= 0x90);
		if (!ok) {
			memcpy(out + used, "\xef\xbf\xbd", 3);
			used += 3;
			i++;
			continue;
		}
		memcpy(out + used, c + i, len);
		used += len;
		i += len;
	}
	out[used] = '\0';
	return out;
}

/* One line to fd, written at once (O_APPEND: lines of concurrent
 * commands do not mix). */
static void write_line(int fd, const char *level, const char *msg)
{
	char now[64];

	timestamp(now, sizeof(now));
	if (log_sink.json) {
		yajl_gen g = yajl_gen_alloc(NULL);
		char *clean = utf8_clean(msg);
		const unsigned char *buf;
		size_t len;

		if (!g) {
			free(clean);
			return;
		}
		yajl_gen_map_open(g);
		yajl_gen_string(g, (const unsigned char *)"level", 5);
		yajl_gen_string(g, (const unsigned char *)level, strlen(level));
		yajl_gen_string(g, (const unsigned char *)"msg", 3);
		yajl_gen_string(g, (const unsigned char *)(clean ? clean : "?"),
				strlen(clean ? clean : "?"));
		free(clean);
		yajl_gen_string(g, (const unsigned char *)"time", 4);
		yajl_gen_string(g, (const unsigned char *)now, strlen(now));
		yajl_gen_map_close(g);
		if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok) {
			char *text = malloc(len + 1);

			if (text) {
				memcpy(text, buf, len);
				text[len] = '\n';
				(void)!write(fd, text, len + 1);
				free(text);
			}
		}
		yajl_gen_free(g);
	} else {
		char *text = NULL;
		size_t len = 0;
		FILE *out = open_memstream(&text, &len);

		if (!out)
			return;
		fprintf(out, "time=\"%s\" level=%s msg=", now, level);
		quote(out, msg);
		fputc('\n', out);
		if (fclose(out) == 0)
			(void)!write(fd, text, len);
		free(text);
	}
}

static void log_line(const char *level, const char *msg)
{
	if (log_sink.fd >= 0)
		write_line(log_sink.fd, level, msg);
}

void cli_trace(void *data, const char *msg)
{
	(void)data;
	if (log_sink.debug)
		write_line(log_sink.fd >= 0 ? log_sink.fd : STDERR_FILENO, "debug", msg);
}


int cli_fail_text(const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "skiff: %s\n", msg);
	log_line("error", msg);
	return 1;
}

void cli_warn(void *data, const skiff_error *problem)
{
	(void)data;
	fprintf(stderr, "skiff: warning: %s\n", problem->message);
	log_line("warning", problem->message);
}

int cli_fail(const skiff_error *err)
{
	/* A state root the user never named: say which default and why. */
	if (log_sink.root_why && err->context[0] && !strcmp(err->context, log_sink.root))
		return cli_fail_text("%s (the default state root, %s; set --root to choose another)",
				     err->message, log_sink.root_why);
	return cli_fail_text("%s", err->message[0] ? err->message : "unknown error");
}
