/* acpi.c: validates and parses the firmware's ACPI tables (RSDP, XSDT/RSDT, MADT, FADT, DSDT \_S5_, MCFG). */
#include "acpi.h"

#include <stddef.h>

#include "acpi_tables.h"
#include "log.h"
#include "string.h"

/*
 * Firmware tables are untrusted input: every length is bounded before anything is
 * summed or walked. The largest real DSDTs are a few hundred KiB; 16 MiB leaves room
 * without letting a corrupt length make us read gigabytes of unrelated memory.
 */
#define ACPI_MAX_TABLE_LEN  (16u << 20)
#define ACPI_MAX_PHYS_ADDR  (1ull << 52)   /* architectural limit of x86-64 physical addresses */
#define DEFAULT_LAPIC_ADDR  0xfee00000ull

static bool phys_range_ok(paddr_t pa, uint64_t len)
{
	return pa != 0 && len <= ACPI_MAX_PHYS_ADDR && pa <= ACPI_MAX_PHYS_ADDR - len;
}

static uint8_t checksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint8_t sum = 0;
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + p[i]);
	return sum;
}

/*
 * Returns the table at 'pa' if its header is reachable, its signature is 'sig', its
 * length is at least 'min_len' and sane, and its checksum is right; else NULL. With
 * 'warn', explains the rejection of a table whose signature did match in one line.
 */
static const struct acpi_sdt_header *map_table(paddr_t pa, const char *sig, uint32_t min_len, bool warn)
{
	if (!phys_range_ok(pa, sizeof(struct acpi_sdt_header)))
		return NULL;
	const struct acpi_sdt_header *hdr = phys_to_virt(pa);
	if (memcmp(hdr->signature, sig, ACPI_SIG_LEN) != 0)
		return NULL;

	uint32_t len = hdr->length;
	if (len < min_len || len > ACPI_MAX_TABLE_LEN || !phys_range_ok(pa, len)) {
		if (warn)
			pr_warn("acpi: %.4s at %#llx has a bad length %u, ignored\n", sig, (unsigned long long)pa, len);
		return NULL;
	}
	if (checksum(hdr, len) != 0) {
		if (warn)
			pr_warn("acpi: %.4s at %#llx has a bad checksum, ignored\n", sig, (unsigned long long)pa);
		return NULL;
	}
	return hdr;
}

/* Root table entries are 4 (RSDT) or 8 (XSDT) bytes and not necessarily aligned. */
static uint32_t root_entry_count(const struct acpi_sdt_header *root, uint8_t entry_size)
{
	return (root->length - (uint32_t)sizeof(*root)) / entry_size;
}

static paddr_t root_entry(const struct acpi_sdt_header *root, uint8_t entry_size, uint32_t i)
{
	const uint8_t *entries = (const uint8_t *)root + sizeof(*root);
	if (entry_size == 8) {
		uint64_t v;
		memcpy(&v, entries + (size_t)i * 8, 8);
		return v;
	}
	uint32_t v;
	memcpy(&v, entries + (size_t)i * 4, 4);
	return v;
}

/* ---- MADT ---- */

/* Entries dropped for lack of room, reported once per kind at the end of the walk. */
struct madt_overflow {
	uint32_t cpus, ioapics, overrides;
};

static void madt_add_cpu(struct acpi_info *out, struct madt_overflow *ovf,
			 uint32_t apic_id, uint32_t uid, uint32_t flags, bool x2apic)
{
	/* Neither flag: the OS must never try to start this processor. */
	if (!(flags & (ACPI_MADT_ENABLED | ACPI_MADT_ONLINE_CAPABLE))) {
		out->cpus_ignored++;
		return;
	}
	for (uint32_t i = 0; i < out->cpu_count; i++) {
		if (out->cpus[i].apic_id == apic_id) {
			pr_warn("acpi: MADT lists APIC id %u twice, duplicate ignored\n", apic_id);
			out->cpus_ignored++;
			return;
		}
	}
	if (out->cpu_count >= MAX_CPUS) {
		ovf->cpus++;
		out->cpus_ignored++;
		return;
	}
	struct acpi_cpu *cpu = &out->cpus[out->cpu_count++];
	cpu->apic_id = apic_id;
	cpu->uid = uid;
	cpu->enabled = flags & ACPI_MADT_ENABLED;
	cpu->online_capable = !cpu->enabled && (flags & ACPI_MADT_ONLINE_CAPABLE);
	cpu->x2apic = x2apic;
}

