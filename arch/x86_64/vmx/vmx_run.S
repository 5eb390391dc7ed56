/* vmx_run.S: the world switch: VMLAUNCH/VMRESUME into the guest and the VM-exit landing point. */
#include "vmcs_fields.h"

/* Offsets in struct vcpu_regs (virt.h); vmx_exit.c checks them with static assertions. */
#define REGS_RAX 0
#define REGS_RBX 8
#define REGS_RCX 16
#define REGS_RDX 24
#define REGS_RSI 32
#define REGS_RDI 40
#define REGS_RBP 48
#define REGS_R8  56
#define REGS_R9  64
#define REGS_R10 72
#define REGS_R11 80
#define REGS_R12 88
#define REGS_R13 96
#define REGS_R14 104
#define REGS_R15 112

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
	mov  REGS_RAX(%rdi), %rax
	mov  REGS_RBX(%rdi), %rbx
	mov  REGS_RCX(%rdi), %rcx
	mov  REGS_RDX(%rdi), %rdx
	mov  REGS_RSI(%rdi), %rsi
	mov  REGS_RBP(%rdi), %rbp
	mov  REGS_R8(%rdi), %r8
	mov  REGS_R9(%rdi), %r9
	mov  REGS_R10(%rdi), %r10
	mov  REGS_R11(%rdi), %r11
	mov  REGS_R12(%rdi), %r12
	mov  REGS_R13(%rdi), %r13
	mov  REGS_R14(%rdi), %r14
	mov  REGS_R15(%rdi), %r15
	mov  REGS_RDI(%rdi), %rdi
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
	mov  %rax, REGS_RAX(%rdi)
	mov  %rbx, REGS_RBX(%rdi)
	mov  %rcx, REGS_RCX(%rdi)
	mov  %rdx, REGS_RDX(%rdi)
	mov  %rsi, REGS_RSI(%rdi)
	mov  %rbp, REGS_RBP(%rdi)
	mov  %r8, REGS_R8(%rdi)
	mov  %r9, REGS_R9(%rdi)
	mov  %r10, REGS_R10(%rdi)
	mov  %r11, REGS_R11(%rdi)
	mov  %r12, REGS_R12(%rdi)
	mov  %r13, REGS_R13(%rdi)
	mov  %r14, REGS_R14(%rdi)
	mov  %r15, REGS_R15(%rdi)
	pop  %rax
	mov  %rax, REGS_RDI(%rdi)
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
