/* test_acpi.c: unit tests of the ACPI table parser against tables built in a fake physical-memory arena. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "acpi.h"
#include "acpi_tables.h"
#include "log.h"
#include "mm.h"

/* ---- the environment acpi.c expects: a direct map and a log ---- */

uint64_t mm_direct_map_offset;

#define ARENA_SIZE (1u << 20)
static uint8_t *arena;

static int warn_count;
static int err_count;
static char last_warn[256];

void log_printf(enum log_level level, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (level == LOG_WARN) {
		warn_count++;
		snprintf(last_warn, sizeof last_warn, "%s", buf);
	} else if (level == LOG_ERR) {
		err_count++;
	}
	if (getenv("ACPI_TEST_VERBOSE"))
		fputs(buf, stdout);
}

void panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	abort();
}

/* ---- table builders ---- */

/* Where each table lives in the arena's "physical" address space. */
enum {
	PA_RSDP = 0x1000,
	PA_XSDT = 0x2000,
	PA_RSDT = 0x3000,
	PA_MADT = 0x4000,
	PA_FADT = 0x8000,
	PA_DSDT = 0x9000,
	PA_MCFG = 0xa000,
	PA_HPET = 0xb000,
	PA_BIG  = 0x10000,   /* room for a MADT with more than MAX_CPUS entries */
};

/* True when the last warning mentions 'word' (<string.h> here is Keel's, without strstr). */
static bool warned_about(const char *word)
{
	size_t n = strlen(word);
	for (const char *p = last_warn; *p; p++)
		if (strncmp(p, word, n) == 0)
			return true;
	return false;
}

static void *at(paddr_t pa) { return arena + pa; }

static uint8_t sum_bytes(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t s = 0;
	while (len--)
		s = (uint8_t)(s + *b++);
	return s;
}

static void fix_checksum(paddr_t pa)
{
	struct acpi_sdt_header *h = at(pa);
	h->checksum = 0;
	h->checksum = (uint8_t)(0x100 - sum_bytes(h, h->length));
}

static struct acpi_sdt_header *put_header(paddr_t pa, const char *sig, uint32_t len)
{
	struct acpi_sdt_header *h = at(pa);
	memset(h, 0, len);
	memcpy(h->signature, sig, 4);
	h->length = len;
	h->revision = 1;
	memcpy(h->oem_id, "KEELTS", 6);
	return h;
}

static void build_rsdp(uint8_t revision, uint32_t rsdt, uint64_t xsdt)
{
	struct acpi_rsdp *r = at(PA_RSDP);
	memset(r, 0, sizeof(*r));
	memcpy(r->signature, ACPI_RSDP_SIGNATURE, 8);
	memcpy(r->oem_id, "BOCHS ", 6);
	r->revision = revision;
	r->rsdt_address = rsdt;
	r->checksum = (uint8_t)(0x100 - sum_bytes(r, ACPI_RSDP_V1_LEN));
	if (revision >= 2) {
		r->length = sizeof(*r);
		r->xsdt_address = xsdt;
		r->extended_checksum = (uint8_t)(0x100 - sum_bytes(r, sizeof(*r)));
	}
}

static void build_root(paddr_t pa, const char *sig, unsigned entry_size, const uint64_t *entries, unsigned n)
{
	put_header(pa, sig, (uint32_t)(sizeof(struct acpi_sdt_header) + entry_size * n));
	uint8_t *p = (uint8_t *)at(pa) + sizeof(struct acpi_sdt_header);
	for (unsigned i = 0; i < n; i++)
		memcpy(p + i * entry_size, &entries[i], entry_size); /* little-endian: low bytes first */
	fix_checksum(pa);
}

/* The MADT is built entry by entry, then closed (length and checksum). */
static uint32_t madt_len;
static paddr_t madt_pa;

static void madt_begin(paddr_t pa, uint32_t lapic, uint32_t flags)
{
	madt_pa = pa;
	madt_len = sizeof(struct acpi_madt);
	struct acpi_madt *m = (void *)put_header(pa, "APIC", madt_len);
	m->lapic_address = lapic;
	m->flags = flags;
}

static void madt_raw(const void *entry, uint32_t len)
{
	memcpy((uint8_t *)at(madt_pa) + madt_len, entry, len);
	madt_len += len;
}

static void madt_lapic(uint8_t uid, uint8_t id, uint32_t flags)
{
	struct acpi_madt_lapic e = { { ACPI_MADT_LAPIC, sizeof(e) }, uid, id, flags };
	madt_raw(&e, sizeof(e));
}

static void madt_x2apic(uint32_t id, uint32_t uid, uint32_t flags)
{
	struct acpi_madt_x2apic e = { { ACPI_MADT_X2APIC, sizeof(e) }, 0, id, flags, uid };
	madt_raw(&e, sizeof(e));
}