static void madt_add_ioapic(struct acpi_info *out, struct madt_overflow *ovf,
			    const struct acpi_madt_ioapic *e)
{
	if (e->address == 0) {
		pr_warn("acpi: MADT IOAPIC %u has address 0, ignored\n", e->ioapic_id);
		return;
	}
	if (out->ioapic_count >= MAX_IOAPICS) {
		ovf->ioapics++;
		return;
	}
	struct acpi_ioapic *io = &out->ioapics[out->ioapic_count++];
	io->id = e->ioapic_id;
	io->address = e->address;
	io->gsi_base = e->gsi_base;
}

static void madt_add_override(struct acpi_info *out, struct madt_overflow *ovf,
			      const struct acpi_madt_irq_override *e)
{
	/* The specification only defines overrides of ISA (bus 0) IRQs 0-15. */
	if (e->bus != 0 || e->source_irq >= 16) {
		pr_warn("acpi: MADT override of bus %u IRQ %u is not an ISA IRQ, ignored\n",
			e->bus, e->source_irq);
		return;
	}
	if (out->irq_override_count >= MAX_IRQ_OVERRIDES) {
		ovf->overrides++;
		return;
	}
	struct acpi_irq_override *o = &out->irq_overrides[out->irq_override_count++];
	o->source_irq = e->source_irq;
	o->gsi = e->gsi;
	o->flags = e->flags;
}

/* Minimum entry length per type, so a short entry is skipped rather than over-read. */
static uint8_t madt_entry_min_len(uint8_t type)
{
	switch (type) {
	case ACPI_MADT_LAPIC:          return sizeof(struct acpi_madt_lapic);
	case ACPI_MADT_IOAPIC:         return sizeof(struct acpi_madt_ioapic);
	case ACPI_MADT_IRQ_OVERRIDE:   return sizeof(struct acpi_madt_irq_override);
	case ACPI_MADT_LAPIC_OVERRIDE: return sizeof(struct acpi_madt_lapic_override);
	case ACPI_MADT_X2APIC:         return sizeof(struct acpi_madt_x2apic);
	default:                       return sizeof(struct acpi_madt_entry);
	}
}

