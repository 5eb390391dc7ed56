/* evtchn_self.c: a domain connected to itself: the upcall arrives, masking holds it back, unmask re-delivers, closing clears it. */
#include "events.h"
#include "xtf.h"

const char xtf_test_name[] = "evtchn_self";

static volatile unsigned int received;

static void count(uint32_t port, void *arg)
{
	(void)port, (void)arg;
	received++;
}

/* Lets a due upcall in: IF=1 for a while (the delivery happens at the first instruction that can take it). */
static void interrupts_window(void)
{
	asm volatile("sti");
	for (int i = 0; i < 1000; i++)
		asm volatile("pause");
	asm volatile("cli");
}

static void expect(const char *what, long got, long want)
{
	if (got != want)
		xtf_failure("%s returned %ld, want %ld", what, got, want);
}

static void expect_status(uint32_t port, uint32_t status, uint32_t remote_dom, uint32_t remote_port)
{
	struct keel_evtchn_status st;
	long rc = evtchn_status(port, &st);
	if (rc || st.status != status || st.remote_dom != remote_dom || st.remote_port != remote_port || st.vcpu != 0)
		xtf_failure("status of port %u: rc %ld status %u remote d%u port %u, want status %u remote d%u port %u",
			    port, rc, st.status, st.remote_dom, st.remote_port, status, remote_dom, remote_port);
}

void test_main(const struct keel_start_info *si)
{
	trap_init(xtf_unhandled_trap);
	long rc = events_init(si);
	if (rc) {
		xtf_failure("events_init returned %ld", rc);
		return;
	}

	uint32_t a = 0, b = 0;
	expect("alloc_unbound(self)", evtchn_alloc_unbound(KEEL_DOMID_SELF, &a), 0);
	expect_status(a, KEEL_EVTCHNSTAT_UNBOUND, si->domid, 0);
	expect("bind_interdomain(self, a)", evtchn_bind_interdomain(KEEL_DOMID_SELF, a, &b), 0);
	if (a == 0 || b == 0 || a == b)
		xtf_failure("ports a=%u b=%u", a, b);
	expect_status(a, KEEL_EVTCHNSTAT_INTERDOMAIN, si->domid, b);
	expect_status(b, KEEL_EVTCHNSTAT_INTERDOMAIN, si->domid, a);
	events_set_handler(a, count, 0);

	/* Sending on b raises a: the upcall comes as soon as interrupts are on. */
	expect("send(b)", evtchn_send(b), 0);
	if (received != 0)
		xtf_failure("the upcall came with interrupts off");
	interrupts_window();
	if (received != 1)
		xtf_failure("after send: %u events on a, want 1", received);
	if (evtchn_is_pending(a))
		xtf_failure("a still pending after its handler ran");

	/* Masked: recorded as pending, no upcall; unmask delivers it. */
	evtchn_mask(a);
	expect("send(b) while a is masked", evtchn_send(b), 0);
	interrupts_window();
	if (received != 1)
		xtf_failure("a masked port raised an upcall");
	if (!evtchn_is_pending(a))
		xtf_failure("a masked send left a not pending");
	expect("unmask(a)", evtchn_unmask(a), 0);
	interrupts_window();
	if (received != 2)
		xtf_failure("unmask did not re-deliver: %u events, want 2", received);

	/* Closing a while an event is pending on it: the bit goes, and no handler runs for it. */
	expect("send(b) with interrupts off", evtchn_send(b), 0);
	if (!evtchn_is_pending(a))
		xtf_failure("a not pending after send");
	expect("close(a) while pending", evtchn_close(a), 0);
	if (evtchn_is_pending(a))
		xtf_failure("close left a's pending bit set");
	interrupts_window();
	if (received != 2)
		xtf_failure("an event for the closed port was handled: %u, want 2", received);
	expect_status(a, KEEL_EVTCHNSTAT_CLOSED, 0, 0);
	expect_status(b, KEEL_EVTCHNSTAT_UNBOUND, si->domid, 0);   /* the peer waits for us again */
	expect("send(b) now unbound", evtchn_send(b), 0);
	expect("close(b)", evtchn_close(b), 0);
	expect("close(b) again", evtchn_close(b), -KEEL_EBADF);
}
