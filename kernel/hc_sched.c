/* hc_sched.c: the sched_op hypercall: yield, block, and ending the domain. */
#include "hc_sched.h"

#include "domain.h"
#include "keel/abi.h"
#include "keel/sched.h"
#include "sched.h"
#include "vcpu.h"

int64_t hc_sched_op(struct vcpu *v, uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5)
{
	(void)a3, (void)a4, (void)a5;
	switch (cmd) {
	case KEEL_SCHED_YIELD:
		sched_yield_vcpu(v);
		return 0;
	case KEEL_SCHED_BLOCK:
		v->blocked_in = "sched_op block";
		sched_block(v);
		return 0;
	case KEEL_SCHED_SHUTDOWN:
		if (arg > KEEL_SHUTDOWN_CRASH)
			return -KEEL_EINVAL;
		domain_shutdown(v->domain, (unsigned int)arg);
		return 0;
	default:
		return -KEEL_ENOSYS;
	}
}
