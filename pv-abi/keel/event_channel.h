/*
 * event_channel.h: event channels, the one asynchronous notification mechanism
 * (KEEL_HC_EVENT_CHANNEL_OP).
 *
 *     long event_channel_op(uint64_t cmd, void *arg)
 *
 * 'arg' is the guest-virtual address of the command's structure below; IN fields are
 * read, OUT fields written back on success. Every command returns 0 or a negated error.
 * Errors common to all commands:
 *   -KEEL_EFAULT  'arg' is not mapped (readable, and writable when there are OUT fields)
 *   -KEEL_ENOSYS  unknown cmd
 *   -KEEL_EINVAL  a field is out of range (a port >= KEEL_EVTCHN_PORTS, a vcpu that does
 *                 not exist, an unknown VIRQ, a vector outside 32..255)
 *   -KEEL_EBADF   the port is not allocated (or not in the state the command needs)
 *
 * A port is a small integer, unique within its domain, 1 .. KEEL_EVTCHN_PORTS-1 (port 0 is
 * never allocated). Each port is in one state: free, unbound (waiting for a given remote
 * domain to bind), interdomain (connected to a remote port), virq, or ipi. Delivery and
 * the pending/mask bitmaps are described in shared_info.h; a new port starts unmasked,
 * not pending, bound to vCPU 0.
 *
 * Closing a port that is connected also makes the remote end unbound again (waiting for
 * this domain), so the peer can tell with STATUS. When a domain dies, every port it had
 * is closed that way. A pending bit of a closed port is cleared.
 */
#ifndef KEEL_PV_EVENT_CHANNEL_H
#define KEEL_PV_EVENT_CHANNEL_H

#include <stdint.h>

#define KEEL_DOMID_SELF  0x7ff0u   /* "the calling domain" wherever a domid is expected */

/* cmd values */
#define KEEL_EVTCHNOP_ALLOC_UNBOUND     0
#define KEEL_EVTCHNOP_BIND_INTERDOMAIN  1
#define KEEL_EVTCHNOP_BIND_VIRQ         2
#define KEEL_EVTCHNOP_BIND_IPI          3
#define KEEL_EVTCHNOP_CLOSE             4
#define KEEL_EVTCHNOP_SEND              5
#define KEEL_EVTCHNOP_STATUS            6
#define KEEL_EVTCHNOP_UNMASK            7
#define KEEL_EVTCHNOP_BIND_VCPU         8
#define KEEL_EVTCHNOP_SET_UPCALL        9

/* Virtual interrupts a port can be bound to (one port per VIRQ per vCPU). */
#define KEEL_VIRQ_TIMER      0   /* the vCPU's set_timer deadline passed (timer.h) */
#define KEEL_VIRQ_DOM_EXC    1   /* dom0 only: some domain shut down or crashed */
#define KEEL_VIRQ_CONSOLE    2   /* dom0 only: another domain wrote with console_io (sysctl CONSOLE_READ) */
#define KEEL_VIRQ_SHUTDOWN   3   /* dom0 asks this domain to shut down (domctl REQUEST_SHUTDOWN) */
#define KEEL_VIRQ_COUNT      4

/* ALLOC_UNBOUND: a port that 'remote_dom' may later bind to. -KEEL_ESRCH: no such domain. */
struct keel_evtchn_alloc_unbound {
	uint32_t remote_dom;   /* IN */
	uint32_t port;         /* OUT */
};

/*
 * BIND_INTERDOMAIN: connects a new local port to 'remote_port' of 'remote_dom', which
 * must be unbound and waiting for the caller. -KEEL_ESRCH: no such domain;
 * -KEEL_EBADF: that port is not unbound-for-us.
 */
struct keel_evtchn_bind_interdomain {
	uint32_t remote_dom;   /* IN */
	uint32_t remote_port;  /* IN */
	uint32_t local_port;   /* OUT */
	uint32_t pad;
};

/* BIND_VIRQ: -KEEL_EEXIST if that VIRQ is already bound on that vCPU; -KEEL_EPERM for
 * a VIRQ reserved to dom0. */
struct keel_evtchn_bind_virq {
	uint32_t virq;         /* IN: KEEL_VIRQ_* */
	uint32_t vcpu;         /* IN */
	uint32_t port;         /* OUT */
	uint32_t pad;
};

/* BIND_IPI: a port that, when sent, is delivered to 'vcpu' of the caller's own domain. */
struct keel_evtchn_bind_ipi {
	uint32_t vcpu;         /* IN */
	uint32_t port;         /* OUT */
};

/* CLOSE, SEND, UNMASK: one port. SEND on an unbound port is a no-op that succeeds. */
struct keel_evtchn_port {
	uint32_t port;         /* IN */
	uint32_t pad;
};

#define KEEL_EVTCHNSTAT_CLOSED       0
#define KEEL_EVTCHNSTAT_UNBOUND      1
#define KEEL_EVTCHNSTAT_INTERDOMAIN  2
#define KEEL_EVTCHNSTAT_VIRQ         3
#define KEEL_EVTCHNSTAT_IPI          4
#define KEEL_EVTCHNSTAT_PIRQ         5   /* a physical interrupt line (physdev.h) */

/* STATUS: what a port of the caller is. A free port reports CLOSED (not an error). */
struct keel_evtchn_status {
	uint32_t port;         /* IN */
	uint32_t status;       /* OUT: KEEL_EVTCHNSTAT_* */
	uint32_t vcpu;         /* OUT: the vCPU it is delivered to */
	uint32_t remote_dom;   /* OUT: UNBOUND and INTERDOMAIN */
	uint32_t remote_port;  /* OUT: INTERDOMAIN */
	uint32_t virq;         /* OUT: VIRQ; PIRQ: the IRQ (physdev.h) */
};

/* BIND_VCPU: deliver this port to another vCPU from now on (not VIRQ ports). */
struct keel_evtchn_bind_vcpu {
	uint32_t port;         /* IN */
	uint32_t vcpu;         /* IN */
};

/* SET_UPCALL: the IDT vector the domain's upcall is delivered on (32..255). Until it is
 * set, events are recorded but no interrupt is delivered. */
struct keel_evtchn_set_upcall {
	uint32_t vector;       /* IN */
	uint32_t pad;
};

#endif
