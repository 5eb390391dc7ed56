/* console_ring_index.h: index arithmetic and wrapping copies for the console rings of pv-abi/io/console.h, shared by frontend and backend. */
#ifndef KEEL_CONSOLE_RING_INDEX_H
#define KEEL_CONSOLE_RING_INDEX_H

#include <stddef.h>
#include <stdint.h>

/*
 * Pure functions on indices and ring memory, no barriers and no notification: the caller
 * follows protocol C1 around them (read the peer's index, barrier, copy, barrier, publish
 * its own index, notify). 'size' is the ring's size, a power of two (1024 and 2048 are),
 * so byte i's place i % size stays continuous when the free-running indices wrap at 2^32.
 */

/* C2: bytes the ring holds, or -1 when prod - cons exceeds the size (the peer is broken). */
static inline int64_t console_ring_used(uint32_t prod, uint32_t cons, uint32_t size)
{
	uint32_t used = prod - cons;   /* unsigned: right across the 2^32 wrap */
	return used <= size ? (int64_t)used : -1;
}

/* Bytes a producer may still add, or -1 when the indices are broken (C2). */
static inline int64_t console_ring_free(uint32_t prod, uint32_t cons, uint32_t size)
{
	int64_t used = console_ring_used(prod, cons, size);
	return used < 0 ? -1 : (int64_t)size - used;
}

/* Copies n bytes from src into the ring at index 'at' (the caller checked they fit). */
static inline void console_ring_put(volatile char *ring, uint32_t size, uint32_t at, const char *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ring[(at + (uint32_t)i) & (size - 1)] = src[i];
}

/* Copies n bytes out of the ring from index 'at' into dst (the caller checked they are there). */
static inline void console_ring_get(const volatile char *ring, uint32_t size, uint32_t at, char *dst, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = ring[(at + (uint32_t)i) & (size - 1)];
}

#endif
