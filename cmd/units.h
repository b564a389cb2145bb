/*
 * Parsing runc's flag values (cmd/units.c).  Each returns 0, or -1 with
 * the reason in why, worded as Go's libraries word it.
 */
#ifndef SKIFF_CLI_UNITS_H
#define SKIFF_CLI_UNITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes from "1024", "512m", "1.5G", "2GiB", "10 kb" (binary multiples). */
int units_parse_size(const char *text, int64_t *out, char *why, size_t why_size);
/* Nanoseconds from a Go duration: "5s", "100ms", "1m30s", "1.5h", "0". */
int units_parse_duration(const char *text, int64_t *ns, char *why, size_t why_size);
/* A decimal integer, signed or not (then at most INT64_MAX). */
int units_parse_int(const char *text, bool is_signed, int64_t *out, char *why, size_t why_size);

#endif
