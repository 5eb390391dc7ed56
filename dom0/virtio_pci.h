/* virtio_pci.h: the virtio 1.x PCI transport (modern: capabilities, common config, notifications, MSI-X or INTx) for dom0's drivers. */
#ifndef DOM0_VIRTIO_PCI_H
#define DOM0_VIRTIO_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "events.h"
#include "virtio_ring.h"

struct pci_device;

#define VIRTIO_PCI_VENDOR         0x1af4
#define VIRTIO_PCI_MODERN_BASE    0x1040   /* modern-only device ids: 0x1040 + virtio device type */
#define VIRTIO_F_VERSION_1        (1ull << 32)

/* Device status bits (2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER      2
#define VIRTIO_STATUS_DRIVER_OK   4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_NEEDS_RESET 64
#define VIRTIO_STATUS_FAILED      128

struct virtio_pci {
	const struct pci_device *pci;
	volatile uint8_t *bar_map[6];      /* each BAR mapped at most once */
	volatile uint8_t *common;          /* struct virtio_pci_common_cfg (4.1.4.3) */
	volatile uint8_t *notify;          /* the notification area */
	uint32_t notify_len;
	uint32_t notify_multiplier;
	volatile uint8_t *isr;             /* INTx: reading it acknowledges */
	volatile uint8_t *device_cfg;      /* device-specific configuration, or NULL */
	uint32_t device_cfg_len;
	bool msix;                         /* interrupts by MSI-X (else INTx) */
	uint32_t event_port;               /* the PIRQ port the interrupt raises */
	uint16_t notify_off[1];            /* per queue set up (this transport drives queue 0 only) */
};

/* Finds the virtio capabilities, maps them, enables the function and resets the device. 0 or -KEEL_E*. */
long virtio_pci_open(struct virtio_pci *vp, const struct pci_device *d);

/* ACKNOWLEDGE, DRIVER, then offers wanted & device's features (VERSION_1 required) and checks
 * FEATURES_OK. The agreed features in *agreed. 0, or -KEEL_ENODEV (device sets FAILED). */
long virtio_pci_negotiate(struct virtio_pci *vp, uint64_t wanted, uint64_t *agreed);

/* Sets up queue 'index' with at most 'max_size' descriptors in DMA memory (dma.h) and enables it. */
long virtio_pci_setup_queue(struct virtio_pci *vp, uint16_t index, uint16_t max_size, struct virtq *q);

/*
 * The device's interrupt as an event: MSI-X (physdev MAP_MSI, one vector for the queue,
 * none for configuration changes) when the device has it, else its INTx line (BIND_IRQ).
 * 'handler' runs in the upcall; call virtio_pci_ack() in it first. 0 or -KEEL_E*.
 */
long virtio_pci_bind_interrupt(struct virtio_pci *vp, uint16_t queue, event_handler_fn handler, void *arg);
/* In the handler: INTx reads ISR (which lowers the line) and EOIs the port; MSI-X needs nothing. */
void virtio_pci_ack(struct virtio_pci *vp);

void virtio_pci_driver_ok(struct virtio_pci *vp);
/* Writes 0: the device stops using every queue (and DMA) before this returns (4.1.4.3.2). */
void virtio_pci_reset(struct virtio_pci *vp);
/* Marks the device FAILED: the driver gave up on it. */
void virtio_pci_fail(struct virtio_pci *vp);
void virtio_pci_notify(struct virtio_pci *vp, uint16_t queue);

/* Device configuration reads, retried until config_generation is stable; false if out of range. */
bool virtio_pci_config_read(struct virtio_pci *vp, uint32_t offset, void *out, uint32_t len);

#endif
