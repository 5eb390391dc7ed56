/* hc_vcpu.c: the vcpu_op hypercall: a domain brings its own vCPUs up and down. */
#include "hc_vcpu.h"

#include <stdbool.h>

#include "domain.h"
#include "guest_access.h"
#include "keel/abi.h"
#include "keel/vcpu_op.h"
#include "sched.h"
#include "vcpu.h"
#include "vcpu_context.h"

static bool domain_alive(const struct domain *d)
{
	return d->state == DOMAIN_RUNNING || d->state == DOMAIN_PAUSED;
}

/* A vCPU that never existed: created and started (paused with its domain, if that is paused). */
static int up_new(struct domain *d, unsigned int id, const struct vcpu_boot_state *boot,
		  const struct vcpu_regs *regs)
{
	int rc = 0;
	spin_lock(&d->lock);
	if (!domain_alive(d)) {
		spin_unlock(&d->lock);
		return -KEEL_EINVAL;
	}
	struct vcpu *v = vcpu_create(d, id, boot, regs, &rc);
	if (v) {
		v->up = true;
		/* domain_pause() only pauses the vCPUs it saw; this one arrives after it. */
		if (d->state == DOMAIN_PAUSED)
			sched_vcpu_pause(v);   /* on no CPU yet: returns at once */
		sched_wake(v);
	}
	spin_unlock(&d->lock);
	return rc;
}

/* A vCPU brought down earlier: it is paused; give it a fresh start state and let it go. */
static int up_again(struct domain *d, struct vcpu *v, const struct vcpu_boot_state *boot,
		    const struct vcpu_regs *regs)
{
	/* It may still be finishing the exit in which it stopped itself: wait until it is off its CPU. */
	sched_vcpu_pause(v);
	int rc = vcpu_reset(v, boot, regs);
	spin_lock(&d->lock);
	if (!rc && !domain_alive(d))
		rc = -KEEL_EINVAL;
	if (!rc)
		v->up = true;
	spin_unlock(&d->lock);
	sched_vcpu_unpause(v);       /* the wait above */
	if (!rc) {
		sched_vcpu_unpause(v);   /* the DOWN */
		sched_wake(v);           /* in case it was blocked when it went down */
	}
	return rc;
}

static int vcpu_up(struct vcpu *caller, unsigned int id, uint64_t arg)
{
	struct domain *d = caller->domain;
	struct keel_vcpu_context ctx;
	struct vcpu_boot_state boot;
	struct vcpu_regs regs;
	if (copy_from_guest(caller, &ctx, arg, sizeof(ctx)))
		return -KEEL_EFAULT;
	if (vcpu_context_load(d, &ctx, &boot, &regs))
		return -KEEL_EINVAL;
	struct vcpu *v = d->vcpus[id];
	if (!v)
		return up_new(d, id, &boot, &regs);
	if (v->up)
		return -KEEL_EEXIST;
	return up_again(d, v, &boot, &regs);
}

static int vcpu_down(struct domain *d, unsigned int id)
{
	struct vcpu *v = d->vcpus[id];
	spin_lock(&d->lock);
	bool was_up = v && v->up;
	if (was_up)
		v->up = false;
	spin_unlock(&d->lock);
	if (!was_up)
		return -KEEL_EINVAL;
	/* Stays paused until a later UP. Stopping itself, the caller leaves its CPU after this exit. */
	sched_vcpu_pause(v);
	return 0;
}

int64_t hc_vcpu_op(struct vcpu *v, uint64_t cmd, uint64_t vcpu, uint64_t arg, uint64_t a4, uint64_t a5)
{
	(void)a4, (void)a5;
	struct domain *d = v->domain;
	if (vcpu >= d->nr_vcpus)
		return -KEEL_EINVAL;
	unsigned int id = (unsigned int)vcpu;
	if (cmd == KEEL_VCPUOP_IS_UP) {
		const struct vcpu *target = d->vcpus[id];
		return target && target->up;
	}
	if (cmd != KEEL_VCPUOP_UP && cmd != KEEL_VCPUOP_DOWN)
		return -KEEL_EINVAL;

	/*
	 * One UP or DOWN at a time per domain. Never waited for: a vCPU spinning here could not
	 * leave its CPU, and the one holding the lock may be waiting for exactly that.
	 */
	if (!spin_trylock(&d->vcpu_op_lock))
		return -KEEL_EAGAIN;
	int rc = cmd == KEEL_VCPUOP_UP ? vcpu_up(v, id, arg) : vcpu_down(d, id);
	spin_unlock(&d->vcpu_op_lock);
	return rc;
}
