/*
 * The documents of tests/unit/spec_cases.h, for tests that run them
 * through the skiff binary (verdicts.bats): every case of parse_errors
 * and validation_errors, each as three NUL-terminated fields,
 *   <table> <index> <json>
 * so that a case added to the tables is run with no edit of the test.
 */
#include <stdio.h>
#include <string.h>

#include "spec_cases.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void print_table(const char *name, const struct error_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		printf("%s%c%zu%c", name, '\0', i, '\0');
		fwrite(cases[i].json, 1, strlen(cases[i].json) + 1, stdout);
	}
}

int main(void)
{
	print_table("parse_errors", parse_errors, COUNT(parse_errors));
	print_table("validation_errors", validation_errors, COUNT(validation_errors));
	/* validation_ok is left out: those are run by no one, as some join
	 * the namespaces of pid 1 by path. */
	(void)validation_ok;
	return fflush(stdout) == 0 ? 0 : 1;
}
