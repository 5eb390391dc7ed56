/* triple_fault.c: an exception with a zero-limit IDT loaded on purpose is a triple fault that ends the domain. */
#include "cpu.h"
#include "xtf.h"

const char xtf_test_name[] = "triple_fault";

extern const char triple_fault_int3[];

void test_main(const struct keel_start_info *si)
{
	(void)si;
	/*
	 * First a working IDT, then a zero-limit one over it: the guest owns its IDT, and it is
	 * the one loaded last that counts. int3 then finds no gate (#GP), the #GP finds none
	 * (#DF), and the #DF finds none: shutdown.
	 */
	trap_init(xtf_unhandled_trap);
	static const struct desc_ptr no_idt = { .limit = 0, .base = 0 };
	xtf_about_to("int3 at rip %#llx with a zero-limit IDT", (unsigned long long)(uintptr_t)triple_fault_int3);
	lidt(&no_idt);
	asm volatile(".globl triple_fault_int3\n"
		     "triple_fault_int3: int3");
	xtf_failure("survived int3 with a zero-limit IDT");
}
