/* hc_evtchn.c: the event_channel_op hypercall: copies each command's structure in and out around evtchn.c. */
#include "hc_evtchn.h"

#include "domain.h"
#include "evtchn.h"
#include "guest_access.h"
#include "keel/abi.h"
#include "keel/event_channel.h"
#include "vcpu.h"

/* The largest command structure (STATUS). */
#define ARG_MAX sizeof(struct keel_evtchn_status)

/* Bytes of each command's structure, and whether it has OUT fields; 0 = unknown command. */
static const struct {
	uint8_t size;
	bool out;
} commands[] = {
	[KEEL_EVTCHNOP_ALLOC_UNBOUND]    = { sizeof(struct keel_evtchn_alloc_unbound), true },
	[KEEL_EVTCHNOP_BIND_INTERDOMAIN] = { sizeof(struct keel_evtchn_bind_interdomain), true },
	[KEEL_EVTCHNOP_BIND_VIRQ]        = { sizeof(struct keel_evtchn_bind_virq), true },
	[KEEL_EVTCHNOP_BIND_IPI]         = { sizeof(struct keel_evtchn_bind_ipi), true },
	[KEEL_EVTCHNOP_CLOSE]            = { sizeof(struct keel_evtchn_port), false },
	[KEEL_EVTCHNOP_SEND]             = { sizeof(struct keel_evtchn_port), false },
	[KEEL_EVTCHNOP_STATUS]           = { sizeof(struct keel_evtchn_status), true },
	[KEEL_EVTCHNOP_UNMASK]           = { sizeof(struct keel_evtchn_port), false },
	[KEEL_EVTCHNOP_BIND_VCPU]        = { sizeof(struct keel_evtchn_bind_vcpu), false },
	[KEEL_EVTCHNOP_SET_UPCALL]       = { sizeof(struct keel_evtchn_set_upcall), false },
};

/* Runs the command on the copy in 'arg'; OUT fields are filled in there. */
static int run(struct domain *d, uint64_t cmd, void *arg)
{
	switch (cmd) {
	case KEEL_EVTCHNOP_ALLOC_UNBOUND: {
		struct keel_evtchn_alloc_unbound *a = arg;
		return evtchn_alloc_unbound(d, a->remote_dom, &a->port);
	}
	case KEEL_EVTCHNOP_BIND_INTERDOMAIN: {
		struct keel_evtchn_bind_interdomain *a = arg;
		return evtchn_bind_interdomain(d, a->remote_dom, a->remote_port, &a->local_port);
	}
	case KEEL_EVTCHNOP_BIND_VIRQ: {
		struct keel_evtchn_bind_virq *a = arg;
		return evtchn_bind_virq(d, a->virq, a->vcpu, &a->port);
	}
	case KEEL_EVTCHNOP_BIND_IPI: {
		struct keel_evtchn_bind_ipi *a = arg;
		return evtchn_bind_ipi(d, a->vcpu, &a->port);
	}
	case KEEL_EVTCHNOP_CLOSE:
		return evtchn_close(d, ((struct keel_evtchn_port *)arg)->port);
	case KEEL_EVTCHNOP_SEND:
		return evtchn_send(d, ((struct keel_evtchn_port *)arg)->port);
	case KEEL_EVTCHNOP_STATUS:
		return evtchn_status(d, arg);
	case KEEL_EVTCHNOP_UNMASK:
		return evtchn_unmask(d, ((struct keel_evtchn_port *)arg)->port);
	case KEEL_EVTCHNOP_BIND_VCPU: {
		struct keel_evtchn_bind_vcpu *a = arg;
		return evtchn_bind_vcpu(d, a->port, a->vcpu);
	}
	case KEEL_EVTCHNOP_SET_UPCALL:
		return evtchn_set_upcall(d, ((struct keel_evtchn_set_upcall *)arg)->vector);
	default:
		return -KEEL_ENOSYS;
	}
}

/* The port a successful command created, so it can be taken back if its result cannot be written. */
static uint32_t created_port(uint64_t cmd, const void *arg)
{
	switch (cmd) {
	case KEEL_EVTCHNOP_ALLOC_UNBOUND:
		return ((const struct keel_evtchn_alloc_unbound *)arg)->port;
	case KEEL_EVTCHNOP_BIND_INTERDOMAIN:
		return ((const struct keel_evtchn_bind_interdomain *)arg)->local_port;
	case KEEL_EVTCHNOP_BIND_VIRQ:
		return ((const struct keel_evtchn_bind_virq *)arg)->port;
	case KEEL_EVTCHNOP_BIND_IPI:
		return ((const struct keel_evtchn_bind_ipi *)arg)->port;
	default:
		return 0;
	}
}

int64_t hc_event_channel_op(struct vcpu *v, uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5)
{
	(void)a3, (void)a4, (void)a5;
	uint64_t buf[ARG_MAX / 8];
	if (cmd >= sizeof(commands) / sizeof(commands[0]) || !commands[cmd].size)
		return -KEEL_ENOSYS;
	size_t size = commands[cmd].size;
	if (copy_from_guest(v, buf, arg, size))
		return -KEEL_EFAULT;
	/* Writing the unchanged bytes back proves the OUT fields can be written before anything happens. */
	if (commands[cmd].out && copy_to_guest(v, arg, buf, size))
		return -KEEL_EFAULT;
	int rc = run(v->domain, cmd, buf);
	if (rc || !commands[cmd].out)
		return rc;
	if (copy_to_guest(v, arg, buf, size)) {
		/* Another vCPU unmapped it meanwhile: undo, so no port leaks that the guest never heard of. */
		uint32_t port = created_port(cmd, buf);
		if (port)
			evtchn_close(v->domain, port);
		return -KEEL_EFAULT;
	}
	return 0;
}
