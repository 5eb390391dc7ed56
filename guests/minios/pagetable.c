/* pagetable.c: minios's page tables: a 4-level identity map with 4 KiB pages and per-section permissions. */
#include "pagetable.h"

#include <string.h>

#include "cpu.h"

#define PAGE      4096ull
#define PTE_P     (1ull << 0)
#define PTE_RW    (1ull << 1)
#define PTE_NX    (1ull << 63)
#define PTE_ADDR  0x000ffffffffff000ull
#define ENTRIES   512

/* The sections' bounds, from minios_sections.ld. */
extern const char __minios_text_start[], __minios_text_end[];
extern const char __minios_rodata_start[], __minios_rodata_end[];

static uint64_t *pml4;

static uint64_t *table_at(uint64_t entry)
{
	return (uint64_t *)(uintptr_t)(entry & PTE_ADDR);
}

/* The 4 KiB PTE for va, creating the tables on the way from *next_free; NULL if out of room. */
static uint64_t *pte_for(uint64_t va, uint64_t *next_free, uint64_t free_end)
{
	uint64_t *table = pml4;
	for (int level = 3; level > 0; level--) {
		uint64_t *entry = &table[(va >> (12 + 9 * level)) & (ENTRIES - 1)];
		if (!(*entry & PTE_P)) {
			if (!next_free || *next_free + PAGE > free_end)
				return NULL;
			memset((void *)(uintptr_t)*next_free, 0, PAGE);
			/* Upper levels allow everything; each 4 KiB PTE says what is allowed. */
			*entry = *next_free | PTE_P | PTE_RW;
			*next_free += PAGE;
		}
		table = table_at(*entry);
	}
	return &table[(va >> 12) & (ENTRIES - 1)];
}

static uint64_t flags_for(uint64_t va)
{
	if (va >= (uint64_t)(uintptr_t)__minios_text_start && va < (uint64_t)(uintptr_t)__minios_text_end)
		return PTE_P;
	if (va >= (uint64_t)(uintptr_t)__minios_rodata_start && va < (uint64_t)(uintptr_t)__minios_rodata_end)
		return PTE_P | PTE_NX;
	return PTE_P | PTE_RW | PTE_NX;
}

int pagetable_init(const struct keel_start_info *si, uint64_t *next_free, uint64_t free_end)
{
	uint64_t start = *next_free;
	if (start + PAGE > free_end)
		return -1;
	/* Written through the builder's identity map, which stays in CR3 until the end. */
	pml4 = (uint64_t *)(uintptr_t)start;
	memset(pml4, 0, PAGE);
	*next_free += PAGE;
	uint64_t end = si->shared_info_gpa + PAGE;
	for (uint64_t va = PAGE; va < end; va += PAGE) {
		uint64_t *pte = pte_for(va, next_free, free_end);
		if (!pte) {
			*next_free = start;
			return -1;
		}
		*pte = va | flags_for(va);
	}
	asm volatile("mov %0, %%cr3" : : "r"((uint64_t)(uintptr_t)pml4) : "memory");
	return 0;
}

void pagetable_set_guard(uint64_t va, bool guard)
{
	uint64_t *pte = pte_for(va & ~(PAGE - 1), NULL, 0);
	if (!pte)
		return;
	*pte = (va & ~(PAGE - 1)) | (guard ? 0 : PTE_P | PTE_RW | PTE_NX);
	invlpg(va);
}

const char *pagetable_describe(uint64_t va)
{
	uint64_t *pte = pte_for(va & ~(PAGE - 1), NULL, 0);
	if (!pte || !(*pte & PTE_P))
		return "unmapped";
	if (*pte & PTE_RW)
		return *pte & PTE_NX ? "rw-" : "rwx";
	return *pte & PTE_NX ? "r--" : "r-x";
}
