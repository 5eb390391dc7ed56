/* hypercall_page.S: the page the hypervisor fills with hypercall stubs, page-aligned inside the executable segment. */

	/* guest.ld places this section page-aligned in .text: the stubs must be executable. */
	.section .hypercall_page, "ax", @progbits
	.balign 4096
	.globl hypercall_page
hypercall_page:
	/* int3 until the hypervisor overwrites it: a call before placement traps at once. */
	.fill	4096, 1, 0xcc
	.size	hypercall_page, 4096
	.type	hypercall_page, @object

	.section .note.GNU-stack, "", @progbits
