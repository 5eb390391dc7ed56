/* iso_granter.c: the isolation suite's victim: grants pages to dom0 (read-write and read-only), never to anyone else, then blocks for ever. */
#include "grant.h"
#include "hypercall.h"
#include "iso_attack.h"

const char xtf_test_name[] = "iso_granter";

static uint8_t for_dom0[2][4096] __attribute__((aligned(4096)));

/*
 * iso_grant_foreign (another domain) then tries to map and copy these refs, and every other
 * ref of this domain: all must be refused, since none was granted to it. The refs are
 * printed so the e2e test can check the attacker hit them.
 */
void test_main(const struct keel_start_info *si)
{
	uint32_t rw_ref = 0, ro_ref = 0;
	for (int i = 0; i < 4096; i++)
		for_dom0[0][i] = for_dom0[1][i] = (uint8_t)(i * 7);
	iso_expect("GRANT to dom0", grant_access((uintptr_t)for_dom0[0], 0, 0, &rw_ref), 0);
	iso_expect("GRANT read-only to dom0",
		   grant_access((uintptr_t)for_dom0[1], 0, KEEL_GNTF_READONLY, &ro_ref), 0);
	gprintf("iso: iso_granter: dom%u granted refs %u %u to dom0\n", si->domid, rw_ref, ro_ref);
	/* Nothing is bound, so no event ever comes: blocked until destroyed. */
	for (;;)
		keel_sched_block();
}
