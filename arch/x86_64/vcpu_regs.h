/*
 * vcpu_regs.h: struct vcpu_regs (virt.h) as the world-switch assembly of both backends sees
 * it: the byte offsets, and macros that move the general registers between the CPU and
 * the structure. virt.h asserts the offsets against the C layout.
 */
#ifndef KEEL_ARCH_VCPU_REGS_H
#define KEEL_ARCH_VCPU_REGS_H

#define VCPU_REGS_RAX    0x00
#define VCPU_REGS_RBX    0x08
#define VCPU_REGS_RCX    0x10
#define VCPU_REGS_RDX    0x18
#define VCPU_REGS_RSI    0x20
#define VCPU_REGS_RDI    0x28
#define VCPU_REGS_RBP    0x30
#define VCPU_REGS_R8     0x38
#define VCPU_REGS_R9     0x40
#define VCPU_REGS_R10    0x48
#define VCPU_REGS_R11    0x50
#define VCPU_REGS_R12    0x58
#define VCPU_REGS_R13    0x60
#define VCPU_REGS_R14    0x68
#define VCPU_REGS_R15    0x70

#ifdef __ASSEMBLY__

/*
 * Every general register but rax and rdi, which each backend handles itself: one of them
 * holds the structure's address while these run, and SVM keeps the guest's rax in the VMCB.
 * Plain movs: the flags are left alone.
 */
	.macro LOAD_GUEST_GPRS base
	mov	VCPU_REGS_RBX(\base), %rbx
	mov	VCPU_REGS_RCX(\base), %rcx
	mov	VCPU_REGS_RDX(\base), %rdx
	mov	VCPU_REGS_RSI(\base), %rsi
	mov	VCPU_REGS_RBP(\base), %rbp
	mov	VCPU_REGS_R8(\base), %r8
	mov	VCPU_REGS_R9(\base), %r9
	mov	VCPU_REGS_R10(\base), %r10
	mov	VCPU_REGS_R11(\base), %r11
	mov	VCPU_REGS_R12(\base), %r12
	mov	VCPU_REGS_R13(\base), %r13
	mov	VCPU_REGS_R14(\base), %r14
	mov	VCPU_REGS_R15(\base), %r15
	.endm

	.macro STORE_GUEST_GPRS base
	mov	%rbx, VCPU_REGS_RBX(\base)
	mov	%rcx, VCPU_REGS_RCX(\base)
	mov	%rdx, VCPU_REGS_RDX(\base)
	mov	%rsi, VCPU_REGS_RSI(\base)
	mov	%rbp, VCPU_REGS_RBP(\base)
	mov	%r8, VCPU_REGS_R8(\base)
	mov	%r9, VCPU_REGS_R9(\base)
	mov	%r10, VCPU_REGS_R10(\base)
	mov	%r11, VCPU_REGS_R11(\base)
	mov	%r12, VCPU_REGS_R12(\base)
	mov	%r13, VCPU_REGS_R13(\base)
	mov	%r14, VCPU_REGS_R14(\base)
	mov	%r15, VCPU_REGS_R15(\base)
	.endm

#endif /* __ASSEMBLY__ */

#endif
