/* mmio_policy.c: the rule that keeps RAM, the hypervisor's devices and dom0's own guest-physical ranges out of its MMIO map. */
#include "mmio_policy.h"

#include <stddef.h>

static bool overlaps(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size)
{
	return a < b + b_size && b < a + a_size;
}

static bool inside(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size)
{
	return a >= b && a + a_size <= b + b_size;
}

static const struct platform_mmio_range *first_overlap(const struct platform_mmio_range *r, unsigned int n,
							uint64_t base, uint64_t size)
{
	for (unsigned int i = 0; i < n; i++)
		if (overlaps(base, size, r[i].base, r[i].size))
			return &r[i];
	return NULL;
}

static bool inside_ecam(const struct mmio_policy *p, uint64_t base, uint64_t size)
{
	for (unsigned int i = 0; i < p->ecam_count; i++)
		if (inside(base, size, p->ecam[i].base, p->ecam[i].size))
			return true;
	return false;
}

const char *mmio_policy_refuses(const struct mmio_policy *p, uint64_t base, uint64_t size)
{
	if (size == 0 || base + size < base || base + size > p->phys_limit)
		return "beyond the physical address width";
	for (uint32_t i = 0; i < p->memmap_count; i++) {
		const struct boot_mem_region *m = &p->memmap[i];
		if (!overlaps(base, size, m->base, m->length))
			continue;
		/* Only the ECAM may be taken out of a reserved region; never RAM or firmware memory. */
		if (m->type != BOOT_MEM_RESERVED || !inside_ecam(p, base, size))
			return m->type == BOOT_MEM_RESERVED ? "reserved in the memory map"
							    : "RAM or firmware memory in the memory map";
	}
	if (p->ram_overlaps && p->ram_overlaps(p->ram_ctx, base, size))
		return "dom0's RAM is at those guest-physical addresses";
	const struct platform_mmio_range *r = first_overlap(p->kept, p->kept_count, base, size);
	if (r)
		return r->what;
	r = first_overlap(p->gpa_used, p->gpa_used_count, base, size);
	if (r)
		return r->what;
	return NULL;
}
