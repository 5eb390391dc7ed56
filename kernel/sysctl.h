/* sysctl.h: the sysctl hypercall (pv-abi/keel/sysctl.h): dom0 inspects the machine. */
#ifndef KEEL_SYSCTL_H
#define KEEL_SYSCTL_H

#include <stdint.h>

struct vcpu;

int64_t hc_sysctl(struct vcpu *v, uint64_t op, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5);

#endif
