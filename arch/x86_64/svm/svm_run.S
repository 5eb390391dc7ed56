/* svm_run.S: the SVM world switch: host to guest with VMRUN and back at the #VMEXIT. */
#include "svm/svm.h"

/*
 * void svm_world_switch(paddr_t vmcb_pa, struct vcpu_regs *regs, paddr_t host_state_pa)
 *
 * Called with RFLAGS.IF = 0. The guest's RAX, RSP, RIP and RFLAGS are already in the
 * VMCB; the other general registers come from and go back to *regs.
 *
 * What VMRUN itself does not switch (APM 15.5.2): FS, GS, TR and LDTR (with their
 * hidden bases), KERNEL_GS_BASE, STAR/LSTAR/CSTAR/SFMASK and SYSENTER_*. Those are
 * moved with VMSAVE/VMLOAD: the host's into its per-CPU area before entry, the guest's
 * from its VMCB, and back the other way after the exit.
 *
 * Order, and why:
 *   clgi            GIF = 0: from here no interrupt or NMI reaches the host until stgi,
 *                   so nothing can run while GS holds the guest's base.
 *   vmsave host     the host's GS base is the per-CPU pointer; keep it.
 *   vmload guest
 *   sti             host IF = 1 while the guest runs, so physical interrupts exit it
 *                   (with GIF = 0 they stay pending instead of being taken here).
 *   vmrun           ... #VMEXIT: GIF = 0, host RSP, RAX, RFLAGS (IF=1), CRs, EFER restored.
 *   vmsave guest
 *   vmload host     GS base is the per-CPU pointer again: C code may run from here,
 *   cli; stgi       and a pending NMI may be taken at stgi. Pending interrupts wait
 *                   for the caller (IF = 0), which takes them on an INTR exit.
 */
	.text
	.globl svm_world_switch
	.type svm_world_switch, @function
svm_world_switch:
	push	%rbp
	mov	%rsp, %rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	push	%rdx			/* 16(%rsp): host state area */
	push	%rsi			/*  8(%rsp): regs */
	push	%rdi			/*  0(%rsp): guest VMCB */

	clgi
	mov	16(%rsp), %rax
	vmsave	%rax
	mov	0(%rsp), %rax
	vmload	%rax

	mov	8(%rsp), %rax
	LOAD_GUEST_GPRS %rax
	mov	VCPU_REGS_RDI(%rax), %rdi
	mov	0(%rsp), %rax

	sti
	vmrun	%rax
	.globl svm_vmrun_resume
svm_vmrun_resume:
	/* #VMEXIT: RAX is the VMCB address again (host RAX), every other GPR is the guest's. */
	vmsave	%rax

	mov	8(%rsp), %rax
	STORE_GUEST_GPRS %rax
	mov	%rdi, VCPU_REGS_RDI(%rax)

	mov	16(%rsp), %rax
	vmload	%rax
	cli
	stgi

	add	$24, %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	ret
	.size svm_world_switch, . - svm_world_switch

	.section .note.GNU-stack, "", @progbits
