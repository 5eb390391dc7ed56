/* thread_switch.S: the cooperative context switch (callee-saved registers, MXCSR, x87 control word) and a new thread's first instructions. */

	.text
	.code64

/*
 * void thread_switch(uint64_t *save_sp, uint64_t load_sp)
 * Called with interrupts disabled. Saves what the SysV ABI says a callee must preserve
 * (rbx, rbp, r12-r15, the MXCSR control bits and the x87 control word) on the current
 * stack, stores rsp in *save_sp, and resumes the context whose rsp is load_sp. The frame
 * is the one thread.c builds for a new thread (thread_frame_init), so both agree on it.
 */
	.globl thread_switch
thread_switch:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$8, %rsp
	stmxcsr	(%rsp)
	fnstcw	4(%rsp)
	movq	%rsp, (%rdi)

	movq	%rsi, %rsp
	ldmxcsr	(%rsp)
	fldcw	4(%rsp)
	addq	$8, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret

/* Where a new thread's first switch returns to: rsp is 16-byte aligned here (thread.c). */
	.globl thread_entry
thread_entry:
	xorl	%ebp, %ebp              /* ends frame-pointer backtraces */
	call	thread_start
	ud2                             /* thread_start never returns */

	.section .note.GNU-stack, "", @progbits
