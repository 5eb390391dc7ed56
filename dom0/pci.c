/* pci.c: dom0's PCI bus driver: config space through ECAM (sysctl PCI_ECAM) or ports 0xCF8/0xCFC, the bus scan, BAR sizing and mapping. */
#include "pci.h"

#include <stdio.h>
#include <malloc.h>

#include <keel/abi.h>
#include <keel/domctl.h>
#include <keel/grant_table.h>
#include <keel/sysctl.h>

#include "control.h"
#include "paging.h"
#include "pci_config.h"
#include "port_io.h"

#define CONFIG_ADDRESS   0xcf8
#define CONFIG_DATA      0xcfc
#define ECAM_WINDOWS_MAX 4
#define DEVICES_MAX      256     /* more functions than a PC has; the scan says when it stops early */

struct ecam_window {
	volatile uint8_t *base;      /* bus 0 of the segment, mapped at its machine address */
	uint16_t segment;
	uint8_t start_bus, end_bus;
};

static struct ecam_window windows[ECAM_WINDOWS_MAX];
static unsigned int nr_windows;
static struct pci_device devices[DEVICES_MAX];
static size_t nr_devices;
static char method[80] = "not scanned";

/* ---- config access ---- */

static const struct ecam_window *window_of(uint16_t segment, uint8_t bus)
{
	for (unsigned int i = 0; i < nr_windows; i++)
		if (windows[i].segment == segment && bus >= windows[i].start_bus && bus <= windows[i].end_bus)
			return &windows[i];
	return NULL;
}

/*
 * The dword register holding 'offset', or NULL through ports: ECAM when a window covers
 * the bus, else 0xCF8/0xCFC, which reach segment 0 and the first 256 bytes only.
 */
static volatile uint32_t *ecam_dword(uint16_t segment, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t offset)
{
	const struct ecam_window *w = window_of(segment, bus);
	uint64_t at = pci_ecam_offset(bus, dev, fn, offset & ~3u);
	return w && at != UINT64_MAX ? (volatile uint32_t *)(w->base + at) : NULL;
}

static uint32_t read_dword(uint16_t segment, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t offset)
{
	volatile uint32_t *reg = ecam_dword(segment, bus, dev, fn, offset);
	if (reg)
		return *reg;
	uint32_t address = pci_cf8_address(bus, dev, fn, offset);
	if (segment != 0 || !address)
		return 0xffffffffu;   /* what a master abort reads */
	outl(CONFIG_ADDRESS, address);
	return inl(CONFIG_DATA);
}

static void write_dword(uint16_t segment, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t offset, uint32_t value)
{
	volatile uint32_t *reg = ecam_dword(segment, bus, dev, fn, offset);
	if (reg) {
		*reg = value;
		return;
	}
	uint32_t address = pci_cf8_address(bus, dev, fn, offset);
	if (segment != 0 || !address)
		return;
	outl(CONFIG_ADDRESS, address);
	outl(CONFIG_DATA, value);
}

/* Narrow reads are dword reads shifted: every access method supports those. */
uint32_t pci_cfg_read32(const struct pci_device *d, uint16_t offset)
{
	return read_dword(d->segment, d->bus, d->dev, d->fn, offset);
}

uint16_t pci_cfg_read16(const struct pci_device *d, uint16_t offset)
{
	return (uint16_t)(pci_cfg_read32(d, offset) >> (8 * (offset & 2)));
}

uint8_t pci_cfg_read8(const struct pci_device *d, uint16_t offset)
{
	return (uint8_t)(pci_cfg_read32(d, offset) >> (8 * (offset & 3)));
}

void pci_cfg_write32(const struct pci_device *d, uint16_t offset, uint32_t value)
{
	write_dword(d->segment, d->bus, d->dev, d->fn, offset, value);
}

/*
 * A 16-bit write as read-modify-write of the dword, the other half written back as read.
 * Except behind the command register: status's bits are RW1C, so the value read would
 * clear the error bits that are set; zeros change nothing.
 */
void pci_cfg_write16(const struct pci_device *d, uint16_t offset, uint16_t value)
{
	unsigned int shift = 8 * (offset & 2);
	uint32_t dword = pci_cfg_read32(d, offset);
	if (offset == PCI_COMMAND)
		dword &= 0x0000ffffu;   /* status is RW1C: writing zeros there changes nothing */
	dword = (dword & ~(0xffffu << shift)) | (uint32_t)value << shift;
	pci_cfg_write32(d, offset & ~3u, dword);
}

/* ---- capabilities ---- */

static uint8_t device_read8(const void *ctx, uint16_t offset)
{
	return pci_cfg_read8(ctx, offset);
}

