/* pirq.c: the table of physical lines and MSI vectors bound to dom0's ports: binding, firing, EOI and unbinding (physdev.h P1-P3, M1-M3). */
#include "pirq.h"

#include <stdbool.h>

#include "console.h"
#include "domain.h"
#include "evtchn.h"
#include "ioapic.h"
#include "irq.h"
#include "keel/abi.h"
#include "keel/physdev.h"
#include "spinlock.h"

#define PIT_IRQ 0
#define KNOWN_FLAGS (KEEL_PIRQF_LEVEL | KEEL_PIRQF_ACTIVE_LOW | KEEL_PIRQF_EXPLICIT)

struct pirq_binding {
	struct domain *d;     /* NULL: the slot is free */
	uint32_t port;
	uint32_t irq;         /* as the domain named it: what STATUS reports and the port keeps */
	uint32_t gsi;         /* an MSI's: IOAPIC_MSI_KEY_FIRST + slot (ioapic.h) */
	bool msi;             /* edge by nature: never masked, IRQ_EOI does nothing (M2) */
};

/* evtchn.h has the lock order: this lock comes before every event-channel lock. */
static spinlock_t pirq_lock = SPINLOCK_INIT;
static struct pirq_binding bindings[PIRQ_MAX_BINDINGS];

unsigned int pirq_bound_count(void)
{
	unsigned int n = 0;
	unsigned long flags = irq_save();
	spin_lock(&pirq_lock);
	for (unsigned int i = 0; i < PIRQ_MAX_BINDINGS; i++)
		n += bindings[i].d != NULL;
	spin_unlock(&pirq_lock);
	irq_restore(flags);
	return n;
}

/* A GSI the hypervisor keeps: the PIT's, and the log UART's while it is not claimed (P1). */
static bool gsi_kept(uint32_t gsi)
{
	struct irq_line kept;
	if (!ioapic_resolve(PIT_IRQ, &kept) && kept.gsi == gsi)
		return true;
	uint16_t base, irq;
	return console_uart_kept(&base, &irq) && !ioapic_resolve(irq, &kept) && kept.gsi == gsi;
}

static struct pirq_binding *binding_of_gsi(uint32_t gsi)
{
	for (unsigned int i = 0; i < PIRQ_MAX_BINDINGS; i++)
		if (bindings[i].d && bindings[i].gsi == gsi)
			return &bindings[i];
	return NULL;
}

static struct pirq_binding *binding_of_port(const struct domain *d, uint32_t port)
{
	for (unsigned int i = 0; i < PIRQ_MAX_BINDINGS; i++)
		if (bindings[i].d == d && bindings[i].port == port)
			return &bindings[i];
	return NULL;
}

static struct pirq_binding *free_binding(void)
{
	for (unsigned int i = 0; i < PIRQ_MAX_BINDINGS; i++)
		if (!bindings[i].d)
			return &bindings[i];
	return NULL;
}

/* Binds with the lock held: the line is checked, routed, given a port and unmasked, or nothing is left behind. */
static int bind_locked(struct domain *d, uint32_t irq, uint32_t flags, uint32_t vcpu, uint32_t *port)
{
	struct irq_line line;
	if (ioapic_resolve(irq, &line) || gsi_kept(line.gsi))
		return -KEEL_EINVAL;
	if (binding_of_gsi(line.gsi))
		return -KEEL_EBUSY;
	struct pirq_binding *b = free_binding();
	if (!b)
		return -KEEL_ENOSPC;
	if (flags & KEEL_PIRQF_EXPLICIT) {
		line.level = flags & KEEL_PIRQF_LEVEL;
		line.active_low = flags & KEEL_PIRQF_ACTIVE_LOW;
	}
	/* Routed (masked) before the port exists, so a failure on either side is undone without evtchn_close. */
	if (ioapic_route(&line, pirq_line_fired))
		return -KEEL_ENOSPC;   /* no vector left */
	int rc = evtchn_bind_pirq(d, irq, vcpu, port);
	if (rc) {
		ioapic_unroute(line.gsi);
		return rc;
	}
	*b = (struct pirq_binding){ .d = d, .port = *port, .irq = irq, .gsi = line.gsi };
	ioapic_unmask(line.gsi);
	return 0;
}

