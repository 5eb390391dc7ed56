/* evtchn_bad.c: every error of event_channel_op: bad ports, vCPUs, VIRQs, vectors, domains, commands and argument pointers. */
#include "events.h"
#include "xtf.h"

const char xtf_test_name[] = "evtchn_bad";

#define NO_SUCH_DOMAIN 0x7000u

static void expect(const char *what, long got, long want)
{
	if (got != want)
		xtf_failure("%s returned %ld, want %ld", what, got, want);
}

static long port_op(uint64_t cmd, uint32_t port)
{
	struct keel_evtchn_port a = { .port = port };
	return evtchn_op(cmd, &a);
}

static long set_upcall(uint32_t vector)
{
	struct keel_evtchn_set_upcall a = { .vector = vector };
	return evtchn_op(KEEL_EVTCHNOP_SET_UPCALL, &a);
}

void test_main(const struct keel_start_info *si)
{
	uint32_t port, virq_port, unbound;
	uint64_t mem_end = si->nr_pages * 4096;
	struct keel_evtchn_status st;

	/* Ports out of range, never allocated, or reserved. */
	expect("send(1024)", port_op(KEEL_EVTCHNOP_SEND, KEEL_EVTCHN_PORTS), -KEEL_EINVAL);
	expect("close(~0)", port_op(KEEL_EVTCHNOP_CLOSE, ~0u), -KEEL_EINVAL);
	expect("unmask(5000)", port_op(KEEL_EVTCHNOP_UNMASK, 5000), -KEEL_EINVAL);
	expect("status(1024)", evtchn_status(KEEL_EVTCHN_PORTS, &st), -KEEL_EINVAL);
	expect("send(7), never allocated", evtchn_send(7), -KEEL_EBADF);
	expect("close(0), reserved", evtchn_close(0), -KEEL_EBADF);
	expect("unmask(1), never allocated", evtchn_unmask(1), -KEEL_EBADF);
	expect("bind_vcpu(9), never allocated", evtchn_bind_vcpu(9, 0), -KEEL_EBADF);
	expect("status(7), free", evtchn_status(7, &st), 0);
	if (st.status != KEEL_EVTCHNSTAT_CLOSED)
		xtf_failure("a free port reports status %u, want CLOSED", st.status);

	/* vCPUs that do not exist. */
	expect("bind_virq(TIMER, vcpu 1)", evtchn_bind_virq(KEEL_VIRQ_TIMER, si->nr_vcpus, &port), -KEEL_EINVAL);
	expect("bind_ipi(vcpu 16)", evtchn_bind_ipi(16, &port), -KEEL_EINVAL);
	expect("bind_ipi(vcpu ~0)", evtchn_bind_ipi(~0u, &port), -KEEL_EINVAL);

	/* VIRQs: unknown, dom0's, and bound twice. */
	expect("bind_virq(2)", evtchn_bind_virq(KEEL_VIRQ_COUNT, 0, &port), -KEEL_EINVAL);
	expect("bind_virq(~0)", evtchn_bind_virq(~0u, 0, &port), -KEEL_EINVAL);
	expect("bind_virq(DOM_EXC) in a domU", evtchn_bind_virq(KEEL_VIRQ_DOM_EXC, 0, &port), -KEEL_EPERM);
	expect("bind_virq(TIMER)", evtchn_bind_virq(KEEL_VIRQ_TIMER, 0, &virq_port), 0);
	expect("bind_virq(TIMER) again", evtchn_bind_virq(KEEL_VIRQ_TIMER, 0, &port), -KEEL_EEXIST);
	expect("send on a VIRQ port", evtchn_send(virq_port), -KEEL_EBADF);
	expect("bind_vcpu of a VIRQ port", evtchn_bind_vcpu(virq_port, 0), -KEEL_EBADF);
	expect("bind_vcpu to vcpu 1", evtchn_bind_vcpu(virq_port, si->nr_vcpus), -KEEL_EINVAL);

	/* Domains that do not exist, and ports not waiting for us. */
	expect("alloc_unbound(no such domain)", evtchn_alloc_unbound(NO_SUCH_DOMAIN, &port), -KEEL_ESRCH);
	expect("bind_interdomain(no such domain)", evtchn_bind_interdomain(NO_SUCH_DOMAIN, 1, &port), -KEEL_ESRCH);
	expect("bind_interdomain(self, VIRQ port)", evtchn_bind_interdomain(KEEL_DOMID_SELF, virq_port, &port),
	       -KEEL_EBADF);
	expect("bind_interdomain(self, free port)", evtchn_bind_interdomain(KEEL_DOMID_SELF, 99, &port), -KEEL_EBADF);
	expect("bind_interdomain(self, port 1024)",
	       evtchn_bind_interdomain(KEEL_DOMID_SELF, KEEL_EVTCHN_PORTS, &port), -KEEL_EINVAL);
	expect("alloc_unbound(self)", evtchn_alloc_unbound(KEEL_DOMID_SELF, &unbound), 0);
	expect("bind_vcpu(unbound, 0)", evtchn_bind_vcpu(unbound, 0), 0);

	/* Upcall vectors outside 32..255. */
	expect("set_upcall(31)", set_upcall(31), -KEEL_EINVAL);
	expect("set_upcall(256)", set_upcall(256), -KEEL_EINVAL);
	expect("set_upcall(0)", set_upcall(0), -KEEL_EINVAL);

	/* Commands nobody defined: refused before the argument is even looked at. */
	expect("cmd 10", evtchn_op(10, 0), -KEEL_ENOSYS);
	expect("cmd 1000", evtchn_op(1000, (void *)(uintptr_t)mem_end), -KEEL_ENOSYS);
	expect("cmd ~0", evtchn_op(~0ull, 0), -KEEL_ENOSYS);

	/* Argument pointers outside memory (the shared-info page included: it is not RAM) or non-canonical. */
	expect("send(arg beyond memory)", evtchn_op(KEEL_EVTCHNOP_SEND, (void *)(uintptr_t)(mem_end + 0x10000)), -KEEL_EFAULT);
	expect("status(arg at the shared-info page)", evtchn_op(KEEL_EVTCHNOP_STATUS, (void *)(uintptr_t)mem_end),
	       -KEEL_EFAULT);
	expect("alloc_unbound(arg non-canonical)", evtchn_op(KEEL_EVTCHNOP_ALLOC_UNBOUND, (void *)0x8000000000000000ull),
	       -KEEL_EFAULT);
	expect("bind_virq(arg straddling the end of memory)",
	       evtchn_op(KEEL_EVTCHNOP_BIND_VIRQ, (void *)(uintptr_t)(mem_end - 8)), -KEEL_EFAULT);

	/* Closing works once, and a closed port is gone for every command. */
	expect("close(VIRQ port)", evtchn_close(virq_port), 0);
	expect("close(VIRQ port) again", evtchn_close(virq_port), -KEEL_EBADF);
	expect("unmask(closed port)", evtchn_unmask(virq_port), -KEEL_EBADF);
	expect("close(unbound)", evtchn_close(unbound), 0);
	expect("bind_virq(TIMER) after close", evtchn_bind_virq(KEEL_VIRQ_TIMER, 0, &port), 0);
}
