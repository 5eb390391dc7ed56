/* platform_mmio.c: the ECAM windows and the hypervisor's own device registers, read from the parsed ACPI tables. */
#include "platform_mmio.h"

#include "cpu.h"
#include "mm.h"
#include "percpu.h"
#include "platform.h"

/* Interrupt messages (MSI writes) and the local APIC's registers live here: never memory. */
#define INTERRUPT_RANGE_BASE 0xfee00000ull
#define INTERRUPT_RANGE_SIZE 0x100000ull

bool platform_ecam_window(unsigned int index, struct platform_ecam *out)
{
	if (index >= platform_acpi.ecam_count)
		return false;
	const struct acpi_ecam *e = &platform_acpi.ecam[index];
	out->base = e->base;
	out->segment = e->segment;
	out->start_bus = e->start_bus;
	out->end_bus = e->end_bus;
	return true;
}

static void add(struct platform_mmio_range *out, unsigned int max, unsigned int *n, uint64_t base, uint64_t size,
		const char *what)
{
	if (*n < max)
		out[*n] = (struct platform_mmio_range){
			.base = ALIGN_DOWN(base, PAGE_SIZE),
			.size = ALIGN_UP(size + (base & (PAGE_SIZE - 1)), PAGE_SIZE),
			.what = what,
		};
	(*n)++;
}

static void add_gas(struct platform_mmio_range *out, unsigned int max, unsigned int *n, const struct acpi_gas *gas,
		    const char *what)
{
	if (gas->address && gas->space == ACPI_SPACE_MEMORY)
		add(out, max, n, gas->address, 8, what);
}

unsigned int platform_mmio_kept(struct platform_mmio_range *out, unsigned int max)
{
	const struct acpi_info *a = &platform_acpi;
	unsigned int n = 0;
	add(out, max, &n, INTERRUPT_RANGE_BASE, INTERRUPT_RANGE_SIZE, "local APIC / interrupt messages");
	/* The MADT may move the local APIC: keep its page too, wherever it is. */
	if (a->lapic_address < INTERRUPT_RANGE_BASE || a->lapic_address >= INTERRUPT_RANGE_BASE + INTERRUPT_RANGE_SIZE)
		add(out, max, &n, a->lapic_address, PAGE_SIZE, "local APIC");
	for (uint32_t i = 0; i < a->ioapic_count; i++)
		add(out, max, &n, a->ioapics[i].address, PAGE_SIZE, "IOAPIC");
	add_gas(out, max, &n, &a->pm1a_cnt, "ACPI PM1a control");
	add_gas(out, max, &n, &a->pm1b_cnt, "ACPI PM1b control");
	add_gas(out, max, &n, &a->sleep_control, "ACPI sleep control");
	add_gas(out, max, &n, &a->reset_reg, "ACPI reset register");
	return n;
}

unsigned int platform_phys_addr_bits(void)
{
	if (cpuid(0x80000000, 0).eax < 0x80000008)
		return 36;
	unsigned int bits = cpuid(0x80000008, 0).eax & 0xff;
	return bits >= 32 && bits <= 52 ? bits : 36;
}