static void parse_madt(const struct acpi_sdt_header *hdr, struct acpi_info *out)
{
	const struct acpi_madt *madt = (const void *)hdr;
	const uint8_t *base = (const uint8_t *)madt;
	uint32_t len = hdr->length;
	struct madt_overflow ovf = { 0 };

	out->have_madt = true;
	out->lapic_address = madt->lapic_address;
	out->pcat_compat = madt->flags & ACPI_MADT_PCAT_COMPAT;

	uint32_t off = sizeof(*madt);
	while (off + sizeof(struct acpi_madt_entry) <= len) {
		const struct acpi_madt_entry *e = (const void *)(base + off);
		if (e->length < sizeof(*e) || e->length > len - off) {
			pr_warn("acpi: MADT entry at offset %u has bad length %u, rest of table ignored\n",
				off, e->length);
			break;
		}
		off += e->length;
		if (e->length < madt_entry_min_len(e->type)) {
			pr_warn("acpi: MADT entry type %u is too short (%u bytes), ignored\n", e->type, e->length);
			continue;
		}

		switch (e->type) {
		case ACPI_MADT_LAPIC: {
			const struct acpi_madt_lapic *l = (const void *)e;
			if (l->apic_id != 0xff) /* 0xff is the xAPIC broadcast id, never a CPU */
				madt_add_cpu(out, &ovf, l->apic_id, l->processor_uid, l->flags, false);
			break;
		}
		case ACPI_MADT_X2APIC: {
			const struct acpi_madt_x2apic *x = (const void *)e;
			if (x->x2apic_id != 0xffffffffu)
				madt_add_cpu(out, &ovf, x->x2apic_id, x->processor_uid, x->flags, true);
			break;
		}
		case ACPI_MADT_IOAPIC:
			madt_add_ioapic(out, &ovf, (const void *)e);
			break;
		case ACPI_MADT_IRQ_OVERRIDE:
			madt_add_override(out, &ovf, (const void *)e);
			break;
		case ACPI_MADT_LAPIC_OVERRIDE: {
			const struct acpi_madt_lapic_override *lo = (const void *)e;
			if (lo->address != 0)
				out->lapic_address = lo->address;
			break;
		}
		default:
			break; /* NMI sources, GIC, ...: not needed by Keel */
		}
	}

	if (ovf.cpus)
		pr_warn("acpi: %u CPUs beyond MAX_CPUS=%u ignored\n", ovf.cpus, MAX_CPUS);
	if (ovf.ioapics)
		pr_warn("acpi: %u IOAPICs beyond MAX_IOAPICS=%u ignored\n", ovf.ioapics, MAX_IOAPICS);
	if (ovf.overrides)
		pr_warn("acpi: %u IRQ overrides beyond MAX_IRQ_OVERRIDES=%u ignored\n",
			ovf.overrides, MAX_IRQ_OVERRIDES);
	if (out->lapic_address == 0) {
		pr_warn("acpi: MADT gives no local APIC address, assuming %#llx\n", DEFAULT_LAPIC_ADDR);
		out->lapic_address = DEFAULT_LAPIC_ADDR;
	}
}

/* ---- FADT ---- */

/* True when the (possibly short, older-revision) FADT of length 'len' contains 'field'. */
#define FADT_HAS(len, field) \
	(offsetof(struct acpi_fadt, field) + sizeof(((struct acpi_fadt *)0)->field) <= (len))

static struct acpi_gas gas_decode(const struct acpi_gas_raw *raw)
{
	struct acpi_gas g = {
		.space = raw->space_id,
		.bit_width = raw->bit_width,
		.bit_offset = raw->bit_offset,
		.access_size = raw->access_size,
		.address = raw->address,
	};
	return g;
}

/* A GAS Keel can drive for PM registers: memory or a 16-bit I/O port, and present. */
static bool gas_usable(const struct acpi_gas *g)
{
	if (g->address == 0)
		return false;
	if (g->space == ACPI_SPACE_IO)
		return g->address <= 0xffff;
	return g->space == ACPI_SPACE_MEMORY && g->address < ACPI_MAX_PHYS_ADDR;
}

static struct acpi_gas gas_legacy_io(uint32_t port, uint8_t len_bytes)
{
	struct acpi_gas g = { .space = ACPI_SPACE_IO, .bit_width = (uint8_t)(len_bytes * 8), .address = port };
	return g;
}

/* PM1x_CNT: the X_ GAS when valid, else the legacy port block (2 bytes per the spec). */
static struct acpi_gas fadt_pm1_cnt(const struct acpi_fadt *f, uint32_t len,
				    const struct acpi_gas_raw *x_raw, uint32_t legacy_port)
{
	struct acpi_gas none = { 0 };
	if ((const uint8_t *)x_raw + sizeof(*x_raw) <= (const uint8_t *)f + len) {
		struct acpi_gas x = gas_decode(x_raw);
		if (gas_usable(&x))
			return x;
	}
	if (legacy_port != 0 && legacy_port <= 0xffff && f->pm1_cnt_len >= 2)
		return gas_legacy_io(legacy_port, 2);
	return none;
}

static void fadt_pm_timer(const struct acpi_fadt *f, uint32_t len, struct acpi_info *out)
{
	if (FADT_HAS(len, x_pm_tmr_blk)) {
		struct acpi_gas x = gas_decode(&f->x_pm_tmr_blk);
		if (x.space == ACPI_SPACE_IO && gas_usable(&x))
			out->pm_timer_port = (uint16_t)x.address;
	}
	/* The legacy block is valid only with PM_TMR_LEN == 4. */
	if (out->pm_timer_port == 0 && f->pm_tmr_blk != 0 && f->pm_tmr_blk <= 0xffff && f->pm_tmr_len == 4)
		out->pm_timer_port = (uint16_t)f->pm_tmr_blk;
	if (out->pm_timer_port != 0)
		out->pm_timer_32bit = f->flags & ACPI_FADT_TMR_VAL_EXT;
}

