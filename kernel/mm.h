/* mm.h: physical addresses and the hypervisor's view of physical memory (the direct map). */
#ifndef KEEL_MM_H
#define KEEL_MM_H

#include <stdint.h>

typedef uint64_t paddr_t;

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1ul << PAGE_SHIFT)
#define PAGE_MASK  (~(PAGE_SIZE - 1))
#define ALIGN_UP(x, a)   (((x) + ((a) - 1)) & ~((uint64_t)(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a) - 1))

/* All RAM is mapped at DIRECT_MAP_BASE + physical address once paging_init() has run. */
#define DIRECT_MAP_BASE 0xffff800000000000ull

/*
 * Offset from a physical address to its hypervisor virtual address. It is 0 while
 * the loader's identity map is live and DIRECT_MAP_BASE afterwards. Host unit tests
 * point it at a malloc'd arena that stands in for physical memory.
 */
extern uint64_t mm_direct_map_offset;

static inline void *phys_to_virt(paddr_t pa) { return (void *)(uintptr_t)(pa + mm_direct_map_offset); }
static inline paddr_t virt_to_phys(const void *va) { return (paddr_t)(uintptr_t)va - mm_direct_map_offset; }

#endif
