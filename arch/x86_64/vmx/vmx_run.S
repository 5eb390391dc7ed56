/* vmx_run.S: the world switch: VMLAUNCH/VMRESUME into the guest and the VM-exit landing point. */
#include "vmcs_fields.h"

#include "vcpu_regs.h"

	.text

/*
 * int vmx_enter(struct vcpu_regs *regs, bool launched)
 *
 * Saves the host's callee-saved registers and 'regs' on this stack, points HOST_RSP at
 * them, loads the guest's general registers and enters. A VM exit lands in vmx_exit_stub
 * on that same stack (HOST_RIP), so both ways out share the epilogue below. Guest RSP,
 * RIP and RFLAGS live in the VMCS and are written by the caller.
 */
	.globl vmx_enter
	.type vmx_enter, @function
vmx_enter:
	push %rbp
	mov  %rsp, %rbp
	push %rbx
	push %r12
	push %r13
	push %r14
	push %r15
	push %rdi                      /* regs, found again at 0(%rsp) after the exit */

	mov  $VMCS_HOST_RSP, %eax
	vmwrite %rsp, %rax

	test %sil, %sil                /* the movs below leave ZF alone */
	mov  VCPU_REGS_RAX(%rdi), %rax
	LOAD_GUEST_GPRS %rdi
	mov  VCPU_REGS_RDI(%rdi), %rdi
	jnz  1f
	vmlaunch
	jmp  2f
1:	vmresume
2:
	/* Still here: the entry failed. CF=1 is VMfailInvalid (1), ZF=1 VMfailValid (2). */
	mov  $1, %eax
	mov  $2, %ecx
	cmovz %ecx, %eax
	add  $8, %rsp                  /* drop regs: the guest's values were never used */
	jmp  3f

/* A VM exit: RSP = HOST_RSP (regs on top), interrupts disabled, host segment state loaded. */
	.globl vmx_exit_stub
	.type vmx_exit_stub, @function
vmx_exit_stub:
	push %rdi                      /* the guest's rdi, while rdi fetches regs */
	mov  8(%rsp), %rdi
	mov  %rax, VCPU_REGS_RAX(%rdi)
	STORE_GUEST_GPRS %rdi
	pop  %rax
	mov  %rax, VCPU_REGS_RDI(%rdi)
	add  $8, %rsp                  /* regs */
	xor  %eax, %eax
3:
	pop  %r15
	pop  %r14
	pop  %r13
	pop  %r12
	pop  %rbx
	pop  %rbp
	ret
	.size vmx_enter, . - vmx_enter

	.section .note.GNU-stack, "", @progbits
