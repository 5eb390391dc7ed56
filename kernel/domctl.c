/* domctl.c: the domctl hypercall: dom0 creates, builds, runs, inspects and destroys domains. */
#include "domctl.h"

#include <stdbool.h>

#include "domain.h"
#include "evtchn.h"
#include "foreign_map.h"
#include "frame.h"
#include "grant.h"
#include "guest_access.h"
#include "keel/abi.h"
#include "keel/domctl.h"
#include "keel/sched.h"
#include "log.h"
#include "sched.h"
#include "spinlock.h"
#include "string.h"
#include "vcpu.h"
#include "vcpu_context.h"

static spinlock_t domctl_serial = SPINLOCK_INIT;

void domctl_lock(void)
{
	spin_lock(&domctl_serial);
}

void domctl_unlock(void)
{
	spin_unlock(&domctl_serial);
}

/* [A-Za-z0-9_.-], NUL-terminated inside the field, not empty. */
static bool valid_name(const char name[KEEL_DOMAIN_NAME_MAX])
{
	size_t len = strnlen(name, KEEL_DOMAIN_NAME_MAX);
	if (len == 0 || len == KEEL_DOMAIN_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
		      c == '.' || c == '-'))
			return false;
	}
	return true;
}

uint32_t domctl_domain_state(const struct domain *d)
{
	switch (d->state) {
	case DOMAIN_BUILDING:
		return KEEL_DOMSTATE_BUILDING;
	case DOMAIN_PAUSED:
		/* The boot builder leaves a domain PAUSED until its first start: still being built. */
		return d->started ? KEEL_DOMSTATE_PAUSED : KEEL_DOMSTATE_BUILDING;
	case DOMAIN_RUNNING: {
		unsigned int up = 0, blocked = 0;
		for (unsigned int i = 0; i < d->nr_vcpus; i++) {
			const struct vcpu *v = d->vcpus[i];
			if (v && v->up) {
				up++;
				blocked += __atomic_load_n(&v->state, __ATOMIC_RELAXED) == VCPU_BLOCKED;
			}
		}
		return up && blocked == up ? KEEL_DOMSTATE_BLOCKED : KEEL_DOMSTATE_RUNNING;
	}
	case DOMAIN_SHUTDOWN:
		return KEEL_DOMSTATE_SHUTDOWN;
	case DOMAIN_CRASHED:
		return KEEL_DOMSTATE_CRASHED;
	case DOMAIN_DYING:
		break;
	}
	return KEEL_DOMSTATE_DYING;
}

/* The domain a command acts on; -KEEL_ESRCH if none, -KEEL_EPERM if it is a privileged one. */
static int find_target(uint32_t domid, struct domain **out)
{
	struct domain *d = domain_find(domid);
	if (!d)
		return -KEEL_ESRCH;
	if (d->privileged)
		return -KEEL_EPERM;   /* dom0 cannot be paused, built, ended or destroyed through domctl */
	*out = d;
	return 0;
}

static int do_create(struct keel_domctl *op)
{
	struct keel_domctl_create *c = &op->u.create;
	if (!valid_name(c->name) || c->nr_vcpus == 0 || c->nr_vcpus > DOMAIN_MAX_VCPUS || c->max_pages == 0)
		return -KEEL_EINVAL;
	if (c->max_pages > frame_free_count())
		return -KEEL_ENOMEM;   /* a reservation that could never be populated */
	int rc;
	struct domain *d = domain_create(c->name, c->max_pages, c->nr_vcpus, false, &rc);
	if (!d)
		return rc;
	op->domid = d->id;
	pr_debug("dom%u (%s): created by dom0, %u vCPU(s), at most %llu pages\n", d->id, d->name, d->nr_vcpus,
		 (unsigned long long)d->max_pages);
	return 0;
}

/* Safe on SMP: every vCPU is off its CPU (and stays off) before anything is freed. */
static int do_destroy(struct domain *d)
{
	struct vcpu *vcpus[DOMAIN_MAX_VCPUS];
	unsigned int n = 0;
	spin_lock(&d->lock);
	d->state = DOMAIN_DYING;   /* vcpu_op UP refuses to add vCPUs from now on */
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		if (d->vcpus[i])
			vcpus[n++] = d->vcpus[i];
	spin_unlock(&d->lock);
	for (unsigned int i = 0; i < n; i++)
		sched_vcpu_pause(vcpus[i]);
	for (unsigned int i = 0; i < n; i++)
		sched_kill(vcpus[i]);
	uint32_t id = d->id;
	uint64_t pages = d->nr_pages;
	domain_destroy(d);
	pr_debug("dom%u: destroyed by dom0, %llu pages freed\n", id, (unsigned long long)pages);
	return 0;
}

