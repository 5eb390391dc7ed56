/* acpi.h: what the hypervisor learns from the firmware's ACPI tables (CPUs, IOAPICs, power registers, ECAM). */
#ifndef KEEL_ARCH_ACPI_H
#define KEEL_ARCH_ACPI_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "mm.h"

/* acpi_parse() results. Anything but ACPI_OK means no table could be trusted. */
enum acpi_status {
	ACPI_OK            = 0,
	ACPI_ERR_NO_RSDP   = -1, /* rsdp == 0 */
	ACPI_ERR_BAD_RSDP  = -2, /* signature, checksum or length wrong */
	ACPI_ERR_BAD_ROOT  = -3, /* XSDT/RSDT missing, malformed or failing its checksum */
};

/* Generic Address Structure address spaces Keel can drive. */
#define ACPI_SPACE_MEMORY 0
#define ACPI_SPACE_IO     1
#define ACPI_SPACE_PCI    2  /* PCI config space of segment 0, bus 0 (reset register only) */

/* A decoded Generic Address Structure. address == 0 means "not present". */
struct acpi_gas {
	uint8_t  space;        /* ACPI_SPACE_* */
	uint8_t  bit_width;
	uint8_t  bit_offset;
	uint8_t  access_size;  /* 0 undefined, 1 byte, 2 word, 3 dword, 4 qword */
	uint64_t address;
};

struct acpi_cpu {
	uint32_t apic_id;        /* xAPIC id (type 0) or x2APIC id (type 9) */
	uint32_t uid;            /* ACPI processor UID */
	bool     enabled;        /* usable now */
	bool     online_capable; /* disabled, but may be brought online later */
	bool     x2apic;         /* came from a local x2APIC entry */
};

struct acpi_ioapic {
	uint8_t  id;
	uint32_t address;
	uint32_t gsi_base;
};

/* INTI flags of an interrupt source override (MPS encoding). */
#define ACPI_IRQ_POLARITY_MASK    0x3u
#define ACPI_IRQ_POLARITY_BUS     0x0u  /* conforms to the bus: active high for ISA */
#define ACPI_IRQ_POLARITY_HIGH    0x1u
#define ACPI_IRQ_POLARITY_LOW     0x3u
#define ACPI_IRQ_TRIGGER_MASK     0xcu
#define ACPI_IRQ_TRIGGER_BUS      0x0u  /* conforms to the bus: edge for ISA */
#define ACPI_IRQ_TRIGGER_EDGE     0x4u
#define ACPI_IRQ_TRIGGER_LEVEL    0xcu

/* An ISA IRQ that is not identity-mapped to its GSI, or has non-default polarity/trigger. */
struct acpi_irq_override {
	uint8_t  source_irq;  /* ISA IRQ (bus 0) */
	uint32_t gsi;
	uint16_t flags;       /* ACPI_IRQ_POLARITY_* | ACPI_IRQ_TRIGGER_* */
};

/* One PCI Express enhanced configuration (ECAM) window. */
struct acpi_ecam {
	uint64_t base;        /* address of bus 0's config space, even when start_bus > 0 */
	uint16_t segment;
	uint8_t  start_bus;
	uint8_t  end_bus;
};

struct acpi_info {
	/* Root pointers, kept so acpi_find_table() can look up tables parsed by others. */
	uint8_t  rsdp_revision;
	char     oem_id[7];           /* NUL-terminated */
	paddr_t  root_table;          /* XSDT, or RSDT on ACPI 1.0 firmware */
	uint8_t  root_entry_size;     /* 8 for the XSDT, 4 for the RSDT */

	/* MADT */
	bool     have_madt;
	uint64_t lapic_address;       /* type 5 override applied; 0xfee00000 without a MADT */
	bool     pcat_compat;         /* dual 8259 PICs present: mask them */
	uint32_t cpu_count;
	struct acpi_cpu cpus[MAX_CPUS];
	uint32_t cpus_ignored;        /* neither enabled nor online-capable, duplicate, or over MAX_CPUS */
	uint32_t ioapic_count;
	struct acpi_ioapic ioapics[MAX_IOAPICS];
	uint32_t irq_override_count;
	struct acpi_irq_override irq_overrides[MAX_IRQ_OVERRIDES];

