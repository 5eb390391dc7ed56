/* byte_history.h: the newest bytes of an endless stream, in a ring, numbered by a free-running count. */
#ifndef KEEL_BYTE_HISTORY_H
#define KEEL_BYTE_HISTORY_H

#include <stddef.h>
#include <stdint.h>

/*
 * Byte n of the stream (counted from 0) lives at buf[n % size] while n >= written - size:
 * a log that always holds the newest 'size' bytes. 'size' is a power of two. Readers
 * keep their own position and may fall behind; they resume at the oldest byte kept.
 * Pure logic, no locking: the hypervisor's console_io capture (kernel/console_capture.c)
 * and dom0's console history (dom0/console_history.c) both use it.
 */

/* Appends n bytes at *written (and advances it); older bytes fall out of the ring. */
void byte_history_put(char *buf, size_t size, uint64_t *written, const void *src, size_t n);

/*
 * Copies up to 'len' bytes starting at byte *pos into dst and returns how many. A *pos
 * older than the oldest kept byte starts there; a *pos beyond 'written' starts at the end
 * (nothing to copy). Either way *pos returns the number of the first byte copied.
 */
size_t byte_history_read(const char *buf, size_t size, uint64_t written, uint64_t *pos, void *dst, size_t len);

#endif
