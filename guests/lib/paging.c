/* paging.c: walks the current 4-level tables to add one 2 MiB mapping, allocating missing tables. */
#include "paging.h"

#include "cpu.h"
#include "string.h"

#define PTE_PRESENT   (1ull << 0)
#define PTE_WRITABLE  (1ull << 1)
#define PTE_LARGE     (1ull << 7)       /* in a PD entry: maps 2 MiB directly */
#define PTE_ADDR_MASK 0x000ffffffffff000ull

static uint64_t *table_at(uint64_t entry)
{
	return (uint64_t *)(uintptr_t)(entry & PTE_ADDR_MASK);
}

/* The next-level table under *entry, created empty if absent; NULL if *entry maps a large page. */
static uint64_t *next_table(uint64_t *entry, uint64_t *next_free_gpa)
{
	if (!(*entry & PTE_PRESENT)) {
		uint64_t gpa = *next_free_gpa;
		*next_free_gpa += PAGE_SIZE_4K;
		memset((void *)(uintptr_t)gpa, 0, PAGE_SIZE_4K);
		*entry = gpa | PTE_PRESENT | PTE_WRITABLE;
	} else if (*entry & PTE_LARGE) {
		return NULL;
	}
	return table_at(*entry);
}

int paging_map_2m(uint64_t va, uint64_t pa, uint64_t *next_free_gpa)
{
	uint64_t *pml4 = table_at(read_cr3());
	uint64_t *pdpt = next_table(&pml4[(va >> 39) & 511], next_free_gpa);
	if (!pdpt)
		return -1;
	uint64_t *pd = next_table(&pdpt[(va >> 30) & 511], next_free_gpa);
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