static void madt_ioapic(uint8_t id, uint32_t addr, uint32_t gsi_base)
{
	struct acpi_madt_ioapic e = { { ACPI_MADT_IOAPIC, sizeof(e) }, id, 0, addr, gsi_base };
	madt_raw(&e, sizeof(e));
}

static void madt_override(uint8_t bus, uint8_t irq, uint32_t gsi, uint16_t flags)
{
	struct acpi_madt_irq_override e = { { ACPI_MADT_IRQ_OVERRIDE, sizeof(e) }, bus, irq, gsi, flags };
	madt_raw(&e, sizeof(e));
}

static void madt_end(void)
{
	((struct acpi_sdt_header *)at(madt_pa))->length = madt_len;
	fix_checksum(madt_pa);
}

/* The standard MADT: 4 CPUs (one disabled, one online-capable), 1 IOAPIC, 2 overrides. */
static void build_std_madt(void)
{
	madt_begin(PA_MADT, 0xfee00000, ACPI_MADT_PCAT_COMPAT);
	madt_lapic(0, 0, ACPI_MADT_ENABLED);
	madt_lapic(1, 1, ACPI_MADT_ENABLED);
	madt_lapic(2, 2, 0);                       /* disabled and not online-capable: ignored */
	madt_lapic(3, 3, ACPI_MADT_ONLINE_CAPABLE);
	madt_ioapic(0, 0xfec00000, 0);
	madt_override(0, 0, 2, 0);
	madt_override(0, 9, 9, ACPI_IRQ_POLARITY_HIGH | ACPI_IRQ_TRIGGER_LEVEL);
	madt_end();
}

static void set_gas(struct acpi_gas_raw *g, uint8_t space, uint8_t width, uint8_t access, uint64_t addr)
{
	g->space_id = space;
	g->bit_width = width;
	g->bit_offset = 0;
	g->access_size = access;
	g->address = addr;
}

/* A FADT shaped like QEMU q35's: PM base 0x600, reset via 0xcf9 <- 6. */
static struct acpi_fadt *build_fadt(uint32_t len, paddr_t dsdt)
{
	struct acpi_fadt *f = (void *)put_header(PA_FADT, "FACP", len);
	f->dsdt = (uint32_t)dsdt;
	f->sci_int = 9;
	f->smi_cmd = 0xb2;
	f->acpi_enable = 0x02;
	f->pm1a_evt_blk = 0x600;
	f->pm1a_cnt_blk = 0x604;
	f->pm_tmr_blk = 0x608;
	f->pm1_evt_len = 4;
	f->pm1_cnt_len = 2;
	f->pm_tmr_len = 4;
	f->century = 0x32;
	f->flags = ACPI_FADT_RESET_REG_SUP | ACPI_FADT_TMR_VAL_EXT;
	if (len >= offsetof(struct acpi_fadt, x_firmware_ctrl)) {
		set_gas(&f->reset_reg, ACPI_SPACE_IO, 8, 0, 0xcf9);
		f->reset_value = 0x06;
	}
	if (len >= sizeof(*f)) {
		f->x_dsdt = dsdt;
		set_gas(&f->x_pm1a_cnt_blk, ACPI_SPACE_IO, 16, 2, 0x604);
		set_gas(&f->x_pm_tmr_blk, ACPI_SPACE_IO, 32, 3, 0x608);
	}
	fix_checksum(PA_FADT);
	return f;
}

static void build_dsdt(const uint8_t *aml, uint32_t len)
{
	put_header(PA_DSDT, "DSDT", (uint32_t)sizeof(struct acpi_sdt_header) + len);
	memcpy((uint8_t *)at(PA_DSDT) + sizeof(struct acpi_sdt_header), aml, len);
	fix_checksum(PA_DSDT);
}

/* Name(\_S5_, Package(4) {0x05, 0x05, Zero, Zero}) behind some unrelated AML and a decoy string. */
static const uint8_t aml_s5_byteprefix[] = {
	0x10, 0x05, '_', 'S', 'B', '_',                      /* Scope(_SB) {} */
	0x0d, '_', 'S', '5', '_', 0x00,                      /* a string "_S5_": not a NameOp */
	0x08, '\\', '_', 'S', '5', '_', 0x12, 0x08, 0x04, 0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00,
};

/* QEMU's: Name(_S5_, Package(4) {Zero, Zero, Zero, Zero}). */
static const uint8_t aml_s5_zero[] = {
	0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00,
};

static void build_mcfg(const struct acpi_mcfg_entry *entries, unsigned n)
{
	put_header(PA_MCFG, "MCFG", (uint32_t)(sizeof(struct acpi_mcfg) + n * sizeof(*entries)));
	memcpy((uint8_t *)at(PA_MCFG) + sizeof(struct acpi_mcfg), entries, n * sizeof(*entries));
	fix_checksum(PA_MCFG);
}

