/*
 * config.json: parse, validate, and when it parses, serialize and parse the
 * output again.  A config that parses must serialize to one that parses to
 * the same text (what `create` saves in the state directory and `exec` and
 * `delete` read back).
 */
#include "fuzz.h"
#include "spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	skiff_error err = { 0 };
	spec_config *cfg = NULL, *again = NULL;
	char *json = NULL, *json2 = NULL;
	size_t len = 0, len2 = 0;

	if (spec_parse_config((const char *)data, size, "config.json", &cfg, &err) < 0) {
		FUZZ_CHECK(cfg == NULL);
		FUZZ_ERROR_FILLED(err);
		return 0;
	}
	FUZZ_CHECK(cfg != NULL);
	if (spec_validate(cfg, "config.json", &err) < 0)
		FUZZ_ERROR_FILLED(err);
	if (spec_config_serialize(cfg, false, &json, &len, &err) == 0) {
		FUZZ_CHECK(json != NULL && strlen(json) == len);
		FUZZ_CHECK(spec_parse_config(json, len, "saved", &again, &err) == 0);
		FUZZ_CHECK(spec_config_serialize(again, true, &json2, &len2, &err) == 0);
		free(json2);
		json2 = NULL;
		FUZZ_CHECK(spec_config_serialize(again, false, &json2, &len2, &err) == 0);
		FUZZ_CHECK(len2 == len && memcmp(json, json2, len) == 0);
	} else {
		FUZZ_ERROR_FILLED(err);
	}
	free(json);
	free(json2);
	spec_config_free(again);
	spec_config_free(cfg);
	return 0;
}
