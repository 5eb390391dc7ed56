/* irq_flags.h: turning a domain's interrupts (event upcalls, and any preemption they drive) off around a check-and-wait or a short critical section, and back on as they were. */
#ifndef KEEL_IRQ_FLAGS_H
#define KEEL_IRQ_FLAGS_H

#include <stdbool.h>
#include <stdint.h>

#define RFLAGS_IF (1u << 9)

static inline uint64_t irq_save(void)
{
	uint64_t flags;
	asm volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
	return flags;
}

/* Enables them again only if they were on (RFLAGS.IF) at irq_save. */
static inline void irq_restore(uint64_t flags)
{
	if (flags & RFLAGS_IF)
		asm volatile("sti" : : : "memory");
}

static inline bool irq_enabled(void)
{
	uint64_t flags;
	asm volatile("pushfq; popq %0" : "=r"(flags));
	return flags & RFLAGS_IF;
}

#endif
