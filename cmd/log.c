/*
 * Error reporting of the CLI: always "skiff: <what failed>: <why>" on
 * stderr, and with --log one line per error in the asked format, which
 * engines read back (containerd shows the last "error" line's msg).
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "cli.h"

/* The one piece of process-wide state of the CLI (never of the library). */
static struct {
	int fd;
	bool json;
} log_sink = { -1, false };

/* A log that cannot be opened fails the command before it does anything,
 * as with runc (exit 1, "open PATH: ..."): an engine that asked for the
 * log reads its errors there, and would otherwise find none. */
int cli_log_open(const cli_globals *g)
{
	if (!g->log_path)
		return 0;
	log_sink.fd = open(g->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	log_sink.json = g->log_json;
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

static void timestamp(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;
	char base[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%09ldZ", base, ts.tv_nsec);
}

static void log_line(const char *level, const char *msg)
{
	char now[64];

	if (log_sink.fd < 0)
		return;
	timestamp(now, sizeof(now));
	if (log_sink.json) {
		yajl_gen g = yajl_gen_alloc(NULL);
		const unsigned char *buf;
		size_t len;

		if (!g)
			return;
		yajl_gen_map_open(g);
		yajl_gen_string(g, (const unsigned char *)"level", 5);
		yajl_gen_string(g, (const unsigned char *)level, strlen(level));
		yajl_gen_string(g, (const unsigned char *)"msg", 3);
		yajl_gen_string(g, (const unsigned char *)msg, strlen(msg));
		yajl_gen_string(g, (const unsigned char *)"time", 4);
		yajl_gen_string(g, (const unsigned char *)now, strlen(now));
		yajl_gen_map_close(g);
		if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok) {
			(void)!write(log_sink.fd, buf, len);
			(void)!write(log_sink.fd, "\n", 1);
		}
		yajl_gen_free(g);
	} else {
		dprintf(log_sink.fd, "time=\"%s\" level=%s msg=\"%s\"\n", now, level, msg);
	}
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
	return cli_fail_text("%s", err->message[0] ? err->message : "unknown error");
}
