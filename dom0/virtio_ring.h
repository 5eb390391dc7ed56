/* virtio_ring.h: a split virtqueue (virtio 1.x, 2.7): descriptor chains, the available and used rings, and checks of what the device writes. */
#ifndef DOM0_VIRTIO_RING_H
#define DOM0_VIRTIO_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Pure memory logic: the transport (virtio_pci.c) tells the device where the rings are and notifies it. */

#define VIRTQ_MAX_SIZE 256           /* the most descriptors a queue is set up with here */

#define VIRTQ_DESC_F_NEXT     1
#define VIRTQ_DESC_F_WRITE    2      /* the device writes this buffer */
#define VIRTQ_USED_F_NO_NOTIFY 1     /* the device asks not to be notified (a hint) */

struct virtq_desc {
	uint64_t addr;                   /* device (DMA) address */
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];
};

struct virtq_used_elem {
	uint32_t id;                     /* head of the chain the device is done with */
	uint32_t len;                    /* bytes it wrote into the chain's writable buffers */
};

struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct virtq_used_elem ring[];
};

/* One buffer of a request: 'addr' is its device address (dma.h). */
struct virtq_buf {
	uint64_t addr;
	uint32_t len;
	bool device_writes;
};

/* Byte offsets of the three parts in one block of memory, each aligned as the spec requires. */
struct virtq_layout {
	size_t avail;
	size_t used;
	size_t bytes;
};

struct virtq {
	uint16_t size;                   /* a power of two, 1..VIRTQ_MAX_SIZE */
	struct virtq_desc *desc;
	struct virtq_avail *avail;
	struct virtq_used *used;
	uint64_t desc_dma, avail_dma, used_dma;   /* the same, as the device sees them */
	uint16_t free_head;              /* first free descriptor; chained through 'next' */
	uint16_t num_free;
	uint16_t avail_idx;              /* our copy of avail->idx */
	uint16_t last_used;              /* the next used->idx entry to consume */
	uint16_t in_flight;              /* chains the device has and has not given back */
	bool broken;                     /* the device wrote something impossible: stop using the queue */
	void *cookie[VIRTQ_MAX_SIZE];    /* per chain head: the request, NULL if not in flight */
	uint16_t chain_len[VIRTQ_MAX_SIZE];
	uint32_t writable[VIRTQ_MAX_SIZE];   /* bytes the device may write into the chain */
};

/* Where the parts of a queue of 'size' descriptors go; false if size is not a power of two in range. */
bool virtq_layout(uint16_t size, struct virtq_layout *l);

/* Sets q up over 'mem' (zeroed, 16-byte aligned, layout.bytes long) whose device address is 'mem_dma'. */
bool virtq_init(struct virtq *q, uint16_t size, void *mem, uint64_t mem_dma);

/*
 * Chains 'count' buffers (the device-readable ones first), makes the chain available and
 * remembers 'cookie' (not NULL) for its completion. 0, -1 (count 0, too many, bad order, NULL
 * cookie, a broken queue) or -2 (not enough free descriptors now).
 */
int virtq_add(struct virtq *q, const struct virtq_buf *bufs, unsigned int count, void *cookie);

/* Whether the device wants a notification after virtq_add (VIRTQ_USED_F_NO_NOTIFY clear). */
bool virtq_should_notify(const struct virtq *q);

/*
 * Takes the next completed chain: 1 and its cookie and written length, 0 if none, -1 if
 * the device wrote an impossible entry (used->idx further ahead than the chains it has,
 * an id that is not a chain head in flight, a length beyond the chain's writable bytes).
 * After -1 the queue is broken for good: reset the device, then virtq_take_in_flight().
 */
int virtq_get_used(struct virtq *q, void **cookie, uint32_t *len);

/* After the device was reset: every cookie still in flight, one per call, then NULL. */
void *virtq_take_in_flight(struct virtq *q);

#endif
