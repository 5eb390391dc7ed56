/* paging.c: walks the current 4-level tables to add 2 MiB RAM mappings or uncached device mappings, allocating missing tables. */
#include "paging.h"

#include <stdbool.h>

#include "cpu.h"
#include "string.h"

#define PTE_PRESENT   (1ull << 0)
#define PTE_WRITABLE  (1ull << 1)
#define PTE_PWT       (1ull << 3)
#define PTE_PCD       (1ull << 4)
#define PTE_LARGE     (1ull << 7)       /* in a PD entry: maps 2 MiB directly */
#define PTE_NX        (1ull << 63)      /* the builder's EFER has NXE */
#define PTE_ADDR_MASK 0x000ffffffffff000ull
#define PTE_ADDR_2M   0x000fffffffe00000ull   /* bit 12 of a large entry is its PAT bit */

#define UNCACHED_LEAF (PTE_PRESENT | PTE_WRITABLE | PTE_PWT | PTE_PCD | PTE_NX)

static uint64_t *table_at(uint64_t entry)
{
	return (uint64_t *)(uintptr_t)(entry & PTE_ADDR_MASK);
}

/* Page-table pages for paging_map_2m: the next pages of free RAM, in order. */
static uint64_t *bump_next;

static uint64_t bump_alloc(void)
{
	uint64_t gpa = *bump_next;
	*bump_next += PAGE_SIZE_4K;
	return gpa;
}

/* The next-level table under *entry, created empty if absent; NULL if *entry maps a large page or no page is left. */
static uint64_t *next_table(uint64_t *entry, uint64_t (*alloc_table)(void))
{
	if (!(*entry & PTE_PRESENT)) {
		uint64_t gpa = alloc_table();
		if (!gpa)
			return NULL;
		memset((void *)(uintptr_t)gpa, 0, PAGE_SIZE_4K);
		*entry = gpa | PTE_PRESENT | PTE_WRITABLE;
	} else if (*entry & PTE_LARGE) {
		return NULL;
	}
	return table_at(*entry);
}

/* The page directory that covers va, created if absent; NULL as next_table. */
static uint64_t *page_directory(uint64_t va, uint64_t (*alloc_table)(void))
{
	uint64_t *pml4 = table_at(read_cr3());
	uint64_t *pdpt = next_table(&pml4[(va >> 39) & 511], alloc_table);
	return pdpt ? next_table(&pdpt[(va >> 30) & 511], alloc_table) : NULL;
}

int paging_map_2m(uint64_t va, uint64_t pa, uint64_t *next_free_gpa)
{
	bump_next = next_free_gpa;
	uint64_t *pd = page_directory(va, bump_alloc);
	if (!pd)
		return -1;
	uint64_t *pde = &pd[(va >> 21) & 511];
	if (*pde & PTE_PRESENT)
		return -1;
	*pde = pa | PTE_PRESENT | PTE_WRITABLE | PTE_LARGE;
	/* The entry was not present, so no TLB holds it; invlpg costs nothing and states the intent. */
	invlpg(va);
	return 0;
}

static bool uncached_leaf(uint64_t e)
{
	return (e & UNCACHED_LEAF) == UNCACHED_LEAF;
}

int paging_map_uncached(uint64_t va, uint64_t pa, uint64_t size, uint64_t (*alloc_table)(void))
{
	if ((va | pa | size) & (PAGE_SIZE_4K - 1))
		return -1;
	for (uint64_t off = 0; off < size;) {
		uint64_t v = va + off, p = pa + off;
		uint64_t *pd = page_directory(v, alloc_table);
		if (!pd)
			return -1;
		uint64_t *pde = &pd[(v >> 21) & 511];
		uint64_t in_2m = v & (PAGE_SIZE_2M - 1);
		if ((*pde & PTE_PRESENT) && (*pde & PTE_LARGE)) {
			/* Mapped by an earlier call: fine if it is this very device memory. */
			if (!uncached_leaf(*pde) || (*pde & PTE_ADDR_2M) != p - in_2m)
				return -1;
			off += PAGE_SIZE_2M - in_2m;
			continue;
		}
		if (!(*pde & PTE_PRESENT) && !((v | p) & (PAGE_SIZE_2M - 1)) && size - off >= PAGE_SIZE_2M) {
			*pde = p | UNCACHED_LEAF | PTE_LARGE;
			invlpg(v);
			off += PAGE_SIZE_2M;
			continue;
		}
		uint64_t *pt = next_table(pde, alloc_table);
		if (!pt)
			return -1;
		uint64_t *pte = &pt[(v >> 12) & 511];
		if (*pte & PTE_PRESENT) {
			if (!uncached_leaf(*pte) || (*pte & PTE_ADDR_MASK) != p)
				return -1;
		} else {
			*pte = p | UNCACHED_LEAF;
			invlpg(v);
		}
		off += PAGE_SIZE_4K;
	}
	return 0;
}
