/*
 * grants.c (tc-grants): two domains share pages through grants, both ways, and check every byte.
 *
 * 'role=a' starts first and knows nothing; 'role=b peer=<a's domid>' grants a page to a,
 * filled with a pattern. a finds that grant by trying to map the first few references of
 * the domains created after it (only a grant made out to a accepts; domain ids are
 * handed out in increasing order), checks b's pattern through the
 * mapping, writes its own pattern back into the same page, then grants one of its own
 * pages to b. b waits for a's pattern in its page, finds a's grant the same way, and
 * reads it with a grant COPY into its own memory. Both check every byte.
 *
 * 'hold_ms=N' (role a): keep the mapping N ms and re-check it (the controller destroys b
 * meanwhile: the page must stay intact), then unmap and power off.
 */
#include "cmdline.h"
#include "console.h"
#include "grant.h"
#include "guest.h"
#include "hypercall.h"
#include "paging.h"

#define SCAN_DOMAINS 32   /* the peer is created right after this domain: ids self+1 .. self+32 */
#define SCAN_REFS    4
#define PATTERN_A    0xa5u
#define PATTERN_B    0x3cu
#define COPIED_MARK  0x5au   /* b's first byte once b has copied a's page: a may end its grant */

static uint8_t shared_page[4096] __attribute__((aligned(4096)));
static uint8_t copy_target[4096] __attribute__((aligned(4096)));

static __attribute__((noreturn)) void fail(const char *why, long rc)
{
	gprintf("tc-grants: %s (%ld)\n", why, rc);
	keel_sched_shutdown(KEEL_SHUTDOWN_CRASH);
	for (;;)
		;
}

static uint8_t expected(uint8_t pattern, unsigned int i)
{
	return (uint8_t)(pattern ^ (i * 7u));
}

static void fill(volatile uint8_t *page, uint8_t pattern)
{
	for (unsigned int i = 0; i < 4096; i++)
		page[i] = expected(pattern, i);
}

static bool holds(const volatile uint8_t *page, uint8_t pattern)
{
	for (unsigned int i = 0; i < 4096; i++)
		if (page[i] != expected(pattern, i))
			return false;
	return true;
}

static uint64_t gpa_of(const void *p)
{
	return (uint64_t)(uintptr_t)p;   /* the runtime's page tables are an identity map */
}

static uint64_t tsc_ms(uint64_t tsc_khz)
{
	uint32_t lo, hi;
	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (((uint64_t)hi << 32) | lo) / tsc_khz;
}

static void role_a(const struct keel_start_info *si, uint64_t hold_ms, uint64_t tsc_khz)
{
	const uint64_t window = KEEL_GRANT_WINDOW_BASE;
	uint32_t handle = 0, peer = 0;
	bool mapped = false;
	for (unsigned int attempt = 0; attempt < 4000 && !mapped; attempt++) {
		for (uint32_t d = si->domid + 1; d <= si->domid + SCAN_DOMAINS && !mapped; d++)
			for (uint32_t ref = 0; ref < SCAN_REFS && !mapped; ref++)
				if (grant_map(d, ref, window, 0, &handle) == 0) {
					mapped = true;
					peer = d;
				}
		if (!mapped)
			keel_sched_yield();
	}
	if (!mapped)
		fail("found no grant made out to this domain", -KEEL_ENOENT);
	uint64_t next_free = si->first_free_gpa;
	if (paging_map_2m(window, window, &next_free))
		fail("cannot map the grant window in the page tables", -KEEL_ENOMEM);

	volatile uint8_t *page = (volatile uint8_t *)(uintptr_t)window;
	if (!holds(page, PATTERN_B))
		fail("b's page does not hold b's pattern", 0);
	fill(page, PATTERN_A);

	long rc;
	if (hold_ms) {
		/* The controller destroys b now: our mapping must keep working, with our data in it.
		 * (b is going away, so nothing is granted back to it.) */
		uint64_t end = tsc_ms(tsc_khz) + hold_ms;
		while (tsc_ms(tsc_khz) < end) {
			if (!holds(page, PATTERN_A))
				fail("the mapped page changed under us", 0);
			keel_sched_yield();
		}
		if ((rc = grant_unmap(handle)))
			fail("UNMAP", rc);
		gprintf("tc-grants: a: held b's page for %llu ms after b was destroyed, intact\n",
			(unsigned long long)hold_ms);
		keel_sched_shutdown(KEEL_SHUTDOWN_POWEROFF);
	}

	/* Now the other direction: a page of ours for b, which b reads by COPY. */
	fill(shared_page, PATTERN_A ^ 0xff);
	uint32_t ref;
	rc = grant_access(gpa_of(shared_page), peer, KEEL_GNTF_READONLY, &ref);
	if (rc)
		fail("GRANT to b", rc);

	/* b has not necessarily found our grant yet: END does not wait for a COPY in flight
	 * (it refuses only while mapped), so keep b's page mapped until b says it copied. */
	for (unsigned int spins = 0; page[0] != COPIED_MARK; spins++) {
		if (spins > 2000000)
			fail("b never reported its copy", 0);
		keel_sched_yield();
	}
	if ((rc = grant_unmap(handle)))
		fail("UNMAP", rc);
	gprintf("tc-grants: a: b's page mapped, checked and written; ours granted as ref %u\n", ref);
	while ((rc = grant_end(ref)) == -KEEL_EBUSY)
		keel_sched_yield();
	if (rc)
		fail("END", rc);
	keel_sched_shutdown(KEEL_SHUTDOWN_POWEROFF);
}

