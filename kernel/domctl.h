/* domctl.h: the domctl hypercall (pv-abi/keel/domctl.h): dom0 manages domains. */
#ifndef KEEL_DOMCTL_H
#define KEEL_DOMCTL_H

#include <stdint.h>

struct vcpu;
struct domain;

int64_t hc_domctl(struct vcpu *v, uint64_t op, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5);

/*
 * Every domctl runs under this lock, and only domctl destroys a domain once dom0 exists, so a
 * domain found by id stays valid while it is held. sysctl takes it for the same reason.
 */
void domctl_lock(void);
void domctl_unlock(void);

/* The KEEL_DOMSTATE_* GETINFO reports for d. */
uint32_t domctl_domain_state(const struct domain *d);

#endif