/* RSDP v2 + XSDT {MADT, FADT, MCFG, HPET} + DSDT (_S5_ byte prefix) + RSDT {MADT, FADT}. */
static void build_std_machine(void)
{
	build_std_madt();
	build_dsdt(aml_s5_byteprefix, sizeof(aml_s5_byteprefix));
	build_fadt(sizeof(struct acpi_fadt), PA_DSDT);
	struct acpi_mcfg_entry mcfg = { .base = 0xb0000000, .segment = 0, .start_bus = 0, .end_bus = 0xff };
	build_mcfg(&mcfg, 1);
	put_header(PA_HPET, "HPET", 56);
	fix_checksum(PA_HPET);
	const uint64_t x[] = { PA_MADT, PA_FADT, PA_MCFG, PA_HPET };
	build_root(PA_XSDT, "XSDT", 8, x, 4);
	const uint64_t r[] = { PA_MADT, PA_FADT };
	build_root(PA_RSDT, "RSDT", 4, r, 2);
	build_rsdp(2, PA_RSDT, PA_XSDT);
}

static int setup(void **state)
{
	(void)state;
	arena = calloc(1, ARENA_SIZE);
	mm_direct_map_offset = (uint64_t)(uintptr_t)arena;
	warn_count = err_count = 0;
	last_warn[0] = '\0';
	return arena ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(arena);
	arena = NULL;
	return 0;
}

static struct acpi_info info;

/* ---- tests ---- */

static void test_full_parse(void **state)
{
	(void)state;
	build_std_machine();
	assert_int_equal(acpi_parse(PA_RSDP, &info), ACPI_OK);
	assert_int_equal(warn_count, 0);

	assert_int_equal(info.rsdp_revision, 2);
	assert_string_equal(info.oem_id, "BOCHS ");
	assert_int_equal(info.root_table, PA_XSDT);
	assert_int_equal(info.root_entry_size, 8);

	assert_true(info.have_madt);
	assert_int_equal(info.lapic_address, 0xfee00000);
	assert_true(info.pcat_compat);
	assert_int_equal(info.cpu_count, 3);
	assert_int_equal(info.cpus_ignored, 1);
	assert_int_equal(info.cpus[0].apic_id, 0);
	assert_true(info.cpus[0].enabled);
	assert_int_equal(info.cpus[1].apic_id, 1);
	assert_int_equal(info.cpus[1].uid, 1);
	assert_true(info.cpus[1].enabled);
	assert_false(info.cpus[1].x2apic);
	assert_int_equal(info.cpus[2].apic_id, 3);
	assert_false(info.cpus[2].enabled);
	assert_true(info.cpus[2].online_capable);
	assert_int_equal(info.ioapic_count, 1);
	assert_int_equal(info.ioapics[0].id, 0);
	assert_int_equal(info.ioapics[0].address, 0xfec00000);
	assert_int_equal(info.ioapics[0].gsi_base, 0);
	assert_int_equal(info.irq_override_count, 2);
	assert_int_equal(info.irq_overrides[0].source_irq, 0);
	assert_int_equal(info.irq_overrides[0].gsi, 2);
	assert_int_equal(info.irq_overrides[1].source_irq, 9);
	assert_int_equal(info.irq_overrides[1].flags & ACPI_IRQ_TRIGGER_MASK, ACPI_IRQ_TRIGGER_LEVEL);
	assert_int_equal(info.irq_overrides[1].flags & ACPI_IRQ_POLARITY_MASK, ACPI_IRQ_POLARITY_HIGH);

	assert_true(info.have_fadt);
	assert_false(info.hw_reduced);
	assert_int_equal(info.sci_irq, 9);
	assert_int_equal(info.smi_cmd, 0xb2);
	assert_int_equal(info.acpi_enable_value, 2);
	assert_int_equal(info.pm1a_cnt.space, ACPI_SPACE_IO);
	assert_int_equal(info.pm1a_cnt.address, 0x604);
	assert_int_equal(acpi_gas_access_bits(&info.pm1a_cnt, 8), 16);
	assert_int_equal(info.pm1b_cnt.address, 0);
	assert_int_equal(info.pm_timer_port, 0x608);
	assert_true(info.pm_timer_32bit);
	assert_true(info.reset_supported);
	assert_int_equal(info.reset_reg.space, ACPI_SPACE_IO);
	assert_int_equal(info.reset_reg.address, 0xcf9);
	assert_int_equal(info.reset_value, 0x06);
	assert_int_equal(info.century_cmos_index, 0x32);
	assert_int_equal(info.dsdt, PA_DSDT);
	assert_true(info.s5_valid);
	assert_int_equal(info.slp_typ_a, 5);
	assert_int_equal(info.slp_typ_b, 5);

	assert_int_equal(info.ecam_count, 1);
	assert_int_equal(info.ecam[0].base, 0xb0000000);
	assert_int_equal(info.ecam[0].segment, 0);
	assert_int_equal(info.ecam[0].start_bus, 0);
	assert_int_equal(info.ecam[0].end_bus, 0xff);

	assert_int_equal(acpi_find_table(&info, "HPET"), PA_HPET);
	assert_int_equal(acpi_find_table(&info, "DSDT"), PA_DSDT);
	assert_int_equal(acpi_find_table(&info, "SSDT"), 0);
	acpi_log_summary(&info);
	assert_int_equal(warn_count, 0);
}

