/* ioapic.c: IOAPIC discovery from the MADT, masking, and routing physical lines and MSI messages to host vectors on the boot CPU. */
#include "ioapic.h"

#include "acpi.h"
#include "config.h"
#include "cpu.h"
#include "lapic.h"
#include "log.h"
#include "paging.h"
#include "percpu.h"
#include "spinlock.h"
#include "trap.h"

/* Register window (82093AA datasheet): select a register, then read or write it. */
#define IOREGSEL  0x00
#define IOWIN     0x10
#define REG_VER   0x01
#define REG_REDIR(n) (0x10 + 2 * (n))

#define RTE_MASKED      (1u << 16)
#define RTE_LEVEL       (1u << 15)
#define RTE_ACTIVE_LOW  (1u << 13)
/* Delivery mode fixed (000) and physical destination mode (bit 11 clear): the zero bits. */

struct ioapic {
	volatile uint32_t *regs;
	uint32_t gsi_base;
	uint32_t lines;
};

static struct ioapic ioapics[MAX_IOAPICS];
static unsigned int ioapic_count;
static struct acpi_irq_override overrides[MAX_IRQ_OVERRIDES];
static unsigned int override_count;

/* Which GSI each vector of the range serves (UINT32_MAX: free), and who hears it. */
static uint32_t vector_gsi[IOAPIC_VECTOR_COUNT];
static irq_line_fired_fn vector_fired[IOAPIC_VECTOR_COUNT];
/* Taken in the vector handler too; every other holder runs with interrupts disabled. */
static spinlock_t ioapic_lock = SPINLOCK_INIT;

static uint32_t reg_read(const struct ioapic *io, uint32_t reg)
{
	io->regs[IOREGSEL / 4] = reg;
	return io->regs[IOWIN / 4];
}

static void reg_write(const struct ioapic *io, uint32_t reg, uint32_t value)
{
	io->regs[IOREGSEL / 4] = reg;
	io->regs[IOWIN / 4] = value;
}

/* The IOAPIC serving a GSI and the line's pin on it, or NULL. */
static const struct ioapic *serving(uint32_t gsi, uint32_t *pin)
{
	for (unsigned int i = 0; i < ioapic_count; i++) {
		const struct ioapic *io = &ioapics[i];
		if (gsi >= io->gsi_base && gsi - io->gsi_base < io->lines) {
			*pin = gsi - io->gsi_base;
			return io;
		}
	}
	return NULL;
}

static void set_masked(uint32_t gsi, bool masked)
{
	uint32_t pin;
	const struct ioapic *io = serving(gsi, &pin);
	if (!io)
		return;
	uint32_t low = reg_read(io, REG_REDIR(pin));
	reg_write(io, REG_REDIR(pin), masked ? low | RTE_MASKED : low & ~RTE_MASKED);
}

static void line_interrupt(struct trap_frame *frame)
{
	unsigned int slot = (unsigned int)frame->vector - IOAPIC_VECTOR_FIRST;
	spin_lock(&ioapic_lock);
	uint32_t gsi = vector_gsi[slot];
	irq_line_fired_fn fired = vector_fired[slot];
	/* Masked before the EOI: a level-triggered line still asserted must not fire again at once. */
	if (gsi != UINT32_MAX)
		set_masked(gsi, true);
	spin_unlock(&ioapic_lock);
	lapic_eoi();
	if (gsi != UINT32_MAX && fired)
		fired(gsi);
}

void ioapic_init(const struct acpi_info *acpi)
{
	/* The 8259s stay masked for good: with IOAPICs they would only deliver stray vectors. */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	for (unsigned int v = 0; v < IOAPIC_VECTOR_COUNT; v++) {
		vector_gsi[v] = UINT32_MAX;
		trap_set_handler((uint8_t)(IOAPIC_VECTOR_FIRST + v), line_interrupt);
	}
	for (unsigned int i = 0; i < acpi->irq_override_count && i < MAX_IRQ_OVERRIDES; i++)
		overrides[override_count++] = acpi->irq_overrides[i];
	for (unsigned int i = 0; i < acpi->ioapic_count && i < MAX_IOAPICS; i++) {
		struct ioapic *io = &ioapics[ioapic_count];
		io->regs = paging_map_mmio(acpi->ioapics[i].address, PAGE_SIZE);
		if (!io->regs) {
			pr_warn("ioapic: cannot map IOAPIC %u at %#x\n", acpi->ioapics[i].id, acpi->ioapics[i].address);
			continue;
		}
		io->gsi_base = acpi->ioapics[i].gsi_base;
		io->lines = ((reg_read(io, REG_VER) >> 16) & 0xff) + 1;
		for (uint32_t pin = 0; pin < io->lines; pin++) {
			reg_write(io, REG_REDIR(pin), RTE_MASKED);
			reg_write(io, REG_REDIR(pin) + 1, 0);
		}
		pr_info("ioapic: IOAPIC %u at %#x: GSIs %u-%u, all masked\n", acpi->ioapics[i].id,
			acpi->ioapics[i].address, io->gsi_base, io->gsi_base + io->lines - 1);
		ioapic_count++;
	}
}

