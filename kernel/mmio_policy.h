/* mmio_policy.h: which machine ranges may be mapped into dom0 as device memory at guest-physical == machine-physical. */
#ifndef KEEL_MMIO_POLICY_H
#define KEEL_MMIO_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "keel/boot_info.h"
#include "platform_mmio.h"

/*
 * Everything the decision needs, so it is a pure function (tests/unit/test_mmio_policy.c).
 * A range is refused when it touches:
 *  - any region of the firmware's memory map (RAM, firmware, ACPI, reserved), except a
 *    reserved region inside an ECAM window: firmware lists ECAM as reserved, and it is
 *    device memory all the same;
 *  - a device the hypervisor keeps (platform_mmio_kept);
 *  - a guest-physical range dom0 already uses for something else (its RAM, its
 *    shared-info page, the grant and foreign windows): device memory sits at GPA == MPA,
 *    so the same numbers must not mean two things;
 *  - addresses at or beyond the CPU's physical address width.
 */
struct mmio_policy {
	const struct boot_mem_region *memmap;
	uint32_t memmap_count;
	const struct platform_mmio_range *ecam;       /* the windows' bus ranges */
	unsigned int ecam_count;
	const struct platform_mmio_range *kept;
	unsigned int kept_count;
	const struct platform_mmio_range *gpa_used;
	unsigned int gpa_used_count;
	/* dom0's RAM is not one range once it can be scattered: asked of the caller. */
	bool (*ram_overlaps)(const void *ctx, uint64_t base, uint64_t size);
	const void *ram_ctx;
	uint64_t phys_limit;                          /* 1 << the physical address width */
};

/* NULL when [base, base + size) may be mapped uncached into dom0, else why not (for the log). */
const char *mmio_policy_refuses(const struct mmio_policy *p, uint64_t base, uint64_t size);

#endif
