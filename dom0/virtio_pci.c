/* virtio_pci.c: the virtio 1.x modern PCI transport: capability discovery, feature negotiation, queue setup, MSI-X/INTx, notifications. */
#include "virtio_pci.h"

#include <string.h>

#include <keel/abi.h>
#include <keel/physdev.h>

#include "dma.h"
#include "hypercall.h"
#include "pci.h"

/* Capabilities (4.1.4): vendor-specific, one per structure type. */
#define PCI_CAP_VENDOR            0x09
#define PCI_CAP_MSIX              0x11
#define VIRTIO_PCI_CAP_COMMON_CFG 1
#define VIRTIO_PCI_CAP_NOTIFY_CFG 2
#define VIRTIO_PCI_CAP_ISR_CFG    3
#define VIRTIO_PCI_CAP_DEVICE_CFG 4
#define CAP_TYPE    3
#define CAP_BAR     4
#define CAP_OFFSET  8
#define CAP_LENGTH  12
#define CAP_NOTIFY_MULTIPLIER 16
#define CAP_MIN_LEN 16

/* struct virtio_pci_common_cfg (4.1.4.3), by byte offset. */
#define CC_DEVICE_FEATURE_SELECT 0
#define CC_DEVICE_FEATURE        4
#define CC_DRIVER_FEATURE_SELECT 8
#define CC_DRIVER_FEATURE        12
#define CC_MSIX_CONFIG           16
#define CC_NUM_QUEUES            18
#define CC_DEVICE_STATUS         20
#define CC_CONFIG_GENERATION     21
#define CC_QUEUE_SELECT          22
#define CC_QUEUE_SIZE            24
#define CC_QUEUE_MSIX_VECTOR     26
#define CC_QUEUE_ENABLE          28
#define CC_QUEUE_NOTIFY_OFF      30
#define CC_QUEUE_DESC            32
#define CC_QUEUE_DRIVER          40
#define CC_QUEUE_DEVICE          48
#define CC_LENGTH                56
#define VIRTIO_MSI_NO_VECTOR     0xffff

/* MSI-X capability and table (PCI Local Bus 3.0, 6.8.2). */
#define MSIX_CONTROL         2
#define MSIX_TABLE           4
#define MSIX_CTRL_SIZE_MASK  0x7ff
#define MSIX_CTRL_MASK_ALL   (1u << 14)
#define MSIX_CTRL_ENABLE     (1u << 15)
#define MSIX_ENTRY_BYTES     16
#define MSIX_VECTOR_MASKED   1u

#define RESET_POLLS 1000000

static uint8_t rd8(volatile uint8_t *base, uint32_t off) { return *(volatile uint8_t *)(base + off); }
static uint16_t rd16(volatile uint8_t *base, uint32_t off) { return *(volatile uint16_t *)(base + off); }
static uint32_t rd32(volatile uint8_t *base, uint32_t off) { return *(volatile uint32_t *)(base + off); }
static void wr8(volatile uint8_t *base, uint32_t off, uint8_t v) { *(volatile uint8_t *)(base + off) = v; }
static void wr16(volatile uint8_t *base, uint32_t off, uint16_t v) { *(volatile uint16_t *)(base + off) = v; }
static void wr32(volatile uint8_t *base, uint32_t off, uint32_t v) { *(volatile uint32_t *)(base + off) = v; }
/* 64-bit fields as two 32-bit writes, low half first (4.1.3.1). */
static void wr64(volatile uint8_t *base, uint32_t off, uint64_t v)
{
	wr32(base, off, (uint32_t)v);
	wr32(base, off + 4, (uint32_t)(v >> 32));
}

static long physdev_op(uint64_t cmd, void *arg)
{
	return hypercall2(KEEL_HC_PHYSDEV_OP, cmd, (uintptr_t)arg);
}

/* The window [offset, offset + length) of a memory BAR, mapped; NULL if the device describes something impossible. */
static volatile uint8_t *map_window(struct virtio_pci *vp, unsigned int bar, uint64_t offset, uint64_t length)
{
	const struct pci_device *d = vp->pci;
	if (bar >= 6 || !d->bar_size[bar] || (d->bar_flags[bar] & PCI_BAR_IO) || length == 0 ||
	    offset > d->bar_size[bar] || length > d->bar_size[bar] - offset)
		return NULL;
	if (!vp->bar_map[bar])
		vp->bar_map[bar] = pci_map_bar(d, bar);
	return vp->bar_map[bar] ? vp->bar_map[bar] + offset : NULL;
}

