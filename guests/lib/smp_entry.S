/* smp_entry.S: where a vCPU started by smp_start_vcpu begins: make SSE usable, then call its function. */

#define CR0_MP         (1 << 1)
#define CR0_EM         (1 << 2)
#define CR4_OSFXSR     (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)

	.text
	.globl smp_vcpu_entry
smp_vcpu_entry:
	/* rdi = &struct smp_start { fn, arg } (smp.c), rsp = the stack smp_start_vcpu was given. */
	cld
	andq	$-16, %rsp
	xorl	%ebp, %ebp
	movq	%cr0, %rax
	andq	$~CR0_EM, %rax
	orq	$CR0_MP, %rax
	movq	%rax, %cr0
	movq	%cr4, %rax
	orq	$(CR4_OSFXSR | CR4_OSXMMEXCPT), %rax
	movq	%rax, %cr4
	fninit
	ldmxcsr	smp_mxcsr_default(%rip)
	movq	(%rdi), %rax
	movq	8(%rdi), %rdi
	call	*%rax
	ud2                             /* fn must not return: with no IDT this ends the domain */

	.section .rodata
	.balign 4
smp_mxcsr_default:
	.long	0x1f80

	.section .note.GNU-stack, "", @progbits
