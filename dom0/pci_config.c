/* pci_config.c: PCI configuration-space arithmetic with no hardware access: addresses, BAR decoding, capability walks, names. */
#include "pci_config.h"

#include "pci.h"

#define BAR_IO             0x1u
#define BAR_MEM_TYPE_MASK  0x6u
#define BAR_MEM_TYPE_64    0x4u
#define BAR_MEM_PREFETCH   0x8u
#define BAR_IO_ADDR_MASK   0xfffffffcu
#define BAR_MEM_ADDR_MASK  0xfffffff0u
#define CAP_FIRST          0x40   /* capabilities live after the 64-byte header */

uint64_t pci_ecam_offset(unsigned int bus, unsigned int dev, unsigned int fn, unsigned int reg)
{
	if (bus >= PCI_BUSES || dev >= PCI_DEVICES || fn >= PCI_FUNCTIONS || reg >= PCI_ECAM_CONFIG_SIZE)
		return UINT64_MAX;
	return (uint64_t)bus << 20 | (uint64_t)dev << 15 | (uint64_t)fn << 12 | reg;
}

uint32_t pci_cf8_address(unsigned int bus, unsigned int dev, unsigned int fn, unsigned int reg)
{
	if (bus >= PCI_BUSES || dev >= PCI_DEVICES || fn >= PCI_FUNCTIONS || reg >= PCI_CONFIG_SIZE)
		return 0;
	return 0x80000000u | bus << 16 | dev << 11 | fn << 8 | (reg & 0xfcu);
}

unsigned int pci_bar_count(uint8_t header_type)
{
	switch (header_type & ~PCI_HEADER_MULTIFN) {
	case 0: return 6;
	case 1: return 2;
	case 2: return 1;
	default: return 0;
	}
}

bool pci_bar_is_64bit(uint32_t orig)
{
	return !(orig & BAR_IO) && (orig & BAR_MEM_TYPE_MASK) == BAR_MEM_TYPE_64;
}

void pci_bar_decode(uint32_t orig, uint32_t probe, bool has_hi, uint32_t orig_hi, uint32_t probe_hi,
		    struct pci_bar_decoded *out)
{
	*out = (struct pci_bar_decoded){ .registers = 1 };
	if (orig & BAR_IO) {
		/* I/O BARs decode 16 or 32 address bits; the upper 16 may read back as zero, which the lowest bit ignores. */
		uint32_t mask = probe & BAR_IO_ADDR_MASK;
		if (!mask)
			return;
		out->size = mask & (~mask + 1u);   /* the lowest writable address bit */
		out->base = orig & BAR_IO_ADDR_MASK;
		out->flags = PCI_BAR_IO;
		return;
	}
	uint64_t mask = probe & BAR_MEM_ADDR_MASK, base = orig & BAR_MEM_ADDR_MASK;
	if (pci_bar_is_64bit(orig)) {
		out->registers = 2;
		if (!has_hi)
			return;
		mask |= (uint64_t)probe_hi << 32;
		base |= (uint64_t)orig_hi << 32;
		out->flags |= PCI_BAR_64BIT;
	}
	if (!mask) {
		out->flags = 0;
		return;   /* no writable address bit: not implemented */
	}
	out->size = mask & (~mask + 1);   /* the lowest writable address bit */
	out->base = base;
	out->flags |= (orig & BAR_MEM_PREFETCH) ? PCI_BAR_PREFETCH : 0;
}

unsigned int pci_cap_list(pci_read8_fn read8, const void *ctx, uint16_t status, uint8_t offsets[PCI_CAP_MAX])
{
	if (!(status & PCI_STATUS_CAP_LIST))
		return 0;
	bool seen[PCI_CONFIG_SIZE / 4] = { false };
	unsigned int n = 0;
	uint8_t at = read8(ctx, PCI_CAP_POINTER) & 0xfc;   /* the low two bits are reserved */
	while (at >= CAP_FIRST && n < PCI_CAP_MAX && !seen[at / 4]) {
		seen[at / 4] = true;
		offsets[n++] = at;
		at = read8(ctx, (uint16_t)(at + 1)) & 0xfc;
	}
	return n;
}

uint8_t pci_cap_find(pci_read8_fn read8, const void *ctx, uint16_t status, uint8_t id, uint8_t after)
{
	uint8_t offsets[PCI_CAP_MAX];
	unsigned int n = pci_cap_list(read8, ctx, status, offsets), i = 0;
	if (after) {
		while (i < n && offsets[i] != after)
			i++;
		if (i == n)
			return 0;   /* 'after' is not a capability of this function */
		i++;
	}
	for (; i < n; i++)
		if (read8(ctx, offsets[i]) == id)
			return offsets[i];
	return 0;
}

struct class_name {
	uint8_t class_code, subclass;
	const char *name;
};

/* The classes a PC (or QEMU's q35 and i440fx) shows; the PCI Code and ID Assignment spec has the rest. */
static const struct class_name class_names[] = {
	{ 0x00, 0x00, "Non-VGA unclassified device" }, { 0x00, 0x01, "VGA compatible unclassified device" },
	{ 0x01, 0x00, "SCSI storage controller" }, { 0x01, 0x01, "IDE interface" },
	{ 0x01, 0x05, "ATA controller" }, { 0x01, 0x06, "SATA controller" },
	{ 0x01, 0x07, "Serial Attached SCSI controller" }, { 0x01, 0x08, "Non-Volatile memory controller" },
	{ 0x01, 0x80, "Mass storage controller" },
	{ 0x02, 0x00, "Ethernet controller" }, { 0x02, 0x80, "Network controller" },
	{ 0x03, 0x00, "VGA compatible controller" }, { 0x03, 0x80, "Display controller" },
	{ 0x04, 0x01, "Multimedia audio controller" }, { 0x04, 0x03, "Audio device" },
	{ 0x05, 0x00, "RAM memory" },
	{ 0x06, 0x00, "Host bridge" }, { 0x06, 0x01, "ISA bridge" }, { 0x06, 0x04, "PCI bridge" },
	{ 0x06, 0x80, "Bridge" },
	{ 0x07, 0x00, "Serial controller" }, { 0x07, 0x80, "Communication controller" },
	{ 0x08, 0x00, "PIC" }, { 0x08, 0x80, "System peripheral" },
	{ 0x0c, 0x03, "USB controller" }, { 0x0c, 0x05, "SMBus" },
	{ 0xff, 0x00, "Unassigned class" },
};

const char *pci_class_name(uint8_t class_code, uint8_t subclass)
{
	for (size_t i = 0; i < sizeof(class_names) / sizeof(class_names[0]); i++)
		if (class_names[i].class_code == class_code && class_names[i].subclass == subclass)
			return class_names[i].name;
	return NULL;
}

const char *pci_cap_name(uint8_t id)
{
	switch (id) {
	case 0x01: return "Power Management";
	case 0x05: return "MSI";
	case 0x09: return "Vendor Specific";
	case 0x0d: return "Bridge subsystem vendor";
	case 0x10: return "Express";
	case 0x11: return "MSI-X";
	case 0x12: return "SATA";
	case 0x13: return "PCI Advanced Features";
	default: return NULL;
	}
}
