/*
 * trampoline.S: application-processor start-up code. smp.c copies it to a page below
 * 1 MiB; a SIPI starts each AP here in real mode with CS = page >> 4, IP = 0. It goes
 * straight to long mode (PE and PG set together, as allowed with EFER.LME and CR4.PAE)
 * and jumps to ap_entry() in the higher half. Everything is position-independent:
 * smp.c patches the absolute addresses into the parameter block.
 */
#include "trampoline.h"

	.section .trampoline, "a"
	.code16
	.globl trampoline_start
trampoline_start:
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	lgdtl	TRAMPOLINE_GDTR
	movl	$0x20, %eax                     /* CR4.PAE */
	movl	%eax, %cr4
	movl	TRAMPOLINE_CR3, %eax
	movl	%eax, %cr3
	movl	$0xc0000080, %ecx               /* EFER: LME | NXE */
	rdmsr
	orl	$0x900, %eax
	wrmsr
	movl	$0x80010033, %eax               /* CR0: PG | WP | NE | ET | MP | PE */
	movl	%eax, %cr0
	ljmpl	*TRAMPOLINE_FARJMP              /* into 64-bit code through the temporary GDT */

	.code64
	.balign 16
trampoline_long:
	/* Still at the identity address; the temporary CR3 maps it. */
	movl	$0x10, %eax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movq	trampoline_start + TRAMPOLINE_STACK(%rip), %rsp
	movq	trampoline_start + TRAMPOLINE_ARG(%rip), %rdi
	movq	trampoline_start + TRAMPOLINE_ENTRY(%rip), %rax
	xorl	%ebp, %ebp
	pushq	$0
	jmp	*%rax

	.globl trampoline_long_offset
	.set trampoline_long_offset, trampoline_long - trampoline_start

	/*
	 * The GDT: null, 64-bit code (0x08), data (0x10). The accessed bits are preset because
	 * the page is mapped read-only: loading a selector would otherwise write them (#PF).
	 */
	.org TRAMPOLINE_GDT
	.quad 0
	.quad 0x00af9b000000ffff
	.quad 0x00cf93000000ffff
	.org TRAMPOLINE_PARAMS_END