static void fadt_reset(const struct acpi_fadt *f, uint32_t len, struct acpi_info *out)
{
	if (!FADT_HAS(len, reset_value) || !(f->flags & ACPI_FADT_RESET_REG_SUP))
		return;
	struct acpi_gas r = gas_decode(&f->reset_reg);
	bool space_ok = r.space == ACPI_SPACE_MEMORY || r.space == ACPI_SPACE_IO || r.space == ACPI_SPACE_PCI;
	/* The specification fixes the reset register at 8 bits, offset 0. */
	if (!space_ok || r.address == 0 || r.bit_width != 8 || r.bit_offset != 0 ||
	    (r.space == ACPI_SPACE_IO && r.address > 0xffff)) {
		pr_warn("acpi: FADT reset register (space %u, %u bits at %#llx) is unusable, ignored\n",
			r.space, r.bit_width, (unsigned long long)r.address);
		return;
	}
	out->reset_supported = true;
	out->reset_reg = r;
	out->reset_value = f->reset_value;
}

static void parse_dsdt(paddr_t pa, struct acpi_info *out)
{
	const struct acpi_sdt_header *dsdt = map_table(pa, "DSDT", sizeof(struct acpi_sdt_header), true);
	if (!dsdt)
		return;
	out->dsdt = pa;
	const uint8_t *aml = (const uint8_t *)dsdt + sizeof(*dsdt);
	out->s5_valid = acpi_find_s5(aml, dsdt->length - (uint32_t)sizeof(*dsdt), &out->slp_typ_a, &out->slp_typ_b);
	if (!out->s5_valid)
		pr_warn("acpi: DSDT has no decodable \\_S5_ object, ACPI power-off unavailable\n");
}

static void parse_fadt(const struct acpi_sdt_header *hdr, struct acpi_info *out)
{
	const struct acpi_fadt *f = (const void *)hdr;
	uint32_t len = hdr->length;

	out->have_fadt = true;
	out->hw_reduced = FADT_HAS(len, flags) && (f->flags & ACPI_FADT_HW_REDUCED);
	out->sci_irq = f->sci_int;
	out->century_cmos_index = f->century >= 0x0e ? f->century : 0; /* below 0x0e are the clock registers */

	/* Hardware-reduced platforms have no fixed PM1/PM timer hardware: those fields are junk. */
	if (out->hw_reduced) {
		if (FADT_HAS(len, sleep_control_reg)) {
			struct acpi_gas sc = gas_decode(&f->sleep_control_reg);
			if (gas_usable(&sc))
				out->sleep_control = sc;
		}
	} else {
		out->smi_cmd = f->smi_cmd <= 0xffff ? f->smi_cmd : 0;
		out->acpi_enable_value = f->acpi_enable;
		out->pm1a_cnt = fadt_pm1_cnt(f, len, &f->x_pm1a_cnt_blk, f->pm1a_cnt_blk);
		out->pm1b_cnt = fadt_pm1_cnt(f, len, &f->x_pm1b_cnt_blk, f->pm1b_cnt_blk);
		fadt_pm_timer(f, len, out);
	}
	fadt_reset(f, len, out);

	/* A non-zero X_DSDT overrides DSDT (ACPI 2.0+). */
	paddr_t dsdt = f->dsdt;
	if (FADT_HAS(len, x_dsdt) && f->x_dsdt != 0)
		dsdt = f->x_dsdt;
	if (dsdt != 0)
		parse_dsdt(dsdt, out);
	else
		pr_warn("acpi: FADT has no DSDT\n");
}

/* ---- MCFG ---- */

