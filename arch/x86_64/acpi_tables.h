/* acpi_tables.h: the in-memory layouts of the ACPI tables Keel reads (ACPI 6.x, little-endian, packed). */
#ifndef KEEL_ARCH_ACPI_TABLES_H
#define KEEL_ARCH_ACPI_TABLES_H

#include <stdint.h>

#define ACPI_RSDP_SIGNATURE "RSD PTR "
#define ACPI_SIG_LEN 4

/* Root System Description Pointer. Revision 0 (ACPI 1.0) ends after rsdt_address. */
struct acpi_rsdp {
	char     signature[8];
	uint8_t  checksum;          /* covers the first 20 bytes */
	char     oem_id[6];
	uint8_t  revision;          /* 0: ACPI 1.0, 2: ACPI 2.0 and later */
	uint32_t rsdt_address;
	/* ACPI 2.0+ */
	uint32_t length;            /* of the whole structure */
	uint64_t xsdt_address;
	uint8_t  extended_checksum; /* covers 'length' bytes */
	uint8_t  reserved[3];
} __attribute__((packed));

#define ACPI_RSDP_V1_LEN 20u

/* The header every system description table starts with. */
struct acpi_sdt_header {
	char     signature[4];
	uint32_t length;            /* of the whole table, header included */
	uint8_t  revision;
	uint8_t  checksum;          /* all 'length' bytes sum to 0 mod 256 */
	char     oem_id[6];
	char     oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __attribute__((packed));

/* Generic Address Structure: a register in some address space. */
struct acpi_gas_raw {
	uint8_t  space_id;          /* ACPI_SPACE_* */
	uint8_t  bit_width;
	uint8_t  bit_offset;
	uint8_t  access_size;       /* 0 undefined, 1 byte, 2 word, 3 dword, 4 qword */
	uint64_t address;
} __attribute__((packed));

/* ---- MADT ("APIC") ---- */

struct acpi_madt {
	struct acpi_sdt_header hdr;
	uint32_t lapic_address;
	uint32_t flags;             /* ACPI_MADT_PCAT_COMPAT */
	/* variable-length entries follow */
} __attribute__((packed));

#define ACPI_MADT_PCAT_COMPAT (1u << 0)

struct acpi_madt_entry {
	uint8_t type;
	uint8_t length;
} __attribute__((packed));

enum acpi_madt_type {
	ACPI_MADT_LAPIC          = 0,
	ACPI_MADT_IOAPIC         = 1,
	ACPI_MADT_IRQ_OVERRIDE   = 2,
	ACPI_MADT_LAPIC_OVERRIDE = 5,
	ACPI_MADT_X2APIC         = 9,
};

struct acpi_madt_lapic {
	struct acpi_madt_entry h;
	uint8_t  processor_uid;
	uint8_t  apic_id;
	uint32_t flags;
} __attribute__((packed));

/* Local APIC / x2APIC flags. */
#define ACPI_MADT_ENABLED        (1u << 0)
#define ACPI_MADT_ONLINE_CAPABLE (1u << 1)

struct acpi_madt_ioapic {
	struct acpi_madt_entry h;
	uint8_t  ioapic_id;
	uint8_t  reserved;
	uint32_t address;
	uint32_t gsi_base;
} __attribute__((packed));

struct acpi_madt_irq_override {
	struct acpi_madt_entry h;
	uint8_t  bus;               /* 0: ISA */
	uint8_t  source_irq;
	uint32_t gsi;
	uint16_t flags;             /* MPS INTI flags: polarity bits 1:0, trigger bits 3:2 */
} __attribute__((packed));

struct acpi_madt_lapic_override {
	struct acpi_madt_entry h;
	uint16_t reserved;
	uint64_t address;
} __attribute__((packed));

struct acpi_madt_x2apic {
	struct acpi_madt_entry h;
	uint16_t reserved;
	uint32_t x2apic_id;
	uint32_t flags;
	uint32_t processor_uid;
} __attribute__((packed));

/* ---- FADT ("FACP") ---- */

struct acpi_fadt {
	struct acpi_sdt_header hdr;
	uint32_t firmware_ctrl;
	uint32_t dsdt;
	uint8_t  reserved0;
	uint8_t  preferred_pm_profile;
	uint16_t sci_int;
	uint32_t smi_cmd;
	uint8_t  acpi_enable;
	uint8_t  acpi_disable;
	uint8_t  s4bios_req;
	uint8_t  pstate_cnt;
	uint32_t pm1a_evt_blk;
	uint32_t pm1b_evt_blk;
	uint32_t pm1a_cnt_blk;
	uint32_t pm1b_cnt_blk;
	uint32_t pm2_cnt_blk;
	uint32_t pm_tmr_blk;
	uint32_t gpe0_blk;
	uint32_t gpe1_blk;
	uint8_t  pm1_evt_len;
	uint8_t  pm1_cnt_len;
	uint8_t  pm2_cnt_len;
	uint8_t  pm_tmr_len;
	uint8_t  gpe0_blk_len;
	uint8_t  gpe1_blk_len;
	uint8_t  gpe1_base;
	uint8_t  cst_cnt;
	uint16_t p_lvl2_lat;
	uint16_t p_lvl3_lat;
	uint16_t flush_size;
	uint16_t flush_stride;
	uint8_t  duty_offset;
	uint8_t  duty_width;
	uint8_t  day_alrm;
	uint8_t  mon_alrm;
	uint8_t  century;
	uint16_t iapc_boot_arch;
	uint8_t  reserved1;
	uint32_t flags;             /* ACPI_FADT_* */
	/* ACPI 1.0 tables end here (116 bytes); the rest is present when 'length' covers it. */
	struct acpi_gas_raw reset_reg;
	uint8_t  reset_value;
	uint16_t arm_boot_arch;
	uint8_t  minor_version;
	uint64_t x_firmware_ctrl;
	uint64_t x_dsdt;
	struct acpi_gas_raw x_pm1a_evt_blk;
	struct acpi_gas_raw x_pm1b_evt_blk;
	struct acpi_gas_raw x_pm1a_cnt_blk;
	struct acpi_gas_raw x_pm1b_cnt_blk;
	struct acpi_gas_raw x_pm2_cnt_blk;
	struct acpi_gas_raw x_pm_tmr_blk;
	struct acpi_gas_raw x_gpe0_blk;
	struct acpi_gas_raw x_gpe1_blk;
	struct acpi_gas_raw sleep_control_reg;
	struct acpi_gas_raw sleep_status_reg;
	uint64_t hypervisor_vendor_id;
} __attribute__((packed));

#define ACPI_FADT_TMR_VAL_EXT   (1u << 8)   /* the PM timer counts 32 bits, not 24 */
#define ACPI_FADT_RESET_REG_SUP (1u << 10)
#define ACPI_FADT_HW_REDUCED    (1u << 20)

/* ---- MCFG ---- */

struct acpi_mcfg {
	struct acpi_sdt_header hdr;
	uint8_t reserved[8];
	/* struct acpi_mcfg_entry entries[] */
} __attribute__((packed));

struct acpi_mcfg_entry {
	uint64_t base;              /* ECAM base of bus 0 in this segment, even if start_bus > 0 */
	uint16_t segment;
	uint8_t  start_bus;
	uint8_t  end_bus;
	uint32_t reserved;
} __attribute__((packed));

/* Compile-time checks that the layouts match the specification's offsets. */
_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP layout");
_Static_assert(sizeof(struct acpi_sdt_header) == 36, "SDT header layout");
_Static_assert(sizeof(struct acpi_gas_raw) == 12, "GAS layout");
_Static_assert(sizeof(struct acpi_madt) == 44, "MADT layout");
_Static_assert(sizeof(struct acpi_madt_lapic) == 8, "MADT LAPIC layout");
_Static_assert(sizeof(struct acpi_madt_ioapic) == 12, "MADT IOAPIC layout");
_Static_assert(sizeof(struct acpi_madt_irq_override) == 10, "MADT override layout");
_Static_assert(sizeof(struct acpi_madt_lapic_override) == 12, "MADT LAPIC override layout");
_Static_assert(sizeof(struct acpi_madt_x2apic) == 16, "MADT x2APIC layout");
_Static_assert(__builtin_offsetof(struct acpi_fadt, flags) == 112, "FADT flags offset");
_Static_assert(__builtin_offsetof(struct acpi_fadt, reset_reg) == 116, "FADT reset_reg offset");
_Static_assert(__builtin_offsetof(struct acpi_fadt, x_dsdt) == 140, "FADT X_DSDT offset");
_Static_assert(__builtin_offsetof(struct acpi_fadt, x_pm1a_cnt_blk) == 172, "FADT X_PM1a_CNT offset");
_Static_assert(__builtin_offsetof(struct acpi_fadt, x_pm_tmr_blk) == 208, "FADT X_PM_TMR offset");
_Static_assert(__builtin_offsetof(struct acpi_fadt, sleep_control_reg) == 244, "FADT sleep control offset");
_Static_assert(sizeof(struct acpi_fadt) == 276, "FADT layout");
_Static_assert(sizeof(struct acpi_mcfg) == 44, "MCFG layout");
_Static_assert(sizeof(struct acpi_mcfg_entry) == 16, "MCFG entry layout");

#endif
