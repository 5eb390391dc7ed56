/* control.h: the privileged hypercalls (domctl, sysctl) and vcpu_op, typed for guests. */
#ifndef GUEST_CONTROL_H
#define GUEST_CONTROL_H

#include <stdint.h>

#include <keel/domctl.h>
#include <keel/sysctl.h>
#include <keel/vcpu_op.h>

#include "hypercall.h"

/* The raw calls: 0 or a negated KEEL_E* error. domctl and sysctl succeed only in dom0. */
static inline long keel_domctl(struct keel_domctl *op)
{
	return hypercall1(KEEL_HC_DOMCTL, (uintptr_t)op);
}

static inline long keel_sysctl(struct keel_sysctl *op)
{
	return hypercall1(KEEL_HC_SYSCTL, (uintptr_t)op);
}

static inline long keel_vcpu_op(unsigned int cmd, unsigned int vcpu, const struct keel_vcpu_context *ctx)
{
	return hypercall3(KEEL_HC_VCPU_OP, cmd, vcpu, (uintptr_t)ctx);
}

/* One-line forms of the domctl commands a toolstack uses most; each returns 0 or -KEEL_E*. */
long domctl_create(const char *name, uint64_t max_pages, uint32_t nr_vcpus, uint32_t *domid);
long domctl_simple(uint32_t cmd, uint32_t domid);   /* DESTROY, PAUSE, UNPAUSE, REQUEST_SHUTDOWN */
long domctl_populate(uint32_t domid, uint64_t nr_pages);
long domctl_getinfo(uint32_t domid, struct keel_domctl_info *info);   /* exactly this domain */
/* The first domain with id >= 'from' (*domid says which): walks every domain; -KEEL_ESRCH past the last. */
long domctl_getinfo_next(uint32_t from, uint32_t *domid, struct keel_domctl_info *info);
long domctl_map_foreign(uint32_t domid, uint64_t target_gpa, uint64_t local_gpa, uint64_t count);
long domctl_set_vcpu_context(uint32_t domid, uint32_t vcpu, const struct keel_vcpu_context *ctx);
long domctl_set_affinity(uint32_t domid, uint32_t vcpu, uint64_t cpumask);
long domctl_set_sched(uint32_t domid, uint32_t weight, uint32_t cap);
long domctl_shutdown(uint32_t domid, uint32_t reason);
long sysctl_physinfo(struct keel_sysctl_physinfo *info);
/* Up to *size bytes of the hypervisor log from 'offset'; *size returns the bytes read (0 = end). */
long sysctl_read_log(uint64_t offset, void *buf, uint64_t *size);
long sysctl_vcpu_info(uint32_t domid, uint32_t vcpu, struct keel_sysctl_vcpu_info *info);

#endif
