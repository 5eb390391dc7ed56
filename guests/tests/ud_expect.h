/* ud_expect.h: for the ud_* tests: run one instruction and require #UD raised at that very instruction. */
#ifndef GUEST_TESTS_UD_EXPECT_H
#define GUEST_TESTS_UD_EXPECT_H

#include <stdint.h>

#include "trap.h"
#include "xtf.h"

/* Scratch memory for the instructions' memory operands: none may be touched, but all must be valid. */
static uint64_t ud_scratch[2] __attribute__((aligned(16), used));

/* The verdict for one instruction: #UD, no error code, RIP still at the instruction (a fault). */
static inline void ud_check(const char *what, uintptr_t at)
{
	if (trap_caught.vector != X86_EXC_UD)
		xtf_failure("%s raised %s, want #UD", what, trap_name(trap_caught.vector));
	else if (trap_caught.rip != at)
		xtf_failure("%s: #UD at rip %#llx, want the instruction's %#llx", what,
			    (unsigned long long)trap_caught.rip, (unsigned long long)at);
}

/*
 * UD_EXPECT("vmxon", "vmxon ud_scratch(%%rip)"): runs the instruction (asm text, then any
 * input operands, e.g. "a"(value)) with its exception caught, and checks it was #UD.
 * Needs trap_init() first.
 */
#define UD_EXPECT(what, insn, ...)                                                      \
	do {                                                                             \
		uintptr_t ud_at_;                                                        \
		trap_expect();                                                           \
		asm volatile("lea 1f(%%rip), %[at]\n1: " insn "\n2:\n\t" TRAP_EXTABLE(1b, 2b) \
			     : [at] "=&r"(ud_at_) : __VA_ARGS__ : "memory");                \
		ud_check(what, ud_at_);                                                  \
	} while (0)

#endif
