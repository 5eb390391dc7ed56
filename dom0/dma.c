/* dma.c: DMA-able memory for dom0's drivers: RAM's machine base from start-info, and zeroed aligned buffers. */
#include "dma.h"

#include <malloc.h>
#include <string.h>

#include <keel/start_info.h>

static bool ready;
static uint64_t machine_base;
static uint64_t ram_end;

bool dma_init(const struct keel_start_info *si)
{
	if (!(si->flags & KEEL_SIF_DMA))
		return false;
	machine_base = si->machine_base;
	ram_end = si->nr_pages * 4096;
	ready = true;
	return true;
}

bool dma_ready(void)
{
	return ready;
}

uint64_t dma_address(const void *p, size_t size)
{
	uintptr_t gpa = (uintptr_t)p;
	/* Page 0 is never handed out, so 0 can mean "none". */
	if (!ready || gpa == 0 || size > ram_end || gpa > ram_end - size)
		return 0;
	return machine_base + gpa;
}

void *dma_alloc(size_t size, size_t align)
{
	if (!ready || size == 0)
		return NULL;
	size_t rounded = (size + align - 1) & ~(align - 1);
	void *p = memalign(align, rounded);   /* newlib has no posix_memalign, which its aligned_alloc needs */
	if (p)
		memset(p, 0, rounded);
	return p;
}
