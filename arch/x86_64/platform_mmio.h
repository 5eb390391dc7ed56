/* platform_mmio.h: the machine's device memory as the firmware describes it (ECAM windows, the hypervisor's own devices), for kernel/dom0_mmio.c. */
#ifndef KEEL_ARCH_PLATFORM_MMIO_H
#define KEEL_ARCH_PLATFORM_MMIO_H

#include <stdbool.h>
#include <stdint.h>

/* One PCI Express enhanced configuration window (ACPI MCFG). */
struct platform_ecam {
	uint64_t base;        /* bus 0's config space, even when start_bus > 0 */
	uint16_t segment;
	uint8_t start_bus, end_bus;
};

/* A physical range of device registers. */
struct platform_mmio_range {
	uint64_t base, size;
	const char *what;     /* "local APIC", "IOAPIC", ... for the log */
};

/* The MCFG's windows: false when index >= their number. */
bool platform_ecam_window(unsigned int index, struct platform_ecam *out);

/*
 * The device registers the hypervisor keeps for itself and no domain may map: the local
 * APIC (and the whole interrupt-message range around it), every IOAPIC, and the ACPI
 * power registers in memory space. Fills up to 'max' ranges; returns how many there are.
 */
unsigned int platform_mmio_kept(struct platform_mmio_range *out, unsigned int max);

/* The CPU's physical address width (CPUID 0x80000008), 36 when it does not say. */
unsigned int platform_phys_addr_bits(void);

#endif
