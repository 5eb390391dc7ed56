/* ud_monitor_mwait.c: MONITOR and MWAIT raise #UD, as on a CPU without them (CPUID hides them); the domain lives on. */
#include "cpu.h"
#include "ud_expect.h"

const char xtf_test_name[] = "ud_monitor_mwait";

#define CPUID1_ECX_MONITOR (1u << 3)

void test_main(const struct keel_start_info *si)
{
	(void)si;
	trap_init(xtf_unhandled_trap);
	if (cpuid(1).ecx & CPUID1_ECX_MONITOR)
		xtf_failure("CPUID leaf 1 offers MONITOR/MWAIT");

	/* Well-formed operands (a mapped address, no extensions, no hints), so only the feature is missing. */
	UD_EXPECT("monitor", "monitor %%rax, %%ecx, %%edx", "a"(ud_scratch), "c"(0), "d"(0));
	UD_EXPECT("mwait", "mwait %%eax, %%ecx", "a"(0), "c"(0));
	/* Twice: the first #UD must not have left anything armed or pending behind. */
	UD_EXPECT("mwait again", "mwait %%eax, %%ecx", "a"(0), "c"(0));
}
