/* hc_evtchn.h: the event_channel_op hypercall (pv-abi/keel/event_channel.h). */
#ifndef KEEL_HC_EVTCHN_H
#define KEEL_HC_EVTCHN_H

#include <stdint.h>

struct vcpu;

int64_t hc_event_channel_op(struct vcpu *v, uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5);

#endif
