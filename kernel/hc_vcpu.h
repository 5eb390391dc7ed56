/* hc_vcpu.h: the vcpu_op hypercall (pv-abi/keel/vcpu_op.h): a domain starts and stops its own vCPUs. */
#ifndef KEEL_HC_VCPU_H
#define KEEL_HC_VCPU_H

#include <stdint.h>

struct vcpu;

int64_t hc_vcpu_op(struct vcpu *v, uint64_t cmd, uint64_t vcpu, uint64_t arg, uint64_t a4, uint64_t a5);

#endif
