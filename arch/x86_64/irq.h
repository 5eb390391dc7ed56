/* irq.h: masking local interrupts around short critical sections (RFLAGS.IF). */
#ifndef KEEL_IRQ_H
#define KEEL_IRQ_H

#ifdef KEEL_HOST_TEST
/* Host unit tests run the same code in user mode, where CLI/STI would fault. */
static inline void irq_disable(void) {}
static inline void irq_enable(void) {}
static inline void irq_window(void) {}
static inline unsigned long irq_save(void) { return 0; }
static inline void irq_restore(unsigned long flags) { (void)flags; }
#else
static inline void irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void irq_enable(void) { __asm__ volatile("sti" ::: "memory"); }

/* Lets pending interrupts in for a moment (the nop: STI only takes effect after the next instruction). */
static inline void irq_window(void) { __asm__ volatile("sti; nop; cli" ::: "memory"); }

/* Returns the previous state for irq_restore(); nests safely. */
static inline unsigned long irq_save(void)
{
	unsigned long flags;
	__asm__ volatile("pushfq; popq %0; cli" : "=r"(flags) :: "memory");
	return flags;
}

static inline void irq_restore(unsigned long flags)
{
	if (flags & (1ul << 9))
		__asm__ volatile("sti" ::: "memory");
}

#endif /* KEEL_HOST_TEST */

#endif
