/* heap.h: the hypervisor's kernel heap (kmalloc/kfree) built on the frame allocator. */
#ifndef KEEL_HEAP_H
#define KEEL_HEAP_H

#include <stddef.h>
#include <stdint.h>

/*
 * Requests up to HEAP_SLAB_MAX bytes come from power-of-two size classes
 * (16..1024) packed into single frames; larger ones get a whole 2^order-frame
 * block. Either way the memory lives in the direct map, is at least 16-byte
 * aligned, and starts HEAP_HEADER_SIZE bytes into its frame, so a caller that
 * needs page-aligned or page-sized memory should use frame_alloc() instead.
 */
#define HEAP_HEADER_SIZE 64
#define HEAP_SLAB_MIN    16
#define HEAP_SLAB_MAX    1024
#define HEAP_ALIGN       16

/* Forgets all heap state. Boot calls it once after frame_init(); tests call it per case. */
void heap_init(void);

/* NULL for size 0, for sizes beyond one FRAME_MAX_ORDER block, and when memory runs out. */
void *kmalloc(size_t size);

/* kmalloc() with the memory cleared. */
void *kzalloc(size_t size);

/* kzalloc(count * size), or NULL if the product overflows. */
void *kcalloc(size_t count, size_t size);

/* Frees a kmalloc'd pointer; NULL is ignored. Panics on a double free or a foreign pointer. */
void kfree(void *ptr);

/* Bytes usable through each live allocation (so rounded up to its size class). */
struct heap_stats {
	uint64_t allocs_live;
	uint64_t bytes_in_use;
	uint64_t slab_frames;     /* frames holding small objects */
	uint64_t large_frames;    /* frames behind large allocations */
};

void heap_get_stats(struct heap_stats *out);

#endif
