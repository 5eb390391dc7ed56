/* main.c: dom0's entry from the guest runtime: events, timer, builder, heap, terminal, then the threads. */
#include <stdio.h>
#include <stdlib.h>

#include <keel/domctl.h>

#include "builder.h"
#include "cli.h"
#include "domains.h"
#include "events.h"
#include "fatal.h"
#include "guest.h"
#include "libc_glue.h"
#include "paging.h"
#include "pci.h"
#include "thread.h"
#include "timer.h"
#include "trap.h"
#include "tty.h"
#include "virtio_blk.h"

#define PT_ADDR_MASK 0x000ffffffffff000ull

_Static_assert(KEEL_FOREIGN_WINDOW_BASE % (1ull << 30) == 0 && KEEL_FOREIGN_WINDOW_SIZE <= (1ull << 30),
	       "the foreign window needs one page directory: heap_start() looks for exactly that");

/*
 * builder_init() takes the page tables that map the foreign window from first_free_gpa up
 * (a page directory, and a PDPT if the identity map had none there) without saying how
 * many. Walk them and start the heap after whichever of them lies in free RAM.
 */
static uint64_t heap_start(const struct keel_start_info *si)
{
	uint64_t start = (si->first_free_gpa + PAGE_SIZE_4K - 1) & ~(PAGE_SIZE_4K - 1);
	uint64_t cr3;
	asm volatile("movq %%cr3, %0" : "=r"(cr3));
	const uint64_t *pml4 = (const uint64_t *)(uintptr_t)(cr3 & PT_ADDR_MASK);
	uint64_t pdpt = pml4[(KEEL_FOREIGN_WINDOW_BASE >> 39) & 511] & PT_ADDR_MASK;
	uint64_t pd = ((const uint64_t *)(uintptr_t)pdpt)[(KEEL_FOREIGN_WINDOW_BASE >> 30) & 511] & PT_ADDR_MASK;
	uint64_t tables[] = { pdpt, pd };
	for (unsigned int i = 0; i < 2; i++)
		if (tables[i] >= start && tables[i] < start + 16 * PAGE_SIZE_4K)
			start = tables[i] + PAGE_SIZE_4K;
	return start;
}

static void autostart_thread(void *arg)
{
	(void)arg;
	domains_autostart();
}

void guest_main(const struct keel_start_info *si)
{
	trap_init(NULL);
	long rc = events_init(si);
	if (!rc)
		rc = timer_init();
	/* Nothing below works without events, the clock and a heap: end dom0 loudly instead. */
	if (rc)
		dom0_fatal("cannot start events or the timer (%ld)", rc);
	if (!(si->flags & KEEL_SIF_PRIVILEGED) || builder_init(si))
		dom0_fatal("not privileged, or the foreign window cannot be mapped: dom0 cannot build domains");
	uint64_t heap = heap_start(si), ram_end = si->nr_pages * PAGE_SIZE_4K;
	if (heap >= ram_end)
		dom0_fatal("no free RAM for the heap (first free %#llx, RAM ends at %#llx)",
			   (unsigned long long)si->first_free_gpa, (unsigned long long)ram_end);
	libc_glue_init(heap, ram_end);

	printf("keel dom0: %s, %u boot modules\n", DOM0_VERSION, si->nr_modules);
	printf("dom0: %llu MiB RAM, heap %llu KiB from %#llx\n", (unsigned long long)(ram_end >> 20),
	       (unsigned long long)((ram_end - heap) >> 10), (unsigned long long)heap);
	tty_init();
	pci_scan();   /* once, before any driver or command asks for a device; prints what it found */
	virtio_blk_probe(si);   /* after pci_scan: DMA base, then every virtio-blk disk */
	rc = domains_init(si);
	if (rc)
		printf("dom0: domain management unavailable (%ld)\n", rc);

	if (!thread_create("cli", cli_thread, (void *)si) || !thread_create("autostart", autostart_thread, NULL))
		dom0_fatal("no memory for the first threads");
	thread_run();
}
