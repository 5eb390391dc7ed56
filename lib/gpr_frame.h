/*
 * gpr_frame.h: assembler macros that save and restore the 15 general registers as one
 * frame, rax pushed first and r15 last (so r15 sits at the lowest address). Every image
 * that takes interrupts (the hypervisor's traps, a guest's exception and upcall entries)
 * uses this one layout, and its C side declares the matching struct.
 */
#ifndef KEEL_GPR_FRAME_H
#define KEEL_GPR_FRAME_H

#ifdef __ASSEMBLY__

	.macro PUSH_GPRS
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	.endm

	.macro POP_GPRS
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	.endm

#endif /* __ASSEMBLY__ */

#endif
