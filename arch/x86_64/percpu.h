/* percpu.h: each physical CPU's own data, reached through the GS base. */
#ifndef KEEL_ARCH_PERCPU_H
#define KEEL_ARCH_PERCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "gdt.h"

struct cpu {
	struct cpu *self;         /* must stay first: this_cpu() reads %gs:0 */
	uint32_t id;              /* dense logical index, 0 = the boot CPU */
	uint32_t apic_id;
	uint64_t stack_top;       /* top of the main stack in the guarded stack area */
	volatile bool online;     /* set by the CPU itself once it is fully up */
	volatile uint64_t timer_ticks;
	/* System time the one-shot timer is armed for; 0 once its interrupt came (or none is armed). */
	volatile uint64_t timer_armed_for;
	struct cpu_tables tables; /* GDT and TSS */
};

extern struct cpu cpu_data[MAX_CPUS];
extern unsigned int cpus_online;

static inline struct cpu *this_cpu(void)
{
	struct cpu *c;
	__asm__ volatile("movq %%gs:0, %0" : "=r"(c));
	return c;
}

static inline uint32_t cpu_id(void) { return this_cpu()->id; }

/* Points GS at the CPU's data (and loads its GDT, TSS and the IDT). */
void percpu_activate(struct cpu *c);

#endif
