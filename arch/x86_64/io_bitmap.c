/* io_bitmap.c: per-domain I/O permission bitmaps (the SVM IOPM and VMX bitmaps A/B share one bit layout). */
#include "io_bitmap.h"

#include "frame.h"
#include "heap.h"
#include "string.h"

void io_bits_set(uint8_t *bits, uint32_t first, uint32_t count, bool intercept)
{
	/* Clamped to the port space: a range past 0xffff has no bits to change. */
	for (uint32_t port = first; port < first + count && port < IO_PORTS; port++) {
		uint8_t mask = (uint8_t)(1u << (port % 8));
		if (intercept)
			bits[port / 8] |= mask;
		else
			bits[port / 8] &= (uint8_t)~mask;
	}
}

bool io_bits_intercepted(const uint8_t *bits, uint16_t port)
{
	return bits[port / 8] & (1u << (port % 8));
}

#ifndef KEEL_HOST_TEST
struct io_bitmap *io_bitmap_alloc(unsigned int order, size_t bytes)
{
	struct io_bitmap *io = kzalloc(sizeof(*io));
	if (!io)
		return NULL;
	io->order = order;
	io->pa = frame_alloc_zeroed(order);
	if (io->pa == FRAME_NONE) {
		kfree(io);
		return NULL;
	}
	memset(phys_to_virt(io->pa), 0xff, bytes);
	return io;
}

void io_bitmap_free(struct io_bitmap *io)
{
	if (!io)
		return;
	frame_free(io->pa, io->order);
	kfree(io);
}

void io_bitmap_allow(struct io_bitmap *io, uint16_t first, uint32_t count, bool allow)
{
	/*
	 * Both backends read the bitmap from memory at each access (neither caches it across
	 * exits), so a change reaches vCPUs that are running now at their next port access.
	 */
	io_bits_set(phys_to_virt(io->pa), first, count, !allow);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}
#endif
