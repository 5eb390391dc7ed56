/*
 * pingpong.c (tc-pingpong): two domains bounce events over one interdomain channel.
 *
 * The pong side is started with 'peer=<ping's domid>' and allocates a port unbound for
 * it. The ping side, which knows nothing, finds that port by trying to bind to the first
 * few ports of the domains created after it (ids grow): only the one left unbound for it
 * accepts. (There is no
 * directory service in Keel; a real system would use dom0's, which comes later.)
 * Ping then sends 'rounds' events and waits for each reply; the replies carry the count
 * back implicitly, so a lost or doubled event shows up as a missing or extra round.
 */
#include "cmdline.h"
#include "console.h"
#include "events.h"
#include "guest.h"
#include "hypercall.h"
#include "trap.h"

#define SCAN_DOMAINS 32   /* pong is created right after ping: ids self+1 .. self+32 */
#define SCAN_PORTS   8

static volatile uint64_t arrived;

static void on_event(uint32_t port, void *arg)
{
	(void)port, (void)arg;
	arrived++;
}

static __attribute__((noreturn)) void fail(const char *why, long rc)
{
	gprintf("tc-pingpong: %s (%ld)\n", why, rc);
	keel_sched_shutdown(KEEL_SHUTDOWN_CRASH);
	for (;;)
		;
}

/* Waits, blocked, until more than 'seen' events have arrived. Interrupts are off outside the window. */
static void wait_beyond(uint64_t seen)
{
	while (arrived <= seen) {
		keel_sched_block();   /* R1: an event sent meanwhile makes this return at once */
		asm volatile("sti; nop; cli" ::: "memory");
	}
}

static uint32_t find_peer_port(uint32_t self, uint32_t *peer)
{
	for (unsigned int attempt = 0; attempt < 2000; attempt++) {
		for (uint32_t d = self + 1; d <= self + SCAN_DOMAINS; d++) {
			for (uint32_t p = 1; p < SCAN_PORTS; p++) {
				uint32_t local;
				if (evtchn_bind_interdomain(d, p, &local) == 0) {
					*peer = d;
					return local;
				}
			}
		}
		keel_sched_yield();   /* pong may not have allocated yet */
	}
	fail("no port was left unbound for this domain", -KEEL_ENOENT);
}

void guest_main(const struct keel_start_info *si)
{
	char value[24];
	unsigned long long rounds = 100000, peer = 0;
	if (cmdline_get(si->cmdline, "rounds", value, sizeof(value)))
		cmdline_parse_u64(value, &rounds);
	bool pong = cmdline_get(si->cmdline, "peer", value, sizeof(value)) && cmdline_parse_u64(value, &peer);

	asm volatile("cli");
	trap_init(0);
	long rc = events_init(si);
	if (rc)
		fail("events_init", rc);

	uint32_t port, peer_dom;
	if (pong) {
		rc = evtchn_alloc_unbound((uint32_t)peer, &port);
		if (rc)
			fail("alloc_unbound", rc);
		peer_dom = (uint32_t)peer;
	} else {
		port = find_peer_port(si->domid, &peer_dom);
	}
	events_set_handler(port, on_event, 0);

	for (uint64_t i = 0; i < rounds; i++) {
		if (pong) {
			wait_beyond(i);
			if ((rc = evtchn_send(port)))
				fail("send", rc);
		} else {
			if ((rc = evtchn_send(port)))
				fail("send", rc);
			wait_beyond(i);
		}
	}
	if (arrived != rounds)
		fail("events arrived a different number of times than sent", (long)arrived);
	gprintf("tc-pingpong: %s side: %llu round trips with dom%u\n", pong ? "pong" : "ping",
		(unsigned long long)rounds, peer_dom);
	keel_sched_shutdown(KEEL_SHUTDOWN_POWEROFF);
}
