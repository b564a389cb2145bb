/* update --resources FILE: parse a linux.resources object. */
#include "fuzz.h"
#include "spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	skiff_error err = { 0 };
	spec_resources *r = NULL;

	if (spec_parse_resources((const char *)data, size, "resources.json", &r, &err) < 0) {
		FUZZ_CHECK(r == NULL);
		FUZZ_ERROR_FILLED(err);
		return 0;
	}
	FUZZ_CHECK(r != NULL);
	spec_resources_free(r);
	return 0;
}