/* Takes the first usable capability of each type (4.1.4: later ones are alternatives). */
static void take_capability(struct virtio_pci *vp, uint8_t cap)
{
	const struct pci_device *d = vp->pci;
	uint8_t len = pci_cfg_read8(d, cap + 2), type = pci_cfg_read8(d, cap + CAP_TYPE);
	unsigned int bar = pci_cfg_read8(d, cap + CAP_BAR);
	uint32_t offset = pci_cfg_read32(d, cap + CAP_OFFSET), length = pci_cfg_read32(d, cap + CAP_LENGTH);
	if (len < CAP_MIN_LEN)
		return;
	if (type == VIRTIO_PCI_CAP_COMMON_CFG && !vp->common && length >= CC_LENGTH) {
		vp->common = map_window(vp, bar, offset, length);
	} else if (type == VIRTIO_PCI_CAP_NOTIFY_CFG && !vp->notify && len >= CAP_NOTIFY_MULTIPLIER + 4) {
		vp->notify = map_window(vp, bar, offset, length);
		vp->notify_len = length;
		vp->notify_multiplier = pci_cfg_read32(d, cap + CAP_NOTIFY_MULTIPLIER);
	} else if (type == VIRTIO_PCI_CAP_ISR_CFG && !vp->isr) {
		vp->isr = map_window(vp, bar, offset, length);
	} else if (type == VIRTIO_PCI_CAP_DEVICE_CFG && !vp->device_cfg) {
		vp->device_cfg = map_window(vp, bar, offset, length);
		vp->device_cfg_len = length;
	}
}

long virtio_pci_open(struct virtio_pci *vp, const struct pci_device *d)
{
	memset(vp, 0, sizeof(*vp));
	vp->pci = d;
	/* Bounded: a looping capability list must not hang dom0 (pci.c bounds its walk too). */
	uint8_t cap = 0;
	for (unsigned int n = 0; n < 48 && (cap = pci_find_capability(d, PCI_CAP_VENDOR, cap)); n++)
		take_capability(vp, cap);
	if (!vp->common || !vp->notify || !vp->isr)
		return -KEEL_ENODEV;   /* a legacy-only device, or one this transport cannot drive */
	pci_enable(d, true);
	virtio_pci_reset(vp);
	return rd8(vp->common, CC_DEVICE_STATUS) == 0 ? 0 : -KEEL_EIO;
}

void virtio_pci_reset(struct virtio_pci *vp)
{
	wr8(vp->common, CC_DEVICE_STATUS, 0);
	/* 4.1.4.3.2: the reset is complete once the status reads back 0. */
	for (unsigned int i = 0; i < RESET_POLLS && rd8(vp->common, CC_DEVICE_STATUS); i++)
		asm volatile("pause");
}

static void add_status(struct virtio_pci *vp, uint8_t bits)
{
	wr8(vp->common, CC_DEVICE_STATUS, (uint8_t)(rd8(vp->common, CC_DEVICE_STATUS) | bits));
}

void virtio_pci_fail(struct virtio_pci *vp)
{
	add_status(vp, VIRTIO_STATUS_FAILED);
}

void virtio_pci_driver_ok(struct virtio_pci *vp)
{
	add_status(vp, VIRTIO_STATUS_DRIVER_OK);
}

