/* power.c: machine reboot and power-off through ACPI registers, with legacy and QEMU fallbacks. */
#include "power.h"

#include <stdbool.h>

#include "cpu.h"
#include "log.h"
#include "paging.h"
#include "string.h"

#define KBC_STATUS_PORT     0x64
#define KBC_STATUS_IBF      (1u << 1)   /* input buffer full: the controller has not taken our last byte */
#define KBC_CMD_PULSE_RESET 0xfe        /* pulse output line 0 (the CPU reset line) low */
#define PCI_CONFIG_ADDRESS  0xcf8
#define PCI_CONFIG_DATA     0xcfc
#define POST_CODE_PORT      0x80        /* writes take about 1 us on PC hardware: a crude delay */

/* A register from the FADT, with its uncached mapping when it is in memory space. */
struct power_reg {
	struct acpi_gas gas;   /* gas.address == 0: absent */
	volatile void *mmio;
};

/*
 * A copy of the registers we need: the acpi_info passed to power_init() may live on
 * a boot stack that is long gone by the time someone asks for a reboot.
 */
static struct {
	bool reset_supported;
	struct power_reg reset_reg;
	uint8_t reset_value;
	bool s5_valid;
	uint8_t slp_typ_a, slp_typ_b;
	bool hw_reduced;
	struct power_reg pm1a_cnt, pm1b_cnt, sleep_control;
	uint16_t smi_cmd;
	uint8_t acpi_enable_value;
} power;

/*
 * Memory-space registers are mapped uncached now, while the page-table code can still
 * allocate: at reboot or power-off time the machine may be too broken for that.
 */
static bool reg_init(struct power_reg *reg, const struct acpi_gas *gas, const char *name)
{
	reg->gas = *gas;
	reg->mmio = NULL;
	if (gas->address == 0 || gas->space != ACPI_SPACE_MEMORY)
		return gas->address != 0;
	reg->mmio = paging_map_mmio(gas->address, 8);
	if (!reg->mmio) {
		pr_warn("power: cannot map the %s register at %#llx, not using it\n", name,
			(unsigned long long)gas->address);
		reg->gas.address = 0;
		return false;
	}
	return true;
}

void power_init(const struct acpi_info *info)
{
	memset(&power, 0, sizeof(power));
	if (!info || !info->have_fadt)
		return;
	power.reset_supported = info->reset_supported && reg_init(&power.reset_reg, &info->reset_reg, "reset");
	power.reset_value = info->reset_value;
	power.s5_valid = info->s5_valid;
	power.slp_typ_a = info->slp_typ_a;
	power.slp_typ_b = info->slp_typ_b;
	power.hw_reduced = info->hw_reduced;
	reg_init(&power.pm1a_cnt, &info->pm1a_cnt, "PM1a_CNT");
	reg_init(&power.pm1b_cnt, &info->pm1b_cnt, "PM1b_CNT");
	reg_init(&power.sleep_control, &info->sleep_control, "SLEEP_CONTROL");
	power.smi_cmd = (uint16_t)info->smi_cmd;
	power.acpi_enable_value = info->acpi_enable_value;
}

static void delay_us(unsigned us)
{
	while (us--)
		outb(POST_CODE_PORT, 0);
}

/* Halts this CPU for good; the loop survives NMIs and SMIs waking hlt. */
static __attribute__((noreturn)) void halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt" ::: "memory");
}

static void reg_write(const struct power_reg *reg, uint64_t value, unsigned default_bits)
{
	const struct acpi_gas *g = &reg->gas;
	unsigned bits = acpi_gas_access_bits(g, default_bits);
	if (g->space == ACPI_SPACE_IO) {
		uint16_t port = (uint16_t)g->address;
		if (bits == 8)
			outb(port, (uint8_t)value);
		else if (bits == 16)
			outw(port, (uint16_t)value);
		else
			outl(port, (uint32_t)value);
	} else if (g->space == ACPI_SPACE_MEMORY) {
		volatile void *va = reg->mmio;
		if (bits == 8)
			*(volatile uint8_t *)va = (uint8_t)value;
		else if (bits == 16)
			*(volatile uint16_t *)va = (uint16_t)value;
		else if (bits == 32)
			*(volatile uint32_t *)va = (uint32_t)value;
		else
			*(volatile uint64_t *)va = value;
	} else if (g->space == ACPI_SPACE_PCI) {
		/* Segment 0, bus 0: address bits 47:32 device, 31:16 function, 15:0 register. */
		uint32_t dev = (uint32_t)(g->address >> 32) & 0x1f;
		uint32_t fn = (uint32_t)(g->address >> 16) & 0x7;
		uint32_t offset = (uint32_t)g->address & 0xff;
		outl(PCI_CONFIG_ADDRESS, 0x80000000u | (dev << 11) | (fn << 8) | (offset & 0xfc));
		outb((uint16_t)(PCI_CONFIG_DATA + (offset & 3)), (uint8_t)value);
	}
}

