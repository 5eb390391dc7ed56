/* upcall.S: the event-channel upcall's entry: save every register (general and x87/SSE), call events_upcall, restore, IRET. */

	.text
	.code64
	.balign 16
	.globl events_upcall_entry
events_upcall_entry:
	/* The CPU pushed SS, RSP, RFLAGS, CS, RIP; the interrupted code may hold anything in any register. */
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	/* Handlers are ordinary C that may use SSE: keep the interrupted XMM state in a 16-byte-aligned FXSAVE area. */
	movq	%rsp, %rbx
	subq	$512, %rsp
	andq	$-16, %rsp
	fxsave64 (%rsp)
	cld                             /* the C ABI wants DF clear */
	call	events_upcall
	fxrstor64 (%rsp)
	movq	%rbx, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	iretq

	.section .note.GNU-stack, "", @progbits
