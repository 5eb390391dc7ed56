/* console_capture.h: the last KEEL_CONSOLE_CAPTURE bytes a domain wrote with console_io, for sysctl CONSOLE_READ. */
#ifndef KEEL_CONSOLE_CAPTURE_H
#define KEEL_CONSOLE_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#include "keel/sysctl.h"

/*
 * A byte ring numbered by a free-running 64-bit count: byte n (counted from the domain's
 * creation) lives at buf[n % KEEL_CONSOLE_CAPTURE] while n >= written - KEEL_CONSOLE_CAPTURE.
 * Pure logic, no locking: the caller serialises writers and readers (hc_console.c and
 * sysctl.c use the domain's lock). Zero-initialised is empty.
 */
struct console_capture {
	uint64_t written;                    /* bytes ever put */
	char buf[KEEL_CONSOLE_CAPTURE];
};

/* Appends n bytes; older bytes fall out of the ring. */
void console_capture_put(struct console_capture *c, const char *s, size_t n);

/*
 * Copies up to 'len' bytes starting at byte *pos into dst and returns how many. A *pos older
 * than the oldest kept byte starts at the oldest kept byte; a *pos beyond the last byte
 * written starts at the end (nothing to copy). Either way *pos returns the number of the
 * first byte copied, so the next read starts at *pos + the result.
 */
size_t console_capture_read(const struct console_capture *c, uint64_t *pos, char *dst, size_t len);

#endif
