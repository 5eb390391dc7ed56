/* platform_irq_double.h: host-test doubles of the IOAPIC and MSI vectors (arch/x86_64/ioapic.h) and the console claim (kernel/console.h). */
#ifndef PLATFORM_IRQ_DOUBLE_H
#define PLATFORM_IRQ_DOUBLE_H

#include <stdbool.h>
#include <stdint.h>

#include "ioapic.h"

/* One IOAPIC with GSIs 0-23; ISA IRQ 0 is overridden to GSI 2 (as on QEMU and most PCs). */
#define DOUBLE_GSIS 24

struct double_line {
	bool routed, masked;
	struct irq_line line;
	irq_line_fired_fn fired;
};
extern struct double_line double_lines[DOUBLE_GSIS];
extern bool double_vectors_exhausted;   /* ioapic_route fails */
extern bool double_uart_kept;           /* console_uart_kept: COM1 at 0x3f8, IRQ 4, not claimed */

/* MSI vectors (ioapic_route_msi): slot n has data IOAPIC_VECTOR_FIRST + n, as on the hardware. */
struct double_msi {
	bool routed;
	uint32_t key;
	irq_line_fired_fn fired;
};
extern struct double_msi double_msis[IOAPIC_VECTOR_COUNT];
extern uint32_t double_boot_apic_id;    /* the destination in MSI addresses; > 255 is refused */
/* A message with this data arrives: the vector's handler runs if it is routed (nothing is masked). */
void double_msi_message(uint32_t data);

/* Resets every line (unrouted, masked) and the console to "kept". */
void double_platform_reset(void);
/* The hardware side of a line firing: masks it and calls the handler, as ioapic.c does. */
void double_fire(uint32_t gsi);

#endif
