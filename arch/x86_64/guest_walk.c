/* guest_walk.c: translating guest-virtual addresses through a guest's own 4-level page tables. */
#include "guest_walk.h"

#define PTE_PRESENT  (1ull << 0)
#define PTE_WRITE    (1ull << 1)
#define PTE_LARGE    (1ull << 7)
#define PTE_ADDRESS  0x000ffffffffff000ull

static bool canonical(uint64_t va)
{
	return ((int64_t)(va << 16) >> 16) == (int64_t)va;
}

int guest_walk(uint64_t cr3, uint64_t gva, bool write, guest_pte_reader read, void *ctx, uint64_t *gpa)
{
	if (!canonical(gva))
		return GUEST_WALK_FAULT;

	uint64_t table = cr3 & PTE_ADDRESS;
	for (int level = 3; level >= 0; level--) {
		unsigned int shift = 12 + 9 * (unsigned int)level;
		uint64_t entry;
		if (!read(ctx, table + ((gva >> shift) & 511) * 8, &entry))
			return GUEST_WALK_FAULT;
		if (!(entry & PTE_PRESENT) || (write && !(entry & PTE_WRITE)))
			return GUEST_WALK_FAULT;
		if (level == 0 || ((level == 1 || level == 2) && (entry & PTE_LARGE))) {
			uint64_t page_mask = (1ull << shift) - 1;
			*gpa = ((entry & PTE_ADDRESS) & ~page_mask) | (gva & page_mask);
			return GUEST_WALK_OK;
		}
		table = entry & PTE_ADDRESS;
	}
	return GUEST_WALK_FAULT;   /* not reached */
}