static void parse_mcfg(const struct acpi_sdt_header *hdr, struct acpi_info *out)
{
	const uint8_t *base = (const uint8_t *)hdr;
	uint32_t n = (hdr->length - (uint32_t)sizeof(struct acpi_mcfg)) / sizeof(struct acpi_mcfg_entry);

	for (uint32_t i = 0; i < n; i++) {
		const struct acpi_mcfg_entry *e = (const void *)(base + sizeof(struct acpi_mcfg) + i * sizeof(*e));
		/* Each bus owns 1 MiB of ECAM, so the window must be 1 MiB aligned and in range. */
		if (e->base == 0 || (e->base & 0xfffff) != 0 || e->start_bus > e->end_bus ||
		    !phys_range_ok(e->base, ((uint64_t)e->end_bus + 1) << 20)) {
			pr_warn("acpi: MCFG entry %u (base %#llx, buses %u-%u) is invalid, ignored\n",
				i, (unsigned long long)e->base, e->start_bus, e->end_bus);
			continue;
		}
		if (out->ecam_count >= MAX_PCI_SEGMENTS) {
			pr_warn("acpi: MCFG has more than MAX_PCI_SEGMENTS=%u windows, extra ignored\n",
				MAX_PCI_SEGMENTS);
			break;
		}
		struct acpi_ecam *ecam = &out->ecam[out->ecam_count++];
		ecam->base = e->base;
		ecam->segment = e->segment;
		ecam->start_bus = e->start_bus;
		ecam->end_bus = e->end_bus;
	}
}

/* ---- \_S5_ in AML ---- */

/* Decodes one AML integer constant at p; the few encodings a data package uses. */
static bool aml_integer(const uint8_t *p, const uint8_t *end, uint64_t *val, const uint8_t **next)
{
	if (p >= end)
		return false;
	unsigned bytes;
	switch (*p) {
	case 0x00: *val = 0; *next = p + 1; return true;          /* ZeroOp */
	case 0x01: *val = 1; *next = p + 1; return true;          /* OneOp */
	case 0xff: *val = ~0ull; *next = p + 1; return true;      /* OnesOp */
	case 0x0a: bytes = 1; break;                              /* BytePrefix */
	case 0x0b: bytes = 2; break;                              /* WordPrefix */
	case 0x0c: bytes = 4; break;                              /* DWordPrefix */
	case 0x0e: bytes = 8; break;                              /* QWordPrefix */
	default: return false;
	}
	if ((size_t)(end - p) < 1 + bytes)
		return false;
	uint64_t v = 0;
	for (unsigned i = 0; i < bytes; i++)
		v |= (uint64_t)p[1 + i] << (8 * i);
	*val = v;
	*next = p + 1 + bytes;
	return true;
}

/* Decodes "PackageOp PkgLength NumElements elements..." at p into the two SLP_TYP values. */
static bool decode_s5_package(const uint8_t *p, const uint8_t *end, uint8_t *a, uint8_t *b)
{
	if (p >= end || *p != 0x12) /* PackageOp */
		return false;
	const uint8_t *pkg = p + 1;
	if (pkg >= end)
		return false;

	/* PkgLength: bits 7:6 of the lead byte count the extra bytes; it includes itself. */
	unsigned extra = pkg[0] >> 6;
	if ((size_t)(end - pkg) < 1 + extra)
		return false;
	uint32_t pkg_len = extra ? (pkg[0] & 0x0fu) : (pkg[0] & 0x3fu);
	for (unsigned i = 0; i < extra; i++)
		pkg_len |= (uint32_t)pkg[1 + i] << (4 + 8 * i);
	if (pkg_len < 1 + extra + 1 || pkg_len > (size_t)(end - pkg))
		return false;
	const uint8_t *pkg_end = pkg + pkg_len;

	const uint8_t *q = pkg + 1 + extra;
	uint8_t num_elements = *q++;
	uint64_t v0, v1;
	if (num_elements == 0 || !aml_integer(q, pkg_end, &v0, &q))
		return false;
	if (num_elements == 1) {
		/* Legacy single-integer form: SLP_TYPa in bits 7:0, SLP_TYPb in bits 15:8. */
		*a = (uint8_t)(v0 & 7);
		*b = (uint8_t)((v0 >> 8) & 7);
		return true;
	}
	if (!aml_integer(q, pkg_end, &v1, &q))
		return false;
	if (v0 > 7 || v1 > 7) /* SLP_TYP is a 3-bit field: anything else is a misdecode */
		return false;
	*a = (uint8_t)v0;
	*b = (uint8_t)v1;
	return true;
}

