/* cmdline.h: reading "key=value flag ..." command lines (hypervisor, and later dom0 and guests). */
#ifndef KEEL_CMDLINE_H
#define KEEL_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Finds the last occurrence of 'key' (the last one wins, so appended options
 * override earlier ones). A bare "key" is present with an empty value.
 * Copies the value into buf (truncated to size-1) and returns true if found.
 */
bool cmdline_get(const char *cmdline, const char *key, char *buf, size_t size);

/* True if 'key' is present, bare or with any value. */
bool cmdline_has(const char *cmdline, const char *key);

/*
 * Parses a decimal or 0x-prefixed unsigned number with an optional K/M/G suffix
 * (binary units). Returns false on junk, an empty string or overflow.
 */
bool cmdline_parse_u64(const char *s, unsigned long long *out);

#endif
