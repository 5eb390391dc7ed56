/* hc_timer.h: the set_timer hypercall (pv-abi/keel/timer.h). */
#ifndef KEEL_HC_TIMER_H
#define KEEL_HC_TIMER_H

#include <stdint.h>

struct vcpu;

int64_t hc_set_timer(struct vcpu *v, uint64_t deadline_ns, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5);

#endif
