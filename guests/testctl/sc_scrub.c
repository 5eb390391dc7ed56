/* sc_scrub.c: a destroyed domain's secrets never reach the next domain given its memory. */
#include "testctl.h"

#include "builder.h"
#include "control.h"

#define SCRUB_MEMORY (4ull << 20)

/* A fresh domain of the same size, seen through the foreign window before anything is loaded:
 * every byte of it must be zero. */
static void check_fresh_memory_is_zero(void)
{
	uint32_t domid;
	uint64_t pages = SCRUB_MEMORY / 4096;
	if (!tc_expect("CREATE scrub-peek", domctl_create("scrub-peek", pages, 1, &domid), 0))
		return;
	if (tc_expect("POPULATE scrub-peek", domctl_populate(domid, pages), 0)) {
		const volatile uint64_t *ram = builder_map(domid, 0, pages);
		if (!ram) {
			tc_fail("MAP_FOREIGN of scrub-peek failed");
		} else {
			uint64_t nonzero = 0;
			for (uint64_t i = 0; i < SCRUB_MEMORY / 8; i++)
				nonzero += ram[i] != 0;
			builder_unmap(domid);
			if (nonzero)
				tc_fail("a new domain's RAM holds %llu nonzero words", (unsigned long long)nonzero);
		}
	}
	tc_destroy(domid);
}

void sc_scrub(void)
{
	uint32_t domid;
	/* The writer fills its free RAM with the secret, checks it stuck, and powers off. */
	if (tc_start("tc-scrub_write", "scrub-write", SCRUB_MEMORY, 1, "", &domid))
		return;
	tc_expect_poweroff(domid, "tc-scrub_write", 30000);
	check_fresh_memory_is_zero();
	/* The scanner reads every word of its own RAM and crashes itself on any trace. */
	if (tc_start("tc-scrub_scan", "scrub-scan", SCRUB_MEMORY, 1, "", &domid))
		return;
	tc_expect_poweroff(domid, "tc-scrub_scan", 30000);
}
