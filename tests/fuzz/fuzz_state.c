/*
 * state.json as `state`, `list`, `kill` and `delete` read it: a damaged
 * or hostile file gives a record or a clean error, never a crash.
 */
#include "fuzz.h"
#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	skiff_error err = { 0 };
	char *text = fuzz_cstring(data, size);
	container_record rec;

	if (!text)
		return 0;
	if (state_parse(text, &rec, &err) == 0) {
		FUZZ_CHECK(rec.id && rec.bundle && rec.rootfs && rec.created_at && rec.owner);
		for (size_t i = 0; i < rec.annotations_len; i++)
			FUZZ_CHECK(rec.annotations[i].key && rec.annotations[i].value);
		container_record_clear(&rec);
	} else {
		FUZZ_ERROR_FILLED(err);
	}
	free(text);
	return 0;
}
