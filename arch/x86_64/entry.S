/* entry.S: the hypervisor's first instructions: leave the loader's stack and call kernel_main. */
#include "layout.h"

	.section .text.entry, "ax"
	.code64
	.globl hv_entry
hv_entry:
	/* rdi = physical address of struct boot_info (identity-mapped by the loader). */
	cli
	cld
	leaq	boot_stack_top(%rip), %rsp
	xorl	%ebp, %ebp              /* terminates backtraces */
	pushq	$0                      /* keep the ABI's 16-byte alignment at the call */
	call	kernel_main
1:	hlt
	jmp	1b

/*
 * void arch_switch_stack(uint64_t new_top, void (*fn)(void *), void *arg)
 * Continues on another stack; never returns to the old one.
 */
	.text
	.globl arch_switch_stack
arch_switch_stack:
	movq	%rdi, %rsp
	xorl	%ebp, %ebp
	movq	%rsi, %rax
	movq	%rdx, %rdi
	pushq	$0
	call	*%rax
2:	hlt
	jmp	2b

	.section .bss
	.balign 4096
boot_stack:
	.skip BOOT_STACK_SIZE
boot_stack_top:
