/* test_evtchn.c: event channels (kernel/evtchn.c) with the real scheduler (kernel/sched.c) for wake-ups and rule R1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "domain.h"
#include "evtchn.h"
#include "heap.h"
#include "keel/abi.h"
#include "sched.h"
#include "sched_internal.h"
#include "vcpu.h"

/* ---- doubles: one CPU, a domain registry, the heap, the backend's upcall op ---- */
struct domain *dom0;
static unsigned int kicks, allocations;
static bool fail_alloc;
unsigned int arch_cpus_online(void) { return 1; }
unsigned int arch_cpu_id(void) { return 0; }
void arch_kick_cpu(unsigned int cpu) { (void)cpu; kicks++; }
void arch_delay_us(uint64_t us) { (void)us; }

void *kzalloc(size_t size) { return fail_alloc ? NULL : (allocations++, calloc(1, size)); }
void *kcalloc(size_t count, size_t size) { return fail_alloc ? NULL : (allocations++, calloc(count, size)); }
void kfree(void *p)
{
	if (p)
		allocations--;
	free(p);
}

#define NDOMS 3
static struct domain doms[NDOMS];
static struct vcpu vcpus[NDOMS][2];
static bool listed[NDOMS];
static bool list_locked;

struct domain *domain_lookup_locked(uint32_t id)
{
	assert_false(list_locked);
	for (unsigned int i = 0; i < NDOMS; i++) {
		if (listed[i] && doms[i].id == id) {
			list_locked = true;
			return &doms[i];
		}
	}
	return NULL;
}
void domain_list_unlock(void) { assert_true(list_locked); list_locked = false; }

static uint8_t upcall_vector;
static bool upcall_due;
static void fake_set_upcall(struct vcpu_arch *va, uint8_t vector, bool pending)
{
	(void)va;
	upcall_vector = vector;
	upcall_due = pending;
}
static const struct virt_ops fake_virt = { .set_upcall = fake_set_upcall };
const struct virt_ops *virt = &fake_virt;

/* doms[0] = dom0 (id 0, privileged), doms[1] = d1, doms[2] = d2; two vCPUs each, running nowhere. */
static struct domain *const D0 = &doms[0], *const D1 = &doms[1], *const D2 = &doms[2];

static int setup(void **state)
{
	(void)state;
	memset(sched_cpus, 0, sizeof(sched_cpus));
	sched_init(10);
	for (unsigned int i = 0; i < NDOMS; i++) {
		struct domain *d = &doms[i];
		memset(d, 0, sizeof(*d));
		d->id = i;
		d->privileged = i == 0;
		d->nr_vcpus = 2;
		d->shared_info = aligned_alloc(4096, 4096);
		memset(d->shared_info, 0, 4096);
		sched_domain_init(d);
		for (unsigned int v = 0; v < 2; v++) {
			memset(&vcpus[i][v], 0, sizeof(vcpus[i][v]));
			vcpus[i][v].domain = d;
			vcpus[i][v].id = v;
			vcpus[i][v].state = VCPU_DOWN;
			sched_vcpu_init(&vcpus[i][v]);
			d->vcpus[v] = &vcpus[i][v];
		}
		listed[i] = true;
	}
	dom0 = D0;
	kicks = 0;
	fail_alloc = false;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < NDOMS; i++) {
		if (listed[i]) {
			listed[i] = false;
			evtchn_domain_destroy(&doms[i]);
		}
		free(doms[i].shared_info);
	}
	assert_int_equal(evtchn_ports_allocated(), 0);   /* nothing leaks across a test */
	assert_int_equal(allocations, 0);
	return 0;
}

static bool pending(struct domain *d, uint32_t port)
{
	return d->shared_info->evtchn_pending[port / 64] & (1ull << (port % 64));
}

static uint32_t status_of(struct domain *d, uint32_t port, struct keel_evtchn_status *st)
{
	*st = (struct keel_evtchn_status){ .port = port };
	assert_int_equal(evtchn_status(d, st), 0);
	return st->status;
}

/* Connects a port of a to a port of b (a allocates, b binds). */
static void connect(struct domain *a, uint32_t *pa, struct domain *b, uint32_t *pb)
{
	assert_int_equal(evtchn_alloc_unbound(a, b->id, pa), 0);
	assert_int_equal(evtchn_bind_interdomain(b, a->id, *pa, pb), 0);
}

/* ---- the port state machine ---- */

static void test_alloc_status_close(void **state)
{
	(void)state;
	struct keel_evtchn_status st;
	uint32_t p;
	assert_int_equal(evtchn_alloc_unbound(D1, KEEL_DOMID_SELF, &p), 0);
	assert_int_equal(p, 1);   /* port 0 is never handed out */
	assert_int_equal(status_of(D1, p, &st), KEEL_EVTCHNSTAT_UNBOUND);
	assert_int_equal(st.remote_dom, D1->id);
	assert_int_equal(st.vcpu, 0);
	assert_int_equal(evtchn_ports_allocated(), 1);
	assert_int_equal(evtchn_close(D1, p), 0);
	assert_int_equal(status_of(D1, p, &st), KEEL_EVTCHNSTAT_CLOSED);
	assert_int_equal(evtchn_close(D1, p), -KEEL_EBADF);   /* double close */
	assert_int_equal(evtchn_ports_allocated(), 0);
	/* Bad ports: reserved, never allocated, out of range. */
	assert_int_equal(evtchn_close(D1, 0), -KEEL_EBADF);
	assert_int_equal(evtchn_send(D1, 77), -KEEL_EBADF);
	assert_int_equal(evtchn_unmask(D1, 5), -KEEL_EBADF);
	assert_int_equal(evtchn_send(D1, KEEL_EVTCHN_PORTS), -KEEL_EINVAL);
	assert_int_equal(evtchn_close(D1, ~0u), -KEEL_EINVAL);
	st.port = KEEL_EVTCHN_PORTS;
	assert_int_equal(evtchn_status(D1, &st), -KEEL_EINVAL);
	assert_int_equal(evtchn_alloc_unbound(D1, 1234, &p), -KEEL_ESRCH);
	assert_int_equal(evtchn_bind_ipi(D1, 2, &p), -KEEL_EINVAL);
	assert_int_equal(evtchn_set_upcall(D1, 31), -KEEL_EINVAL);
	assert_int_equal(evtchn_set_upcall(D1, 256), -KEEL_EINVAL);
}

static void test_interdomain_connect_and_close(void **state)
{
	(void)state;
	struct keel_evtchn_status st;
	uint32_t p1, p2, p3;
	assert_int_equal(evtchn_alloc_unbound(D1, D2->id, &p1), 0);
	/* Only the domain it waits for may bind it. */
	assert_int_equal(evtchn_bind_interdomain(D0, D1->id, p1, &p3), -KEEL_EBADF);
	assert_int_equal(evtchn_bind_interdomain(D2, D1->id, 99, &p3), -KEEL_EBADF);
	assert_int_equal(evtchn_bind_interdomain(D2, 77, p1, &p3), -KEEL_ESRCH);
	assert_int_equal(evtchn_bind_interdomain(D2, D1->id, p1, &p2), 0);
	assert_int_equal(status_of(D1, p1, &st), KEEL_EVTCHNSTAT_INTERDOMAIN);
	assert_int_equal(st.remote_dom, D2->id);
	assert_int_equal(st.remote_port, p2);
	assert_int_equal(status_of(D2, p2, &st), KEEL_EVTCHNSTAT_INTERDOMAIN);
	assert_int_equal(st.remote_port, p1);
	/* Connected: binding it again is refused. */
	assert_int_equal(evtchn_bind_interdomain(D2, D1->id, p1, &p3), -KEEL_EBADF);

	/* Closing one end makes the other unbound, waiting for the closer. */
	assert_int_equal(evtchn_close(D2, p2), 0);
	assert_int_equal(status_of(D1, p1, &st), KEEL_EVTCHNSTAT_UNBOUND);
	assert_int_equal(st.remote_dom, D2->id);
	assert_int_equal(evtchn_send(D1, p1), 0);   /* unbound: a no-op */
	assert_int_equal(evtchn_bind_interdomain(D2, D1->id, p1, &p2), 0);   /* and it can reconnect */
	assert_int_equal(status_of(D1, p1, &st), KEEL_EVTCHNSTAT_INTERDOMAIN);
}

static void test_close_while_pending(void **state)
{
	(void)state;
	struct keel_evtchn_status st;
	uint32_t p1, p2;
	connect(D1, &p1, D2, &p2);
	assert_int_equal(evtchn_send(D1, p1), 0);
	assert_true(pending(D2, p2));
	assert_int_equal(evtchn_close(D2, p2), 0);
	assert_false(pending(D2, p2));   /* the closed port's pending bit is cleared */
	assert_int_equal(status_of(D1, p1, &st), KEEL_EVTCHNSTAT_UNBOUND);
	assert_int_equal(evtchn_send(D1, p1), 0);
	assert_false(pending(D2, p2));
}

static void test_port_exhaustion(void **state)
{
	(void)state;
	uint32_t p;
	for (uint32_t i = 1; i < KEEL_EVTCHN_PORTS; i++) {
		assert_int_equal(evtchn_bind_ipi(D1, 1, &p), 0);
		assert_int_equal(p, i);
	}
	assert_int_equal(evtchn_alloc_unbound(D1, KEEL_DOMID_SELF, &p), -KEEL_ENOSPC);
	assert_int_equal(evtchn_ports_allocated(), KEEL_EVTCHN_PORTS - 1);
	assert_int_equal(evtchn_close(D1, 500), 0);
	assert_int_equal(evtchn_bind_ipi(D1, 0, &p), 0);
	assert_int_equal(p, 500);   /* the lowest free port comes back */
	/* Out of memory for a new bucket: the error, and nothing half-made. */
	fail_alloc = true;
	assert_int_equal(evtchn_alloc_unbound(D2, KEEL_DOMID_SELF, &p), -KEEL_ENOMEM);
	assert_int_equal(evtchn_ports_allocated(), KEEL_EVTCHN_PORTS - 1);
}

static void test_virq_binding(void **state)
{
	(void)state;
	struct keel_evtchn_status st;
	uint32_t p, q;
	assert_int_equal(evtchn_bind_virq(D1, KEEL_VIRQ_TIMER, 1, &p), 0);
	assert_int_equal(evtchn_bind_virq(D1, KEEL_VIRQ_TIMER, 1, &q), -KEEL_EEXIST);
	assert_int_equal(evtchn_bind_virq(D1, KEEL_VIRQ_TIMER, 0, &q), 0);   /* per vCPU */
	assert_int_equal(evtchn_bind_virq(D1, KEEL_VIRQ_TIMER, 2, &q), -KEEL_EINVAL);
	assert_int_equal(evtchn_bind_virq(D1, KEEL_VIRQ_COUNT, 0, &q), -KEEL_EINVAL);
	assert_int_equal(evtchn_bind_virq(D1, KEEL_VIRQ_DOM_EXC, 0, &q), -KEEL_EPERM);
	assert_int_equal(status_of(D1, p, &st), KEEL_EVTCHNSTAT_VIRQ);
	assert_int_equal(st.vcpu, 1);
	assert_int_equal(st.virq, KEEL_VIRQ_TIMER);
	assert_int_equal(evtchn_send(D1, p), -KEEL_EBADF);        /* only the hypervisor sends VIRQs */
	assert_int_equal(evtchn_bind_vcpu(D1, p, 0), -KEEL_EBADF);

	evtchn_send_virq(D1->vcpus[1], KEEL_VIRQ_TIMER);
	assert_true(pending(D1, p));
	assert_int_equal(D1->shared_info->vcpu_info[1].upcall_pending, 1);
	assert_int_equal(D1->shared_info->vcpu_info[0].upcall_pending, 0);
	assert_int_equal(evtchn_close(D1, p), 0);
	assert_int_equal(evtchn_bind_virq(D1, KEEL_VIRQ_TIMER, 1, &q), 0);   /* closing unbinds */
}

static void test_dom_exc_to_dom0(void **state)
{
	(void)state;
	uint32_t p;
	evtchn_notify_domain_ended(D1);   /* dom0 has not bound it: nothing */
	assert_int_equal(D0->shared_info->vcpu_info[0].upcall_pending, 0);
	assert_int_equal(evtchn_bind_virq(D0, KEEL_VIRQ_DOM_EXC, 0, &p), 0);
	evtchn_notify_domain_ended(D1);
	assert_true(pending(D0, p));
	assert_int_equal(D0->shared_info->vcpu_info[0].upcall_pending, 1);
	assert_false(list_locked);
	listed[0] = false;   /* no dom0 at all */
	evtchn_notify_domain_ended(D2);
	listed[0] = true;
}

/* ---- delivery: the 2-level bitmaps, masking, the upcall ---- */

static void test_two_level_delivery_and_mask(void **state)
{
	(void)state;
	struct keel_vcpu_info *vi = &D1->shared_info->vcpu_info[0];
	uint32_t p, q;
	for (unsigned int i = 0; i < 70; i++)   /* so the next ones land in word 1 */
		assert_int_equal(evtchn_bind_ipi(D1, 0, &p), 0);
	assert_int_equal(p, 70);
	assert_int_equal(evtchn_send(D1, p), 0);
	assert_true(pending(D1, p));
	assert_int_equal(vi->evtchn_pending_sel, 1ull << 1);
	assert_int_equal(vi->upcall_pending, 1);

	/* Already pending: nothing more happens (the guest cleared sel and upcall_pending meanwhile). */
	vi->evtchn_pending_sel = 0;
	vi->upcall_pending = 0;
	assert_int_equal(evtchn_send(D1, p), 0);
	assert_int_equal(vi->evtchn_pending_sel, 0);
	assert_int_equal(vi->upcall_pending, 0);

	/* Masked: pending, but no selector bit and no upcall until unmask. */
	D1->shared_info->evtchn_pending[1] = 0;
	D1->shared_info->evtchn_mask[1] = 1ull << (p % 64);
	assert_int_equal(evtchn_send(D1, p), 0);
	assert_true(pending(D1, p));
	assert_int_equal(vi->evtchn_pending_sel, 0);
	assert_int_equal(vi->upcall_pending, 0);
	assert_int_equal(evtchn_unmask(D1, p), 0);
	assert_int_equal(D1->shared_info->evtchn_mask[1], 0);
	assert_int_equal(vi->evtchn_pending_sel, 1ull << 1);
	assert_int_equal(vi->upcall_pending, 1);
	/* Unmask of a port with nothing pending raises nothing. */
	vi->evtchn_pending_sel = 0;
	vi->upcall_pending = 0;
	D1->shared_info->evtchn_pending[1] = 0;
	assert_int_equal(evtchn_unmask(D1, p), 0);
	assert_int_equal(vi->upcall_pending, 0);

	/* bind_vcpu moves delivery; a new port starts unmasked and not pending whatever the bitmaps said. */
	assert_int_equal(evtchn_bind_vcpu(D1, p, 1), 0);
	assert_int_equal(evtchn_send(D1, p), 0);
	assert_int_equal(D1->shared_info->vcpu_info[1].upcall_pending, 1);
	assert_int_equal(vi->upcall_pending, 0);
	D1->shared_info->evtchn_mask[1] = ~0ull;
	D1->shared_info->evtchn_pending[1] = ~0ull;
	assert_int_equal(evtchn_bind_ipi(D1, 0, &q), 0);
	assert_int_equal(q, 71);
	assert_false(pending(D1, q));
	assert_false(D1->shared_info->evtchn_mask[1] & (1ull << (q % 64)));
}

static void test_interdomain_delivery_goes_to_the_peer(void **state)
{
	(void)state;
	uint32_t p1, p2;
	connect(D2, &p2, D1, &p1);   /* D2 (higher id) allocates: both lock orders get used */
	assert_int_equal(evtchn_bind_vcpu(D2, p2, 1), 0);
	assert_int_equal(evtchn_send(D1, p1), 0);
	assert_true(pending(D2, p2));
	assert_false(pending(D1, p1));
	assert_int_equal(D2->shared_info->vcpu_info[1].upcall_pending, 1);
	assert_int_equal(evtchn_send(D2, p2), 0);
	assert_true(pending(D1, p1));
	assert_int_equal(D1->shared_info->vcpu_info[0].upcall_pending, 1);
}

static void test_upcall_before_entry(void **state)
{
	(void)state;
	struct vcpu *v = D1->vcpus[0];
	struct keel_vcpu_info *vi = &D1->shared_info->vcpu_info[0];
	upcall_vector = 0;
	vi->upcall_pending = 1;
	evtchn_upcall_before_entry(v);
	assert_int_equal(upcall_vector, 0);   /* no vector registered: recorded, never delivered */
	assert_int_equal(evtchn_set_upcall(D1, 0xe0), 0);
	evtchn_upcall_before_entry(v);
	assert_int_equal(upcall_vector, 0xe0);
	assert_true(upcall_due);
	vi->upcall_mask = 1;
	evtchn_upcall_before_entry(v);
	assert_false(upcall_due);
	vi->upcall_mask = 0;
	vi->upcall_pending = 0;
	evtchn_upcall_before_entry(v);
	assert_false(upcall_due);
}

/* ---- blocking: rule R1 and the wake-up ---- */

/* Makes v the vCPU running on CPU 0. */
static void run(struct vcpu *v)
{
	sched_wake(v);
	spin_lock(&sched_lock);
	assert_ptr_equal(sched_pick(0, 0), v);
	spin_unlock(&sched_lock);
}

