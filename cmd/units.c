/*
 * The value syntaxes runc's flags accept, so that the same command lines
 * work: sizes as go-units' RAMInBytes reads them ("512m", "1.5G", "1gib",
 * "10 KB", powers of 1024), durations as Go's time.ParseDuration does
 * ("5s", "100ms", "1m30s", "1.5h"), and plain integers as strconv does.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "units.h"

int units_parse_size(const char *text, int64_t *out, char *why, size_t why_size)
{
	const char *p = text, *unit;
	static const char prefixes[] = "kmgtp";
	double value, multiplier = 1;
	char *end;

	/* ^(\d+(\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$ */
	if (!isdigit((unsigned char)*p))
		goto invalid;
	while (isdigit((unsigned char)*p))
		p++;
	while (*p == '.' && isdigit((unsigned char)p[1]))
		for (p++; isdigit((unsigned char)*p);)
			p++;
	unit = p;
	if (*unit == ' ')
		unit++;
	if (*unit && (end = strchr(prefixes, tolower((unsigned char)*unit)))) {
		for (long i = 0; i <= end - prefixes; i++)
			multiplier *= 1024;
		unit++;
	}
	if (*unit == 'i' || *unit == 'I')
		unit++;
	if (*unit == 'b' || *unit == 'B')
		unit++;
	if (*unit)
		goto invalid;
	/* "1.2.3" passes the pattern; like Go, the number itself must parse. */
	errno = 0;
	value = strtod(text, &end);
	if (errno || end != p) {
		snprintf(why, why_size, "strconv.ParseFloat: parsing \"%.*s\": invalid syntax",
			 (int)(p - text), text);
		return -1;
	}
	value *= multiplier;
	if (value >= 9223372036854775807.0)
		goto invalid;
	*out = (int64_t)value;
	return 0;
invalid:
	snprintf(why, why_size, "invalid size: '%s'", text);
	return -1;
}

/* One unit of a Go duration, in nanoseconds. */
static double unit_ns(const char *u, size_t n)
{
	static const struct {
		const char *name;
		double ns;
	} units[] = {
		{ "ns", 1 },       { "us", 1e3 },     { "\xc2\xb5s", 1e3 }, { "\xce\xbcs", 1e3 },
		{ "ms", 1e6 },     { "s", 1e9 },      { "m", 60e9 },        { "h", 3600e9 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (strlen(units[i].name) == n && !strncmp(units[i].name, u, n))
			return units[i].ns;
	return 0;
}

int units_parse_duration(const char *text, int64_t *ns, char *why, size_t why_size)
{
	const char *p = text;
	double total = 0;
	bool negative = false;

	if (*p == '-' || *p == '+')
		negative = *p++ == '-';
	if (!strcmp(p, "0")) {
		*ns = 0;
		return 0;
	}
	if (!*p)
		goto invalid;
	while (*p) {
		const char *num = p, *u;
		double value, scale;
		char *end;

		if (!isdigit((unsigned char)*p) && *p != '.')
			goto invalid;
		value = strtod(num, &end);
		if (end == num || (end == num + 1 && *num == '.') || *num == '-' || *num == '+')
			goto invalid;
		for (u = end; *end && !isdigit((unsigned char)*end) && *end != '.'; end++)
			;
		if (end == u) {
			snprintf(why, why_size, "time: missing unit in duration \"%s\"", text);
			return -1;
		}
		scale = unit_ns(u, (size_t)(end - u));
		if (!scale) {
			snprintf(why, why_size, "time: unknown unit \"%.*s\" in duration \"%s\"",
				 (int)(end - u), u, text);
			return -1;
		}
		total += value * scale;
		if (total > 9223372036854775807.0)
			goto invalid;
		p = end;
	}
	*ns = (int64_t)(negative ? -total : total);
	return 0;
invalid:
	snprintf(why, why_size, "time: invalid duration \"%s\"", text);
	return -1;
}

int units_parse_int(const char *text, bool is_signed, int64_t *out, char *why, size_t why_size)
{
	char *end = (char *)text;

	errno = 0;
	if (is_signed) {
		*out = strtoll(text, &end, 10);
	} else if (text[0] == '-' || text[0] == '+') {
		errno = EINVAL; /* strtoull would wrap "-1" around */
	} else {
		unsigned long long v = strtoull(text, &end, 10);

		if (!errno && v > INT64_MAX)
			errno = ERANGE;
		*out = (int64_t)v;
	}
	if (errno == ERANGE) {
		snprintf(why, why_size, "strconv.Parse%s: parsing \"%s\": value out of range",
			 is_signed ? "Int" : "Uint", text);
		return -1;
	}
	if (errno || !text[0] || end == text || *end) {
		snprintf(why, why_size, "strconv.Parse%s: parsing \"%s\": invalid syntax",
			 is_signed ? "Int" : "Uint", text);
		return -1;
	}
	return 0;
}
