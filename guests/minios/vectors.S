/* vectors.S: minios's interrupt entries: the exception stubs, and the one entry path (timer upcall, event upcall, voluntary yield) that can return on another thread's stack. */
#include "gpr_frame.h"

	.text
	.code64

/*
 * Exceptions are fatal in minios: the stub makes every vector's frame look the same
 * (an error code, real or 0, then the vector) and hands it to minios_exception.
 */
	.macro EXCEPTION vector, has_error
	.balign 16
exception_\vector:
	.if \has_error == 0
	pushq	$0
	.endif
	pushq	$\vector
	jmp	exception_common
	.endm

	EXCEPTION 0, 0
	EXCEPTION 1, 0
	EXCEPTION 2, 0
	EXCEPTION 3, 0
	EXCEPTION 4, 0
	EXCEPTION 5, 0
	EXCEPTION 6, 0
	EXCEPTION 7, 0
	EXCEPTION 8, 1
	EXCEPTION 9, 0
	EXCEPTION 10, 1
	EXCEPTION 11, 1
	EXCEPTION 12, 1
	EXCEPTION 13, 1
	EXCEPTION 14, 1
	EXCEPTION 15, 0
	EXCEPTION 16, 0
	EXCEPTION 17, 1
	EXCEPTION 18, 0
	EXCEPTION 19, 0
	EXCEPTION 20, 0
	EXCEPTION 21, 1
	EXCEPTION 22, 0
	EXCEPTION 23, 0
	EXCEPTION 24, 0
	EXCEPTION 25, 0
	EXCEPTION 26, 0
	EXCEPTION 27, 0
	EXCEPTION 28, 0
	EXCEPTION 29, 1
	EXCEPTION 30, 1
	EXCEPTION 31, 0

exception_common:
	PUSH_GPRS
	movq	%rsp, %rdi              /* struct exception_frame * */
	andq	$-16, %rsp
	cld
	call	minios_exception        /* does not return */
	ud2

	.section .rodata
	.balign 8
	.globl minios_exception_stubs
minios_exception_stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad	exception_\v
	.endr
	.text

/*
 * The switching entry. The CPU aligned RSP to 16 and pushed SS, RSP, RFLAGS, CS, RIP (40
 * bytes); 15 registers (120) bring it back to a multiple of 16, so the 512-byte FXSAVE
 * area below them is aligned with no fix-up, and the whole saved context is exactly
 * struct switch_frame (thread.h) at the final RSP. The C handler gets that RSP and returns
 * the RSP of the context to resume: the same one, or another thread's saved by this very
 * path (or built by thread_create to look as if it had been).
 */
	.macro SWITCH_ENTRY name, handler
	.balign 16
	.globl \name
\name:
	PUSH_GPRS
	subq	$512, %rsp
	fxsave64 (%rsp)
	movq	%rsp, %rdi
	cld
	call	\handler
	movq	%rax, %rsp
	fxrstor64 (%rsp)
	addq	$512, %rsp
	POP_GPRS
	iretq
	.endm

	SWITCH_ENTRY minios_upcall_entry, sched_on_upcall
	SWITCH_ENTRY minios_yield_entry, sched_on_yield

	.section .note.GNU-stack, "", @progbits