static void test_block_wakeup_rule_r1(void **state)
{
	(void)state;
	struct vcpu *v = D1->vcpus[0];
	uint32_t p1, p2;
	connect(D1, &p1, D2, &p2);
	run(v);

	/* Nothing pending: it blocks; an event then wakes it. */
	sched_block(v);
	assert_int_equal(v->state, VCPU_BLOCKED);
	assert_int_equal(evtchn_send(D2, p2), 0);
	assert_int_equal(v->state, VCPU_RUNNABLE);

	/* An event already pending: BLOCK finds it (R1) and the vCPU never sleeps. */
	bool reap;
	spin_lock(&sched_lock);
	sched_put(0, v, 0, &reap);
	assert_ptr_equal(sched_pick(0, 0), v);
	spin_unlock(&sched_lock);
	assert_int_equal(D1->shared_info->vcpu_info[0].upcall_pending, 1);
	sched_block(v);
	assert_int_equal(v->state, VCPU_RUNNING);

	/* A masked port does not set upcall_pending, so it does not keep the vCPU awake. */
	D1->shared_info->vcpu_info[0].upcall_pending = 0;
	D1->shared_info->evtchn_pending[0] = 0;
	D1->shared_info->evtchn_mask[0] = 1ull << p1;
	assert_int_equal(evtchn_send(D2, p2), 0);
	sched_block(v);
	assert_int_equal(v->state, VCPU_BLOCKED);
	assert_int_equal(evtchn_unmask(D1, p1), 0);   /* unmask delivers and wakes */
	assert_int_equal(v->state, VCPU_RUNNABLE);
	spin_lock(&sched_lock);
	sched_put(0, v, 0, &reap);
	spin_unlock(&sched_lock);
}

static void test_kick_running_elsewhere(void **state)
{
	(void)state;
	struct vcpu *v = D1->vcpus[1];
	uint32_t p;
	assert_int_equal(evtchn_bind_ipi(D1, 1, &p), 0);
	run(v);
	v->sched.last_cpu = 1;   /* pretend it runs on CPU 1 while CPU 0 sends */
	kicks = 0;
	assert_int_equal(evtchn_send(D1, p), 0);
	assert_int_equal(kicks, 1);
	assert_int_equal(v->state, VCPU_RUNNING);
	v->sched.last_cpu = 0;
	v->state = VCPU_RUNNABLE;
	bool reap;
	spin_lock(&sched_lock);
	sched_put(0, v, 0, &reap);
	spin_unlock(&sched_lock);
}

static void test_teardown_unbinds_peers(void **state)
{
	(void)state;
	struct keel_evtchn_status st;
	uint32_t p1, p2, loop_a, loop_b, v;
	connect(D1, &p1, D2, &p2);
	assert_int_equal(evtchn_alloc_unbound(D1, KEEL_DOMID_SELF, &loop_a), 0);
	assert_int_equal(evtchn_bind_interdomain(D1, KEEL_DOMID_SELF, loop_a, &loop_b), 0);
	assert_int_equal(evtchn_bind_virq(D1, KEEL_VIRQ_TIMER, 0, &v), 0);
	assert_int_equal(evtchn_ports_allocated(), 5);
	listed[1] = false;   /* what domain_destroy does: off the list first */
	evtchn_domain_destroy(D1);
	assert_int_equal(evtchn_ports_allocated(), 1);
	assert_int_equal(status_of(D2, p2, &st), KEEL_EVTCHNSTAT_UNBOUND);
	assert_int_equal(st.remote_dom, D1->id);
	assert_int_equal(evtchn_send(D2, p2), 0);
	/* A dead domain takes no new ports and fires no VIRQs. */
	evtchn_send_virq(D1->vcpus[0], KEEL_VIRQ_TIMER);
	assert_int_equal(evtchn_alloc_unbound(D1, KEEL_DOMID_SELF, &v), -KEEL_ESRCH);
	assert_int_equal(evtchn_bind_interdomain(D2, D1->id, 1, &v), -KEEL_ESRCH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_alloc_status_close, setup, teardown),
		cmocka_unit_test_setup_teardown(test_interdomain_connect_and_close, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_while_pending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_port_exhaustion, setup, teardown),
		cmocka_unit_test_setup_teardown(test_virq_binding, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dom_exc_to_dom0, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_level_delivery_and_mask, setup, teardown),
		cmocka_unit_test_setup_teardown(test_interdomain_delivery_goes_to_the_peer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upcall_before_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_block_wakeup_rule_r1, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kick_running_elsewhere, setup, teardown),
		cmocka_unit_test_setup_teardown(test_teardown_unbinds_peers, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
