/* idt.h: minios's own interrupt descriptor table: exceptions, the event upcall and the yield vector. */
#ifndef MINIOS_IDT_H
#define MINIOS_IDT_H

#include <stdint.h>

/* `int $MINIOS_YIELD_VECTOR` enters the scheduler the same way the timer upcall does. */
#define MINIOS_YIELD_VECTOR 0x81

/*
 * Fills the table and loads it (LIDT). The upcall gate is at EVENTS_UPCALL_VECTOR, the
 * vector events_init registers with the hypervisor, so call this after events_init: that
 * call loads the runtime's table, and this one replaces it with minios's own.
 */
void idt_init(void);

/* The general registers as vectors.S pushes them (gpr_frame.h: r15 lowest). */
struct gpr_regs {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
};

/* What an exception leaves on the stack for minios_exception. */
struct exception_frame {
	struct gpr_regs regs;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};

#endif
