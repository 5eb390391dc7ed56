/* virtio_blk.c: the virtio-blk driver: device setup, one request queue per disk, completion by interrupt event, checks of every answer. */
#include "virtio_blk.h"

#include <stdio.h>
#include <string.h>

#include <keel/abi.h>

#include "dma.h"
#include "irq_flags.h"
#include "pci.h"
#include "thread.h"
#include "timer.h"
#include "virtio_pci.h"
#include "virtio_ring.h"

#define VIRTIO_BLK_TRANSITIONAL 0x1001
#define VIRTIO_BLK_MODERN       (VIRTIO_PCI_MODERN_BASE + 2)

/* Feature bits (5.2.3). */
#define VIRTIO_BLK_F_SIZE_MAX (1ull << 1)
#define VIRTIO_BLK_F_SEG_MAX  (1ull << 2)
#define VIRTIO_BLK_F_RO       (1ull << 5)
#define VIRTIO_BLK_F_BLK_SIZE (1ull << 6)
#define VIRTIO_BLK_F_FLUSH    (1ull << 9)

/* struct virtio_blk_config by byte offset (5.2.4). */
#define CFG_CAPACITY 0
#define CFG_SIZE_MAX 8
#define CFG_BLK_SIZE 20

#define VIRTIO_BLK_T_IN    0
#define VIRTIO_BLK_T_OUT   1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_S_OK    0

#define QUEUE_SIZE      64
#define MAX_REQUESTS    16            /* 3 descriptors each: fits the queue */
#define MAX_TRANSFER    (64u * 1024)  /* bytes per request, before size_max lowers it */
#define REQUEST_TIMEOUT_NS (10ull * 1000 * 1000 * 1000)

struct blk_request {
	/* Read by the device: the header (5.2.6). */
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
	/* Written by the device. */
	uint8_t status;
	/* Ours. */
	bool busy, done;
	uint32_t written;
};

struct blk_disk {
	struct virtio_blk_info info;
	struct virtio_pci vp;
	struct virtq q;
	uint32_t max_transfer;            /* bytes */
	struct blk_request *requests;     /* MAX_REQUESTS, DMA memory */
	struct waitq completed;           /* a request finished, or the device broke */
	struct waitq slot_free;
	bool reset_done;                  /* failed: the device was reset and every request ended */
};

static struct blk_disk disks[VIRTIO_BLK_MAX_DISKS];
static unsigned int disk_count;

/* The interrupt's event (upcall, interrupts off): records completions and wakes the waiters. */
static void blk_event(uint32_t port, void *arg)
{
	(void)port;
	struct blk_disk *disk = arg;
	virtio_pci_ack(&disk->vp);
	if (!disk->q.size)
		return;   /* a shared INTx line fired before the queue exists */
	void *cookie;
	uint32_t len;
	int rc;
	while ((rc = virtq_get_used(&disk->q, &cookie, &len)) == 1) {
		struct blk_request *r = cookie;
		r->written = len;
		r->done = true;
	}
	if (rc < 0)
		disk->info.failed = true;   /* the waiting thread resets the device */
	waitq_wake_all(&disk->completed);
}

/* Interrupts off. After a misbehaviour or a timeout: stop the device's DMA, then end every request. */
static void fail_disk(struct blk_disk *disk, const char *why)
{
	disk->info.failed = true;
	if (disk->reset_done)
		return;
	disk->reset_done = true;
	printf("virtio-blk %02x:%02x.%x: %s: device reset, no more I/O\n", disk->info.bus, disk->info.dev,
	       disk->info.fn, why);
	virtio_pci_reset(&disk->vp);
	virtio_pci_fail(&disk->vp);
	struct blk_request *r;
	while ((r = virtq_take_in_flight(&disk->q)))
		r->done = true;   /* with status left at its "not written" value: an error */
	waitq_wake_all(&disk->completed);
	waitq_wake_all(&disk->slot_free);
}

/* Interrupts off. A free request slot, waiting for one if all are busy; NULL if the disk failed. */
static struct blk_request *take_slot(struct blk_disk *disk)
{
	while (!disk->info.failed) {
		for (unsigned int i = 0; i < MAX_REQUESTS; i++) {
			if (!disk->requests[i].busy) {
				struct blk_request *r = &disk->requests[i];
				memset(r, 0, sizeof(*r));
				r->busy = true;
				r->status = 0xff;   /* the device overwrites it */
				return r;
			}
		}
		waitq_wait(&disk->slot_free, 0);
	}
	return NULL;
}

