/* entry.S: a guest's first instructions: make SSE usable, then hand over to runtime_start in C. */

#define CR0_MP         (1 << 1)
#define CR0_EM         (1 << 2)
#define CR4_OSFXSR     (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)

	.section .text.entry, "ax"
	.code64
	.globl _start
_start:
	/*
	 * rdi = start-info GPA, rsp = the builder's stack (start_info.h). Keep rdi intact
	 * until the call. Nothing else about the vCPU is assumed beyond what start_info.h
	 * states; in particular the FPU is set up here even where it may already be right.
	 */
	cld
	andq	$-16, %rsp              /* the SysV ABI wants rsp % 16 == 0 before a call */
	xorl	%ebp, %ebp              /* terminates frame-pointer backtraces */

	/* The compiler may use SSE anywhere in C: without these, the first SSE instruction raises #UD. */
	movq	%cr0, %rax
	andq	$~CR0_EM, %rax          /* no x87 emulation trap */
	orq	$CR0_MP, %rax           /* WAIT/FWAIT honour CR0.TS */
	movq	%rax, %cr0
	movq	%cr4, %rax
	orq	$(CR4_OSFXSR | CR4_OSXMMEXCPT), %rax   /* FXSAVE/SSE allowed, SIMD exceptions as #XM */
	movq	%rax, %cr4
	fninit
	ldmxcsr	mxcsr_default(%rip)     /* all SIMD exceptions masked, round to nearest */

	call	runtime_start
	ud2                             /* runtime_start never returns */

	.section .rodata
	.balign 4
mxcsr_default:
	.long	0x1f80

	.section .note.GNU-stack, "", @progbits
