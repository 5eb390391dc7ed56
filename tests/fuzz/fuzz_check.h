/* fuzz_check.h: the invariant check every fuzz target uses: a broken invariant aborts, so libFuzzer keeps the input. */
#ifndef KEEL_FUZZ_CHECK_H
#define KEEL_FUZZ_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* libFuzzer's entry point; declared here because the sources build with -Wmissing-prototypes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Not assert(): it must stay on whatever NDEBUG says, and the message names the
 * invariant, so a crash report says what went wrong and not only where.
 */
#define FUZZ_CHECK(cond, ...)                                                       \
	do {                                                                        \
		if (!(cond)) {                                                      \
			fprintf(stderr, "%s:%d: invariant broken: %s: ", __FILE__,  \
				__LINE__, #cond);                                   \
			fprintf(stderr, __VA_ARGS__);                               \
			fputc('\n', stderr);                                        \
			abort();                                                    \
		}                                                                   \
	} while (0)

#endif
