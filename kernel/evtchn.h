/* evtchn.h: event channels: per-domain port tables, binding, sending and 2-level delivery (pv-abi/keel/event_channel.h). */
#ifndef KEEL_EVTCHN_H
#define KEEL_EVTCHN_H

#include <stdbool.h>
#include <stdint.h>

#include "keel/event_channel.h"
#include "keel/shared_info.h"
#include "spinlock.h"

struct domain;
struct vcpu;

/*
 * Lock order (outermost first); nothing ever takes an earlier lock while holding a later one:
 *   1. domains_lock (domain.c: finding a domain by id, domain_lookup_locked)
 *   2. timer_cpu.lock (timer.c: a CPU's timer list, held while a timer fires)
 *   2b. pirq_lock (pirq.c: the physical-line bindings, held while a line's port is raised)
 *   3. evtchn_domain.lock: at most two at once, the lower domain id first
 *   4. sched_lock (sched.c, inside sched_wake)
 * Only pirq_lock and the evtchn locks are taken in interrupt context, by a physical line's
 * vector handler (pirq.c); the run loop fires timers (timer.c). Every lock is taken with
 * interrupts disabled, and a CPU lets interrupts in only where it holds no lock (its idle
 * halt and the run loop's interrupt window), so the handler never spins on its own CPU.
 *
 * Lifetime: a port connected to another domain holds a pointer to it. Tearing a domain's
 * ports down takes the peer's lock to unbind its end, so while a domain holds its own lock,
 * every peer its connected ports name is alive (and so are its vCPUs and shared info).
 */

#define EVTCHN_PORTS_PER_BUCKET 32
#define EVTCHN_BUCKETS          (KEEL_EVTCHN_PORTS / EVTCHN_PORTS_PER_BUCKET)

enum evtchn_state {
	EVTCHN_FREE = 0,
	EVTCHN_UNBOUND,       /* remote_domid may bind to it */
	EVTCHN_INTERDOMAIN,   /* connected to remote's remote_port */
	EVTCHN_VIRQ,
	EVTCHN_IPI,
	EVTCHN_RESERVED,      /* port 0: never handed out */
	EVTCHN_PIRQ,          /* a physical interrupt line of dom0 (pirq.c) */
};

/* One port: 16 bytes, so a bucket of 32 is 512 bytes. */
struct evtchn_port {
	uint8_t state;            /* enum evtchn_state */
	uint8_t vcpu;             /* the vCPU it is delivered to */
	uint8_t virq;             /* EVTCHN_VIRQ */
	uint8_t pad;
	union {
		uint16_t remote_port; /* EVTCHN_INTERDOMAIN */
		uint16_t pirq;        /* EVTCHN_PIRQ: the IRQ as dom0 named it */
	};
	uint16_t remote_domid;    /* EVTCHN_UNBOUND: who may bind (and EVTCHN_INTERDOMAIN: who it is) */
	struct domain *remote;    /* EVTCHN_INTERDOMAIN */
};

/*
 * A domain's ports, embedded in struct domain. Buckets are allocated on first use and never
 * move or shrink until the domain dies, so a peer may read a port's vCPU binding without
 * this lock (it holds its own, which keeps this domain alive: see above).
 */
struct evtchn_domain {
	spinlock_t lock;
	bool dead;                         /* torn down: ports can no longer be made or used */
	uint8_t upcall_vector;             /* 0 until SET_UPCALL */
	uint16_t ports_in_use;             /* allocated ports (not port 0) */
	uint16_t virq_port[KEEL_MAX_VCPUS][KEEL_VIRQ_COUNT];   /* 0 = not bound */
	struct evtchn_port *buckets[EVTCHN_BUCKETS];
};

/* The commands of event_channel.h; 'd' is the caller's domain, 'self' its id. Each returns 0 or -KEEL_E*. */
int evtchn_alloc_unbound(struct domain *d, uint32_t remote_dom, uint32_t *port);
int evtchn_bind_interdomain(struct domain *d, uint32_t remote_dom, uint32_t remote_port, uint32_t *local_port);
int evtchn_bind_virq(struct domain *d, uint32_t virq, uint32_t vcpu, uint32_t *port);
int evtchn_bind_ipi(struct domain *d, uint32_t vcpu, uint32_t *port);
int evtchn_close(struct domain *d, uint32_t port);
int evtchn_send(struct domain *d, uint32_t port);
int evtchn_status(struct domain *d, struct keel_evtchn_status *st);
int evtchn_unmask(struct domain *d, uint32_t port);
int evtchn_bind_vcpu(struct domain *d, uint32_t port, uint32_t vcpu);
int evtchn_set_upcall(struct domain *d, uint32_t vector);

/* PIRQ ports (pirq.c decides which line, these only keep the port). BIND: -KEEL_EINVAL for a
 * vCPU that does not exist. PIRQ_OF: the IRQ bound to a PIRQ port, -KEEL_EBADF otherwise. */
int evtchn_bind_pirq(struct domain *d, uint32_t irq, uint32_t vcpu, uint32_t *port);
int evtchn_pirq_of(struct domain *d, uint32_t port, uint32_t *irq);
/* The line fired: sets the port pending if it is still bound to this IRQ (under pirq_lock). */
void evtchn_raise_pirq(struct domain *d, uint32_t port, uint32_t irq);

/* Sends a VIRQ to the port v has bound it to, if any; false if v has not bound it. */
bool evtchn_send_virq(struct vcpu *v, unsigned int virq);
/* Sends KEEL_VIRQ_DOM_EXC to dom0, if it exists and bound it: 'd' has shut down or crashed. */
void evtchn_notify_domain_ended(const struct domain *d);

/* Before each guest entry: asks the backend to deliver the upcall if one is due. */
void evtchn_upcall_before_entry(struct vcpu *v);

/* The R1 check of shared_info.h: an event is pending for v (BLOCK and HLT must not sleep). */
bool evtchn_upcall_pending(const struct vcpu *v);

/* Closes every port of a dying domain (peers become unbound) and frees the table. */
void evtchn_domain_destroy(struct domain *d);

/* Ports allocated in all domains, for leak checks (sysctl PHYSINFO). */
uint32_t evtchn_ports_allocated(void);

#endif
