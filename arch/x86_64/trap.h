/* trap.h: the saved register frame of an interrupt or exception, and vector routing. */
#ifndef KEEL_ARCH_TRAP_H
#define KEEL_ARCH_TRAP_H

#include <stdint.h>

/* Pushed by traps.S (r15 first, lowest address) on top of the CPU's own frame. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};

/* Vectors the hypervisor assigns itself (exceptions occupy 0..31). */
#define VECTOR_TIMER       0xf0
#define VECTOR_IPI_KICK    0xf1   /* wake a CPU to re-examine its work */
#define VECTOR_IPI_STOP    0xf2   /* panic: stop now */
#define VECTOR_VMCS_RELEASE 0xf3  /* VMX: VMCLEAR a VMCS so another CPU can load it */
#define VECTOR_SPURIOUS    0xff

typedef void (*irq_handler_fn)(struct trap_frame *frame);

/* Installs a handler for a vector >= 32; the handler must acknowledge the interrupt. */
void trap_set_handler(uint8_t vector, irq_handler_fn fn);

void idt_init(void);   /* builds the shared IDT once (BSP) */
void idt_load(void);   /* loads it on the calling CPU */

/* Prints registers and a backtrace of an exception frame. */
void trap_dump(const struct trap_frame *frame);

/* Walks the rbp chain from 'rbp' and prints each return address. */
void backtrace_print(uint64_t rbp);

#endif
