/* handover.S: the loader's last instructions: switch to the new page tables and enter the hypervisor. */

	.text
	.globl	keel_handover
	.type	keel_handover, @function
/* void keel_handover(uint64_t cr3 (rdi), uint64_t entry (rsi), uint64_t boot_info (rdx)) */
keel_handover:
	cli
	/* This code and the stack are identity-mapped in the new tables, so execution continues. */
	mov	%rdi, %cr3
	mov	%rsi, %rax
	mov	%rdx, %rdi
	and	$-16, %rsp
	xor	%ebp, %ebp
	/* A zero return address: the entry sees an ordinary call frame that ends backtraces. */
	pushq	$0
	jmp	*%rax
	.size	keel_handover, . - keel_handover

	.section .note.GNU-stack, "", @progbits