uint8_t pci_find_capability(const struct pci_device *d, uint8_t id, uint8_t after)
{
	return pci_cap_find(device_read8, d, pci_cfg_read16(d, PCI_STATUS), id, after);
}

/* ---- the scan ---- */

/*
 * Sizes every BAR by writing ones with decoding off, so the probe never decodes a
 * half-written address. Host bridges keep decoding: some stop forwarding to RAM or to the
 * legacy devices behind them when it is off (Linux's mmio_always_on quirk does the same).
 */
static void size_bars(struct pci_device *d)
{
	unsigned int count = pci_bar_count(d->header_type);
	uint16_t command = pci_cfg_read16(d, PCI_COMMAND);
	bool keep_decoding = d->class_code == PCI_CLASS_BRIDGE && d->subclass == PCI_SUBCLASS_HOST;
	if (!keep_decoding)
		pci_cfg_write16(d, PCI_COMMAND, command & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
	for (unsigned int i = 0; i < count;) {
		uint16_t reg = (uint16_t)(PCI_BAR0 + 4 * i);
		uint32_t orig = pci_cfg_read32(d, reg), orig_hi = 0, probe_hi = 0;
		pci_cfg_write32(d, reg, 0xffffffffu);
		uint32_t probe = pci_cfg_read32(d, reg);
		pci_cfg_write32(d, reg, orig);
		bool has_hi = pci_bar_is_64bit(orig) && i + 1 < count;
		if (has_hi) {
			orig_hi = pci_cfg_read32(d, reg + 4);
			pci_cfg_write32(d, reg + 4, 0xffffffffu);
			probe_hi = pci_cfg_read32(d, reg + 4);
			pci_cfg_write32(d, reg + 4, orig_hi);
		}
		struct pci_bar_decoded bar;
		pci_bar_decode(orig, probe, has_hi, orig_hi, probe_hi, &bar);
		d->bar[i] = bar.base;
		d->bar_size[i] = bar.size;
		d->bar_flags[i] = bar.flags;
		i += bar.registers;
	}
	if (!keep_decoding)
		pci_cfg_write16(d, PCI_COMMAND, command);
}

/* Records the function if it exists; true when it does. */
static bool probe_function(uint16_t segment, uint8_t bus, uint8_t dev, uint8_t fn, bool *multifunction)
{
	uint32_t id = read_dword(segment, bus, dev, fn, PCI_VENDOR_ID);
	if ((id & 0xffff) == 0xffff || (id & 0xffff) == 0)
		return false;
	if (nr_devices == DEVICES_MAX)
		return true;   /* counted by the caller as lost */
	struct pci_device *d = &devices[nr_devices];
	*d = (struct pci_device){ .segment = segment, .bus = bus, .dev = dev, .fn = fn,
				  .vendor = (uint16_t)id, .device = (uint16_t)(id >> 16) };
	uint32_t class = pci_cfg_read32(d, PCI_REVISION);
	d->revision = (uint8_t)class;
	d->prog_if = (uint8_t)(class >> 8);
	d->subclass = (uint8_t)(class >> 16);
	d->class_code = (uint8_t)(class >> 24);
	uint8_t header = pci_cfg_read8(d, PCI_HEADER_TYPE);
	*multifunction = header & PCI_HEADER_MULTIFN;
	d->header_type = header & ~PCI_HEADER_MULTIFN;
	d->irq_line = pci_cfg_read8(d, PCI_IRQ_LINE);
	d->irq_pin = pci_cfg_read8(d, PCI_IRQ_PIN);
	size_bars(d);
	nr_devices++;
	return true;
}

/* Every device of every bus in the range: cheap through ECAM, and needs no bridge walk. */
static unsigned long scan_buses(uint16_t segment, unsigned int first, unsigned int last)
{
	unsigned long found = 0;
	for (unsigned int bus = first; bus <= last; bus++) {
		for (uint8_t dev = 0; dev < PCI_DEVICES; dev++) {
			bool multifunction = false;
			if (!probe_function(segment, (uint8_t)bus, dev, 0, &multifunction))
				continue;
			found++;
			for (uint8_t fn = 1; multifunction && fn < PCI_FUNCTIONS; fn++) {
				bool ignored;
				found += probe_function(segment, (uint8_t)bus, dev, fn, &ignored);
			}
		}
	}
	return found;
}

static uint64_t alloc_table(void)
{
	void *page = memalign(PAGE_SIZE_4K, PAGE_SIZE_4K);
	return (uint64_t)(uintptr_t)page;   /* RAM is identity-mapped: the address is the GPA */
}

/* Learns the ECAM windows the hypervisor mapped and maps them in our own tables. */
static void find_windows(void)
{
	for (uint32_t i = 0; i < ECAM_WINDOWS_MAX; i++) {
		struct keel_sysctl op = { .cmd = KEEL_SYSCTL_PCI_ECAM };
		op.u.pci_ecam.index = i;
		if (keel_sysctl(&op))
			break;   /* -KEEL_ENOENT past the last one */
		const struct keel_sysctl_pci_ecam *e = &op.u.pci_ecam;
		uint64_t first = e->base + ((uint64_t)e->start_bus << 20);
		uint64_t size = ((uint64_t)e->end_bus - e->start_bus + 1) << 20;
		if (e->start_bus > e->end_bus || paging_map_uncached(first, first, size, alloc_table)) {
			printf("pci: cannot map ECAM segment %u at %#llx, skipped\n", e->segment,
			       (unsigned long long)first);
			continue;
		}
		windows[nr_windows++] = (struct ecam_window){ (volatile uint8_t *)(uintptr_t)e->base, e->segment,
							      e->start_bus, e->end_bus };
	}
}

long pci_scan(void)
{
	if (nr_devices || nr_windows)
		return -KEEL_EEXIST;   /* once: devices[] are handed out by pointer */
	find_windows();
	unsigned long found = 0;
	if (nr_windows) {
		for (unsigned int i = 0; i < nr_windows; i++)
			found += scan_buses(windows[i].segment, windows[i].start_bus, windows[i].end_bus);
		snprintf(method, sizeof(method), "ECAM at %#llx, buses %02x-%02x%s",
			 (unsigned long long)(uintptr_t)windows[0].base, windows[0].start_bus, windows[0].end_bus,
			 nr_windows > 1 ? " (and more segments)" : "");
	} else {
		found = scan_buses(0, 0, PCI_BUSES - 1);
		snprintf(method, sizeof(method), "ports 0xcf8/0xcfc");
	}
	if (found > nr_devices)
		printf("pci: %lu functions found, only the first %u kept\n", found, DEVICES_MAX);
	printf("dom0: PCI: %zu functions, config space through %s\n", nr_devices, method);
	return (long)nr_devices;
}

size_t pci_count(void)
{
	return nr_devices;
}

const struct pci_device *pci_device_at(size_t index)
{
	return index < nr_devices ? &devices[index] : NULL;
}

/*
 * Searches from *index_inout (0 when NULL); on a match *index_inout becomes the index
 * after it, so calling again with the same variable finds the next one.
 */
const struct pci_device *pci_find(uint16_t vendor, uint16_t device, size_t *index_inout)
{
	for (size_t i = index_inout ? *index_inout : 0; i < nr_devices; i++) {
		const struct pci_device *d = &devices[i];
		if ((vendor == 0xffff || d->vendor == vendor) && (device == 0xffff || d->device == device)) {
			if (index_inout)
				*index_inout = i + 1;
			return d;
		}
	}
	return NULL;
}

static bool overlaps(uint64_t base, uint64_t size, uint64_t other, uint64_t other_size)
{
	return base < other + other_size && other < base + size;
}

volatile void *pci_map_bar(const struct pci_device *d, unsigned int bar)
{
	if (!d || bar >= 6 || !d->bar_size[bar] || (d->bar_flags[bar] & PCI_BAR_IO))
		return NULL;
	/* Map whole pages; a BAR smaller than a page shares its page with nothing else (PCI 3.0 6.2.5.1 advises). */
	uint64_t base = d->bar[bar] & ~(PAGE_SIZE_4K - 1);
	uint64_t size = ((d->bar[bar] + d->bar_size[bar] + PAGE_SIZE_4K - 1) & ~(PAGE_SIZE_4K - 1)) - base;
	/* Our own guest-physical windows are not the device's: the hypervisor would refuse them. */
	if (!base || overlaps(base, size, KEEL_GRANT_WINDOW_BASE, KEEL_GRANT_WINDOW_SIZE) ||
	    overlaps(base, size, KEEL_FOREIGN_WINDOW_BASE, KEEL_FOREIGN_WINDOW_SIZE) ||
	    paging_map_uncached(base, base, size, alloc_table))
		return NULL;   /* RAM is mapped there already (the call refuses it), or no memory */
	return (volatile void *)(uintptr_t)d->bar[bar];
}

void pci_enable(const struct pci_device *d, bool bus_master)
{
	uint16_t command = pci_cfg_read16(d, PCI_COMMAND);
	for (unsigned int i = 0; i < 6; i++) {
		if (!d->bar_size[i])
			continue;
		command |= (d->bar_flags[i] & PCI_BAR_IO) ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY;
	}
	if (bus_master)
		command |= PCI_COMMAND_MASTER;
	pci_cfg_write16(d, PCI_COMMAND, command);
}

const char *pci_access_method(void)
{
	return method;
}
