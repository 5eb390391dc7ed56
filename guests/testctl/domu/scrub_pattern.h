/* scrub_pattern.h: the secret tc-scrub_write leaves in its RAM and tc-scrub_scan must never find. */
#ifndef TC_SCRUB_PATTERN_H
#define TC_SCRUB_PATTERN_H

#include <stdint.h>

/*
 * The secret word is MASK ^ EXPECTED, formed only at run time and only by the writer. The
 * scanner compares (word ^ MASK) with EXPECTED, so the secret itself never appears in its
 * image, its stack or its registers: anything it finds came from somewhere else. volatile
 * keeps the compiler from folding the two halves into the secret constant.
 */
static volatile const uint64_t scrub_mask = 0x5a17c3e9d2b48f61ull;
static volatile const uint64_t scrub_expected = 0x9e3779b97f4a7c15ull;

#endif
