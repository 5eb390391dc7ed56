/* pci.h: dom0's PCI bus driver: enumeration through ECAM (MCFG) or ports 0xCF8/0xCFC, config access, BAR mapping. */
#ifndef DOM0_PCI_H
#define DOM0_PCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One function found by pci_scan(). BARs are decoded (a 64-bit BAR fills bar[i], bar[i+1] is 0). */
struct pci_device {
	uint16_t segment;
	uint8_t bus, dev, fn;
	uint16_t vendor, device;
	uint8_t class_code, subclass, prog_if, revision;
	uint8_t header_type;          /* without the multi-function bit */
	uint8_t irq_line, irq_pin;    /* as the firmware left them */
	uint64_t bar[6];              /* base address (I/O or memory), 0 if unused */
	uint64_t bar_size[6];         /* bytes, 0 if unused */
	uint8_t bar_flags[6];         /* PCI_BAR_* */
};
#define PCI_BAR_IO          (1u << 0)
#define PCI_BAR_64BIT       (1u << 1)
#define PCI_BAR_PREFETCH    (1u << 2)

/* Enumerates every bus once (called at dom0 start); the number of functions found, or a negated KEEL_E*. */
long pci_scan(void);
/* The functions found, in bus/dev/fn order. */
size_t pci_count(void);
const struct pci_device *pci_device_at(size_t index);
/* The first function with this vendor and device id (0xffff = any), or NULL. */
const struct pci_device *pci_find(uint16_t vendor, uint16_t device, size_t *index_inout);

uint8_t pci_cfg_read8(const struct pci_device *d, uint16_t offset);
uint16_t pci_cfg_read16(const struct pci_device *d, uint16_t offset);
uint32_t pci_cfg_read32(const struct pci_device *d, uint16_t offset);
void pci_cfg_write16(const struct pci_device *d, uint16_t offset, uint16_t value);
void pci_cfg_write32(const struct pci_device *d, uint16_t offset, uint32_t value);

/* Walks the capability list: the offset of the first capability 'id' after 'after' (0 = from the start), or 0. */
uint8_t pci_find_capability(const struct pci_device *d, uint8_t id, uint8_t after);

/* Maps a memory BAR uncached into dom0's address space; its virtual address, or NULL. */
volatile void *pci_map_bar(const struct pci_device *d, unsigned int bar);

/* Enables memory/I/O decoding and bus mastering (for DMA) in the command register. */
void pci_enable(const struct pci_device *d, bool bus_master);

/* "ECAM at 0xb0000000, buses 00-ff" or "ports 0xcf8/0xcfc": how config space is reached. */
const char *pci_access_method(void);

#endif