/* One request of at most max_transfer bytes: queued, notified, waited for, checked. */
static long submit(struct blk_disk *disk, uint32_t type, uint64_t sector, void *data, uint32_t bytes)
{
	uint64_t data_dma = 0;
	if (bytes && !(data_dma = dma_address(data, bytes)))
		return -KEEL_EINVAL;   /* not dom0 RAM: the device could not reach it */
	uint64_t flags = irq_save();
	long rc = -KEEL_EIO;
	struct blk_request *r = take_slot(disk);
	if (!r)
		goto out;
	r->type = type;
	r->sector = sector;
	struct virtq_buf bufs[3];
	unsigned int n = 0;
	bufs[n++] = (struct virtq_buf){ dma_address(r, 16), 16, false };
	if (bytes)
		bufs[n++] = (struct virtq_buf){ data_dma, bytes, type == VIRTIO_BLK_T_IN };
	bufs[n++] = (struct virtq_buf){ dma_address(&r->status, 1), 1, true };
	/* MAX_REQUESTS chains of 3 fit the queue, so there is always room for a slot's chain. */
	if (virtq_add(&disk->q, bufs, n, r)) {
		fail_disk(disk, "queue refused a request");
		goto release;
	}
	if (virtq_should_notify(&disk->q))
		virtio_pci_notify(&disk->vp, 0);
	uint64_t deadline = time_now_ns() + REQUEST_TIMEOUT_NS;
	while (!r->done && !disk->info.failed) {
		if (!waitq_wait(&disk->completed, deadline) && time_now_ns() >= deadline && !r->done)
			fail_disk(disk, "request timed out");
	}
	if (disk->info.failed && !r->done)
		fail_disk(disk, "used ring corrupt");   /* the handler saw it; the reset is ours to do */
	uint32_t expect = (type == VIRTIO_BLK_T_IN ? bytes : 0) + 1;
	if (r->done && r->status == VIRTIO_BLK_S_OK && r->written >= 1 && r->written <= expect &&
	    (type != VIRTIO_BLK_T_IN || r->written == expect))
		rc = 0;
	else if (r->done && r->status == VIRTIO_BLK_S_OK)
		printf("virtio-blk %02x:%02x.%x: short transfer (%u of %u bytes)\n", disk->info.bus, disk->info.dev,
		       disk->info.fn, r->written, expect);
release:
	r->busy = false;
	waitq_wake_all(&disk->slot_free);
out:
	irq_restore(flags);
	return rc;
}

static struct blk_disk *disk_for_io(unsigned int index, uint64_t sector, uint32_t count, const void *buf)
{
	if (index >= disk_count || !buf || !thread_can_wait())
		return NULL;
	struct blk_disk *disk = &disks[index];
	if (sector > disk->info.sectors || count > disk->info.sectors - sector)
		return NULL;
	/* Requests count 512-byte sectors but must cover whole logical blocks (5.2.6): QEMU fails
	 * the rest with an I/O error, so they are refused here, before reaching the device. */
	uint32_t per_block = disk->info.block_size / VIRTIO_BLK_SECTOR;
	if (sector % per_block || count % per_block)
		return NULL;
	return disk;
}

static long transfer(unsigned int index, uint32_t type, uint64_t sector, void *buf, uint32_t count)
{
	struct blk_disk *disk = disk_for_io(index, sector, count, buf);
	if (!disk)
		return -KEEL_EINVAL;
	if (type == VIRTIO_BLK_T_OUT && disk->info.read_only)
		return -KEEL_EPERM;
	uint32_t per_request = disk->max_transfer / VIRTIO_BLK_SECTOR;
	while (count) {
		uint32_t n = count < per_request ? count : per_request;
		long rc = submit(disk, type, sector, buf, n * VIRTIO_BLK_SECTOR);
		if (rc)
			return rc;
		sector += n;
		count -= n;
		buf = (char *)buf + (size_t)n * VIRTIO_BLK_SECTOR;
	}
	return 0;
}

long virtio_blk_read(unsigned int disk, uint64_t sector, void *buf, uint32_t count)
{
	return transfer(disk, VIRTIO_BLK_T_IN, sector, buf, count);
}

long virtio_blk_write(unsigned int disk, uint64_t sector, const void *buf, uint32_t count)
{
	/* The device only reads it: the cast drops nothing that matters. */
	return transfer(disk, VIRTIO_BLK_T_OUT, sector, (void *)(uintptr_t)buf, count);
}

long virtio_blk_flush(unsigned int index)
{
	if (index >= disk_count || !thread_can_wait())
		return -KEEL_EINVAL;
	if (!disks[index].info.can_flush)
		return -KEEL_ENOSYS;
	return submit(&disks[index], VIRTIO_BLK_T_FLUSH, 0, NULL, 0);
}

