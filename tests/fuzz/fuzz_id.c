/*
 * Container ids name directories under the state root: a valid id can never
 * leave it ("/", "..", a leading "."), nor be empty or longer than 1024.
 */
#include "fuzz.h"
#include "skiff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	skiff_error err = { 0 };
	char *id = fuzz_cstring(data, size);

	if (!id)
		return 0;
	if (skiff_id_validate(id, &err) == 0) {
		size_t len = strlen(id);

		FUZZ_CHECK(len > 0 && len <= 1024);
		FUZZ_CHECK(id[0] != '.' && !strchr(id, '/'));
		FUZZ_CHECK(strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				      "0123456789_-.+") == len);
	} else {
		FUZZ_ERROR_FILLED(err);
	}
	free(id);
	return 0;
}
