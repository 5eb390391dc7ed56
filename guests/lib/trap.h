/* trap.h: a minimal IDT for guests that expect exceptions: expected ones are caught, the rest end the domain. */
#ifndef GUEST_TRAP_H
#define GUEST_TRAP_H

#include <stdint.h>

#define X86_EXC_DE   0
#define X86_EXC_DB   1
#define X86_EXC_NMI  2
#define X86_EXC_BP   3
#define X86_EXC_UD   6
#define X86_EXC_DF   8
#define X86_EXC_NP  11
#define X86_EXC_GP  13
#define X86_EXC_PF  14
#define X86_EXC_COUNT 32   /* the IDT covers the exceptions only: a stray interrupt becomes a #GP */

/* What idt.S pushes: the general registers, then vector and error code, then the CPU's frame. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;            /* error_code is 0 for vectors without one */
	uint64_t rip, cs, rflags, rsp, ss;
};

/*
 * Marks an instruction that may fault: if the instruction at label 'fault' raises an
 * exception, execution resumes at label 'fixup' and the exception is recorded in
 * trap_caught. Used inside an asm statement, e.g. "1: wrmsr\n2:\n" TRAP_EXTABLE(1b, 2b).
 */
#define TRAP_EXTABLE(fault, fixup)                       \
	".pushsection .extable, \"a\"\n\t"               \
	".balign 8\n\t"                                  \
	".quad " #fault ", " #fixup "\n\t"               \
	".popsection\n\t"

/* The last exception caught by a fixup; vector == TRAP_NONE until one is. */
#define TRAP_NONE (-1)
struct trap_caught {
	int vector;
	uint64_t error_code;
	uint64_t rip;
};
extern volatile struct trap_caught trap_caught;

/* Called for an exception no fixup covers; it must not return (e.g. it ends the domain). */
typedef void (*trap_unhandled_fn)(const struct trap_frame *frame);

/*
 * Loads an IDT with a handler for every exception vector. 'unhandled' may be NULL: then an
 * unexpected exception prints the frame and shuts the domain down with KEEL_SHUTDOWN_CRASH.
 */
void trap_init(trap_unhandled_fn unhandled);

/* Clears trap_caught before an instruction that may fault. */
static inline void trap_expect(void)
{
	trap_caught.vector = TRAP_NONE;
	trap_caught.error_code = 0;
	trap_caught.rip = 0;
}

/* "#GP" for 13, "none" for TRAP_NONE: for messages. */
const char *trap_name(int vector);

#endif
