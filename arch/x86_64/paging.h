/* paging.h: the hypervisor's own page tables (4-level, W^X, NX everywhere but text). */
#ifndef KEEL_ARCH_PAGING_H
#define KEEL_ARCH_PAGING_H

#include <stdint.h>

#include "keel/boot_info.h"
#include "mm.h"

#define PTE_P    (1ull << 0)
#define PTE_W    (1ull << 1)
#define PTE_U    (1ull << 2)
#define PTE_PWT  (1ull << 3)
#define PTE_PCD  (1ull << 4)
#define PTE_PS   (1ull << 7)
#define PTE_G    (1ull << 8)
#define PTE_NX   (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

/*
 * Builds the final tables (direct map, W^X image, the boot CPU's guarded stack slot),
 * turns on NX, WP, and SMEP/SMAP when present, and switches CR3. Runs on the loader's
 * identity map; afterwards phys_to_virt() goes through the direct map.
 */
void paging_init(const struct boot_info *bi);

/* Physical address of the top-level table, for CR3 (APs load it too). */
paddr_t paging_root(void);

/* Maps one 4 KiB page in the hypervisor's tables; returns 0 or -1 when out of memory. */
int paging_map(uint64_t va, paddr_t pa, uint64_t flags);
/* Removes one 4 KiB mapping (no TLB shootdown: callers flush if other CPUs used it). */
void paging_unmap(uint64_t va);

/* Backs CPU n's stack slot (main and IST stacks, guard pages left unmapped); returns its base. */
uint64_t paging_map_cpu_slot(unsigned int n);

/* Maps device registers uncached in the MMIO window; returns the virtual address or 0. */
void *paging_map_mmio(paddr_t pa, uint64_t size);

#endif
