/* fpu.c (tc-fpu): computes fpu_work() and powers off if the bits match the expected value, else crashes. */
#include "cmdline.h"
#include "console.h"
#include "guest.h"
#include "hypercall.h"

#include "../fpu_work.h"

static uint64_t arg(const char *cmdline, const char *key)
{
	char value[24];
	unsigned long long v = 0;
	if (!cmdline_get(cmdline, key, value, sizeof(value)) || !cmdline_parse_u64(value, &v)) {
		gprintf("tc-fpu: missing or bad %s=\n", key);
		keel_sched_shutdown(KEEL_SHUTDOWN_CRASH);
	}
	return v;
}

void guest_main(const struct keel_start_info *si)
{
	uint64_t seed = arg(si->cmdline, "seed"), rounding = arg(si->cmdline, "rounding");
	uint64_t rounds = arg(si->cmdline, "rounds"), expect = arg(si->cmdline, "expect");
	uint64_t got = fpu_work(seed, (unsigned int)rounding, rounds);
	if (got != expect) {
		gprintf("tc-fpu: got %#llx, want %#llx\n", (unsigned long long)got, (unsigned long long)expect);
		keel_sched_shutdown(KEEL_SHUTDOWN_CRASH);
	}
	gprintf("tc-fpu: %#llx as expected\n", (unsigned long long)got);
	keel_sched_shutdown(KEEL_SHUTDOWN_POWEROFF);
}