bool acpi_find_s5(const uint8_t *aml, uint32_t len, uint8_t *slp_typ_a, uint8_t *slp_typ_b)
{
	if (!aml)
		return false;
	const uint8_t *end = aml + len;
	for (uint32_t i = 0; i + 4 <= len; i++) {
		if (memcmp(aml + i, "_S5_", 4) != 0)
			continue;
		/* Must be a NameOp (0x08) naming _S5_ or \_S5_, not a reference or a string. */
		bool named = (i >= 1 && aml[i - 1] == 0x08) ||
			     (i >= 2 && aml[i - 1] == '\\' && aml[i - 2] == 0x08);
		if (named && decode_s5_package(aml + i + 4, end, slp_typ_a, slp_typ_b))
			return true;
	}
	return false;
}

/* ---- RSDP and the root table ---- */

/* Validates the RSDP and picks the root table; returns ACPI_OK or an error. */
static int parse_rsdp(paddr_t rsdp_pa, struct acpi_info *out)
{
	if (rsdp_pa == 0)
		return ACPI_ERR_NO_RSDP;
	if (!phys_range_ok(rsdp_pa, ACPI_RSDP_V1_LEN))
		return ACPI_ERR_BAD_RSDP;
	const struct acpi_rsdp *rsdp = phys_to_virt(rsdp_pa);
	if (memcmp(rsdp->signature, ACPI_RSDP_SIGNATURE, 8) != 0 || checksum(rsdp, ACPI_RSDP_V1_LEN) != 0) {
		pr_err("acpi: RSDP at %#llx has a bad signature or checksum\n", (unsigned long long)rsdp_pa);
		return ACPI_ERR_BAD_RSDP;
	}
	out->rsdp_revision = rsdp->revision;
	memcpy(out->oem_id, rsdp->oem_id, sizeof(rsdp->oem_id));
	out->oem_id[6] = '\0';

	/* Revision 0 is ACPI 1.0: only the RSDT exists. */
	if (rsdp->revision >= 2) {
		if (!phys_range_ok(rsdp_pa, sizeof(*rsdp)) || rsdp->length < sizeof(*rsdp) ||
		    rsdp->length > 4096 || !phys_range_ok(rsdp_pa, rsdp->length) ||
		    checksum(rsdp, rsdp->length) != 0) {
			pr_err("acpi: RSDP v2 at %#llx has a bad length or extended checksum\n",
			       (unsigned long long)rsdp_pa);
			return ACPI_ERR_BAD_RSDP;
		}
		if (rsdp->xsdt_address != 0) {
			out->root_table = rsdp->xsdt_address;
			out->root_entry_size = 8;
			return ACPI_OK;
		}
	}
	out->root_table = rsdp->rsdt_address;
	out->root_entry_size = 4;
	return ACPI_OK;
}

static const char *root_name(const struct acpi_info *info)
{
	return info->root_entry_size == 8 ? "XSDT" : "RSDT";
}

static const struct acpi_sdt_header *map_root(const struct acpi_info *info, bool warn)
{
	return map_table(info->root_table, root_name(info), sizeof(struct acpi_sdt_header), warn);
}

