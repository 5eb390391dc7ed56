/* virtio_blk.h: dom0's virtio-blk driver (virtio 1.x, 5.2): every disk on the PCI bus, read/write/flush from threads. */
#ifndef DOM0_VIRTIO_BLK_H
#define DOM0_VIRTIO_BLK_H

#include <stdbool.h>
#include <stdint.h>

#define VIRTIO_BLK_SECTOR 512          /* the unit of every request, whatever the block size */
#define VIRTIO_BLK_MAX_DISKS 8

struct virtio_blk_info {
	uint8_t bus, dev, fn;
	uint16_t device_id;                /* 0x1001 transitional or 0x1042 modern-only */
	uint64_t sectors;                  /* capacity in 512-byte sectors */
	uint32_t block_size;               /* the device's preferred block size (512 if it does not say) */
	bool read_only;
	bool can_flush;
	bool msix;                         /* interrupts by MSI-X, else INTx */
	bool failed;                       /* the device misbehaved or stopped answering: no more I/O */
	uint16_t queue_size;
};

struct keel_start_info;

/*
 * At dom0's start, after pci_scan(): learns the DMA base from start-info (dma.h), then
 * finds every virtio-blk function, sets each up and makes it ready, one line each (also
 * for those it cannot drive). No request is made, so no thread is needed. The disk count.
 */
unsigned int virtio_blk_probe(const struct keel_start_info *si);

unsigned int virtio_blk_count(void);
/* Disk 'disk' (0 .. count-1), or NULL. */
const struct virtio_blk_info *virtio_blk_info(unsigned int disk);

/*
 * From a thread: waits for the device's interrupt. 'buf' must be dom0 RAM (heap, stack,
 * static data: dma.h). 'sector' and 'count' are 512-byte sectors and must cover whole
 * blocks of block_size. 0 or -KEEL_EINVAL (out of range, not whole blocks, bad buffer),
 * -KEEL_EPERM (write to a read-only disk), -KEEL_EIO (the device reported an error, misbehaved or timed out).
 */
long virtio_blk_read(unsigned int disk, uint64_t sector, void *buf, uint32_t count);
long virtio_blk_write(unsigned int disk, uint64_t sector, const void *buf, uint32_t count);
/* -KEEL_ENOSYS if the device has no flush (then its writes need none). */
long virtio_blk_flush(unsigned int disk);

#endif
