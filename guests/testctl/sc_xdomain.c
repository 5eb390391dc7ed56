/* sc_xdomain.c: scenarios between two domUs: event ping-pong, grants both ways, a granter destroyed mid-mapping. */
#include "testctl.h"

#include "console.h"
#include "control.h"
#include "fmt.h"
#include "hypercall.h"

#define PEER_MEMORY (2ull << 20)

/* Starts 'module' as 'name' with a command line; returns false (failure recorded) if it could not. */
static bool start(const char *module, const char *name, const char *cmdline, uint32_t *domid)
{
	return tc_start(module, name, PEER_MEMORY, 1, cmdline, domid) == 0;
}

static bool physinfo(struct keel_sysctl_physinfo *p)
{
	return tc_expect("PHYSINFO", sysctl_physinfo(p), 0);
}

void sc_pingpong(void)
{
	const unsigned long long rounds = 100000;
	char cmdline[64];
	uint32_t ping, pong;
	fmt_snprintf(cmdline, sizeof(cmdline), "rounds=%llu", rounds);
	if (!start("tc-pingpong", "ping", cmdline, &ping))
		return;
	fmt_snprintf(cmdline, sizeof(cmdline), "rounds=%llu peer=%u", rounds, ping);
	if (!start("tc-pingpong", "pong", cmdline, &pong)) {
		tc_destroy(ping);
		return;
	}
	uint64_t t0 = tc_now_ms();
	/* Each side checks that exactly 'rounds' events arrived and powers off only then. */
	tc_expect_poweroff(ping, "ping", 300000);
	tc_expect_poweroff(pong, "pong", 30000);
	uint64_t ms = tc_now_ms() - t0;
	gprintf("testctl: pingpong: %llu round trips in %llu ms\n", rounds, (unsigned long long)ms);
}

void sc_grant_pair(void)
{
	uint32_t a, b;
	char cmdline[32];
	if (!start("tc-grants", "grant-a", "", &a))
		return;
	fmt_snprintf(cmdline, sizeof(cmdline), "peer=%u", a);
	if (!start("tc-grants", "grant-b", cmdline, &b)) {
		tc_destroy(a);
		return;
	}
	/* a maps b's page and writes it; b copies a's page; both check every byte. */
	tc_expect_poweroff(a, "grant-a", 120000);
	tc_expect_poweroff(b, "grant-b", 120000);
}

void sc_grant_orphan(void)
{
	struct keel_sysctl_physinfo before, during, after;
	uint32_t a, b;
	char cmdline[64];
	if (!physinfo(&before))
		return;
	fmt_snprintf(cmdline, sizeof(cmdline), "hold_ms=3000 tsc_khz=%llu", (unsigned long long)tc_phys.tsc_khz);
	if (!start("tc-grants", "holder", cmdline, &a))
		return;
	fmt_snprintf(cmdline, sizeof(cmdline), "peer=%u", a);
	if (!start("tc-grants", "granter", cmdline, &b)) {
		tc_destroy(a);
		return;
	}
	/* Wait until the holder has mapped the granter's page (a grant and a mapping exist, besides
	 * the console grant the builder gave each of the two). */
	uint64_t end = tc_now_ms() + 60000;
	while (physinfo(&during) && during.grants < before.grants + 2 + 2 && tc_now_ms() < end)
		keel_sched_yield();
	if (during.grants < before.grants + 2 + 2) {
		tc_fail("the holder never mapped the granter's page");
		tc_destroy(a);
		tc_destroy(b);
		return;
	}
	/* Destroy the granter while its page is mapped (G6): nothing crashes, the page stays. */
	tc_destroy(b);
	if (physinfo(&during) && during.grants < before.grants + 1 + 2)   /* and the holder's console grant */
		tc_fail("the mapping vanished with the granter (grants %u, baseline %u)", during.grants, before.grants);
	/* The holder re-checks the page for 3 s, unmaps, and powers off only if it never changed. */
	tc_expect_poweroff(a, "holder", 60000);
	if (physinfo(&after)) {
		tc_expect("grants after both are gone", after.grants, before.grants);
		tc_expect("free pages after both are gone", (long)after.free_pages, (long)before.free_pages);
		tc_expect("event ports after both are gone", after.evtchn_ports, before.evtchn_ports);
	}
}
