/* traps.S: the 256 interrupt entry stubs and the common save/restore path into trap_dispatch(). */
#include "gpr_frame.h"

	.text
	.macro TRAP_STUB vec
	.balign 16
trap_stub_\vec:
	.if !((\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30))
	pushq	$0                      /* uniform frame: a fake error code */
	.endif
	pushq	$\vec
	jmp	trap_common
	.endm

	.altmacro
	.macro TRAP_STUBS from, to
	TRAP_STUB %(\from)
	.if \to-\from
	TRAP_STUBS %(\from+1), \to
	.endif
	.endm

	/* Split in chunks to stay under the assembler's macro nesting limit. */
	TRAP_STUBS 0, 63
	TRAP_STUBS 64, 127
	TRAP_STUBS 128, 191
	TRAP_STUBS 192, 255

trap_common:
	/* Layout must match struct trap_frame in trap.h. */
	PUSH_GPRS
	cld
	movq	%rsp, %rdi
	/* Align the stack for the C call; the frame pointer in rbx survives it. */
	movq	%rsp, %rbx
	andq	$-16, %rsp
	call	trap_dispatch
	movq	%rbx, %rsp
	POP_GPRS
	addq	$16, %rsp               /* vector and error code */
	iretq

	.macro TRAP_ADDR vec
	.quad trap_stub_\vec
	.endm
	.macro TRAP_ADDRS from, to
	TRAP_ADDR %(\from)
	.if \to-\from
	TRAP_ADDRS %(\from+1), \to
	.endif
	.endm

	.section .rodata
	.balign 8
	.globl trap_stub_table
trap_stub_table:
	TRAP_ADDRS 0, 63
	TRAP_ADDRS 64, 127
	TRAP_ADDRS 128, 191
	TRAP_ADDRS 192, 255