static void test_rsdt_fallback_revision0(void **state)
{
	(void)state;
	build_std_machine();
	build_rsdp(0, PA_RSDT, 0);
	/* Corrupt the XSDT: revision 0 must never look at it. */
	((struct acpi_sdt_header *)at(PA_XSDT))->checksum ^= 0xff;
	assert_int_equal(acpi_parse(PA_RSDP, &info), ACPI_OK);
	assert_int_equal(info.root_table, PA_RSDT);
	assert_int_equal(info.root_entry_size, 4);
	assert_int_equal(info.cpu_count, 3);
	assert_true(info.have_fadt);
	assert_int_equal(info.ecam_count, 0); /* MCFG is only in the XSDT */
	assert_int_equal(acpi_find_table(&info, "HPET"), 0);
}

static void test_rsdt_fallback_no_xsdt(void **state)
{
	(void)state;
	build_std_machine();
	build_rsdp(2, PA_RSDT, 0);
	assert_int_equal(acpi_parse(PA_RSDP, &info), ACPI_OK);
	assert_int_equal(info.root_table, PA_RSDT);
	assert_int_equal(info.cpu_count, 3);
}

static void test_bad_rsdp(void **state)
{
	(void)state;
	build_std_machine();
	assert_int_equal(acpi_parse(0, &info), ACPI_ERR_NO_RSDP);
	assert_int_equal(info.lapic_address, 0xfee00000); /* still usable by the LAPIC code */

	struct acpi_rsdp *r = at(PA_RSDP);
	r->checksum++;
	assert_int_equal(acpi_parse(PA_RSDP, &info), ACPI_ERR_BAD_RSDP);

	build_rsdp(2, PA_RSDT, PA_XSDT);
	r->extended_checksum++;
	assert_int_equal(acpi_parse(PA_RSDP, &info), ACPI_ERR_BAD_RSDP);

	build_rsdp(2, PA_RSDT, PA_XSDT);
	r->signature[0] = 'X';
	assert_int_equal(acpi_parse(PA_RSDP, &info), ACPI_ERR_BAD_RSDP);

	/* An absurd v2 length must not be summed. */
	build_rsdp(2, PA_RSDT, PA_XSDT);
	r->length = 0x7fffffff;
	assert_int_equal(acpi_parse(PA_RSDP, &info), ACPI_ERR_BAD_RSDP);
	assert_true(err_count >= 4);
}

static void test_bad_root(void **state)
{
	(void)state;
	build_std_machine();
	((struct acpi_sdt_header *)at(PA_XSDT))->checksum++;
	assert_int_equal(acpi_parse(PA_RSDP, &info), ACPI_ERR_BAD_ROOT);

	build_std_machine();
	build_rsdp(2, PA_RSDT, PA_MADT); /* points at a table that is not an XSDT */
	assert_int_equal(acpi_parse(PA_RSDP, &info), ACPI_ERR_BAD_ROOT);

	build_std_machine();
	build_rsdp(0, 0, 0);
	assert_int_equal(acpi_parse(PA_RSDP, &info), ACPI_ERR_BAD_ROOT);
}

static void test_bad_madt_checksum(void **state)
{
	(void)state;
	build_std_machine();
	((struct acpi_sdt_header *)at(PA_MADT))->checksum++;
	assert_int_equal(acpi_parse(PA_RSDP, &info), ACPI_OK);
	assert_int_equal(warn_count, 1);
	assert_true(warned_about("APIC"));
	assert_true(warned_about("checksum"));
	assert_false(info.have_madt);
	assert_int_equal(info.cpu_count, 0);
	assert_true(info.have_fadt); /* the other tables are unaffected */
	acpi_log_summary(&info);
}

static void test_madt_entry_zero_length(void **state)
{
	(void)state;
	build_std_machine();
	madt_begin(PA_MADT, 0xfee00000, 0);
	madt_lapic(0, 0, ACPI_MADT_ENABLED);
	uint8_t bad[8] = { ACPI_MADT_LAPIC, 0 };
	madt_raw(bad, sizeof bad);
	madt_lapic(1, 1, ACPI_MADT_ENABLED); /* never reached */
	madt_end();
	assert_int_equal(acpi_parse(PA_RSDP, &info), ACPI_OK);
	assert_int_equal(info.cpu_count, 1);
	assert_int_equal(warn_count, 1);
}