/* Reads and checks the configuration the features allow. */
static long read_geometry(struct blk_disk *disk, uint64_t features)
{
	uint64_t capacity;
	if (!virtio_pci_config_read(&disk->vp, CFG_CAPACITY, &capacity, sizeof(capacity)))
		return -KEEL_EIO;
	disk->info.sectors = capacity;   /* 512-byte sectors whatever blk_size says (5.2.4) */
	disk->info.block_size = VIRTIO_BLK_SECTOR;
	disk->max_transfer = MAX_TRANSFER;
	uint32_t v;
	if ((features & VIRTIO_BLK_F_BLK_SIZE) && virtio_pci_config_read(&disk->vp, CFG_BLK_SIZE, &v, 4)) {
		/* A power of two from 512 to 64 KiB, or it is ignored (it is only a hint). */
		if (v >= 512 && v <= 65536 && !(v & (v - 1)))
			disk->info.block_size = v;
	}
	if ((features & VIRTIO_BLK_F_SIZE_MAX) && virtio_pci_config_read(&disk->vp, CFG_SIZE_MAX, &v, 4)) {
		if (v < disk->info.block_size)
			return -KEEL_EIO;   /* no request could carry a block */
		if (v < disk->max_transfer)   /* whole blocks, so split requests stay aligned */
			disk->max_transfer = v & ~(disk->info.block_size - 1u);
	}
	disk->info.read_only = features & VIRTIO_BLK_F_RO;
	disk->info.can_flush = features & VIRTIO_BLK_F_FLUSH;
	return 0;
}

/* 3.1.1: reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK, configuration, queue, DRIVER_OK. */
static long setup(struct blk_disk *disk, const struct pci_device *d)
{
	long rc = virtio_pci_open(&disk->vp, d);
	uint64_t features = 0;
	if (!rc)
		rc = virtio_pci_negotiate(&disk->vp, VIRTIO_BLK_F_SIZE_MAX | VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_RO |
					  VIRTIO_BLK_F_BLK_SIZE | VIRTIO_BLK_F_FLUSH, &features);
	if (!rc)
		rc = read_geometry(disk, features);
	if (!rc) {
		disk->requests = dma_alloc(MAX_REQUESTS * sizeof(struct blk_request), 64);
		rc = disk->requests ? 0 : -KEEL_ENOMEM;
	}
	if (!rc)
		rc = virtio_pci_bind_interrupt(&disk->vp, 0, blk_event, disk);
	if (!rc)
		rc = virtio_pci_setup_queue(&disk->vp, 0, QUEUE_SIZE, &disk->q);
	if (rc) {
		if (disk->vp.common)
			virtio_pci_fail(&disk->vp);
		return rc;
	}
	disk->info.msix = disk->vp.msix;
	disk->info.queue_size = disk->q.size;
	virtio_pci_driver_ok(&disk->vp);
	return 0;
}

unsigned int virtio_blk_probe(const struct keel_start_info *si)
{
	if (!dma_init(si)) {
		printf("virtio-blk: dom0's RAM is not DMA-able (no KEEL_SIF_DMA): disks left alone\n");
		return 0;
	}
	size_t index = 0;   /* pci_find moves it past each function it returns */
	const struct pci_device *d;
	while (disk_count < VIRTIO_BLK_MAX_DISKS && (d = pci_find(VIRTIO_PCI_VENDOR, 0xffff, &index))) {
		if (d->device != VIRTIO_BLK_TRANSITIONAL && d->device != VIRTIO_BLK_MODERN)
			continue;
		struct blk_disk *disk = &disks[disk_count];
		memset(disk, 0, sizeof(*disk));
		disk->info = (struct virtio_blk_info){ .bus = d->bus, .dev = d->dev, .fn = d->fn, .device_id = d->device };
		long rc = setup(disk, d);
		if (rc) {
			printf("virtio-blk %02x:%02x.%x: cannot drive it (%ld)\n", d->bus, d->dev, d->fn, rc);
			continue;
		}
		printf("virtio-blk %02x:%02x.%x: disk %u, %llu sectors, %s, %s\n", d->bus, d->dev, d->fn, disk_count,
		       (unsigned long long)disk->info.sectors, disk->info.read_only ? "read-only" : "read-write",
		       disk->info.msix ? "MSI-X" : "INTx");
		disk_count++;
	}
	return disk_count;
}

unsigned int virtio_blk_count(void)
{
	return disk_count;
}

const struct virtio_blk_info *virtio_blk_info(unsigned int disk)
{
	return disk < disk_count ? &disks[disk].info : NULL;
}