	/* FADT */
	bool     have_fadt;
	bool     hw_reduced;          /* no PM1/PM timer fixed hardware; sleep via sleep_control */
	uint16_t sci_irq;
	uint32_t smi_cmd;             /* port that switches the chipset into ACPI mode, 0 if none */
	uint8_t  acpi_enable_value;   /* ... and the value to write there */
	struct acpi_gas pm1a_cnt;
	struct acpi_gas pm1b_cnt;     /* address 0 when absent */
	struct acpi_gas sleep_control;/* hardware-reduced platforms only */
	uint16_t pm_timer_port;       /* 0 when there is no I/O-port PM timer */
	bool     pm_timer_32bit;      /* else 24 bits */
	bool     reset_supported;     /* RESET_REG_SUP and a usable reset_reg */
	struct acpi_gas reset_reg;
	uint8_t  reset_value;
	uint8_t  century_cmos_index;  /* RTC CMOS index of the century, 0 if none */
	paddr_t  dsdt;                /* 0 if none or invalid */

	/* \_S5_ from the DSDT: the values for PM1x_CNT.SLP_TYP that mean "soft off". */
	bool     s5_valid;
	uint8_t  slp_typ_a;
	uint8_t  slp_typ_b;

	/* MCFG */
	uint32_t ecam_count;
	struct acpi_ecam ecam[MAX_PCI_SEGMENTS];
};

/*
 * Parses the tables reachable from the RSDP at physical address 'rsdp' into *out
 * (zeroed first, except lapic_address, which starts at the architectural default).
 * Every table is reached through phys_to_virt(). A missing or bad secondary table
 * is reported and left out; only a bad RSDP or root table fails.
 */
int acpi_parse(paddr_t rsdp, struct acpi_info *out);

/* Prints a few pr_info lines describing *info. */
void acpi_log_summary(const struct acpi_info *info);

/*
 * Returns the physical address of the first table with this 4-character signature
 * whose length and checksum are valid, or 0. 'DSDT' is found through the FADT.
 */
paddr_t acpi_find_table(const struct acpi_info *info, const char *signature);

/*
 * Scans AML (a DSDT body) for the \_S5_ package and decodes SLP_TYPa and SLP_TYPb.
 * Returns false when there is no decodable _S5_ object. Exposed for tests.
 */
bool acpi_find_s5(const uint8_t *aml, uint32_t len, uint8_t *slp_typ_a, uint8_t *slp_typ_b);

/* Access width in bits for a register: access_size if set, else bit_width, else 'fallback'. */
static inline unsigned acpi_gas_access_bits(const struct acpi_gas *gas, unsigned fallback)
{
	if (gas->access_size >= 1 && gas->access_size <= 4)
		return 8u << (gas->access_size - 1);
	if (gas->bit_width == 8 || gas->bit_width == 16 || gas->bit_width == 32 || gas->bit_width == 64)
		return gas->bit_width;
	return fallback;
}

/* PM1 control register bits. */
#define ACPI_PM1_SCI_EN        (1u << 0)
#define ACPI_PM1_SLP_TYP_SHIFT 10
#define ACPI_PM1_SLP_TYP_MASK  (7u << ACPI_PM1_SLP_TYP_SHIFT)
#define ACPI_PM1_SLP_EN        (1u << 13)

/* The PM1x_CNT value that requests sleep type 'slp_typ', keeping the other bits of 'current'. */
static inline uint16_t acpi_pm1_sleep_value(uint16_t current, uint8_t slp_typ, bool enable)
{
	uint16_t v = (uint16_t)(current & ~(ACPI_PM1_SLP_TYP_MASK | ACPI_PM1_SLP_EN));
	v = (uint16_t)(v | (((unsigned)slp_typ << ACPI_PM1_SLP_TYP_SHIFT) & ACPI_PM1_SLP_TYP_MASK));
	return enable ? (uint16_t)(v | ACPI_PM1_SLP_EN) : v;
}

/* Hardware-reduced SLEEP_CONTROL_REG bits. */
#define ACPI_SLEEP_CTL_TYP_SHIFT 2
#define ACPI_SLEEP_CTL_TYP_MASK  (7u << ACPI_SLEEP_CTL_TYP_SHIFT)
#define ACPI_SLEEP_CTL_SLP_EN    (1u << 5)

#endif
