/* events.h: event channels for guests: the upcall, per-port handlers and the event_channel_op calls (pv-abi/keel/event_channel.h). */
#ifndef GUEST_EVENTS_H
#define GUEST_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include <keel/abi.h>
#include <keel/event_channel.h>
#include <keel/shared_info.h>
#include <keel/start_info.h>

/* The IDT vector the upcall arrives on: above the exceptions, below nothing else in use. */
#define EVENTS_UPCALL_VECTOR 0xe0

/* The shared-info page (identity-mapped by the builder's page tables), once events_init ran. */
extern struct keel_shared_info *shared_info;

/*
 * Finds the shared-info page, adds the upcall gate to the IDT (keeping the gates already
 * there: call trap_init() first) and registers the vector with SET_UPCALL. Interrupts stay
 * as they are: the upcall arrives once the caller enables them. 0 or a negated KEEL_E*.
 * These helpers serve vCPU 0: the guests built on them are single-vCPU.
 */
long events_init(const struct keel_start_info *si);

/* Called from the upcall for each pending, unmasked port, with interrupts disabled. */
typedef void (*event_handler_fn)(uint32_t port, void *arg);
void events_set_handler(uint32_t port, event_handler_fn fn, void *arg);

/* Upcalls taken so far (spurious ones included): tests compare it before and after. */
extern volatile uint64_t events_upcalls;

/* The raw hypercall and one call per command; each returns 0 or a negated KEEL_E*. */
long evtchn_op(uint64_t cmd, void *arg);
long evtchn_alloc_unbound(uint32_t remote_dom, uint32_t *port);
long evtchn_bind_interdomain(uint32_t remote_dom, uint32_t remote_port, uint32_t *local_port);
long evtchn_bind_virq(uint32_t virq, uint32_t vcpu, uint32_t *port);
long evtchn_bind_ipi(uint32_t vcpu, uint32_t *port);
long evtchn_close(uint32_t port);
long evtchn_send(uint32_t port);
long evtchn_status(uint32_t port, struct keel_evtchn_status *status);
long evtchn_bind_vcpu(uint32_t port, uint32_t vcpu);
/* Clears the mask bit and lets the hypervisor deliver what arrived meanwhile. */
long evtchn_unmask(uint32_t port);
/* Sets the mask bit: events are still recorded as pending, but no upcall is raised for them. */
void evtchn_mask(uint32_t port);
/* Forgets an event of the port that has not been handled yet (its pending bit). */
void evtchn_clear_pending(uint32_t port);
/* The port's pending bit in shared info. */
bool evtchn_is_pending(uint32_t port);

#endif
