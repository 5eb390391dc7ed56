/* idt_gate.h: the long-mode IDT gate layout and how to make one (shared by the hypervisor and guests). */
#ifndef KEEL_IDT_GATE_H
#define KEEL_IDT_GATE_H

#include <stdint.h>

struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t  ist;          /* 0, or the TSS IST slot (1..7) whose stack the CPU switches to */
	uint8_t  type_attr;
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
};
_Static_assert(sizeof(struct idt_gate) == 16, "a long-mode IDT gate is 16 bytes");

/* Present, DPL 0, 64-bit interrupt gate: IF is cleared on entry, so handlers do not nest. */
#define IDT_GATE_INTERRUPT_DPL0 0x8e

static inline struct idt_gate idt_gate_make(uint64_t handler, uint16_t selector, uint8_t ist)
{
	return (struct idt_gate){
		.offset_low = (uint16_t)handler,
		.selector = selector,
		.ist = ist,
		.type_attr = IDT_GATE_INTERRUPT_DPL0,
		.offset_mid = (uint16_t)(handler >> 16),
		.offset_high = (uint32_t)(handler >> 32),
	};
}

#endif
