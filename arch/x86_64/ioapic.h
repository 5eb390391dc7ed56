/* ioapic.h: the IOAPICs: physical interrupt lines routed to host vectors on the boot CPU (kernel/pirq.c's view of the hardware). */
#ifndef KEEL_ARCH_IOAPIC_H
#define KEEL_ARCH_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

struct acpi_info;

/* One interrupt line as the IOAPIC sees it. */
struct irq_line {
	uint32_t gsi;
	bool level;          /* level-triggered (else edge) */
	bool active_low;
};

/* The host vectors lines are routed to, one per routed line (trap.h keeps 0xf0 and up). */
#define IOAPIC_VECTOR_FIRST 0x40
#define IOAPIC_VECTOR_COUNT 64

/* Called with the line's GSI after the line was masked and the local APIC acknowledged. */
typedef void (*irq_line_fired_fn)(uint32_t gsi);

/* Once, on the boot CPU after paging and ACPI: maps every MADT IOAPIC and masks all its lines. */
void ioapic_init(const struct acpi_info *acpi);

/*
 * The line an IRQ names: 0-15 are ISA IRQs (through the MADT's interrupt source overrides,
 * edge/high unless overridden), 16 and up GSIs (level/low, as PCI wires them). 0 and
 * *line filled, or -1 when no IOAPIC serves it.
 */
int ioapic_resolve(uint32_t irq, struct irq_line *line);

/* Gives the line a vector and programs it masked, fixed delivery to the boot CPU; 0 or -1 (no vector left). */
int ioapic_route(const struct irq_line *line, irq_line_fired_fn fired);
/*
 * Message-signalled interrupts share the vectors. 'key' (IOAPIC_MSI_KEY_FIRST and up, a GSI
 * no IOAPIC serves) names the vector to 'fired', ioapic_unroute and ioapic_unmask as a GSI
 * names a line; masking it is a no-op, as an MSI has no line to mask. Gives it a vector and
 * fills the message that fires it: fixed delivery to the boot CPU (physical destination),
 * edge. 0, -1 (no vector left) or -2 (the boot CPU's APIC ID does not fit an xAPIC message).
 */
#define IOAPIC_MSI_KEY_FIRST 0x80000000u
int ioapic_route_msi(uint32_t key, irq_line_fired_fn fired, uint64_t *address, uint32_t *data);

/* Masks the line and gives its vector back. */
void ioapic_unroute(uint32_t gsi);
/* Lets a routed line fire again (it is masked each time it fires). */
void ioapic_unmask(uint32_t gsi);

#endif
