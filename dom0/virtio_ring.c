/* virtio_ring.c: split-virtqueue bookkeeping: the free descriptor list, publishing chains, and validating the used ring. */
#include "virtio_ring.h"

#include <string.h>

static size_t align_up(size_t x, size_t a)
{
	return (x + a - 1) & ~(a - 1);
}

bool virtq_layout(uint16_t size, struct virtq_layout *l)
{
	if (size == 0 || size > VIRTQ_MAX_SIZE || (size & (size - 1)))
		return false;
	/* 2.7: descriptors 16-aligned, available ring 2-aligned, used ring 4-aligned (each part's size: 2.7.x). */
	size_t desc_bytes = 16u * size;
	size_t avail_bytes = 6u + 2u * size;
	size_t used_bytes = 6u + 8u * size;
	l->avail = desc_bytes;
	l->used = align_up(l->avail + avail_bytes, 4);
	l->bytes = l->used + used_bytes;
	return true;
}

bool virtq_init(struct virtq *q, uint16_t size, void *mem, uint64_t mem_dma)
{
	struct virtq_layout l;
	if (!virtq_layout(size, &l) || !mem || ((uintptr_t)mem & 15) || (mem_dma & 15))
		return false;
	memset(q, 0, sizeof(*q));
	q->size = size;
	q->desc = mem;
	q->avail = (struct virtq_avail *)((char *)mem + l.avail);
	q->used = (struct virtq_used *)((char *)mem + l.used);
	q->desc_dma = mem_dma;
	q->avail_dma = mem_dma + l.avail;
	q->used_dma = mem_dma + l.used;
	for (uint16_t i = 0; i < size; i++)
		q->desc[i].next = (uint16_t)(i + 1);
	q->free_head = 0;
	q->num_free = size;
	return true;
}

int virtq_add(struct virtq *q, const struct virtq_buf *bufs, unsigned int count, void *cookie)
{
	if (q->broken || count == 0 || count > q->size || !cookie)
		return -1;
	for (unsigned int i = 1; i < count; i++)
		if (bufs[i - 1].device_writes && !bufs[i].device_writes)
			return -1;   /* 2.7.4.2: readable buffers before writable ones */
	if (count > q->num_free)
		return -2;
	uint16_t head = q->free_head, d = head;
	uint32_t writable = 0;
	for (unsigned int i = 0; i < count; i++) {
		struct virtq_desc *desc = &q->desc[d];
		uint16_t next = desc->next;
		desc->addr = bufs[i].addr;
		desc->len = bufs[i].len;
		desc->flags = (uint16_t)((bufs[i].device_writes ? VIRTQ_DESC_F_WRITE : 0) |
					 (i + 1 < count ? VIRTQ_DESC_F_NEXT : 0));
		if (bufs[i].device_writes)
			writable += bufs[i].len;
		if (i + 1 < count)
			d = next;
		else
			q->free_head = next;
	}
	q->num_free = (uint16_t)(q->num_free - count);
	q->cookie[head] = cookie;
	q->chain_len[head] = (uint16_t)count;
	q->writable[head] = writable;
	q->in_flight++;
	q->avail->ring[q->avail_idx & (q->size - 1)] = head;
	q->avail_idx++;
	/* The descriptors and the ring entry are visible before the index that publishes them (2.7.13). */
	__atomic_store_n(&q->avail->idx, q->avail_idx, __ATOMIC_RELEASE);
	return 0;
}

bool virtq_should_notify(const struct virtq *q)
{
	/* The index store above must be seen before the device's flags are read (2.7.13.4). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return !(__atomic_load_n(&q->used->flags, __ATOMIC_RELAXED) & VIRTQ_USED_F_NO_NOTIFY);
}

/* Gives the chain at 'head' back to the free list; its length is ours, not the device's to say. */
static void free_chain(struct virtq *q, uint16_t head)
{
	uint16_t last = head;
	for (uint16_t i = 1; i < q->chain_len[head]; i++)
		last = q->desc[last].next;
	q->desc[last].next = q->free_head;
	q->free_head = head;
	q->num_free = (uint16_t)(q->num_free + q->chain_len[head]);
	q->cookie[head] = NULL;
	q->chain_len[head] = 0;
	q->in_flight--;
}

int virtq_get_used(struct virtq *q, void **cookie, uint32_t *len)
{
	if (q->broken)
		return -1;
	uint16_t idx = __atomic_load_n(&q->used->idx, __ATOMIC_ACQUIRE);
	uint16_t ahead = (uint16_t)(idx - q->last_used);
	if (ahead == 0)
		return 0;
	if (ahead > q->in_flight) {
		q->broken = true;   /* it claims to have finished chains it never had */
		return -1;
	}
	/* Our copy: the device could change the entry between the checks and the use. */
	struct virtq_used_elem e;
	memcpy(&e, (const void *)&q->used->ring[q->last_used & (q->size - 1)], sizeof(e));
	if (e.id >= q->size || !q->cookie[e.id] || e.len > q->writable[e.id]) {
		q->broken = true;
		return -1;
	}
	*cookie = q->cookie[e.id];
	*len = e.len;
	free_chain(q, (uint16_t)e.id);
	q->last_used++;
	return 1;
}

void *virtq_take_in_flight(struct virtq *q)
{
	for (uint16_t i = 0; i < q->size; i++) {
		if (q->cookie[i]) {
			void *c = q->cookie[i];
			free_chain(q, i);
			return c;
		}
	}
	return NULL;
}
