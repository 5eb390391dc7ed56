/* hc_physdev.h: the physdev_op hypercall (pv-abi/keel/physdev.h): dom0's serial console and physical interrupts. */
#ifndef KEEL_HC_PHYSDEV_H
#define KEEL_HC_PHYSDEV_H

#include <stdint.h>

struct vcpu;

int64_t hc_physdev_op(struct vcpu *v, uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5);

#endif
