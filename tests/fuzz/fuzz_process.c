/*
 * exec --process FILE: parse a process object, and when it parses,
 * serialize and parse it again to the same text.
 */
#include "fuzz.h"
#include "spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	skiff_error err = { 0 };
	spec_process *p = NULL, *again = NULL;
	char *json = NULL, *json2 = NULL;
	size_t len = 0, len2 = 0;

	if (spec_parse_process((const char *)data, size, "process.json", &p, &err) < 0) {
		FUZZ_CHECK(p == NULL);
		FUZZ_ERROR_FILLED(err);
		return 0;
	}
	FUZZ_CHECK(p != NULL);
	if (spec_process_serialize(p, false, &json, &len, &err) == 0) {
		FUZZ_CHECK(spec_parse_process(json, len, "again", &again, &err) == 0);
		FUZZ_CHECK(spec_process_serialize(again, false, &json2, &len2, &err) == 0);
		FUZZ_CHECK(len2 == len && memcmp(json, json2, len) == 0);
	} else {
		FUZZ_ERROR_FILLED(err);
	}
	free(json);
	free(json2);
	spec_process_free(again);
	spec_process_free(p);
	return 0;
}