static void fill_info(const struct domain *d, struct keel_domctl *op)
{
	struct keel_domctl_info *info = &op->u.info;
	memset(info, 0, sizeof(*info));
	op->domid = d->id;
	info->state = domctl_domain_state(d);
	info->shutdown_reason = d->state == DOMAIN_SHUTDOWN ? d->shutdown_reason : 0;
	info->nr_vcpus = d->nr_vcpus;
	info->vcpus_up = domain_vcpus_up(d);
	info->max_pages = d->max_pages;
	info->nr_pages = d->nr_pages;
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		if (d->vcpus[i])
			info->cpu_time_ns += vcpu_cpu_time_ns(d->vcpus[i]);
	strlcpy(info->name, d->name, sizeof(info->name));
}

static int do_set_max_mem(struct domain *d, uint64_t max_pages)
{
	if (max_pages == 0 || max_pages < d->nr_pages)
		return -KEEL_EINVAL;
	if (max_pages - d->nr_pages > frame_free_count())
		return -KEEL_ENOMEM;
	d->max_pages = max_pages;
	return 0;
}

static int do_set_vcpu_context(struct domain *d, const struct keel_domctl_vcpu_context *c)
{
	if (d->state != DOMAIN_BUILDING || !d->nr_pages || c->vcpu >= d->nr_vcpus)
		return -KEEL_EINVAL;
	struct vcpu_boot_state boot;
	struct vcpu_regs regs;
	int rc = vcpu_context_load(d, &c->ctx, &boot, &regs);
	if (rc)
		return rc;
	/* vCPU 0's GDT is the domain's boot GDT: later contexts and vcpu_op UP may say 0 for it. */
	if (c->vcpu == 0)
		d->boot_gdt_gpa = boot.gdtr_base;
	struct vcpu *v = d->vcpus[c->vcpu];
	if (v) {
		rc = vcpu_reset(v, &boot, &regs);   /* a BUILDING domain never ran: v is on no CPU */
	} else {
		v = vcpu_create(d, c->vcpu, &boot, &regs, &rc);
		rc = v ? 0 : rc;
	}
	if (!rc)
		v->up = true;
	return rc;
}

static int do_map_foreign(struct vcpu *caller, uint32_t domid, const struct keel_domctl_map_foreign *m)
{
	if (m->count == 0)
		return foreign_map_remove(caller->domain, m->local_gpa);
	struct domain *d;
	int rc = find_target(domid, &d);
	if (rc)
		return rc;
	if (d->state != DOMAIN_BUILDING)
		return -KEEL_EINVAL;   /* a running domain's memory is its own */
	return foreign_map_add(caller->domain, d, m->local_gpa, m->target_gpa, m->count);
}

static int do_affinity(struct domain *d, const struct keel_domctl_affinity *a)
{
	if (a->vcpu >= d->nr_vcpus || !d->vcpus[a->vcpu] || !a->cpumask)
		return -KEEL_EINVAL;
	return sched_set_affinity(d->vcpus[a->vcpu], a->cpumask);
}

static int do_shutdown(struct domain *d, uint32_t reason)
{
	if (reason > KEEL_SHUTDOWN_CRASH)
		return -KEEL_EINVAL;
	if (d->state == DOMAIN_SHUTDOWN || d->state == DOMAIN_CRASHED || d->state == DOMAIN_DYING)
		return -KEEL_EINVAL;
	/* The forced end; REQUEST_SHUTDOWN is the polite way to ask first. */
	domain_shutdown(d, reason);
	return 0;
}

static int do_request_shutdown(struct domain *d)
{
	if (d->state != DOMAIN_RUNNING && d->state != DOMAIN_PAUSED)
		return -KEEL_EINVAL;
	/* A guest that never bound the VIRQ cannot act on it: dom0 should not wait for it. */
	return evtchn_send_virq(d->vcpus[0], KEEL_VIRQ_SHUTDOWN) ? 0 : -KEEL_ENOENT;
}

/*
 * A split device's page and port (domctl.h): the grant is made exactly as the target's own
 * GRANT would make it, so every grant rule holds for it, G6 included (a page dom0 still
 * maps when the target dies stays with dom0 until it unmaps).
 */
static int do_device_channel(struct domain *d, uint32_t backend, struct keel_domctl_device_channel *c)
{
	if (domctl_domain_state(d) != KEEL_DOMSTATE_BUILDING)
		return -KEEL_EINVAL;   /* a running domain decides for itself what it shares */
	int rc = grant_create(d, c->gpa, backend, 0, &c->ref);   /* -KEEL_EINVAL unless a page of its RAM */
	if (rc)
		return rc;
	rc = evtchn_alloc_unbound(d, backend, &c->port);
	if (rc)
		grant_end(d, c->ref);   /* nobody has mapped it yet: it ends at once */
	return rc;
}

