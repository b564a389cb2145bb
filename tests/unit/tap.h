/*
 * A tiny TAP producer for the C unit tests (automake's tap-driver.sh reads
 * it).  One test binary per file includes it, so the counters can live here;
 * a binary need not use every helper, hence the unused attributes.
 * Test names must not contain '#', which TAP reserves for directives.
 */
#ifndef SKIFF_TAP_H
#define SKIFF_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int tap_count;
static int tap_failures;

static void tap_vline(bool pass, const char *directive, const char *fmt, va_list ap)
{
	tap_count++;
	if (!pass)
		tap_failures++;
	printf("%sok %d - ", pass ? "" : "not ", tap_count);
	vprintf(fmt, ap);
	if (directive)
		printf(" # %s", directive);
	putchar('\n');
	fflush(stdout);
}

/* "# ..." lines: comments for whoever reads the log. */
__attribute__((format(printf, 1, 2), unused)) static void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

__attribute__((format(printf, 2, 3))) static bool ok(bool pass, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vline(pass, NULL, fmt, ap);
	va_end(ap);
	return pass;
}

/* ok() comparing two strings, showing both when they differ. */
__attribute__((format(printf, 3, 4), unused)) static bool is_str(const char *got, const char *want,
							  const char *fmt, ...)
{
	bool pass = got && want ? strcmp(got, want) == 0 : got == want;
	va_list ap;

	va_start(ap, fmt);
	tap_vline(pass, NULL, fmt, ap);
	va_end(ap);
	if (!pass) {
		tap_diag("     got: %s", got ? got : "(null)");
		tap_diag("expected: %s", want ? want : "(null)");
	}
	return pass;
}

__attribute__((format(printf, 2, 3), unused)) static void tap_skip(const char *reason, const char *fmt,
							 ...)
{
	char directive[256];
	va_list ap;

	snprintf(directive, sizeof(directive), "SKIP %s", reason);
	va_start(ap, fmt);
	tap_vline(true, directive, fmt, ap);
	va_end(ap);
}

/* Print the plan; the exit status says whether everything passed. */
static int tap_done(void)
{
	printf("1..%d\n", tap_count);
	if (tap_failures)
		tap_diag("%d of %d tests failed", tap_failures, tap_count);
	return tap_failures ? 1 : 0;
}

#endif
