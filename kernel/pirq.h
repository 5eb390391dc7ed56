/* pirq.h: physical interrupt lines and MSI vectors bound to dom0's event-channel ports (pv-abi/keel/physdev.h, P1-P3, M1-M3). */
#ifndef KEEL_PIRQ_H
#define KEEL_PIRQ_H

#include <stdint.h>

struct domain;

/* At most this many lines and MSI vectors are bound at once (one host vector each, ioapic.h). */
#define PIRQ_MAX_BINDINGS 64

/* BIND_IRQ: routes 'irq' (ISA IRQ or GSI) to a new PIRQ port of d. 0 or -KEEL_E* as physdev.h says. */
int pirq_bind(struct domain *d, uint32_t irq, uint32_t flags, uint32_t vcpu, uint32_t *port);
/* MAP_MSI: a vector for a message-signalled interrupt on a new PIRQ port of d, and the message
 * that raises it. 0 or -KEEL_E* as physdev.h M1 says. CLOSE and dom0's death free it as a line. */
int pirq_map_msi(struct domain *d, uint32_t vcpu, uint32_t flags, uint32_t *port, uint64_t *address,
		 uint32_t *data);
/* IRQ_EOI: unmasks the line bound to d's 'port'; -KEEL_EBADF if it is not a PIRQ port. */
int pirq_eoi(struct domain *d, uint32_t port);
/* evtchn.c, after it freed a PIRQ port: masks and unbinds the line (P3). */
void pirq_port_closed(struct domain *d, uint32_t port);
/* evtchn.c, as d dies: masks and unbinds all its lines (P3). */
void pirq_domain_destroy(struct domain *d);

/* The line fired (ioapic.c, interrupt context; a line is masked, an MSI's key has none): raises its port (P2, M2). */
void pirq_line_fired(uint32_t gsi);

/* Lines bound now, for tests and leak checks. */
unsigned int pirq_bound_count(void);

#endif
