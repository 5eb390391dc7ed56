/* dma.h: DMA-able memory for dom0's drivers: device addresses of its RAM (pv-abi/keel/start_info.h, DMA). */
#ifndef DOM0_DMA_H
#define DOM0_DMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct keel_start_info;

/*
 * dom0's RAM is machine-contiguous (KEEL_SIF_DMA): a device reaches guest-physical
 * address g at machine_base + g. RAM is identity-mapped, so any heap or stack address
 * below the end of RAM is a guest-physical address too; the foreign and grant windows
 * are not RAM and have no device address.
 */

/* Learns machine_base; false (and dma_ready() stays false) without KEEL_SIF_DMA. */
bool dma_init(const struct keel_start_info *si);
bool dma_ready(void);

/* The device address of [p, p + size), or 0 when that is not wholly dom0 RAM (or no DMA). */
uint64_t dma_address(const void *p, size_t size);

/* Zeroed memory, 'align'-aligned (a power of two), for rings and request headers; NULL if none. */
void *dma_alloc(size_t size, size_t align);

#endif
