/* iso_evtchn_flood.c: isolation attack: event channels allocated until -ENOSPC, sends to closed and invalid ports, bind_virq abuse, bind_interdomain to itself and to other domains' ports. */
#include <keel/shared_info.h>

#include "events.h"
#include "iso_attack.h"

const char xtf_test_name[] = "iso_evtchn_flood";

static uint16_t flood[KEEL_EVTCHN_PORTS];

static unsigned int ports_in_use(void)
{
	unsigned int used = 0;
	for (uint32_t p = 1; p < KEEL_EVTCHN_PORTS; p++) {
		struct keel_evtchn_status st;
		if (evtchn_status(p, &st) == 0 && st.status != KEEL_EVTCHNSTAT_CLOSED)
			used++;
	}
	return used;
}

/* Fills the table; returns how many ports it got. Each further attempt must be -ENOSPC. */
static unsigned int fill(uint32_t remote)
{
	unsigned int n = 0;
	uint32_t port;
	long rc;
	while (n < KEEL_EVTCHN_PORTS && (rc = evtchn_alloc_unbound(remote, &port)) == 0)
		flood[n++] = (uint16_t)port;
	iso_attempts++;
	iso_refused += rc == -KEEL_ENOSPC;
	if (rc != -KEEL_ENOSPC)
		xtf_failure("alloc_unbound %u stopped with %ld, want -ENOSPC", n, rc);
	for (int i = 0; i < 8; i++) {
		iso_expect("alloc_unbound on a full table", evtchn_alloc_unbound(remote, &port), -KEEL_ENOSPC);
		iso_expect("bind_ipi on a full table", evtchn_bind_ipi(0, &port), -KEEL_ENOSPC);
	}
	return n;
}

static void drain(unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (evtchn_close(flood[i]))
			xtf_failure("closing flood port %u failed", flood[i]);
}

void test_main(const struct keel_start_info *si)
{
	const uint32_t me = si->domid;
	uint32_t port;

	/* The whole table, twice (offered to itself, then to dom0): the same count both times, no leak. */
	unsigned int before = ports_in_use();
	unsigned int first = fill(KEEL_DOMID_SELF);
	iso_expect("ports got in the flood", first, KEEL_EVTCHN_PORTS - 1 - before);
	drain(first);
	unsigned int second = fill(0);
	iso_expect("ports got in the second flood", second, first);
	drain(second);
	iso_expect("ports in use after both floods", ports_in_use(), before);

	/* Every port the floods used is closed now: sending, unmasking, rebinding are refused. */
	for (unsigned int i = 0; i < first; i++) {
		iso_expect("send to a closed port", evtchn_send(flood[i]), -KEEL_EBADF);
		iso_expect("bind_vcpu of a closed port", evtchn_bind_vcpu(flood[i], 0), -KEEL_EBADF);
	}
	static const uint32_t invalid[] = { KEEL_EVTCHN_PORTS, KEEL_EVTCHN_PORTS + 1, 0x10000, 0x7fffffff, ~0u };
	for (unsigned int i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
		iso_expect("send to an invalid port", evtchn_send(invalid[i]), -KEEL_EINVAL);
		iso_expect("close of an invalid port", evtchn_close(invalid[i]), -KEEL_EINVAL);
		iso_expect("bind_interdomain to an invalid port", evtchn_bind_interdomain(0, invalid[i], &port),
			   -KEEL_EINVAL);
	}

	/* bind_virq abuse: dom0's VIRQs, unknown VIRQs, vCPUs it does not have, twice the same. */
	for (uint32_t virq = 0; virq < KEEL_VIRQ_COUNT + 4; virq++)
		for (uint32_t vcpu = si->nr_vcpus; vcpu < si->nr_vcpus + 3; vcpu++)
			iso_expect("bind_virq on a missing vCPU", evtchn_bind_virq(virq, vcpu, &port), -KEEL_EINVAL);
	iso_expect("bind_virq(DOM_EXC)", evtchn_bind_virq(KEEL_VIRQ_DOM_EXC, 0, &port), -KEEL_EPERM);
	iso_expect("bind_virq(CONSOLE)", evtchn_bind_virq(KEEL_VIRQ_CONSOLE, 0, &port), -KEEL_EPERM);
	iso_expect("bind_virq(COUNT)", evtchn_bind_virq(KEEL_VIRQ_COUNT, 0, &port), -KEEL_EINVAL);
	uint32_t timer_port;
	iso_expect("bind_virq(TIMER)", evtchn_bind_virq(KEEL_VIRQ_TIMER, 0, &timer_port), 0);
	for (int i = 0; i < 8; i++)
		iso_expect("bind_virq(TIMER) again", evtchn_bind_virq(KEEL_VIRQ_TIMER, 0, &port), -KEEL_EEXIST);
	iso_expect("bind_interdomain(self, the VIRQ port)", evtchn_bind_interdomain(KEEL_DOMID_SELF, timer_port, &port),
		   -KEEL_EBADF);
	iso_expect("close(TIMER)", evtchn_close(timer_port), 0);

	/* bind_interdomain to itself: ports offered to dom0 are not the caller's to take. */
	uint32_t offered;
	iso_expect("alloc_unbound(dom0)", evtchn_alloc_unbound(0, &offered), 0);
	iso_expect("bind_interdomain(self, port offered to dom0)",
		   evtchn_bind_interdomain(KEEL_DOMID_SELF, offered, &port), -KEEL_EBADF);
	iso_expect("bind_interdomain(me, port offered to dom0)", evtchn_bind_interdomain(me, offered, &port),
		   -KEEL_EBADF);
	iso_expect("close(offered)", evtchn_close(offered), 0);

	/* Other domains' ports, all of them: none is waiting for this domain. */
	for (uint32_t domid = 0; domid < me + 4; domid++) {
		if (domid == me)
			continue;
		long probe = evtchn_bind_interdomain(domid, 1, &port);
		if (probe == -KEEL_ESRCH)
			continue;
		for (uint32_t p = 1; p < KEEL_EVTCHN_PORTS; p++)
			iso_expect("bind_interdomain to another domain's port", evtchn_bind_interdomain(domid, p, &port),
				   -KEEL_EBADF);
	}
	iso_expect("ports in use at the end", ports_in_use(), before);
	iso_report();
}
