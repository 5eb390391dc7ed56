/* dom0_mmio.h: dom0's device memory: the ECAM windows and PCI BARs at guest-physical == machine-physical, uncached. */
#ifndef KEEL_DOM0_MMIO_H
#define KEEL_DOM0_MMIO_H

#include <stdbool.h>
#include <stdint.h>

#include "keel/boot_info.h"
#include "platform_mmio.h"

struct domain;

/*
 * At dom0's build, before it runs: maps every ECAM window (MCFG) that the policy allows in
 * full, and arms dom0_mmio_fault for the rest of its device memory. Logs what it did.
 */
void dom0_mmio_setup(struct domain *d, const struct boot_info *bi);

/*
 * An EPT/NPT violation of 'd' at 'gpa': true when it was dom0 reaching device memory the
 * policy allows, which is now mapped (the vCPU retries the access), false when the
 * violation stands (the caller crashes the domain as before).
 */
bool dom0_mmio_fault(struct domain *d, uint64_t gpa, uint32_t access);

/* The ECAM windows mapped for dom0, in MCFG order: their number; *out filled when index < it. */
unsigned int dom0_mmio_ecam(unsigned int index, struct platform_ecam *out);

#endif