/* Commands that act on an existing domain other than the caller's: looked up, then run. */
static int dispatch_target(struct vcpu *caller, struct keel_domctl *op)
{
	struct domain *d;
	if (op->cmd == KEEL_DOMCTL_GETINFO) {
		d = domain_find_next(op->domid);
		if (!d)
			return -KEEL_ESRCH;
		fill_info(d, op);
		return 0;
	}
	/* Affinity and weights make sense for dom0 too; everything else refuses it. */
	if (op->cmd == KEEL_DOMCTL_SET_AFFINITY || op->cmd == KEEL_DOMCTL_SET_SCHED || op->cmd == KEEL_DOMCTL_SET_MAX_MEM) {
		d = domain_find(op->domid);
		if (!d)
			return -KEEL_ESRCH;
	} else {
		int rc = find_target(op->domid, &d);
		if (rc)
			return rc;
	}
	switch (op->cmd) {
	case KEEL_DOMCTL_DESTROY:
		return do_destroy(d);
	case KEEL_DOMCTL_PAUSE:
		return domain_pause(d);
	case KEEL_DOMCTL_UNPAUSE:
		return domain_unpause(d);
	case KEEL_DOMCTL_SET_MAX_MEM:
		return do_set_max_mem(d, op->u.max_pages);
	case KEEL_DOMCTL_POPULATE:
		return domain_populate(d, op->u.populate.nr_pages);
	case KEEL_DOMCTL_SET_VCPU_CONTEXT:
		return do_set_vcpu_context(d, &op->u.vcpu_context);
	case KEEL_DOMCTL_SET_AFFINITY:
		return do_affinity(d, &op->u.affinity);
	case KEEL_DOMCTL_SET_SCHED:
		return sched_set_params(d, op->u.sched.weight, op->u.sched.cap);
	case KEEL_DOMCTL_SHUTDOWN:
		return do_shutdown(d, op->u.shutdown_reason);
	case KEEL_DOMCTL_DEVICE_CHANNEL:
		return do_device_channel(d, caller->domain->id, &op->u.device_channel);
	case KEEL_DOMCTL_REQUEST_SHUTDOWN:
		return do_request_shutdown(d);
	}
	return -KEEL_ENOSYS;
}

static int dispatch(struct vcpu *caller, struct keel_domctl *op)
{
	switch (op->cmd) {
	case KEEL_DOMCTL_CREATE:
		return do_create(op);
	case KEEL_DOMCTL_MAP_FOREIGN:
		return do_map_foreign(caller, op->domid, &op->u.map_foreign);
	case KEEL_DOMCTL_DESTROY:
	case KEEL_DOMCTL_PAUSE:
	case KEEL_DOMCTL_UNPAUSE:
	case KEEL_DOMCTL_GETINFO:
	case KEEL_DOMCTL_SET_MAX_MEM:
	case KEEL_DOMCTL_POPULATE:
	case KEEL_DOMCTL_SET_VCPU_CONTEXT:
	case KEEL_DOMCTL_SET_AFFINITY:
	case KEEL_DOMCTL_SET_SCHED:
	case KEEL_DOMCTL_SHUTDOWN:
	case KEEL_DOMCTL_DEVICE_CHANNEL:
	case KEEL_DOMCTL_REQUEST_SHUTDOWN:
		return dispatch_target(caller, op);
	default:
		return -KEEL_ENOSYS;
	}
}

int64_t hc_domctl(struct vcpu *v, uint64_t op_gva, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	(void)a2, (void)a3, (void)a4, (void)a5;
	/* Before anything else: an unprivileged caller learns nothing, not even whether 'op' is mapped. */
	if (!v->domain->privileged)
		return -KEEL_EPERM;

	struct keel_domctl op;
	if (copy_from_guest(v, &op, op_gva, sizeof(op)))
		return -KEEL_EFAULT;
	/* Only CREATE, GETINFO and DEVICE_CHANNEL have OUT fields, and the buffer must take them:
	 * probed first, by writing back what is there, so nothing is made that nobody learns of. */
	bool writes_back = op.cmd == KEEL_DOMCTL_CREATE || op.cmd == KEEL_DOMCTL_GETINFO ||
			   op.cmd == KEEL_DOMCTL_DEVICE_CHANNEL;
	if (writes_back && copy_to_guest(v, op_gva, &op, sizeof(op)))
		return -KEEL_EFAULT;
	domctl_lock();
	int rc = dispatch(v, &op);
	domctl_unlock();
	if (rc == 0 && writes_back && copy_to_guest(v, op_gva, &op, sizeof(op)))
		rc = -KEEL_EFAULT;
	return rc;
}