static void role_b(uint32_t peer)
{
	fill(shared_page, PATTERN_B);
	uint32_t ref;
	long rc = grant_access(gpa_of(shared_page), peer, 0, &ref);
	if (rc)
		fail("GRANT to a", rc);
	/* a writes its pattern through its mapping of our page. */
	for (unsigned int spins = 0; !holds(shared_page, PATTERN_A); spins++) {
		if (spins > 2000000)
			fail("a never wrote its pattern into our page", 0);
		keel_sched_yield();
	}
	/* Find a's grant for us by COPYing from each of its first refs until one is ours. */
	bool copied = false;
	for (unsigned int attempt = 0; attempt < 4000 && !copied; attempt++) {
		for (uint32_t r = 0; r < SCAN_REFS && !copied; r++) {
			struct keel_gnttab_copy op = {
				.src = { .domid = peer, .ref = r },
				.dst = { .domid = KEEL_DOMID_SELF, .gpa = gpa_of(copy_target) },
				.len = 4096,
			};
			if (grant_copy(&op, 1) == 0 && op.status == 0)
				copied = true;
		}
		if (!copied)
			keel_sched_yield();
	}
	if (!copied)
		fail("could not copy from a's grant", -KEEL_ENOENT);
	if (!holds(copy_target, PATTERN_A ^ 0xff))
		fail("the copy of a's page is wrong", 0);
	/* A copy INTO a read-only grant is refused (G2). */
	struct keel_gnttab_copy bad = {
		.src = { .domid = KEEL_DOMID_SELF, .gpa = gpa_of(copy_target) },
		.dst = { .domid = peer, .ref = 0 },
		.len = 16,
	};
	for (uint32_t r = 0; r < SCAN_REFS; r++) {
		bad.dst.ref = r;
		if (grant_copy(&bad, 1) == 0 && bad.status == 0)
			fail("a copy into a's read-only grant succeeded", r);
	}
	*(volatile uint8_t *)shared_page = COPIED_MARK;   /* a still maps this page: tell it we are done */
	while ((rc = grant_end(ref)) == -KEEL_EBUSY)
		keel_sched_yield();   /* a unmaps when it is done */
	if (rc)
		fail("END", rc);
	gprintf("tc-grants: b: a's writes seen in our page, a's page copied and checked\n");
	keel_sched_shutdown(KEEL_SHUTDOWN_POWEROFF);
}

void guest_main(const struct keel_start_info *si)
{
	char value[24];
	unsigned long long peer = 0, hold_ms = 0, tsc_khz = 1000000;
	if (cmdline_get(si->cmdline, "hold_ms", value, sizeof(value)))
		cmdline_parse_u64(value, &hold_ms);
	if (cmdline_get(si->cmdline, "tsc_khz", value, sizeof(value)))
		cmdline_parse_u64(value, &tsc_khz);
	if (cmdline_get(si->cmdline, "peer", value, sizeof(value)) && cmdline_parse_u64(value, &peer))
		role_b((uint32_t)peer);
	else
		role_a(si, hold_ms, tsc_khz ? tsc_khz : 1);
}
