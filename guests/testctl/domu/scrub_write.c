/* scrub_write.c (tc-scrub_write): fills all of its free RAM with a secret pattern, then powers off. */
#include "console.h"
#include "guest.h"
#include "hypercall.h"
#include "scrub_pattern.h"

void guest_main(const struct keel_start_info *si)
{
	uint64_t secret = scrub_mask ^ scrub_expected;
	uint64_t end = si->nr_pages * 4096;
	volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)si->first_free_gpa;
	uint64_t words = (end - si->first_free_gpa) / 8;
	for (uint64_t i = 0; i < words; i++)
		p[i] = secret;
	/* Read back, so a write that silently went nowhere is noticed here rather than passing as "scrubbed". */
	for (uint64_t i = 0; i < words; i++) {
		if (p[i] != secret) {
			gprintf("tc-scrub_write: word %llu did not keep the pattern\n", (unsigned long long)i);
			keel_sched_shutdown(KEEL_SHUTDOWN_CRASH);
		}
	}
	gprintf("tc-scrub_write: wrote the secret over %llu KiB\n", (unsigned long long)(words * 8 / 1024));
}
