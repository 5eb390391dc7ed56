/* ops_evtchn.c: hcfuzz's event_channel_op calls: every command (and garbage ones) with plausible or random structs at any kind of pointer. */
#include "fuzz.h"

#include <keel/event_channel.h>

#include "events.h"
#include "hypercall.h"
#include "string.h"

/* The largest command struct (STATUS): the bytes the hypervisor may read or write at 'arg'. */
#define EVTCHN_ARG_BYTES sizeof(struct keel_evtchn_status)

/* Plausible IN fields for 'cmd', as consecutive uint32_t words the way each struct starts. */
static void plausible_fields(struct fuzz *f, uint64_t cmd, uint32_t w[6])
{
	struct prng *p = &f->prng;
	for (int i = 0; i < 6; i++)
		w[i] = (uint32_t)prng_next(p);
	switch (cmd) {
	case KEEL_EVTCHNOP_ALLOC_UNBOUND:
		w[0] = fuzz_domid(f);
		break;
	case KEEL_EVTCHNOP_BIND_INTERDOMAIN:
		w[0] = fuzz_domid(f);
		w[1] = fuzz_port(f);
		break;
	case KEEL_EVTCHNOP_BIND_VIRQ:
		w[0] = (uint32_t)prng_below(p, KEEL_VIRQ_COUNT + 2);
		w[1] = (uint32_t)fuzz_vcpu(f);
		break;
	case KEEL_EVTCHNOP_BIND_IPI:
		w[0] = (uint32_t)fuzz_vcpu(f);
		break;
	case KEEL_EVTCHNOP_BIND_VCPU:
		w[0] = fuzz_port(f);
		w[1] = (uint32_t)fuzz_vcpu(f);
		break;
	case KEEL_EVTCHNOP_SET_UPCALL:
		w[0] = (uint32_t)prng_below(p, 300);
		break;
	default:   /* CLOSE, SEND, STATUS, UNMASK: a port */
		w[0] = fuzz_port(f);
		break;
	}
}

long fuzz_event_channel_op(struct fuzz *f)
{
	struct prng *p = &f->prng;
	uint64_t cmd = prng_chance(p, 90) ? prng_below(p, 10) : fuzz_u64(f);
	/* CLOSE and BIND_VCPU must not reach the console or timer port: their port is read only
	 * from bytes hcfuzz wrote (or from nowhere, and the call fails). */
	bool dangerous = cmd == KEEL_EVTCHNOP_CLOSE || cmd == KEEL_EVTCHNOP_BIND_VCPU;
	uint64_t arg = fuzz_pointer(f, EVTCHN_ARG_BYTES, dangerous ? FUZZ_PTR_CONTROLLED : FUZZ_PTR_ANY);
	if (fuzz_in_arena(f, arg, EVTCHN_ARG_BYTES)) {
		uint32_t w[6];
		if (prng_chance(p, 80)) {
			plausible_fields(f, cmd, w);
			memcpy((void *)(uintptr_t)arg, w, sizeof w);
		}
		memcpy(w, (const void *)(uintptr_t)arg, sizeof w);
		if (dangerous && fuzz_port_protected(f, w[0]))
			cmd = KEEL_EVTCHNOP_STATUS;
	}
	if (cmd == KEEL_EVTCHNOP_SET_UPCALL)
		f->upcall_touched = true;
	long rc = hypercall2(KEEL_HC_EVENT_CHANNEL_OP, cmd, arg);
	if (cmd > KEEL_EVTCHNOP_SET_UPCALL && rc != -KEEL_ENOSYS)
		fuzz_violation(f, "event_channel_op with an unknown cmd", rc);
	return rc;
}
