/* io_policy.c: the I/O port policy: dom0 gets every port but those the hypervisor keeps; everyone else gets none. */
#include "io_policy.h"

#include "console.h"
#include "domain.h"
#include "keel/abi.h"
#include "virt.h"

#define IO_PORT_COUNT 0x10000u
#define UART_PORT_COUNT 8

/* Ports the hypervisor drives itself, for good (physdev.h). */
static const struct { uint16_t first, count; } kept_ranges[] = {
	{ 0x20, 2 },   /* the master 8259, masked for good */
	{ 0xa0, 2 },   /* the slave 8259 */
	{ 0x40, 4 },   /* the PIT: the TSC is calibrated against it */
};

bool io_policy_port_kept(uint16_t port)
{
	for (unsigned int i = 0; i < sizeof(kept_ranges) / sizeof(kept_ranges[0]); i++)
		if (port >= kept_ranges[i].first && port - kept_ranges[i].first < kept_ranges[i].count)
			return true;
	uint16_t base, irq;
	return console_uart_kept(&base, &irq) && port >= base && port - base < UART_PORT_COUNT;
}

int io_policy_domain_init(struct domain *d)
{
	d->io_ports = NULL;
	if (!d->privileged)
		return 0;   /* the backend's shared bitmap: every port exits */
	struct io_bitmap *io = virt->io_bitmap_create();
	if (!io)
		return -KEEL_ENOMEM;
	virt->io_allow(io, 0, IO_PORT_COUNT, true);
	for (unsigned int i = 0; i < sizeof(kept_ranges) / sizeof(kept_ranges[0]); i++)
		virt->io_allow(io, kept_ranges[i].first, kept_ranges[i].count, false);
	uint16_t base, irq;
	if (console_uart_kept(&base, &irq))
		virt->io_allow(io, base, UART_PORT_COUNT, false);
	d->io_ports = io;
	return 0;
}

void io_policy_domain_destroy(struct domain *d)
{
	if (d->io_ports)
		virt->io_bitmap_destroy(d->io_ports);
	d->io_ports = NULL;
}

void io_policy_console_claimed(struct domain *d, uint16_t base)
{
	if (d->io_ports)
		virt->io_allow(d->io_ports, base, UART_PORT_COUNT, true);
}
