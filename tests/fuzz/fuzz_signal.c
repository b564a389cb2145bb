/*
 * kill ID SIGNAL: any text gives a signal in 1..SIGRTMAX or a clean error,
 * and every named signal parses back from its name.
 */
#include <signal.h>

#include "fuzz.h"
#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	skiff_error err = { 0 };
	char *text = fuzz_cstring(data, size);
	int signo = 0;

	if (!text)
		return 0;
	if (skiff_signal_parse(text, &signo, &err) == 0) {
		const char *name = signal_name(signo);

		FUZZ_CHECK(signo >= 0 && signo <= SIGRTMAX);
		if (name && signo) {
			int back = 0;

			FUZZ_CHECK(skiff_signal_parse(name, &back, NULL) == 0 && back == signo);
		}
	} else {
		FUZZ_ERROR_FILLED(err);
	}
	free(text);
	return 0;
}
