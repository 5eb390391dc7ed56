/* hc_sched.h: the sched_op hypercall (pv-abi/keel/sched.h). */
#ifndef KEEL_HC_SCHED_H
#define KEEL_HC_SCHED_H

#include <stdint.h>

struct vcpu;

int64_t hc_sched_op(struct vcpu *v, uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5);

#endif
