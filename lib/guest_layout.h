/* guest_layout.h: where a builder puts a new domain's boot pages and what they hold (pv-abi/keel/start_info.h). */
#ifndef KEEL_GUEST_LAYOUT_H
#define KEEL_GUEST_LAYOUT_H

#include <stdint.h>

/*
 * Shared by the hypervisor's boot-time builder (kernel/domain_build.c) and the in-guest
 * builder of a privileged domain (guests/lib/builder.c), so both lay a domain out the same
 * way. Pure computation: the caller decides how the bytes reach the domain's memory.
 */

#define GUEST_LAYOUT_PAGE        4096ull
#define GUEST_LAYOUT_STACK_PAGES 4

/* The vCPU control state start_info.h promises at entry. */
#define GUEST_LAYOUT_CR0  0x80010033ull   /* PG | WP | NE | ET | MP | PE */
#define GUEST_LAYOUT_CR4  0x20ull         /* PAE */
#define GUEST_LAYOUT_EFER 0xd00ull        /* NXE | LMA | LME */
#define GUEST_LAYOUT_CS   0x08
#define GUEST_LAYOUT_DS   0x10
#define GUEST_LAYOUT_GDT_ENTRIES 3

/* The boot pages after the image, in start_info.h's order, then 'extra' pages for the builder's own use. */
struct guest_layout {
	uint64_t start_info;
	uint64_t page_tables;
	uint64_t pt_pages;
	uint64_t gdt;
	uint64_t stack_top;
	uint64_t extra;         /* extra_pages pages (e.g. dom0's boot modules), right after the stack */
	uint64_t extra_pages;
	uint64_t first_free;    /* first page nobody uses; the end of everything above */
};

/* Plans the pages for an image ending at image_end in memory_bytes of RAM; 0, or -1 if they do not fit. */
int guest_layout_plan(uint64_t image_end, uint64_t memory_bytes, uint64_t extra_pages, struct guest_layout *l);

/* Fills page 'index' (0 .. pt_pages-1) of the initial page tables: an identity map of RAM and the
 * shared-info page after it, with 2 MiB pages. */
void guest_layout_page_table(const struct guest_layout *l, uint64_t memory_bytes, uint64_t index, uint64_t page[512]);

struct keel_start_info;

/* What a builder knows about the domain, for its start-info page. */
struct guest_identity {
	uint32_t domid;
	uint32_t nr_vcpus;
	uint32_t flags;          /* KEEL_SIF_* */
	uint32_t abi_version;
	uint64_t nr_pages;
	const char *name;
	const char *cmdline;     /* NULL: empty */
};

/* Fills *si (zeroing it first) the way start_info.h describes, including the shared-info
 * page's GPA (the first page after RAM). Both builders, the hypervisor's and dom0's, use it. */
void guest_layout_start_info(const struct guest_layout *l, const struct guest_identity *id,
			     struct keel_start_info *si);

/* The initial GDT: null, 64-bit code (0x08), data (0x10). */
extern const uint64_t guest_layout_gdt[GUEST_LAYOUT_GDT_ENTRIES];

#endif
