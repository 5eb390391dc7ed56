/* hc_physdev.c: the physdev_op hypercall: copies each command's structure in and out around pirq.c and the console claim. */
#include "hc_physdev.h"

#include "console.h"
#include "domain.h"
#include "guest_access.h"
#include "io_policy.h"
#include "keel/abi.h"
#include "keel/physdev.h"
#include "pirq.h"
#include "vcpu.h"

static int claim_console(struct vcpu *v, uint64_t arg)
{
	struct keel_physdev_console c = { 0 };
	if (console_claim(&c.base, &c.irq))
		return -KEEL_ENODEV;
	/* A repeated claim changes nothing: the ports are dom0's already. */
	io_policy_console_claimed(v->domain, c.base);
	return copy_to_guest(v, arg, &c, sizeof(c));
}

static int bind_irq(struct vcpu *v, uint64_t arg)
{
	struct keel_physdev_bind_irq b;
	int rc = copy_from_guest(v, &b, arg, sizeof(b));
	if (rc)
		return rc;
	rc = pirq_bind(v->domain, b.irq, b.flags, b.vcpu, &b.port);
	if (rc)
		return rc;
	rc = copy_to_guest(v, arg, &b, sizeof(b));
	if (rc)
		evtchn_close(v->domain, b.port);   /* the caller cannot learn the port: nothing stays bound */
	return rc;
}

static int map_msi(struct vcpu *v, uint64_t arg)
{
	struct keel_physdev_map_msi m;
	int rc = copy_from_guest(v, &m, arg, sizeof(m));
	if (rc)
		return rc;
	rc = pirq_map_msi(v->domain, m.vcpu, m.flags, &m.port, &m.address, &m.data);
	if (rc)
		return rc;
	rc = copy_to_guest(v, arg, &m, sizeof(m));
	if (rc)
		evtchn_close(v->domain, m.port);   /* the caller cannot learn the message: the vector goes back */
	return rc;
}

static int irq_eoi(struct vcpu *v, uint64_t arg)
{
	struct keel_physdev_irq_eoi e;
	int rc = copy_from_guest(v, &e, arg, sizeof(e));
	return rc ? rc : pirq_eoi(v->domain, e.port);
}

int64_t hc_physdev_op(struct vcpu *v, uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5)
{
	(void)a3, (void)a4, (void)a5;
	/* Before anything else: an unprivileged caller learns nothing, not even which commands exist. */
	if (!v->domain->privileged)
		return -KEEL_EPERM;
	switch (cmd) {
	case KEEL_PHYSDEVOP_CLAIM_CONSOLE:
		return claim_console(v, arg);
	case KEEL_PHYSDEVOP_BIND_IRQ:
		return bind_irq(v, arg);
	case KEEL_PHYSDEVOP_IRQ_EOI:
		return irq_eoi(v, arg);
	case KEEL_PHYSDEVOP_MAP_MSI:
		return map_msi(v, arg);
	default:
		return -KEEL_ENOSYS;
	}
}
