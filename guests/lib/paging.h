/* paging.h: adding mappings to the guest's own 4-level page tables: 2 MiB RAM pages, uncached device memory. */
#ifndef GUEST_PAGING_H
#define GUEST_PAGING_H

#include <stdint.h>

#define PAGE_SIZE_4K 0x1000ull
#define PAGE_SIZE_2M 0x200000ull

/*
 * Maps va -> pa (both 2 MiB-aligned) read-write-execute in the tables CR3 points at.
 * Missing intermediate tables are taken from free RAM starting at *next_free_gpa, which is
 * advanced; start-info's first_free_gpa is the right first value. The tables must be
 * identity-mapped (true for the builder's tables), since they are written through their GPA.
 * Returns 0, or -1 if va is already mapped (nothing is changed then).
 */
int paging_map_2m(uint64_t va, uint64_t pa, uint64_t *next_free_gpa);

/*
 * Maps [va, va + size) -> [pa, pa + size) (all 4 KiB-aligned) read-write, never executable
 * and uncached (PCD|PWT: PAT entry 3, UC in the power-on PAT), for device registers. Uses
 * 2 MiB pages where va, pa and the remaining size allow, 4 KiB pages elsewhere. Missing
 * tables come from alloc_table(), which returns the GPA of a 4 KiB identity-mapped page
 * (zeroed here), or 0 when out of memory. A page already mapped to the same address
 * uncached is accepted (two BARs may share a 2 MiB page). Returns 0, or -1 when something
 * else is mapped in the way or alloc_table fails (what was mapped before that stays).
 */
int paging_map_uncached(uint64_t va, uint64_t pa, uint64_t size, uint64_t (*alloc_table)(void));

#endif