long virtio_pci_negotiate(struct virtio_pci *vp, uint64_t wanted, uint64_t *agreed)
{
	add_status(vp, VIRTIO_STATUS_ACKNOWLEDGE);
	add_status(vp, VIRTIO_STATUS_DRIVER);
	wr32(vp->common, CC_DEVICE_FEATURE_SELECT, 0);
	uint64_t offered = rd32(vp->common, CC_DEVICE_FEATURE);
	wr32(vp->common, CC_DEVICE_FEATURE_SELECT, 1);
	offered |= (uint64_t)rd32(vp->common, CC_DEVICE_FEATURE) << 32;
	if (!(offered & VIRTIO_F_VERSION_1)) {
		virtio_pci_fail(vp);
		return -KEEL_ENODEV;
	}
	*agreed = offered & (wanted | VIRTIO_F_VERSION_1);
	wr32(vp->common, CC_DRIVER_FEATURE_SELECT, 0);
	wr32(vp->common, CC_DRIVER_FEATURE, (uint32_t)*agreed);
	wr32(vp->common, CC_DRIVER_FEATURE_SELECT, 1);
	wr32(vp->common, CC_DRIVER_FEATURE, (uint32_t)(*agreed >> 32));
	add_status(vp, VIRTIO_STATUS_FEATURES_OK);
	if (!(rd8(vp->common, CC_DEVICE_STATUS) & VIRTIO_STATUS_FEATURES_OK)) {
		virtio_pci_fail(vp);   /* it does not accept this subset */
		return -KEEL_ENODEV;
	}
	return 0;
}

long virtio_pci_setup_queue(struct virtio_pci *vp, uint16_t index, uint16_t max_size, struct virtq *q)
{
	if (index >= rd16(vp->common, CC_NUM_QUEUES) || index >= sizeof(vp->notify_off) / sizeof(vp->notify_off[0]))
		return -KEEL_ENODEV;
	wr16(vp->common, CC_QUEUE_SELECT, index);
	uint16_t offered = rd16(vp->common, CC_QUEUE_SIZE);
	if (offered == 0 || rd16(vp->common, CC_QUEUE_ENABLE))
		return -KEEL_ENODEV;
	/* Any power of two up to what the device offers will do (4.1.4.3.2). */
	uint16_t size = 1;
	while ((uint32_t)size * 2 <= offered && size * 2u <= max_size && size * 2u <= VIRTQ_MAX_SIZE)
		size = (uint16_t)(size * 2);
	struct virtq_layout l;
	virtq_layout(size, &l);
	void *mem = dma_alloc(l.bytes, 4096);
	uint64_t mem_dma = mem ? dma_address(mem, l.bytes) : 0;
	if (!mem_dma || !virtq_init(q, size, mem, mem_dma))
		return -KEEL_ENOMEM;
	uint16_t notify_off = rd16(vp->common, CC_QUEUE_NOTIFY_OFF);
	uint64_t at = (uint64_t)notify_off * vp->notify_multiplier;
	if (at > vp->notify_len || vp->notify_len - at < 2)
		return -KEEL_EIO;   /* it names a doorbell outside its own window */
	vp->notify_off[index] = notify_off;
	wr16(vp->common, CC_QUEUE_SIZE, size);
	wr64(vp->common, CC_QUEUE_DESC, q->desc_dma);
	wr64(vp->common, CC_QUEUE_DRIVER, q->avail_dma);
	wr64(vp->common, CC_QUEUE_DEVICE, q->used_dma);
	wr16(vp->common, CC_QUEUE_ENABLE, 1);
	return 0;
}

void virtio_pci_notify(struct virtio_pci *vp, uint16_t queue)
{
	wr16(vp->notify, (uint32_t)(vp->notify_off[queue] * vp->notify_multiplier), queue);
}

/* MSI-X entry 0 carries the queue's interrupt; configuration changes get none. */
static long bind_msix(struct virtio_pci *vp, uint8_t cap, uint16_t queue)
{
	const struct pci_device *d = vp->pci;
	uint16_t control = pci_cfg_read16(d, cap + MSIX_CONTROL);
	uint32_t table = pci_cfg_read32(d, cap + MSIX_TABLE);
	uint32_t entries = (control & MSIX_CTRL_SIZE_MASK) + 1u;
	volatile uint8_t *t = map_window(vp, table & 7, table & ~7u, (uint64_t)entries * MSIX_ENTRY_BYTES);
	if (!t)
		return -KEEL_EIO;
	struct keel_physdev_map_msi m = { .vcpu = 0, .flags = 0 };
	long rc = physdev_op(KEEL_PHYSDEVOP_MAP_MSI, &m);
	if (rc)
		return rc;
	wr32(t, 0, (uint32_t)m.address);
	wr32(t, 4, (uint32_t)(m.address >> 32));
	wr32(t, 8, m.data);
	wr32(t, 12, 0);   /* unmasked */
	pci_cfg_write16(d, cap + MSIX_CONTROL, (uint16_t)((control | MSIX_CTRL_ENABLE) & ~MSIX_CTRL_MASK_ALL));
	wr16(vp->common, CC_MSIX_CONFIG, VIRTIO_MSI_NO_VECTOR);
	wr16(vp->common, CC_QUEUE_SELECT, queue);
	wr16(vp->common, CC_QUEUE_MSIX_VECTOR, 0);
	if (rd16(vp->common, CC_QUEUE_MSIX_VECTOR) != 0) {
		/* The device could not take the vector (4.1.5.1.2): undo, so INTx can be tried. */
		wr32(t, 12, MSIX_VECTOR_MASKED);
		pci_cfg_write16(d, cap + MSIX_CONTROL, (uint16_t)(control & ~MSIX_CTRL_ENABLE));
		evtchn_close(m.port);
		return -KEEL_EIO;
	}
	vp->msix = true;
	vp->event_port = m.port;
	return 0;
}