static void test_madt_entry_past_end(void **state)
{
	(void)state;
	build_std_machine();
	madt_begin(PA_MADT, 0xfee00000, 0);
	madt_lapic(0, 0, ACPI_MADT_ENABLED);
	madt_ioapic(1, 0xfec00000, 0);
	/* The last entry claims 200 bytes but the table ends after 8. */
	uint8_t bad[8] = { ACPI_MADT_IOAPIC, 200 };
	madt_raw(bad, sizeof bad);
	madt_end();
	assert_int_equal(acpi_parse(PA_RSDP, &info), ACPI_OK);
	assert_int_equal(info.cpu_count, 1);
	assert_int_equal(info.ioapic_count, 1);
	assert_int_equal(warn_count, 1);

	/* A lone trailing byte (no room for an entry header) ends the walk quietly. */
	build_std_machine();
	madt_begin(PA_MADT, 0xfee00000, 0);
	madt_lapic(0, 0, ACPI_MADT_ENABLED);
	uint8_t one = ACPI_MADT_LAPIC;
	madt_raw(&one, 1);
	madt_end();
	warn_count = 0;
	assert_int_equal(acpi_parse(PA_RSDP, &info), ACPI_OK);
	assert_int_equal(info.cpu_count, 1);
	assert_int_equal(warn_count, 0);
}

static void test_madt_short_entry_and_bad_values(void **state)
{
	(void)state;
	build_std_machine();
	madt_begin(PA_MADT, 0, 0);
	uint8_t short_ioapic[6] = { ACPI_MADT_IOAPIC, 6, 1, 0, 0, 0 }; /* needs 12 bytes */
	madt_raw(short_ioapic, sizeof short_ioapic);
	madt_lapic(0, 0xff, ACPI_MADT_ENABLED);  /* broadcast id: not a CPU */
	madt_lapic(0, 4, ACPI_MADT_ENABLED);
	madt_ioapic(2, 0, 0);                     /* address 0 */
	madt_override(1, 5, 5, 0);                /* not ISA */
	madt_override(0, 20, 20, 0);              /* not an ISA IRQ */
	struct acpi_madt_lapic_override lo = { { ACPI_MADT_LAPIC_OVERRIDE, sizeof(lo) }, 0, 0xfee10000ull };
	madt_raw(&lo, sizeof lo);
	madt_end();
	assert_int_equal(acpi_parse(PA_RSDP, &info), ACPI_OK);
	assert_int_equal(info.cpu_count, 1);
	assert_int_equal(info.cpus[0].apic_id, 4);
	assert_int_equal(info.ioapic_count, 0);
	assert_int_equal(info.irq_override_count, 0);
	assert_int_equal(info.lapic_address, 0xfee10000ull);
	assert_int_equal(warn_count, 4);
}

static void test_absurd_table_length(void **state)
{
	(void)state;
	build_std_machine();
	/* If the parser trusted this length it would run far off the 1 MiB arena (ASan would stop it). */
	((struct acpi_sdt_header *)at(PA_MADT))->length = 0x7fffffff;
	assert_int_equal(acpi_parse(PA_RSDP, &info), ACPI_OK);
	assert_false(info.have_madt);
	assert_int_equal(warn_count, 1);
	assert_true(warned_about("length"));

	/* Shorter than the fixed part of the table. */
	build_std_machine();
	((struct acpi_sdt_header *)at(PA_FADT))->length = 100;
	fix_checksum(PA_FADT);
	warn_count = 0;
	assert_int_equal(acpi_parse(PA_RSDP, &info), ACPI_OK);
	assert_false(info.have_fadt);
	assert_true(info.have_madt);
	assert_int_equal(warn_count, 1);

	/* An absurd root table length is fatal. */
	build_std_machine();
	((struct acpi_sdt_header *)at(PA_XSDT))->length = 0xfffffff0;
	assert_int_equal(acpi_parse(PA_RSDP, &info), ACPI_ERR_BAD_ROOT);
}

static void test_null_table_pointer(void **state)
{
	(void)state;
	build_std_machine();
	const uint64_t x[] = { 0, PA_MADT, 0xfff0000000000000ull, PA_FADT };
	build_root(PA_XSDT, "XSDT", 8, x, 4);
	assert_int_equal(acpi_parse(PA_RSDP, &info), ACPI_OK);
	assert_int_equal(warn_count, 2);
	assert_true(info.have_madt);
	assert_true(info.have_fadt);
	assert_int_equal(acpi_find_table(&info, "FACP"), PA_FADT);

	/* A FADT whose DSDT pointers are both 0. */
	build_std_machine();
	struct acpi_fadt *f = build_fadt(sizeof(struct acpi_fadt), 0);
	(void)f;
	warn_count = 0;
	assert_int_equal(acpi_parse(PA_RSDP, &info), ACPI_OK);
	assert_int_equal(info.dsdt, 0);
	assert_false(info.s5_valid);
	assert_int_equal(warn_count, 1);
}