static uint64_t reg_read(const struct power_reg *reg, unsigned default_bits)
{
	const struct acpi_gas *g = &reg->gas;
	unsigned bits = acpi_gas_access_bits(g, default_bits);
	if (g->space == ACPI_SPACE_IO) {
		uint16_t port = (uint16_t)g->address;
		return bits == 8 ? inb(port) : bits == 16 ? inw(port) : inl(port);
	}
	if (g->space == ACPI_SPACE_MEMORY) {
		const volatile void *va = reg->mmio;
		if (bits == 8)
			return *(const volatile uint8_t *)va;
		if (bits == 16)
			return *(const volatile uint16_t *)va;
		if (bits == 32)
			return *(const volatile uint32_t *)va;
		return *(const volatile uint64_t *)va;
	}
	return 0;
}

/* Switches a legacy chipset into ACPI mode (SCI_EN) as an OS would at boot; SLP_EN needs it on some boards. */
static void acpi_mode_enable(void)
{
	if (reg_read(&power.pm1a_cnt, 16) & ACPI_PM1_SCI_EN)
		return;
	if (power.smi_cmd == 0 || power.acpi_enable_value == 0)
		return;
	outb(power.smi_cmd, power.acpi_enable_value);
	for (unsigned i = 0; i < 3000; i++) {
		if (reg_read(&power.pm1a_cnt, 16) & ACPI_PM1_SCI_EN)
			return;
		delay_us(100);
	}
	pr_warn("power: chipset did not enter ACPI mode, trying S5 anyway\n");
}

static void acpi_enter_s5(void)
{
	if (power.hw_reduced) {
		if (power.sleep_control.gas.address == 0)
			return;
		uint8_t v = (uint8_t)(((unsigned)power.slp_typ_a << ACPI_SLEEP_CTL_TYP_SHIFT) & ACPI_SLEEP_CTL_TYP_MASK);
		reg_write(&power.sleep_control, v | ACPI_SLEEP_CTL_SLP_EN, 8);
		return;
	}
	if (power.pm1a_cnt.gas.address == 0)
		return;
	acpi_mode_enable();

	/* As ACPICA does: program SLP_TYP in both blocks first, then set SLP_EN. */
	uint16_t a = (uint16_t)reg_read(&power.pm1a_cnt, 16);
	uint16_t b = power.pm1b_cnt.gas.address ? (uint16_t)reg_read(&power.pm1b_cnt, 16) : 0;
	reg_write(&power.pm1a_cnt, acpi_pm1_sleep_value(a, power.slp_typ_a, false), 16);
	if (power.pm1b_cnt.gas.address)
		reg_write(&power.pm1b_cnt, acpi_pm1_sleep_value(b, power.slp_typ_b, false), 16);
	reg_write(&power.pm1a_cnt, acpi_pm1_sleep_value(a, power.slp_typ_a, true), 16);
	if (power.pm1b_cnt.gas.address)
		reg_write(&power.pm1b_cnt, acpi_pm1_sleep_value(b, power.slp_typ_b, true), 16);
}

void power_debug_exit(uint8_t code)
{
	pr_info("power: QEMU debug exit, code %u (QEMU status %u)\n", code, ((unsigned)code << 1) | 1);
	outb(POWER_DEBUG_EXIT_PORT, code);
}

void power_off(void)
{
	irq_disable();
	if (power.s5_valid) {
		pr_info("power: powering off via ACPI S5 (SLP_TYPa=%u SLP_TYPb=%u)\n", power.slp_typ_a, power.slp_typ_b);
		acpi_enter_s5();
		delay_us(200000); /* the chipset needs a moment to cut power */
		pr_warn("power: ACPI S5 did not take effect\n");
	} else {
		pr_info("power: powering off (no ACPI S5 available)\n");
	}
	power_debug_exit(POWER_DEBUG_EXIT_POWEROFF);
	pr_err("power: could not power off, halting\n");
	halt_forever();
}

/* Loads an empty IDT and raises an exception: nothing can handle it, so the CPU shuts down and resets. */
static __attribute__((noreturn)) void triple_fault(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) empty_idt = { 0, 0 };
	__asm__ volatile("lidt %0; int3" :: "m"(empty_idt) : "memory");
	halt_forever();
}

void power_reboot(void)
{
	irq_disable();
	if (power.reset_supported) {
		pr_info("power: rebooting via the ACPI reset register (%#llx <- %#x)\n",
			(unsigned long long)power.reset_reg.gas.address, power.reset_value);
		reg_write(&power.reset_reg, power.reset_value, 8);
		delay_us(50000);
		pr_warn("power: ACPI reset did not take effect, trying the keyboard controller\n");
	} else {
		pr_info("power: rebooting via the keyboard controller\n");
	}

	for (unsigned i = 0; i < 100000 && (inb(KBC_STATUS_PORT) & KBC_STATUS_IBF); i++)
		delay_us(1);
	outb(KBC_STATUS_PORT, KBC_CMD_PULSE_RESET);
	delay_us(50000);

	pr_warn("power: keyboard controller reset did not take effect, forcing a triple fault\n");
	triple_fault();
}