int acpi_parse(paddr_t rsdp, struct acpi_info *out)
{
	memset(out, 0, sizeof(*out));
	out->lapic_address = DEFAULT_LAPIC_ADDR; /* usable even when the MADT is missing */
	int rc = parse_rsdp(rsdp, out);
	if (rc != ACPI_OK)
		return rc;

	const struct acpi_sdt_header *root = map_root(out, true);
	if (!root) {
		pr_err("acpi: no usable %s at %#llx, ACPI unavailable\n", root_name(out), (unsigned long long)out->root_table);
		return ACPI_ERR_BAD_ROOT;
	}

	uint32_t n = root_entry_count(root, out->root_entry_size);
	for (uint32_t i = 0; i < n; i++) {
		paddr_t pa = root_entry(root, out->root_entry_size, i);
		if (!phys_range_ok(pa, sizeof(struct acpi_sdt_header))) {
			pr_warn("acpi: %s entry %u points at %#llx, skipped\n", root_name(out), i,
				(unsigned long long)pa);
			continue;
		}
		const struct acpi_sdt_header *t;
		if ((t = map_table(pa, "APIC", sizeof(struct acpi_madt), true)) && !out->have_madt)
			parse_madt(t, out);
		else if ((t = map_table(pa, "FACP", offsetof(struct acpi_fadt, reset_reg), true)) && !out->have_fadt)
			parse_fadt(t, out);
		else if ((t = map_table(pa, "MCFG", sizeof(struct acpi_mcfg), true)) && out->ecam_count == 0)
			parse_mcfg(t, out);
		/* Anything else is a table Keel does not parse (found later with acpi_find_table). */
	}
	return ACPI_OK;
}

paddr_t acpi_find_table(const struct acpi_info *info, const char *signature)
{
	if (memcmp(signature, "DSDT", ACPI_SIG_LEN) == 0)
		return info->dsdt;
	const struct acpi_sdt_header *root = map_root(info, false);
	if (!root)
		return 0;
	uint32_t n = root_entry_count(root, info->root_entry_size);
	for (uint32_t i = 0; i < n; i++) {
		paddr_t pa = root_entry(root, info->root_entry_size, i);
		if (map_table(pa, signature, sizeof(struct acpi_sdt_header), false))
			return pa;
	}
	return 0;
}

/* ---- summary ---- */

static const char *space_name(uint8_t space)
{
	switch (space) {
	case ACPI_SPACE_MEMORY: return "mmio";
	case ACPI_SPACE_IO:     return "port";
	case ACPI_SPACE_PCI:    return "pci-cfg";
	default:                return "?";
	}
}

void acpi_log_summary(const struct acpi_info *info)
{
	uint32_t enabled = 0;
	for (uint32_t i = 0; i < info->cpu_count; i++)
		enabled += info->cpus[i].enabled;

	pr_info("acpi: RSDP rev %u, OEM '%s', root %s at %#llx\n", info->rsdp_revision, info->oem_id,
		root_name(info), (unsigned long long)info->root_table);
	if (info->have_madt)
		pr_info("acpi: %u CPUs (%u enabled, %u ignored), %u IOAPICs, %u IRQ overrides, LAPIC %#llx%s\n",
			info->cpu_count, enabled, info->cpus_ignored, info->ioapic_count,
			info->irq_override_count, (unsigned long long)info->lapic_address,
			info->pcat_compat ? ", 8259 PICs" : "");
	else
		pr_info("acpi: no MADT\n");
	if (info->have_fadt) {
		pr_info("acpi: %sSCI IRQ %u, PM timer %#x (%u-bit), PM1a_CNT %s %#llx\n",
			info->hw_reduced ? "hardware-reduced, " : "", info->sci_irq, info->pm_timer_port,
			info->pm_timer_32bit ? 32 : 24, space_name(info->pm1a_cnt.space),
			(unsigned long long)info->pm1a_cnt.address);
		if (info->reset_supported)
			pr_info("acpi: reset register %s %#llx value %#x\n", space_name(info->reset_reg.space),
				(unsigned long long)info->reset_reg.address, info->reset_value);
		else
			pr_info("acpi: no reset register\n");
		if (info->s5_valid)
			pr_info("acpi: S5 SLP_TYPa=%u SLP_TYPb=%u\n", info->slp_typ_a, info->slp_typ_b);
	} else {
		pr_info("acpi: no FADT\n");
	}
	for (uint32_t i = 0; i < info->ecam_count; i++)
		pr_info("acpi: ECAM segment %u buses %02x-%02x at %#llx\n", info->ecam[i].segment,
			info->ecam[i].start_bus, info->ecam[i].end_bus, (unsigned long long)info->ecam[i].base);
}
