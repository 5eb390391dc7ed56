/* newlib_heap.h: malloc's memory for newlib-based domains (dom0, guests/libc): one fixed range of free RAM that sbrk hands out upwards. */
#ifndef KEEL_NEWLIB_HEAP_H
#define KEEL_NEWLIB_HEAP_H

#include <stdint.h>

/*
 * Gives sbrk the RAM in [start, end) (identity-mapped, writable). Call it once before
 * anything allocates; until then sbrk fails with ENOMEM. An empty or inverted range
 * leaves the heap empty.
 */
void libc_heap_init(uint64_t start, uint64_t end);

/* Bytes sbrk has handed out, and the heap's size. */
uint64_t libc_heap_used(void);
uint64_t libc_heap_size(void);

#endif
