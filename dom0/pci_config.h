/* pci_config.h: the pure parts of PCI configuration space: register layout, ECAM and 0xCF8 addresses, BAR decoding, the capability walk, class names. */
#ifndef DOM0_PCI_CONFIG_H
#define DOM0_PCI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Type 0/1 header registers (PCI Local Bus 3.0, 6.1). */
#define PCI_VENDOR_ID        0x00
#define PCI_DEVICE_ID        0x02
#define PCI_COMMAND          0x04
#define PCI_STATUS           0x06
#define PCI_REVISION         0x08
#define PCI_PROG_IF          0x09
#define PCI_SUBCLASS         0x0a
#define PCI_CLASS            0x0b
#define PCI_HEADER_TYPE      0x0e
#define PCI_BAR0             0x10
#define PCI_CAP_POINTER      0x34
#define PCI_IRQ_LINE         0x3c
#define PCI_IRQ_PIN          0x3d

#define PCI_COMMAND_IO       (1u << 0)
#define PCI_COMMAND_MEMORY   (1u << 1)
#define PCI_COMMAND_MASTER   (1u << 2)
#define PCI_STATUS_CAP_LIST  (1u << 4)
#define PCI_HEADER_MULTIFN   0x80
#define PCI_CLASS_BRIDGE     0x06
#define PCI_SUBCLASS_HOST    0x00

#define PCI_BUSES            256
#define PCI_DEVICES          32
#define PCI_FUNCTIONS        8
#define PCI_CONFIG_SIZE      256      /* through 0xCF8/0xCFC */
#define PCI_ECAM_CONFIG_SIZE 4096     /* through ECAM */
#define PCI_CAP_MAX          48       /* (256 - 64) / 4: more capabilities than that is a loop */

/* Offset of a function's register in its segment's ECAM window (from bus 0); UINT64_MAX if out of range. */
uint64_t pci_ecam_offset(unsigned int bus, unsigned int dev, unsigned int fn, unsigned int reg);
/* The CONFIG_ADDRESS value (port 0xCF8) for a dword register below 256; 0 if out of range. */
uint32_t pci_cf8_address(unsigned int bus, unsigned int dev, unsigned int fn, unsigned int reg);

/* How many BARs a header type has: 6 (device), 2 (PCI bridge), 1 (CardBus bridge), else 0. */
unsigned int pci_bar_count(uint8_t header_type);

/* One BAR from its sizing probe. */
struct pci_bar_decoded {
	uint64_t base;
	uint64_t size;            /* 0: not implemented */
	uint8_t flags;            /* PCI_BAR_* of pci.h */
	unsigned int registers;   /* BAR registers it occupies: 2 for a 64-bit memory BAR */
};

/*
 * Decodes a BAR from its value as found ('orig') and as read back after writing all ones
 * ('probe'); for a 64-bit memory BAR, 'orig_hi' and 'probe_hi' are the next register's
 * (has_hi false: there is no next register, and a 64-bit BAR is then treated as not
 * implemented). Sizes come from the lowest writable address bit.
 */
void pci_bar_decode(uint32_t orig, uint32_t probe, bool has_hi, uint32_t orig_hi, uint32_t probe_hi,
		    struct pci_bar_decoded *out);
/* True when a BAR register with this value as found is a 64-bit memory BAR. */
bool pci_bar_is_64bit(uint32_t orig);

/* A config-space byte reader for the capability walk. */
typedef uint8_t (*pci_read8_fn)(const void *ctx, uint16_t offset);

/*
 * The capability list, in order, into offsets[] (at most PCI_CAP_MAX): returns how many.
 * Stops at a null pointer, a pointer into the header (< 0x40) or beyond 0xff, and at the
 * first offset seen twice, so a looping or hostile list ends. 'status' is the function's
 * status register: without PCI_STATUS_CAP_LIST there is no list.
 */
unsigned int pci_cap_list(pci_read8_fn read8, const void *ctx, uint16_t status, uint8_t offsets[PCI_CAP_MAX]);

/* The offset of the first capability 'id' after the one at 'after' (0 = from the start), or 0. */
uint8_t pci_cap_find(pci_read8_fn read8, const void *ctx, uint16_t status, uint8_t id, uint8_t after);

/* "Host bridge", "Ethernet controller", ...; NULL when the class is not known here. */
const char *pci_class_name(uint8_t class_code, uint8_t subclass);
/* "MSI-X", "Vendor Specific", ...; NULL when not known here. */
const char *pci_cap_name(uint8_t id);

#endif
