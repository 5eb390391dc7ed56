/* io_bitmap.h: a domain's I/O permission bitmap, one bit per port (set = the access exits), shared by both backends. */
#ifndef KEEL_ARCH_IO_BITMAP_H
#define KEEL_ARCH_IO_BITMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm.h"

#define IO_PORTS 0x10000u

/*
 * SVM's IOPM and VMX's I/O bitmaps A and B have the same layout for ports 0-0xffff: bit n
 * of the run of bytes governs port n. SVM adds a third page that only accesses wrapping
 * past 0xffff consult; it stays all ones.
 */
struct io_bitmap {
	paddr_t pa;              /* physically contiguous, 2^order pages */
	unsigned int order;
};

/* A bitmap of 2^order pages with 'bytes' of it set (everything intercepted); NULL without memory. */
struct io_bitmap *io_bitmap_alloc(unsigned int order, size_t bytes);
void io_bitmap_free(struct io_bitmap *io);
/* Lets ports first .. first+count-1 through without an exit (allow) or makes them exit again. */
void io_bitmap_allow(struct io_bitmap *io, uint16_t first, uint32_t count, bool allow);

/* The pure bit operation on a map of IO_PORTS bits, for the above and for tests. */
void io_bits_set(uint8_t *bits, uint32_t first, uint32_t count, bool intercept);
bool io_bits_intercepted(const uint8_t *bits, uint16_t port);

#endif
