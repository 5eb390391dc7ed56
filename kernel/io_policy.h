/* io_policy.h: which I/O ports a domain reaches without an exit (pv-abi/keel/physdev.h "I/O ports"). */
#ifndef KEEL_IO_POLICY_H
#define KEEL_IO_POLICY_H

#include <stdbool.h>
#include <stdint.h>

struct domain;

/* At creation: dom0 gets a bitmap with every port but the kept ones; other domains keep none (NULL). 0 or -KEEL_ENOMEM. */
int io_policy_domain_init(struct domain *d);
void io_policy_domain_destroy(struct domain *d);
/* CLAIM_CONSOLE: the UART's ports at 'base' become d's. */
void io_policy_console_claimed(struct domain *d, uint16_t base);
/* Whether the hypervisor keeps this port from dom0 now (the PICs, the PIT, the unclaimed log UART). */
bool io_policy_port_kept(uint16_t port);

#endif
