/* scrub_scan.c (tc-scrub_scan): scans all of its RAM for the secret tc-scrub_write left; any trace is a crash. */
#include "console.h"
#include "guest.h"
#include "hypercall.h"
#include "scrub_pattern.h"

void guest_main(const struct keel_start_info *si)
{
	uint64_t mask = scrub_mask, expected = scrub_expected;
	/* RAM starts at address 0: hidden from the compiler, which may treat a null base as a bug. */
	uintptr_t base = 0;
	asm volatile("" : "+r"(base));
	const volatile uint64_t *ram = (const volatile uint64_t *)base;
	uint64_t words = si->nr_pages * 4096 / 8, found = 0, first = 0;
	for (uint64_t i = 0; i < words; i++) {
		if ((ram[i] ^ mask) == expected) {
			if (!found)
				first = i * 8;
			found++;
		}
	}
	if (found) {
		gprintf("tc-scrub_scan: %llu words of the secret, the first at gpa %#llx\n", (unsigned long long)found,
			(unsigned long long)first);
		keel_sched_shutdown(KEEL_SHUTDOWN_CRASH);
	}
	gprintf("tc-scrub_scan: %llu KiB scanned, no trace of the secret\n", (unsigned long long)(words * 8 / 1024));
}
