/* events.c: the guest's event-channel runtime: the upcall IDT gate, the 2-level scan of shared info, port handlers and the hypercalls. */
#include "events.h"

#include <stddef.h>

#include "cpu.h"
#include "idt_gate.h"
#include "hypercall.h"

#define IDT_ENTRIES 256

struct keel_shared_info *shared_info;
volatile uint64_t events_upcalls;

static struct idt_gate idt[IDT_ENTRIES] __attribute__((aligned(16)));
static struct {
	event_handler_fn fn;
	void *arg;
} handlers[KEEL_EVTCHN_PORTS];

/* upcall.S: saves every register, calls events_upcall, restores them and IRETs. */
extern const char events_upcall_entry[];
void events_upcall(void);

long evtchn_op(uint64_t cmd, void *arg)
{
	return hypercall2(KEEL_HC_EVENT_CHANNEL_OP, cmd, (uintptr_t)arg);
}

/* Copies the IDT in use (if any) into a full-size one and adds the upcall gate. */
static void install_gate(void)
{
	struct desc_ptr old;
	asm volatile("sidt %0" : "=m"(old));
	size_t bytes = (size_t)old.limit + 1;
	if (old.base && old.limit && old.base != (uintptr_t)idt) {
		if (bytes > sizeof(idt))
			bytes = sizeof(idt);
		const uint8_t *from = (const uint8_t *)(uintptr_t)old.base;
		uint8_t *to = (uint8_t *)idt;
		for (size_t i = 0; i < bytes; i++)
			to[i] = from[i];
	}
	/* An interrupt gate clears IF on entry: one upcall at a time. */
	idt[EVENTS_UPCALL_VECTOR] = idt_gate_make((uintptr_t)events_upcall_entry, read_cs(), 0);
	struct desc_ptr idtr = { .limit = sizeof(idt) - 1, .base = (uintptr_t)idt };
	lidt(&idtr);
}

long events_init(const struct keel_start_info *si)
{
	if (!si->shared_info_gpa || si->shared_info_gpa != si->nr_pages * 4096)
		return -KEEL_EINVAL;
	shared_info = (struct keel_shared_info *)(uintptr_t)si->shared_info_gpa;
	install_gate();
	struct keel_evtchn_set_upcall set = { .vector = EVENTS_UPCALL_VECTOR };
	return evtchn_op(KEEL_EVTCHNOP_SET_UPCALL, &set);
}

void events_set_handler(uint32_t port, event_handler_fn fn, void *arg)
{
	if (port < KEEL_EVTCHN_PORTS) {
		handlers[port].arg = arg;
		handlers[port].fn = fn;
	}
}

/* The handler of shared_info.h, steps a and b, for vCPU 0. */
void events_upcall(void)
{
	struct keel_vcpu_info *vi = &shared_info->vcpu_info[0];
	events_upcalls++;
	__atomic_store_n(&vi->upcall_pending, 0, __ATOMIC_SEQ_CST);
	uint64_t words = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	while (words) {
		unsigned int w = (unsigned int)__builtin_ctzll(words);
		words &= words - 1;
		uint64_t bits = __atomic_load_n(&shared_info->evtchn_pending[w], __ATOMIC_SEQ_CST) &
				~__atomic_load_n(&shared_info->evtchn_mask[w], __ATOMIC_SEQ_CST);
		while (bits) {
			unsigned int b = (unsigned int)__builtin_ctzll(bits);
			bits &= bits - 1;
			__atomic_fetch_and(&shared_info->evtchn_pending[w], ~(1ull << b), __ATOMIC_SEQ_CST);
			uint32_t port = w * 64 + b;
			if (handlers[port].fn)
				handlers[port].fn(port, handlers[port].arg);
		}
	}
}

long evtchn_alloc_unbound(uint32_t remote_dom, uint32_t *port)
{
	struct keel_evtchn_alloc_unbound a = { .remote_dom = remote_dom };
	long rc = evtchn_op(KEEL_EVTCHNOP_ALLOC_UNBOUND, &a);
	if (!rc)
		*port = a.port;
	return rc;
}

long evtchn_bind_interdomain(uint32_t remote_dom, uint32_t remote_port, uint32_t *local_port)
{
	struct keel_evtchn_bind_interdomain a = { .remote_dom = remote_dom, .remote_port = remote_port };
	long rc = evtchn_op(KEEL_EVTCHNOP_BIND_INTERDOMAIN, &a);
	if (!rc)
		*local_port = a.local_port;
	return rc;
}

long evtchn_bind_virq(uint32_t virq, uint32_t vcpu, uint32_t *port)
{
	struct keel_evtchn_bind_virq a = { .virq = virq, .vcpu = vcpu };
	long rc = evtchn_op(KEEL_EVTCHNOP_BIND_VIRQ, &a);
	if (!rc)
		*port = a.port;
	return rc;
}

long evtchn_bind_ipi(uint32_t vcpu, uint32_t *port)
{
	struct keel_evtchn_bind_ipi a = { .vcpu = vcpu };
	long rc = evtchn_op(KEEL_EVTCHNOP_BIND_IPI, &a);
	if (!rc)
		*port = a.port;
	return rc;
}

long evtchn_close(uint32_t port)
{
	struct keel_evtchn_port a = { .port = port };
	return evtchn_op(KEEL_EVTCHNOP_CLOSE, &a);
}

long evtchn_send(uint32_t port)
{
	struct keel_evtchn_port a = { .port = port };
	return evtchn_op(KEEL_EVTCHNOP_SEND, &a);
}

long evtchn_status(uint32_t port, struct keel_evtchn_status *status)
{
	*status = (struct keel_evtchn_status){ .port = port };
	return evtchn_op(KEEL_EVTCHNOP_STATUS, status);
}

long evtchn_bind_vcpu(uint32_t port, uint32_t vcpu)
{
	struct keel_evtchn_bind_vcpu a = { .port = port, .vcpu = vcpu };
	return evtchn_op(KEEL_EVTCHNOP_BIND_VCPU, &a);
}

long evtchn_unmask(uint32_t port)
{
	struct keel_evtchn_port a = { .port = port };
	return evtchn_op(KEEL_EVTCHNOP_UNMASK, &a);
}

void evtchn_mask(uint32_t port)
{
	if (port < KEEL_EVTCHN_PORTS)
		__atomic_fetch_or(&shared_info->evtchn_mask[port / 64], 1ull << (port % 64), __ATOMIC_SEQ_CST);
}

void evtchn_clear_pending(uint32_t port)
{
	if (port < KEEL_EVTCHN_PORTS)
		__atomic_fetch_and(&shared_info->evtchn_pending[port / 64], ~(1ull << (port % 64)), __ATOMIC_SEQ_CST);
}

bool evtchn_is_pending(uint32_t port)
{
	return port < KEEL_EVTCHN_PORTS &&
	       (__atomic_load_n(&shared_info->evtchn_pending[port / 64], __ATOMIC_SEQ_CST) & (1ull << (port % 64)));
}
