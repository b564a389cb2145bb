/*
 * Unit tests of the CLI's value syntaxes (cmd/units.c): runc's sizes (go-units
 * RAMInBytes), Go durations and strconv integers, with Go's error wordings.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "units.h"

static void test_sizes(void)
{
	static const struct {
		const char *text;
		int64_t bytes;
	} good[] = {
		{ "1024", 1024 },	       { "1k", 1024 },		    { "1K", 1024 },
		{ "512m", 536870912 },	       { "512M", 536870912 },	    { "1g", 1073741824 },
		{ "1.5g", 1610612736 },	       { "2GiB", 2147483648LL },   { "10 kb", 10240 },
		{ "10b", 10 },		       { "1t", 1099511627776LL }, { "0", 0 },
	};
	static const char *const bad[] = { "abc", "1x", "", "-1", "1  ", "1gbb", "k" };
	char why[128];
	int64_t v;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ok(units_parse_size(good[i].text, &v, why, sizeof(why)) == 0 && v == good[i].bytes,
		   "size \"%s\" is %lld bytes", good[i].text, (long long)good[i].bytes);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char want[64];

		snprintf(want, sizeof(want), "invalid size: '%s'", bad[i]);
		ok(units_parse_size(bad[i], &v, why, sizeof(why)) < 0 && !strcmp(why, want),
		   "size \"%s\" is refused as go-units refuses it", bad[i]);
	}
	is_str(units_parse_size("1.2.3g", &v, why, sizeof(why)) < 0 ? why : "accepted",
	       "strconv.ParseFloat: parsing \"1.2.3\": invalid syntax",
	       "a size that fits the pattern but is no number: Go's float error");
}

static void test_durations(void)
{
	static const struct {
		const char *text;
		int64_t ns;
	} good[] = {
		{ "5s", 5000000000LL },	 { "100ms", 100000000 },     { "1m30s", 90000000000LL },
		{ "1.5h", 5400000000000LL }, { "0", 0 },		     { "250us", 250000 },
		{ "-1s", -1000000000LL },	 { "10ns", 10 },	     { ".5s", 500000000 },
	};
	static const struct {
		const char *text, *why;
	} bad[] = {
		{ "5", "time: missing unit in duration \"5\"" },
		{ "5x", "time: unknown unit \"x\" in duration \"5x\"" },
		{ "abc", "time: invalid duration \"abc\"" },
		{ "", "time: invalid duration \"\"" },
		{ "1s5", "time: missing unit in duration \"1s5\"" },
	};
	char why[128];
	int64_t v;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ok(units_parse_duration(good[i].text, &v, why, sizeof(why)) == 0 && v == good[i].ns,
		   "duration \"%s\" is %lld ns", good[i].text, (long long)good[i].ns);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_str(units_parse_duration(bad[i].text, &v, why, sizeof(why)) < 0 ? why : "accepted",
		       bad[i].why, "duration \"%s\" is refused with Go's words", bad[i].text);
}

static void test_integers(void)
{
	char why[128];
	int64_t v;

	ok(units_parse_int("100000", false, &v, why, sizeof(why)) == 0 && v == 100000, "unsigned 100000");
	ok(units_parse_int("-20000", true, &v, why, sizeof(why)) == 0 && v == -20000, "signed -20000");
	is_str(units_parse_int("-5", false, &v, why, sizeof(why)) < 0 ? why : "accepted",
	       "strconv.ParseUint: parsing \"-5\": invalid syntax", "unsigned refuses a sign");
	is_str(units_parse_int("12a", true, &v, why, sizeof(why)) < 0 ? why : "accepted",
	       "strconv.ParseInt: parsing \"12a\": invalid syntax", "trailing junk is refused");
	is_str(units_parse_int("99999999999999999999", true, &v, why, sizeof(why)) < 0 ? why : "accepted",
	       "strconv.ParseInt: parsing \"99999999999999999999\": value out of range", "overflow is refused");
	ok(units_parse_int("", false, &v, why, sizeof(why)) < 0, "empty is refused");
}

int main(void)
{
	test_sizes();
	test_durations();
	test_integers();
	return tap_done();
}
