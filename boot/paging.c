/* paging.c: four-level x86-64 page tables from one bump-allocated block of firmware pages. */
#include "paging.h"

#include "console.h"
#include "string.h"

#define PAGE_BYTES  4096ull
#define LARGE_BYTES (2ull << 20)
#define ENTRIES     512

#define PTE_PRESENT  (1ull << 0)
#define PTE_WRITE    (1ull << 1)
#define PTE_LARGE    (1ull << 7)
#define PTE_NX       (1ull << 63)
#define PTE_ADDR     0x000ffffffffff000ull

/* All tables come from one block so a failure leaves nothing half-allocated. */
struct table_pool {
	uint64_t next;
	uint64_t end;
};

static uint64_t *pool_take(struct table_pool *pool)
{
	if (pool->next >= pool->end)
		return NULL;
	uint64_t *table = (uint64_t *)(uintptr_t)pool->next;
	pool->next += PAGE_BYTES;
	return table; /* the block was zeroed as a whole */
}

static unsigned index_at(uint64_t va, unsigned level)
{
	return (unsigned)(va >> (12 + 9 * (level - 1))) & (ENTRIES - 1);
}

/* The table one level below entry idx of table, created if absent; NULL if the pool ran dry. */
static uint64_t *child_table(struct table_pool *pool, uint64_t *table, unsigned idx)
{
	if (table[idx] & PTE_PRESENT)
		return (uint64_t *)(uintptr_t)(table[idx] & PTE_ADDR);
	uint64_t *child = pool_take(pool);
	if (child)
		table[idx] = (uint64_t)(uintptr_t)child | PTE_PRESENT | PTE_WRITE;
	return child;
}

/* Walks from the PML4 down to the table at level (1 = page table, 2 = page directory). */
static uint64_t *table_for(struct table_pool *pool, uint64_t *pml4, uint64_t va, unsigned level)
{
	uint64_t *table = pml4;
	for (unsigned l = 4; l > level && table; l--)
		table = child_table(pool, table, index_at(va, l));
	return table;
}

static uint64_t div_round_up(uint64_t a, uint64_t b)
{
	return a / b + (a % b != 0);
}

/* Upper bound on the tables both maps need, so one allocation suffices. */
static uint64_t tables_needed(uint64_t identity_top, const struct hv_image *hv)
{
	uint64_t identity = div_round_up(identity_top, 512ull << 30) +   /* PDPTs */
	                    div_round_up(identity_top, 1ull << 30);      /* PDs */
	uint64_t image = 1 +                                             /* its PDPT */
	                 div_round_up(hv->size, 1ull << 30) + 1 +        /* PDs */
	                 div_round_up(hv->size, LARGE_BYTES) + 1;        /* PTs */
	return 1 + identity + image;
}

/* Permissions of one image page: the union over the segments touching it. */
static uint64_t image_page_flags(const struct hv_image *hv, uint64_t va, bool use_nx)
{
	uint32_t flags = 0;
	for (unsigned i = 0; i < hv->elf.segment_count; i++) {
		const struct elf64_segment *seg = &hv->elf.segments[i];
		if (va + PAGE_BYTES > seg->vaddr && va < seg->vaddr + seg->memsz)
			flags |= seg->flags;
	}
	if (flags == 0)
		return 0; /* a gap between segments stays unmapped */
	uint64_t pte = PTE_PRESENT;
	if (flags & ELF64_PF_W)
		pte |= PTE_WRITE;
	if (use_nx && !(flags & ELF64_PF_X))
		pte |= PTE_NX;
	return pte;
}

EFI_STATUS paging_build(EFI_BOOT_SERVICES *bs, uint64_t identity_top, const struct hv_image *hv,
                        bool use_nx, uint64_t *cr3)
{
	identity_top = div_round_up(identity_top, LARGE_BYTES) * LARGE_BYTES;
	uint64_t pages = tables_needed(identity_top, hv);
	EFI_PHYSICAL_ADDRESS block = 0;
	EFI_STATUS status = bs->AllocatePages(AllocateAnyPages, EfiLoaderData, pages, &block);
	if (EFI_ERROR(status)) {
		boot_error("out of memory for page tables (%llu pages)", (unsigned long long)pages);
		return status;
	}
	memset((void *)(uintptr_t)block, 0, pages * PAGE_BYTES);
	struct table_pool pool = { .next = block, .end = block + pages * PAGE_BYTES };
	uint64_t *pml4 = pool_take(&pool);

	for (uint64_t pa = 0; pa < identity_top; pa += LARGE_BYTES) {
		uint64_t *pd = table_for(&pool, pml4, pa, 2);
		if (!pd)
			goto exhausted;
		pd[index_at(pa, 2)] = pa | PTE_PRESENT | PTE_WRITE | PTE_LARGE;
	}

	for (uint64_t off = 0; off < hv->size; off += PAGE_BYTES) {
		uint64_t va = hv->virt_base + off;
		uint64_t *pt = table_for(&pool, pml4, va, 1);
		if (!pt)
			goto exhausted;
		uint64_t flags = image_page_flags(hv, va, use_nx);
		if (flags)
			pt[index_at(va, 1)] = (hv->phys_base + off) | flags;
	}

	*cr3 = (uint64_t)(uintptr_t)pml4;
	return EFI_SUCCESS;

exhausted:
	/* Cannot happen with tables_needed's bound; refuse rather than map half. */
	boot_error("page-table pool exhausted (%llu pages)", (unsigned long long)pages);
	bs->FreePages(block, pages);
	return EFI_OUT_OF_RESOURCES;
}
