/* invalid_opcode.c: ud2 with no IDT is a triple fault, which ends this domain and nothing else. */
#include "xtf.h"

const char xtf_test_name[] = "invalid_opcode";

extern const char invalid_opcode_ud2[];

void test_main(const struct keel_start_info *si)
{
	(void)si;
	/* No trap_init(): the IDT is still the builder's empty one (limit 0). */
	xtf_about_to("execute ud2 at rip %#llx with no IDT", (unsigned long long)(uintptr_t)invalid_opcode_ud2);
	asm volatile(".globl invalid_opcode_ud2\n"
		     "invalid_opcode_ud2: ud2");
	xtf_failure("survived ud2 with no IDT");
}
