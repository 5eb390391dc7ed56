/*
 * physdev.h: dom0's access to the physical machine (KEEL_HC_PHYSDEV_OP): the serial
 * console, and physical interrupts (lines and MSI) delivered as event channels.
 *
 *     long physdev_op(uint64_t cmd, void *arg)
 *
 * dom0 only: every other caller gets -KEEL_EPERM. 'arg' is the guest-virtual address of
 * the command's structure (IN fields read, OUT fields written back on success); commands
 * without a structure ignore it. Returns 0 or a negated error. Errors common to all:
 *   -KEEL_EPERM   the caller is not dom0
 *   -KEEL_EFAULT  'arg' is not mapped (readable, and writable when there are OUT fields)
 *   -KEEL_ENOSYS  unknown cmd
 *
 * ---------------------------------------------------------------------------------
 * I/O ports
 * ---------------------------------------------------------------------------------
 * dom0 runs with direct access to every I/O port except those the hypervisor keeps:
 *   0x20-0x21, 0xa0-0xa1   the 8259 PICs (masked for good; interrupts go through IOAPICs)
 *   0x40-0x43              the PIT (used to calibrate the TSC)
 *   the log UART           the 8 ports of the serial port named by the hypervisor's
 *                          console= option, until dom0 claims it (CLAIM_CONSOLE)
 * Accessing a kept port raises #GP in dom0. Every other domain has no port access at all.
 *
 * ---------------------------------------------------------------------------------
 * Physical interrupts (PIRQs)
 * ---------------------------------------------------------------------------------
 * BIND_IRQ routes one interrupt line to a new event-channel port of dom0 (its STATUS is
 * KEEL_EVTCHNSTAT_PIRQ). Rules:
 *  P1. 'irq' is an ISA IRQ (0-15) or a GSI (16 and up); ISA IRQs follow the MADT's
 *      interrupt source overrides, so IRQ 4 is COM1 whatever GSI it is wired to. Lines
 *      are compared by GSI: naming a kept or bound line by another number changes nothing.
 *      Lines the hypervisor keeps (the PIT's IRQ 0, the log UART's line until claimed),
 *      lines no IOAPIC serves, unknown flags and a vCPU that does not exist get
 *      -KEEL_EINVAL; a line already bound gets -KEEL_EBUSY; -KEEL_ENOSPC when the
 *      hypervisor has no vector left for another line (64 lines may be bound at once).
 *  P2. When the line fires the hypervisor acknowledges the local APIC, masks the line at
 *      the IOAPIC, and sets the port pending. The line stays masked until dom0 has handled
 *      the device and calls IRQ_EOI for the port, so a level-triggered device cannot
 *      storm the machine while dom0 is not running.
 *  P3. CLOSE of the port (event_channel.h) masks the line and unbinds it. dom0's death
 *      does the same for all its lines.
 *
 * ---------------------------------------------------------------------------------
 * Message-signalled interrupts (MSI, MSI-X)
 * ---------------------------------------------------------------------------------
 * MAP_MSI gives dom0 a host vector bound to a new PIRQ port and the message (address and
 * data) that raises it, for dom0 to write into a device's MSI capability or one entry of
 * its MSI-X table. Rules:
 *  M1. 'vcpu' must exist and 'flags' must be 0 (else -KEEL_EINVAL); -KEEL_ENOSPC when no
 *      vector is left (MSI vectors and BIND_IRQ lines share the same 64); -KEEL_ENODEV when
 *      the CPU that takes interrupts cannot be named in an xAPIC message (APIC ID > 255).
 *      The message is address = 0xfee00000 | (destination APIC ID << 12) (address_hi 0),
 *      data = the vector: fixed delivery, physical destination, edge.
 *  M2. When the message arrives the hypervisor acknowledges the local APIC and sets the
 *      port pending. STATUS reports the port as PIRQ with 'irq' KEEL_PIRQ_MSI_FIRST + n.
 *      MSI is edge-triggered: a message is one event and nothing stays asserted, so nothing
 *      is masked and nothing can storm. IRQ_EOI on an MSI port is accepted and does
 *      nothing. Messages that arrive while the port is still pending merge into one event;
 *      a driver re-checks its device (e.g. a used ring) after handling it.
 *  M3. CLOSE frees the vector; dom0's death frees all of them. Disable the device's MSI
 *      (or mask the MSI-X entry) first: a message that arrives after CLOSE hits a free
 *      vector, which the hypervisor ignores, or a vector already given to another port,
 *      which then sees one spurious event.
 */
#ifndef KEEL_PV_PHYSDEV_H
#define KEEL_PV_PHYSDEV_H

#include <stdint.h>

#define KEEL_PHYSDEVOP_CLAIM_CONSOLE  0
#define KEEL_PHYSDEVOP_BIND_IRQ       1
#define KEEL_PHYSDEVOP_IRQ_EOI        2
#define KEEL_PHYSDEVOP_MAP_MSI        3

/*
 * CLAIM_CONSOLE: dom0 takes over the hypervisor's log UART. From then on
 * the hypervisor's log goes only to its ring (sysctl READ_LOG, the CLI's 'dmesg'),
 * except a panic, which still forces its report out of the UART. The UART's ports and
 * its IRQ become dom0's; 'arg' returns where the UART is. -KEEL_ENODEV: the hypervisor has no serial console
 * (console=none, or the port did not answer). A second claim returns the same and changes nothing.
 * -KEEL_EFAULT for an unwritable 'arg' still leaves the claim made (claim again to learn where).
 */
struct keel_physdev_console {
	uint16_t base;         /* OUT: the UART's first I/O port, e.g. 0x3f8 for COM1 */
	uint16_t irq;          /* OUT: its ISA IRQ, e.g. 4 for COM1 */
	uint32_t pad;
};

/* BIND_IRQ: see P1-P3. */
struct keel_physdev_bind_irq {
	uint32_t irq;          /* IN: ISA IRQ 0-15, or GSI */
	uint32_t flags;        /* IN: KEEL_PIRQF_*; 0 = the line's own (ISA: edge/high, or the MADT
	                        * override; a GSI of 16 and up: level/low, as PCI INTx is wired) */
	uint32_t vcpu;         /* IN: the vCPU that is notified */
	uint32_t port;         /* OUT */
};
#define KEEL_PIRQF_LEVEL        (1u << 0)   /* level-triggered (PCI INTx) */
#define KEEL_PIRQF_ACTIVE_LOW   (1u << 1)
#define KEEL_PIRQF_EXPLICIT     (1u << 2)   /* use LEVEL/ACTIVE_LOW as given, not the MADT's */

/* MAP_MSI: see M1-M3. */
struct keel_physdev_map_msi {
	uint32_t vcpu;         /* IN: the vCPU that is notified */
	uint32_t flags;        /* IN: 0 */
	uint32_t port;         /* OUT: the new PIRQ port */
	uint32_t data;         /* OUT: the message data (the vector; edge, fixed delivery) */
	uint64_t address;      /* OUT: the message address (below 4 GiB: address_hi is 0) */
};
#define KEEL_PIRQ_MSI_FIRST     0x8000   /* STATUS 'irq' of MSI ports: this + n, never a GSI */

/* IRQ_EOI: unmasks the line bound to 'port' (P2); does nothing for an MSI port (M2). -KEEL_EBADF: not a PIRQ port.
 * SEND on a PIRQ port is -KEEL_EBADF too: only the line raises it. */
struct keel_physdev_irq_eoi {
	uint32_t port;         /* IN */
	uint32_t pad;
};

#endif