int pirq_bind(struct domain *d, uint32_t irq, uint32_t flags, uint32_t vcpu, uint32_t *port)
{
	if (flags & ~KNOWN_FLAGS)
		return -KEEL_EINVAL;
	if (vcpu >= d->nr_vcpus)
		return -KEEL_EINVAL;
	unsigned long irqflags = irq_save();
	spin_lock(&pirq_lock);
	int rc = bind_locked(d, irq, flags, vcpu, port);
	spin_unlock(&pirq_lock);
	irq_restore(irqflags);
	return rc;
}

/* MSI slot n uses key IOAPIC_MSI_KEY_FIRST + n and reports irq KEEL_PIRQ_MSI_FIRST + n: unique while bound. */
static int map_msi_locked(struct domain *d, uint32_t vcpu, uint32_t *port, uint64_t *address, uint32_t *data)
{
	struct pirq_binding *b = free_binding();
	if (!b)
		return -KEEL_ENOSPC;
	uint32_t n = (uint32_t)(b - bindings);
	uint32_t key = IOAPIC_MSI_KEY_FIRST + n, irq = KEEL_PIRQ_MSI_FIRST + n;
	int rc = ioapic_route_msi(key, pirq_line_fired, address, data);
	if (rc)
		return rc == -2 ? -KEEL_ENODEV : -KEEL_ENOSPC;
	rc = evtchn_bind_pirq(d, irq, vcpu, port);
	if (rc) {
		ioapic_unroute(key);
		return rc;
	}
	/* A message before this line finds no binding under our lock and is dropped: the device is not programmed yet. */
	*b = (struct pirq_binding){ .d = d, .port = *port, .irq = irq, .gsi = key, .msi = true };
	return 0;
}

int pirq_map_msi(struct domain *d, uint32_t vcpu, uint32_t flags, uint32_t *port, uint64_t *address,
		 uint32_t *data)
{
	if (flags || vcpu >= d->nr_vcpus)
		return -KEEL_EINVAL;
	unsigned long irqflags = irq_save();
	spin_lock(&pirq_lock);
	int rc = map_msi_locked(d, vcpu, port, address, data);
	spin_unlock(&pirq_lock);
	irq_restore(irqflags);
	return rc;
}

int pirq_eoi(struct domain *d, uint32_t port)
{
	uint32_t irq;
	int rc = evtchn_pirq_of(d, port, &irq);
	if (rc)
		return rc;
	unsigned long flags = irq_save();
	spin_lock(&pirq_lock);
	struct pirq_binding *b = binding_of_port(d, port);
	if (b && !b->msi)
		ioapic_unmask(b->gsi);
	else if (!b)
		rc = -KEEL_EBADF;   /* closed meanwhile */
	spin_unlock(&pirq_lock);
	irq_restore(flags);
	return rc;
}

static void unbind(struct pirq_binding *b)
{
	ioapic_unroute(b->gsi);
	*b = (struct pirq_binding){ .d = NULL };
}

void pirq_port_closed(struct domain *d, uint32_t port)
{
	unsigned long flags = irq_save();
	spin_lock(&pirq_lock);
	struct pirq_binding *b = binding_of_port(d, port);
	if (b)
		unbind(b);
	spin_unlock(&pirq_lock);
	irq_restore(flags);
}

void pirq_domain_destroy(struct domain *d)
{
	unsigned long flags = irq_save();
	spin_lock(&pirq_lock);
	for (unsigned int i = 0; i < PIRQ_MAX_BINDINGS; i++)
		if (bindings[i].d == d)
			unbind(&bindings[i]);
	spin_unlock(&pirq_lock);
	irq_restore(flags);
}

void pirq_line_fired(uint32_t gsi)
{
	/* Interrupt context: interrupts are off, and this CPU holds no lock (evtchn.h). */
	spin_lock(&pirq_lock);
	struct pirq_binding *b = binding_of_gsi(gsi);
	if (b)
		evtchn_raise_pirq(b->d, b->port, b->irq);
	spin_unlock(&pirq_lock);
}
