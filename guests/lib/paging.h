/* paging.h: adding 2 MiB mappings to the guest's own 4-level page tables. */
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

#endif
