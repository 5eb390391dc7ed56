/* fuzz_acpi.c: libFuzzer target for arch/x86_64/acpi.c: fuzzed MADT, FADT, MCFG and DSDT tables behind an RSDP in fake physical memory. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "acpi.h"
#include "acpi_tables.h"
#include "fuzz_check.h"
#include "log.h"
#include "mm.h"

/*
 * acpi.c follows physical addresses from the tables through phys_to_virt(); on the host
 * that is an arena, and an address outside it would only crash the harness. So the
 * harness owns the pointers the firmware would: it builds the RSDP and the XSDT (or
 * RSDT) pointing at slots holding the fuzzed tables, and points the FADT's DSDT fields
 * at the fuzzed AML. Everything else comes from the input, including the tables' own
 * lengths; the arena reaches 16 MiB (acpi.c's table limit) past the last slot, zeroed.
 *
 * Input: a flags byte, the RSDP revision byte, then chunks of (u16 length, bytes):
 * the first is the DSDT's AML body, the others whole tables (header included).
 * The whole input is also scanned as AML for \_S5_ on its own.
 */

uint64_t mm_direct_map_offset;

#define FLAG_KEEP_CHECKSUMS 0x01   /* leave the tables' checksums as fuzzed */
#define FLAG_RSDT           0x02   /* an ACPI 1.0 RSDT instead of the XSDT */
#define FLAG_BAD_ROOT_ENTRY 0x04   /* root entries the parser must skip (0, beyond 2^52) */
#define FLAG_BAD_RSDP       0x08   /* a wrong RSDP checksum */
#define FLAG_RSDP_LENGTH    0x10   /* a fuzzed v2 RSDP length */

#define PA_RSDP     0x1000ull
#define PA_ROOT     0x2000ull
#define SLOT_SIZE   0x10000ull
#define PA_DSDT     SLOT_SIZE
#define TABLES_MAX  8
#define PA_TABLE(i) (SLOT_SIZE * (2 + (i)))
#define WRITTEN_END PA_TABLE(TABLES_MAX)
#define TABLE_LEN_MAX (16ull << 20)
#define ARENA_SIZE  (WRITTEN_END + TABLE_LEN_MAX + SLOT_SIZE)
#define PHYS_MAX    (1ull << 52)

static uint8_t *arena;

void log_printf(enum log_level level, const char *fmt, ...)
{
	/* Formatted and dropped: the arguments are checked, the output would only slow fuzzing. */
	char buf[256];
	va_list ap;
	(void)level;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
}

void panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	abort();
}

static uint8_t sum(const uint8_t *p, uint64_t len)
{
	uint8_t s = 0;
	while (len--)
		s = (uint8_t)(s + *p++);
	return s;
}

/* Makes the table at pa sum to zero over its own length, as firmware would. A length past
 * its slot stays unfixed: summing megabytes would slow every such input for no new path. */
static void fix_checksum(uint64_t pa)
{
	struct acpi_sdt_header *h = (void *)(arena + pa);
	if (h->length < sizeof(*h) || h->length > SLOT_SIZE)
		return;
	h->checksum = 0;
	h->checksum = (uint8_t)(0x100 - sum(arena + pa, h->length));
}

/* A pointer acpi.c would follow is redirected into the arena; one it must refuse stays. */
static uint64_t own_pointer(uint64_t pa, uint64_t target)
{
	return pa != 0 && pa <= PHYS_MAX - sizeof(struct acpi_sdt_header) ? target : pa;
}

struct reader {
	const uint8_t *p;
	size_t left;
};

static size_t next_chunk(struct reader *r, const uint8_t **chunk)
{
	if (r->left < 2)
		return r->left = 0;
	size_t len = r->p[0] | (size_t)r->p[1] << 8;
	r->p += 2;
	r->left -= 2;
	if (len > r->left)
		len = r->left;
	*chunk = r->p;
	r->p += len;
	r->left -= len;
	return len;
}

static void build_root(uint8_t flags, unsigned tables)
{
	bool rsdt = flags & FLAG_RSDT;
	unsigned entry_size = rsdt ? 4 : 8;
	uint64_t entries[TABLES_MAX + 2];
	unsigned n = 0;
	if (flags & FLAG_BAD_ROOT_ENTRY) {
		entries[n++] = 0;
		if (!rsdt)
			entries[n++] = 1ull << 60;
	}
	for (unsigned i = 0; i < tables; i++)
		entries[n++] = PA_TABLE(i);
	struct acpi_sdt_header *h = (void *)(arena + PA_ROOT);
	memcpy(h->signature, rsdt ? "RSDT" : "XSDT", 4);
	h->length = (uint32_t)(sizeof(*h) + entry_size * n);
	h->revision = 1;
	for (unsigned i = 0; i < n; i++)
		memcpy(arena + PA_ROOT + sizeof(*h) + i * entry_size, &entries[i], entry_size);
	fix_checksum(PA_ROOT);
}

