/*
 * Shared by the fuzz targets.  Each target file defines
 * LLVMFuzzerTestOneInput() and is linked either with libFuzzer (clang
 * -fsanitize=fuzzer: `make fuzz`) or with replay.c (any compiler: `make
 * check` runs every input of its corpus once).
 *
 * A target calls abort() (through FUZZ_CHECK) when an invariant breaks,
 * so both drivers report it as a crash together with the input.
 */
#ifndef SKIFF_FUZZ_H
#define SKIFF_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                                    \
	do {                                                                                \
		if (!(cond)) {                                                              \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, \
				#cond);                                                     \
			abort();                                                            \
		}                                                                           \
	} while (0)

/* The input as a NUL-terminated string (it may hold NULs of its own). */
static inline char *fuzz_cstring(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		return NULL;
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* A skiff_error a failing call must have filled: a message, NUL-terminated. */
#define FUZZ_ERROR_FILLED(e) \
	FUZZ_CHECK((e).message[0] != '\0' && memchr((e).message, '\0', sizeof((e).message)))

#endif