static void test_x2apic(void **state)
{
	(void)state;
	build_std_machine();
	madt_begin(PA_MADT, 0xfee00000, 0);
	madt_lapic(0, 0, ACPI_MADT_ENABLED);
	madt_x2apic(0x100, 7, ACPI_MADT_ENABLED);
	madt_x2apic(0x101, 8, ACPI_MADT_ONLINE_CAPABLE);
	madt_x2apic(0, 9, ACPI_MADT_ENABLED);            /* duplicate of the xAPIC entry */
	madt_x2apic(0xffffffffu, 10, ACPI_MADT_ENABLED); /* invalid id */
	madt_end();
	assert_int_equal(acpi_parse(PA_RSDP, &info), ACPI_OK);
	assert_int_equal(info.cpu_count, 3);
	assert_int_equal(info.cpus[1].apic_id, 0x100);
	assert_int_equal(info.cpus[1].uid, 7);
	assert_true(info.cpus[1].x2apic);
	assert_true(info.cpus[1].enabled);
	assert_int_equal(info.cpus[2].apic_id, 0x101);
	assert_false(info.cpus[2].enabled);
	assert_true(info.cpus[2].online_capable);
	assert_int_equal(info.cpus_ignored, 1);
	assert_int_equal(warn_count, 1); /* the duplicate */
}

static void test_too_many_cpus(void **state)
{
	(void)state;
	build_std_machine();
	madt_begin(PA_BIG, 0xfee00000, 0);
	for (unsigned i = 0; i < MAX_CPUS + 5; i++)
		madt_x2apic(i, i, ACPI_MADT_ENABLED);
	for (unsigned i = 0; i < MAX_IOAPICS + 2; i++)
		madt_ioapic((uint8_t)i, 0xfec00000u + i * 0x1000u, i * 24);
	for (unsigned i = 0; i < MAX_IRQ_OVERRIDES + 1; i++)
		madt_override(0, (uint8_t)(i % 16), i, 0);
	madt_end();
	const uint64_t x[] = { PA_BIG, PA_FADT };
	build_root(PA_XSDT, "XSDT", 8, x, 2);
	assert_int_equal(acpi_parse(PA_RSDP, &info), ACPI_OK);
	assert_int_equal(info.cpu_count, MAX_CPUS);
	assert_int_equal(info.cpus[MAX_CPUS - 1].apic_id, MAX_CPUS - 1);
	assert_int_equal(info.cpus_ignored, 5);
	assert_int_equal(info.ioapic_count, MAX_IOAPICS);
	assert_int_equal(info.irq_override_count, MAX_IRQ_OVERRIDES);
	assert_int_equal(warn_count, 3); /* one per capped kind */
}

