/* phys_arena.h: a malloc'd stand-in for physical memory at a chosen address, handed to the frame allocator (shared by the unit tests of code that allocates frames). */
#ifndef TEST_PHYS_ARENA_H
#define TEST_PHYS_ARENA_H

#include <stdlib.h>
#include <string.h>

#include "frame.h"

/*
 * Allocates 'size' bytes standing for physical [base, base + size), fills them with
 * 'fill' unless it is negative (garbage, for code that must zero what it allocates),
 * points the direct map at them and gives the frame allocator all of it but its own
 * metadata (at the top). Returns the arena (free() it in teardown); *meta_out, if not
 * NULL, gets where the metadata starts. The test file defines mm_direct_map_offset.
 */
static inline void *phys_arena_setup(paddr_t base, size_t size, int fill, paddr_t *meta_out)
{
	void *arena = aligned_alloc(PAGE_SIZE, size);
	if (!arena)
		abort();
	if (fill >= 0)
		memset(arena, fill, size);   /* before the allocator threads its free lists through it */
	mm_direct_map_offset = (uint64_t)(uintptr_t)arena - base;
	paddr_t max_phys = base + size;
	paddr_t meta = ALIGN_DOWN(max_phys - frame_meta_size(max_phys), PAGE_SIZE);
	frame_init(max_phys, phys_to_virt(meta));
	frame_add_range(base, meta - base);
	if (meta_out)
		*meta_out = meta;
	return arena;
}

#endif
