/* upcall.S: the event-channel upcall's entry: save every register (general and x87/SSE), call events_upcall, restore, IRET. */
#include "gpr_frame.h"

	.text
	.code64
	.balign 16
	.globl events_upcall_entry
events_upcall_entry:
	/* The CPU pushed SS, RSP, RFLAGS, CS, RIP; the interrupted code may hold anything in any register. */
	PUSH_GPRS
	/* Handlers are ordinary C that may use SSE: keep the interrupted XMM state in a 16-byte-aligned FXSAVE area. */
	movq	%rsp, %rbx
	subq	$512, %rsp
	andq	$-16, %rsp
	fxsave64 (%rsp)
	cld                             /* the C ABI wants DF clear */
	call	events_upcall
	fxrstor64 (%rsp)
	movq	%rbx, %rsp
	POP_GPRS
	iretq

	.section .note.GNU-stack, "", @progbits