static void test_s5_encodings(void **state)
{
	(void)state;
	uint8_t a = 0xee, b = 0xee;
	assert_true(acpi_find_s5(aml_s5_zero, sizeof aml_s5_zero, &a, &b));
	assert_int_equal(a, 0);
	assert_int_equal(b, 0);
	assert_true(acpi_find_s5(aml_s5_byteprefix, sizeof aml_s5_byteprefix, &a, &b));
	assert_int_equal(a, 5);
	assert_int_equal(b, 5);

	/* One opcode and byte prefix mixed, with a two-byte PkgLength. */
	const uint8_t mixed[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x47, 0x00, 0x02, 0x01, 0x0a, 0x07, 0x00,
				  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
				  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
				  0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	_Static_assert(sizeof(mixed) >= 5 + 1 + 7, "package fits");
	assert_true(acpi_find_s5(mixed, sizeof mixed, &a, &b));
	assert_int_equal(a, 1);
	assert_int_equal(b, 7);

	/* The legacy single-integer package: a in bits 7:0, b in bits 15:8. */
	const uint8_t single[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x01, 0x0b, 0x07, 0x03 };
	assert_true(acpi_find_s5(single, sizeof single, &a, &b));
	assert_int_equal(a, 7);
	assert_int_equal(b, 3);
}

static void test_s5_malformed(void **state)
{
	(void)state;
	uint8_t a, b;
	/* Missing entirely. */
	const uint8_t none[] = { 0x08, '_', 'S', '4', '_', 0x12, 0x06, 0x04, 0x0a, 0x05, 0x0a, 0x05 };
	assert_false(acpi_find_s5(none, sizeof none, &a, &b));
	/* Only a reference to _S5_ (no NameOp before it). */
	const uint8_t ref[] = { 0x70, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x0a, 0x05, 0x0a, 0x05 };
	assert_false(acpi_find_s5(ref, sizeof ref, &a, &b));
	/* Truncated in the middle of the package: every prefix must fail without over-reading. */
	for (size_t n = 0; n < sizeof aml_s5_zero; n++) {
		uint8_t *copy = malloc(n ? n : 1);
		memcpy(copy, aml_s5_zero, n);
		assert_false(acpi_find_s5(copy, (uint32_t)n, &a, &b));
		free(copy);
	}
	/* PkgLength claiming more than the AML holds. */
	const uint8_t longpkg[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x3f, 0x04, 0x00, 0x00 };
	assert_false(acpi_find_s5(longpkg, sizeof longpkg, &a, &b));
	/* Values that cannot be a 3-bit SLP_TYP, and unknown element opcodes. */
	const uint8_t big[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0a, 0x09, 0x0a, 0x05 };
	assert_false(acpi_find_s5(big, sizeof big, &a, &b));
	const uint8_t odd[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x5b, 0x00 };
	assert_false(acpi_find_s5(odd, sizeof odd, &a, &b));
	assert_false(acpi_find_s5(NULL, 0, &a, &b));

	/* A DSDT without _S5_: parse succeeds, power-off via ACPI is marked unavailable. */
	build_std_machine();
	build_dsdt(none, sizeof none);
	assert_int_equal(acpi_parse(PA_RSDP, &info), ACPI_OK);
	assert_int_equal(info.dsdt, PA_DSDT);
	assert_false(info.s5_valid);
	assert_int_equal(warn_count, 1);

	/* A DSDT with a bad checksum is ignored the same way. */
	build_std_machine();
	((struct acpi_sdt_header *)at(PA_DSDT))->checksum++;
	warn_count = 0;
	assert_int_equal(acpi_parse(PA_RSDP, &info), ACPI_OK);
	assert_int_equal(info.dsdt, 0);
	assert_false(info.s5_valid);
	assert_int_equal(warn_count, 1);
	assert_true(warned_about("DSDT"));
}

static void test_fadt_v1_and_zero_s5(void **state)
{
	(void)state;
	build_std_machine();
	build_dsdt(aml_s5_zero, sizeof aml_s5_zero);
	struct acpi_fadt *f = build_fadt(offsetof(struct acpi_fadt, reset_reg), PA_DSDT);
	(void)f;
	assert_int_equal(acpi_parse(PA_RSDP, &info), ACPI_OK);
	assert_true(info.have_fadt);
	assert_int_equal(info.pm1a_cnt.space, ACPI_SPACE_IO);
	assert_int_equal(info.pm1a_cnt.address, 0x604);
	assert_int_equal(info.pm1a_cnt.bit_width, 16);
	assert_int_equal(info.pm_timer_port, 0x608);
	assert_false(info.reset_supported); /* a 1.0 FADT has no reset register even with the flag */
	assert_int_equal(info.dsdt, PA_DSDT);
	assert_true(info.s5_valid);
	assert_int_equal(info.slp_typ_a, 0);
	assert_int_equal(info.slp_typ_b, 0);
	assert_int_equal(warn_count, 0);
}

static void test_fadt_x_fields_and_flags(void **state)
{
	(void)state;
	build_std_machine();
	struct acpi_fadt *f = build_fadt(sizeof(struct acpi_fadt), PA_DSDT);
	/* X_ fields win when valid; a legacy DSDT pointer is ignored when X_DSDT is set. */
	f->dsdt = 0x12345;
	set_gas(&f->x_pm1a_cnt_blk, ACPI_SPACE_MEMORY, 16, 2, 0xfed80004);
	set_gas(&f->x_pm1b_cnt_blk, ACPI_SPACE_IO, 16, 0, 0x1004);
	set_gas(&f->x_pm_tmr_blk, ACPI_SPACE_MEMORY, 32, 3, 0xfed80008); /* MMIO timer: use the port */
	f->pm_tmr_len = 4;
	f->flags &= ~ACPI_FADT_TMR_VAL_EXT;
	f->century = 0x05;                                             /* inside the clock registers */
	set_gas(&f->reset_reg, ACPI_SPACE_IO, 16, 0, 0xcf9);            /* not 8 bits: unusable */
	fix_checksum(PA_FADT);
	assert_int_equal(acpi_parse(PA_RSDP, &info), ACPI_OK);
	assert_int_equal(info.pm1a_cnt.space, ACPI_SPACE_MEMORY);
	assert_int_equal(info.pm1a_cnt.address, 0xfed80004);
	assert_int_equal(info.pm1b_cnt.address, 0x1004);
	assert_int_equal(info.pm_timer_port, 0x608);
	assert_false(info.pm_timer_32bit);
	assert_int_equal(info.century_cmos_index, 0);
	assert_false(info.reset_supported);
	assert_int_equal(warn_count, 1);
	assert_int_equal(info.dsdt, PA_DSDT);

	/* An invalid X_ block (I/O port above 0xffff) falls back to the legacy block. */
	build_std_machine();
	f = build_fadt(sizeof(struct acpi_fadt), PA_DSDT);
	set_gas(&f->x_pm1a_cnt_blk, ACPI_SPACE_IO, 16, 0, 0x10604);
	set_gas(&f->reset_reg, ACPI_SPACE_PCI, 8, 1, 0x0000001f00000044ull); /* PCI config of 0:1f.0 */
	fix_checksum(PA_FADT);
	warn_count = 0;
	assert_int_equal(acpi_parse(PA_RSDP, &info), ACPI_OK);
	assert_int_equal(info.pm1a_cnt.space, ACPI_SPACE_IO);
	assert_int_equal(info.pm1a_cnt.address, 0x604);
	assert_true(info.reset_supported);
	assert_int_equal(info.reset_reg.space, ACPI_SPACE_PCI);
	assert_int_equal(warn_count, 0);
}

static void test_fadt_hw_reduced(void **state)
{
	(void)state;
	build_std_machine();
	struct acpi_fadt *f = build_fadt(sizeof(struct acpi_fadt), PA_DSDT);
	f->flags |= ACPI_FADT_HW_REDUCED;
	set_gas(&f->sleep_control_reg, ACPI_SPACE_IO, 8, 1, 0x404);
	fix_checksum(PA_FADT);
	assert_int_equal(acpi_parse(PA_RSDP, &info), ACPI_OK);
	assert_true(info.hw_reduced);
	assert_int_equal(info.pm1a_cnt.address, 0);
	assert_int_equal(info.pm_timer_port, 0);
	assert_int_equal(info.sleep_control.address, 0x404);
	assert_true(info.reset_supported);
	acpi_log_summary(&info);
}

static void test_mcfg(void **state)
{
	(void)state;
	build_std_machine();
	struct acpi_mcfg_entry e[MAX_PCI_SEGMENTS + 4] = {
		{ .base = 0xb0000000, .segment = 0, .start_bus = 0, .end_bus = 0x3f },
		{ .base = 0xb0080000, .segment = 1, .start_bus = 0, .end_bus = 0xff },  /* misaligned */
		{ .base = 0xc0000000, .segment = 2, .start_bus = 0x10, .end_bus = 0x0f }, /* start > end */
		{ .base = 0, .segment = 3, .start_bus = 0, .end_bus = 0xff },           /* no base */
	};
	for (unsigned i = 4; i < MAX_PCI_SEGMENTS + 4; i++)
		e[i] = (struct acpi_mcfg_entry){ .base = 0x100000000ull * (i + 1), .segment = (uint16_t)i,
						 .start_bus = 0, .end_bus = 0xff };
	build_mcfg(e, MAX_PCI_SEGMENTS + 4);
	assert_int_equal(acpi_parse(PA_RSDP, &info), ACPI_OK);
	assert_int_equal(info.ecam_count, MAX_PCI_SEGMENTS);
	assert_int_equal(info.ecam[0].base, 0xb0000000);
	assert_int_equal(info.ecam[0].end_bus, 0x3f);
	assert_int_equal(info.ecam[1].segment, 4);
	assert_int_equal(info.ecam[1].base, 0x500000000ull);
	assert_int_equal(warn_count, 4); /* three invalid entries, one cap */
}

static void test_pm1_and_gas_helpers(void **state)
{
	(void)state;
	/* SCI_EN and other bits survive; old SLP_TYP/SLP_EN are replaced. */
	assert_int_equal(acpi_pm1_sleep_value(0x0001, 5, false), 0x0001 | (5 << 10));
	assert_int_equal(acpi_pm1_sleep_value(0x3c01, 0, true), 0x0001 | (1 << 13));
	assert_int_equal(acpi_pm1_sleep_value(0x0000, 7, true), (7 << 10) | (1 << 13));
	assert_int_equal(acpi_pm1_sleep_value(0x0000, 0xff, false), 7 << 10); /* masked to 3 bits */

	struct acpi_gas g = { .space = ACPI_SPACE_IO, .bit_width = 16, .access_size = 0, .address = 0x604 };
	assert_int_equal(acpi_gas_access_bits(&g, 8), 16);
	g.access_size = 3;
	assert_int_equal(acpi_gas_access_bits(&g, 8), 32);
	g.access_size = 0;
	g.bit_width = 12;
	assert_int_equal(acpi_gas_access_bits(&g, 8), 8);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_full_parse),
		T(test_rsdt_fallback_revision0),
		T(test_rsdt_fallback_no_xsdt),
		T(test_bad_rsdp),
		T(test_bad_root),
		T(test_bad_madt_checksum),
		T(test_madt_entry_zero_length),
		T(test_madt_entry_past_end),
		T(test_madt_short_entry_and_bad_values),
		T(test_absurd_table_length),
		T(test_null_table_pointer),
		T(test_x2apic),
		T(test_too_many_cpus),
		T(test_s5_encodings),
		T(test_s5_malformed),
		T(test_fadt_v1_and_zero_s5),
		T(test_fadt_x_fields_and_flags),
		T(test_fadt_hw_reduced),
		T(test_mcfg),
		T(test_pm1_and_gas_helpers),
	};
#undef T
	return cmocka_run_group_tests_name("acpi", tests, NULL, NULL);
}
