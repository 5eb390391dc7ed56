/* idt.S: the exception entry stubs: save the general registers, call trap_dispatch, resume where it says. */
#include "gpr_frame.h"

/* Vectors for which the CPU pushes an error code; the others get a 0 pushed in its place. */
#define HAS_ERROR_CODE(v) ((v) == 8 || (v) == 10 || (v) == 11 || (v) == 12 || (v) == 13 || \
			   (v) == 14 || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

	.text
	.code64

	/* 16 bytes per stub keeps them aligned; trap.c takes their addresses from trap_stubs. */
	.macro trap_stub vector
	.balign 16
trap_stub_\vector:
	.ifeq HAS_ERROR_CODE(\vector)
	pushq	$0
	.endif
	pushq	$\vector
	jmp	trap_common
	.endm

	.altmacro                       /* %vector: the symbol's value, to build the stub's name */
	.set	vector, 0
	.rept	32
	trap_stub %vector
	.set	vector, vector + 1
	.endr
	.noaltmacro

trap_common:
	/* The CPU left rsp 16-byte aligned before its frame; with vector, error code and 15 registers it stays so. */
	PUSH_GPRS
	cld                             /* the C ABI wants DF clear; the interrupted code may have set it */
	movq	%rsp, %rdi              /* struct trap_frame * */
	call	trap_dispatch
	POP_GPRS
	addq	$16, %rsp               /* vector and error code */
	iretq

	.section .rodata
	.balign 8
	.globl trap_stubs
trap_stubs:
	.macro trap_stub_address vector
	.quad	trap_stub_\vector
	.endm
	.altmacro                       /* %vector: the symbol's value, to build the stub's name */
	.set	vector, 0
	.rept	32
	trap_stub_address %vector
	.set	vector, vector + 1
	.endr
	.noaltmacro

	.section .note.GNU-stack, "", @progbits
