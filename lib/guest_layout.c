/* guest_layout.c: the boot-page plan, initial page tables and GDT of a new domain (start_info.h's layout). */
#include "guest_layout.h"

#include "keel/start_info.h"
#include "string.h"

#define PTE_PRESENT_WRITABLE 0x3ull
#define PTE_LARGE            0x80ull   /* in a PD entry: a 2 MiB page */
#define GIB                  (1ull << 30)
#define LARGE_PAGE           (1ull << 21)

const uint64_t guest_layout_gdt[GUEST_LAYOUT_GDT_ENTRIES] = { 0, 0x00af9b000000ffffull, 0x00cf93000000ffffull };

static uint64_t page_align_up(uint64_t x)
{
	return (x + GUEST_LAYOUT_PAGE - 1) & ~(GUEST_LAYOUT_PAGE - 1);
}

int guest_layout_plan(uint64_t image_end, uint64_t memory_bytes, uint64_t extra_pages, struct guest_layout *l)
{
	/* Bounds keep every sum below from wrapping, and RAM within one PDPT (512 GiB). */
	if (image_end > memory_bytes || memory_bytes > (1ull << 39) || extra_pages > (1ull << 34))
		return -1;
	l->start_info = page_align_up(image_end);
	l->page_tables = l->start_info + GUEST_LAYOUT_PAGE;
	/* PML4, PDPT, one PD per GiB of RAM and the shared-info page right after it. */
	l->pt_pages = 2 + (memory_bytes + GUEST_LAYOUT_PAGE + GIB - 1) / GIB;
	l->gdt = l->page_tables + l->pt_pages * GUEST_LAYOUT_PAGE;
	l->stack_top = l->gdt + GUEST_LAYOUT_PAGE + GUEST_LAYOUT_STACK_PAGES * GUEST_LAYOUT_PAGE;
	l->extra = l->stack_top;
	l->extra_pages = extra_pages;
	l->first_free = l->extra + extra_pages * GUEST_LAYOUT_PAGE;
	return l->first_free > memory_bytes ? -1 : 0;
}

void guest_layout_page_table(const struct guest_layout *l, uint64_t memory_bytes, uint64_t index, uint64_t page[512])
{
	uint64_t pdpt = l->page_tables + GUEST_LAYOUT_PAGE;
	uint64_t gib_count = l->pt_pages - 2;
	/* RAM and the shared-info page at memory_bytes (start_info.h). */
	uint64_t large_pages = (memory_bytes + GUEST_LAYOUT_PAGE + LARGE_PAGE - 1) / LARGE_PAGE;

	for (unsigned int i = 0; i < 512; i++)
		page[i] = 0;
	if (index == 0) {
		page[0] = pdpt | PTE_PRESENT_WRITABLE;
	} else if (index == 1) {
		for (uint64_t g = 0; g < gib_count && g < 512; g++)
			page[g] = (pdpt + (1 + g) * GUEST_LAYOUT_PAGE) | PTE_PRESENT_WRITABLE;
	} else if (index < l->pt_pages) {
		uint64_t g = index - 2;
		for (uint64_t i = 0; i < 512 && g * 512 + i < large_pages; i++)
			page[i] = ((g * 512 + i) * LARGE_PAGE) | PTE_PRESENT_WRITABLE | PTE_LARGE;
	}
}

void guest_layout_start_info(const struct guest_layout *l, const struct guest_identity *id,
			     struct keel_start_info *si)
{
	memset(si, 0, sizeof(*si));
	si->magic = KEEL_START_INFO_MAGIC;
	si->abi_version = id->abi_version;
	si->flags = id->flags;
	si->domid = id->domid;
	si->nr_vcpus = id->nr_vcpus;
	si->nr_pages = id->nr_pages;
	si->start_info_gpa = l->start_info;
	si->page_tables_gpa = l->page_tables;
	si->pt_pages = l->pt_pages;
	si->gdt_gpa = l->gdt;
	si->stack_top_gpa = l->stack_top;
	si->first_free_gpa = l->first_free;
	si->shared_info_gpa = id->nr_pages * 4096;
	strlcpy(si->name, id->name, sizeof(si->name));
	strlcpy(si->cmdline, id->cmdline ? id->cmdline : "", sizeof(si->cmdline));
}
