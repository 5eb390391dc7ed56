/* memory.h: turning the loader's memory map into the frame allocator's pool, and RAM totals. */
#ifndef KEEL_MEMORY_H
#define KEEL_MEMORY_H

#include <stdint.h>

#include "keel/boot_info.h"

/* Seeds the frame allocator with usable RAM (runs on the loader's identity map). */
void memory_init(const struct boot_info *bi);
/* Adds boot-services and loader memory: only once nothing of the loader is in use. */
void memory_reclaim_boot(const struct boot_info *bi);
/* Bytes of RAM the hypervisor knows about (usable, reclaimed, its own image, modules). */
uint64_t memory_total_bytes(void);

#endif