static void build_rsdp(uint8_t flags, uint8_t revision, uint8_t length_byte)
{
	struct acpi_rsdp *r = (void *)(arena + PA_RSDP);
	memcpy(r->signature, ACPI_RSDP_SIGNATURE, 8);
	memcpy(r->oem_id, "FUZZ  ", 6);
	r->revision = (flags & FLAG_RSDT) ? 0 : revision;
	r->rsdt_address = (uint32_t)PA_ROOT;
	r->xsdt_address = (flags & FLAG_RSDT) ? 0 : PA_ROOT;
	r->length = (flags & FLAG_RSDP_LENGTH) ? 16u * length_byte : sizeof(*r);
	r->checksum = (uint8_t)(0x100 - sum(arena + PA_RSDP, ACPI_RSDP_V1_LEN));
	r->extended_checksum = 0;
	if (r->length <= 4096)
		r->extended_checksum = (uint8_t)(0x100 - sum(arena + PA_RSDP, r->length));
	if (flags & FLAG_BAD_RSDP)
		r->checksum++;
}

static bool is_slot(uint64_t pa, unsigned tables)
{
	for (unsigned i = 0; i < tables; i++)
		if (pa == PA_TABLE(i))
			return true;
	return false;
}

static void check_info(const struct acpi_info *info, unsigned tables)
{
	FUZZ_CHECK(info->root_table == PA_ROOT, "root %#llx", (unsigned long long)info->root_table);
	FUZZ_CHECK(info->oem_id[6] == '\0', "oem id not terminated");
	FUZZ_CHECK(info->cpu_count <= MAX_CPUS && info->ioapic_count <= MAX_IOAPICS &&
			   info->irq_override_count <= MAX_IRQ_OVERRIDES && info->ecam_count <= MAX_PCI_SEGMENTS,
		   "counts %u %u %u %u", info->cpu_count, info->ioapic_count, info->irq_override_count, info->ecam_count);
	FUZZ_CHECK(info->lapic_address != 0, "no local APIC address");
	for (uint32_t i = 0; i < info->cpu_count; i++) {
		const struct acpi_cpu *c = &info->cpus[i];
		FUZZ_CHECK(c->enabled != c->online_capable, "cpu %u enabled %d online-capable %d", i, c->enabled,
			   c->online_capable);
		for (uint32_t j = 0; j < i; j++)
			FUZZ_CHECK(info->cpus[j].apic_id != c->apic_id, "APIC id %u twice", c->apic_id);
	}
	for (uint32_t i = 0; i < info->ioapic_count; i++)
		FUZZ_CHECK(info->ioapics[i].address != 0, "IOAPIC %u at 0", i);
	for (uint32_t i = 0; i < info->irq_override_count; i++)
		FUZZ_CHECK(info->irq_overrides[i].source_irq < 16, "override of IRQ %u", info->irq_overrides[i].source_irq);
	for (uint32_t i = 0; i < info->ecam_count; i++) {
		const struct acpi_ecam *e = &info->ecam[i];
		FUZZ_CHECK(e->base && !(e->base & 0xfffff) && e->start_bus <= e->end_bus &&
				   e->base + (((uint64_t)e->end_bus + 1) << 20) <= PHYS_MAX,
			   "ECAM %u at %#llx buses %u-%u", i, (unsigned long long)e->base, e->start_bus, e->end_bus);
	}
	if (info->have_fadt) {
		const struct acpi_gas *pm[] = { &info->pm1a_cnt, &info->pm1b_cnt, &info->sleep_control };
		for (unsigned i = 0; i < sizeof pm / sizeof pm[0]; i++)
			FUZZ_CHECK(pm[i]->address == 0 || (pm[i]->space == ACPI_SPACE_IO && pm[i]->address <= 0xffff) ||
					   (pm[i]->space == ACPI_SPACE_MEMORY && pm[i]->address < PHYS_MAX),
				   "PM register %u: space %u at %#llx", i, pm[i]->space,
				   (unsigned long long)pm[i]->address);
		FUZZ_CHECK(!info->hw_reduced || (!info->pm1a_cnt.address && !info->pm_timer_port), "fixed hardware on a "
			   "hardware-reduced platform");
		FUZZ_CHECK(info->smi_cmd <= 0xffff, "SMI port %#x", info->smi_cmd);
		FUZZ_CHECK(info->century_cmos_index == 0 || info->century_cmos_index >= 0x0e, "century index %#x",
			   info->century_cmos_index);
		FUZZ_CHECK(!info->reset_supported || (info->reset_reg.address && info->reset_reg.bit_width == 8 &&
						      info->reset_reg.bit_offset == 0),
			   "reset register");
	} else {
		FUZZ_CHECK(!info->dsdt && !info->s5_valid && !info->reset_supported, "FADT data without a FADT");
	}
	FUZZ_CHECK(info->dsdt == 0 || info->dsdt == PA_DSDT, "DSDT at %#llx", (unsigned long long)info->dsdt);
	FUZZ_CHECK(!info->s5_valid || (info->dsdt && info->slp_typ_a <= 7 && info->slp_typ_b <= 7), "S5 %u %u",
		   info->slp_typ_a, info->slp_typ_b);

	static const char *const sigs[] = { "APIC", "FACP", "MCFG", "HPET", "SSDT", "XSDT" };
	for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		paddr_t pa = acpi_find_table(info, sigs[i]);
		FUZZ_CHECK(pa == 0 || (is_slot(pa, tables) && memcmp(arena + pa, sigs[i], 4) == 0), "%s found at %#llx",
			   sigs[i], (unsigned long long)pa);
	}
	FUZZ_CHECK(acpi_find_table(info, "DSDT") == info->dsdt, "DSDT lookup");
	acpi_log_summary(info);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!arena) {
		arena = mmap(NULL, ARENA_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		FUZZ_CHECK(arena != MAP_FAILED, "no arena");
		mm_direct_map_offset = (uint64_t)(uintptr_t)arena;
	}

	/* The AML scanner alone, on an exact-size copy so a read past the end shows. */
	uint8_t *aml = malloc(size ? size : 1);
	if (!aml)
		return 0;
	memcpy(aml, data, size);
	uint8_t a = 0xee, b = 0xee;
	if (acpi_find_s5(aml, (uint32_t)size, &a, &b))
		FUZZ_CHECK(a <= 7 && b <= 7, "S5 %u %u", a, b);
	free(aml);

	if (size < 3)
		return 0;
	uint8_t flags = data[0], revision = data[1], length_byte = data[2];
	struct reader r = { data + 3, size - 3 };
	memset(arena, 0, WRITTEN_END);

	const uint8_t *chunk = NULL;
	size_t len = next_chunk(&r, &chunk);
	struct acpi_sdt_header *dsdt = (void *)(arena + PA_DSDT);
	memcpy(dsdt->signature, "DSDT", 4);
	dsdt->length = (uint32_t)(sizeof(*dsdt) + len);
	if (len)
		memcpy(arena + PA_DSDT + sizeof(*dsdt), chunk, len);
	fix_checksum(PA_DSDT);

	unsigned tables = 0;
	while (tables < TABLES_MAX && r.left) {
		len = next_chunk(&r, &chunk);
		uint64_t pa = PA_TABLE(tables++);
		if (len)
			memcpy(arena + pa, chunk, len);
		struct acpi_fadt *f = (void *)(arena + pa);
		if (memcmp(f->hdr.signature, "FACP", 4) == 0) {
			f->dsdt = (uint32_t)own_pointer(f->dsdt, PA_DSDT);
			f->x_dsdt = own_pointer(f->x_dsdt, PA_DSDT);
		}
		if (!(flags & FLAG_KEEP_CHECKSUMS))
			fix_checksum(pa);
	}
	build_root(flags, tables);
	build_rsdp(flags, revision, length_byte);

	static struct acpi_info info;
	int rc = acpi_parse(PA_RSDP, &info);
	if (flags & FLAG_BAD_RSDP)
		FUZZ_CHECK(rc == ACPI_ERR_BAD_RSDP, "bad RSDP checksum accepted (%d)", rc);
	if (rc == ACPI_OK)
		check_info(&info, tables);
	else
		FUZZ_CHECK(rc == ACPI_ERR_BAD_RSDP || rc == ACPI_ERR_BAD_ROOT, "acpi_parse returned %d", rc);
	FUZZ_CHECK(acpi_parse(0, &info) == ACPI_ERR_NO_RSDP, "RSDP 0 accepted");
	return 0;
}
