/* frame.h: the physical frame allocator (a zoned buddy allocator of 4 KiB frames). */
#ifndef KEEL_FRAME_H
#define KEEL_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm.h"

/*
 * Blocks are 2^order contiguous, naturally aligned frames. Order 10 is 4 MiB:
 * big enough for any single hypervisor structure, small enough that the
 * double-free check of one block stays a handful of bitmap words.
 */
#define FRAME_MAX_ORDER 10

/* Returned when no block satisfies a request. Physical address 0 is a valid frame. */
#define FRAME_NONE ((paddr_t)~0ull)

/* x86-64 physical addresses are at most 52 bits; anything above is a caller bug. */
#define FRAME_PHYS_LIMIT (1ull << 52)

/* The fixed limits callers most often pass to frame_alloc_below(); both are zone edges. */
#define FRAME_BELOW_1M (1ull << 20)
#define FRAME_BELOW_4G (1ull << 32)

/*
 * Bytes of metadata needed to manage every frame below max_phys (exclusive):
 * one bit per frame, 32 KiB per GiB of physical address space.
 */
size_t frame_meta_size(paddr_t max_phys);

/*
 * Resets the allocator to empty. meta must be frame_meta_size(max_phys) bytes of
 * direct-mapped RAM (phys_to_virt of a range carved from the memory map) that is
 * never handed to frame_add_range(); it is zeroed here. The allocator keeps only
 * its physical address, so it survives the switch from the loader's identity map
 * to the direct map. Frames at or above max_phys are ignored by frame_add_range().
 */
void frame_init(paddr_t max_phys, void *meta);

/*
 * Hands free RAM to the allocator. Unaligned ends are trimmed inward and the part
 * at or above max_phys is dropped. Ranges may arrive in any order; a range that
 * overlaps one already added (or the metadata) is a bug and panics.
 */
void frame_add_range(paddr_t base, uint64_t len);

/* A 2^order-frame block anywhere (high memory preferred), or FRAME_NONE. */
paddr_t frame_alloc(unsigned order);

/* A block lying entirely below limit (exclusive), e.g. FRAME_BELOW_1M, or FRAME_NONE. */
paddr_t frame_alloc_below(unsigned order, paddr_t limit);

/* frame_alloc() with the block cleared through the direct map. */
paddr_t frame_alloc_zeroed(unsigned order);

/*
 * 'frames' machine-contiguous frames for memory a device reaches by DMA (dom0's RAM),
 * starting on a 2^FRAME_MAX_ORDER-frame boundary, below 4 GiB if such a run is free there;
 * not zeroed. FRAME_NONE if no run that long is free. Give it back in naturally aligned
 * pieces (frame_free of each), in any order.
 */
paddr_t frame_alloc_contiguous(uint64_t frames);

/*
 * Returns a block from frame_alloc*() with the same order. Panics on a misaligned
 * address, a block never handed to the allocator, or a block (or part of one) that
 * is already free.
 */
void frame_free(paddr_t pa, unsigned order);

/* Whether pa lies in a range given to frame_add_range() (free or allocated). */
bool frame_is_managed(paddr_t pa);

/* Frames currently free, and frames ever added: the boot report and leak checks. */
uint64_t frame_free_count(void);
uint64_t frame_total_count(void);

#endif