int ioapic_resolve(uint32_t irq, struct irq_line *line)
{
	/* PCI INTx: level-triggered, active low; ISA: edge, active high, unless the MADT says otherwise. */
	*line = (struct irq_line){ .gsi = irq, .level = irq >= 16, .active_low = irq >= 16 };
	for (unsigned int i = 0; irq < 16 && i < override_count; i++) {
		const struct acpi_irq_override *o = &overrides[i];
		if (o->source_irq != irq)
			continue;
		line->gsi = o->gsi;
		line->active_low = (o->flags & ACPI_IRQ_POLARITY_MASK) == ACPI_IRQ_POLARITY_LOW;
		line->level = (o->flags & ACPI_IRQ_TRIGGER_MASK) == ACPI_IRQ_TRIGGER_LEVEL;
	}
	uint32_t pin;
	return serving(line->gsi, &pin) ? 0 : -1;
}

/* With ioapic_lock held: a free vector slot given to 'key' and 'fired', or -1. */
static int claim_slot_locked(uint32_t key, irq_line_fired_fn fired)
{
	for (unsigned int slot = 0; slot < IOAPIC_VECTOR_COUNT; slot++) {
		if (vector_gsi[slot] != UINT32_MAX)
			continue;
		vector_gsi[slot] = key;
		vector_fired[slot] = fired;
		return (int)slot;
	}
	return -1;
}

int ioapic_route(const struct irq_line *line, irq_line_fired_fn fired)
{
	uint32_t pin;
	const struct ioapic *io = serving(line->gsi, &pin);
	if (!io)
		return -1;
	unsigned long flags = irq_save();
	spin_lock(&ioapic_lock);
	int slot = claim_slot_locked(line->gsi, fired);
	if (slot >= 0) {
		uint32_t low = RTE_MASKED | (IOAPIC_VECTOR_FIRST + (uint32_t)slot) |
			       (line->level ? RTE_LEVEL : 0) | (line->active_low ? RTE_ACTIVE_LOW : 0);
		/* Physical destination: the boot CPU's APIC ID in bits 56-63. */
		reg_write(io, REG_REDIR(pin) + 1, cpu_data[0].apic_id << 24);
		reg_write(io, REG_REDIR(pin), low);
	}
	spin_unlock(&ioapic_lock);
	irq_restore(flags);
	return slot >= 0 ? 0 : -1;
}

/* The MSI address window (Intel SDM vol. 3, 11.11.1): destination ID in bits 12-19, physical mode. */
#define MSI_ADDRESS_BASE 0xfee00000ull
#define MSI_DEST_SHIFT   12

int ioapic_route_msi(uint32_t key, irq_line_fired_fn fired, uint64_t *address, uint32_t *data)
{
	uint32_t dest = cpu_data[0].apic_id;
	if (dest > 0xff)
		return -2;
	unsigned long flags = irq_save();
	spin_lock(&ioapic_lock);
	int slot = claim_slot_locked(key, fired);
	spin_unlock(&ioapic_lock);
	irq_restore(flags);
	if (slot < 0)
		return -1;
	*address = MSI_ADDRESS_BASE | ((uint64_t)dest << MSI_DEST_SHIFT);
	/* Fixed delivery (bits 8-10 zero), edge (bit 15 clear): just the vector. */
	*data = IOAPIC_VECTOR_FIRST + (uint32_t)slot;
	return 0;
}

void ioapic_unroute(uint32_t gsi)
{
	unsigned long flags = irq_save();
	spin_lock(&ioapic_lock);
	set_masked(gsi, true);
	for (unsigned int slot = 0; slot < IOAPIC_VECTOR_COUNT; slot++) {
		if (vector_gsi[slot] == gsi) {
			vector_gsi[slot] = UINT32_MAX;
			vector_fired[slot] = NULL;
		}
	}
	spin_unlock(&ioapic_lock);
	irq_restore(flags);
}

void ioapic_unmask(uint32_t gsi)
{
	unsigned long flags = irq_save();
	spin_lock(&ioapic_lock);
	for (unsigned int slot = 0; slot < IOAPIC_VECTOR_COUNT; slot++)
		if (vector_gsi[slot] == gsi)
			set_masked(gsi, false);
	spin_unlock(&ioapic_lock);
	irq_restore(flags);
}