/* The line the firmware assigned; PCI INTx is level-triggered, active low, whatever the number. */
static long bind_intx(struct virtio_pci *vp)
{
	uint8_t line = vp->pci->irq_line;
	if (!vp->pci->irq_pin || line == 0 || line == 0xff)
		return -KEEL_ENODEV;
	struct keel_physdev_bind_irq b = {
		.irq = line, .flags = KEEL_PIRQF_EXPLICIT | KEEL_PIRQF_LEVEL | KEEL_PIRQF_ACTIVE_LOW, .vcpu = 0,
	};
	long rc = physdev_op(KEEL_PHYSDEVOP_BIND_IRQ, &b);
	if (rc)
		return rc;
	vp->msix = false;
	vp->event_port = b.port;
	return 0;
}

long virtio_pci_bind_interrupt(struct virtio_pci *vp, uint16_t queue, event_handler_fn handler, void *arg)
{
	if (queue >= rd16(vp->common, CC_NUM_QUEUES))
		return -KEEL_ENODEV;
	uint8_t cap = pci_find_capability(vp->pci, PCI_CAP_MSIX, 0);
	long rc = cap ? bind_msix(vp, cap, queue) : -KEEL_ENODEV;
	if (rc)
		rc = bind_intx(vp);   /* only without (working) MSI-X */
	if (rc)
		return rc;
	events_set_handler(vp->event_port, handler, arg);
	return 0;
}

void virtio_pci_ack(struct virtio_pci *vp)
{
	if (vp->msix)
		return;   /* edge: nothing to acknowledge (physdev.h M2) */
	(void)rd8(vp->isr, 0);   /* reading ISR lowers the line (4.1.4.5) */
	struct keel_physdev_irq_eoi eoi = { .port = vp->event_port };
	physdev_op(KEEL_PHYSDEVOP_IRQ_EOI, &eoi);
}

static void read_config_once(struct virtio_pci *vp, uint32_t offset, uint8_t *out, uint32_t len)
{
	/* Natural widths where the field allows them; 64-bit fields as two 32-bit reads (4.1.3.1). */
	for (uint32_t i = 0; i < len;) {
		uint32_t at = offset + i;
		if (!(at & 3) && len - i >= 4) {
			uint32_t v = rd32(vp->device_cfg, at);
			memcpy(out + i, &v, 4);
			i += 4;
		} else if (!(at & 1) && len - i >= 2) {
			uint16_t v = rd16(vp->device_cfg, at);
			memcpy(out + i, &v, 2);
			i += 2;
		} else {
			out[i] = rd8(vp->device_cfg, at);
			i++;
		}
	}
}

bool virtio_pci_config_read(struct virtio_pci *vp, uint32_t offset, void *out, uint32_t len)
{
	if (!vp->device_cfg || offset > vp->device_cfg_len || len > vp->device_cfg_len - offset)
		return false;
	/* 4.1.4.3.1: a field read across a change is torn; the generation tells. Bounded: a
	 * device that changes it forever gets its last reading. */
	for (unsigned int tries = 0; tries < 100; tries++) {
		uint8_t before = rd8(vp->common, CC_CONFIG_GENERATION);
		read_config_once(vp, offset, out, len);
		if (rd8(vp->common, CC_CONFIG_GENERATION) == before)
			return true;
	}
	return false;
}
