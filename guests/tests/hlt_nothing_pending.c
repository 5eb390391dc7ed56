/* hlt_nothing_pending.c: HLT with nothing that could wake the vCPU blocks it; the hypervisor runs the others. */
#include "xtf.h"

const char xtf_test_name[] = "hlt_nothing_pending";

void test_main(const struct keel_start_info *si)
{
	(void)si;
	/* An IDT anyway, so a stray interrupt or exception says so instead of triple-faulting. */
	trap_init(xtf_unhandled_trap);
	xtf_about_to("halt");
	/* sti's one-instruction shadow makes the pair atomic: nothing can slip in between. */
	asm volatile("sti; hlt" : : : "memory");
	asm volatile("cli");
	xtf_failure("woke from HLT with nothing pending");
}
