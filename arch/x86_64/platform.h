/* platform.h: what arch/ learned about the machine at boot, shared among its files. */
#ifndef KEEL_ARCH_PLATFORM_H
#define KEEL_ARCH_PLATFORM_H

#include "acpi.h"

extern struct acpi_info platform_acpi;

/* Brings up this CPU's tables, APIC and timer; shared by the BSP and the APs. */
void cpu_local_init(struct cpu *c);

#endif
