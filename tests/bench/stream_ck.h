/* stream_ck.h: the same stream through Concurrency Kit's SPSC ck_ring (Debian libck-dev), with a "sleeping" flag standing in for an event index. */
#ifndef KEEL_BENCH_STREAM_CK_H
#define KEEL_BENCH_STREAM_CK_H

#include <ck_ring.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "notify_model.h"
#include "stream_message.h"
#include "stream_threads.h"

/*
 * ck_ring is one-directional: the consumer frees a slot by advancing its index, so there
 * are no responses, and it has no notification suppression of its own. The fairest
 * equivalent of an event index is the usual flag: a side about to sleep sets
 * '<side>_sleeping', a full fence, checks the ring once more, and sleeps; the other side,
 * after each batch (the producer after every fill, the consumer every STREAM_PUSH_EVERY
 * messages and when it runs dry), fences and notifies only if the flag is set. So ck_ring
 * is charged a notification exactly when its peer really went to sleep, as Keel and Xen
 * are. Messages are written in place (reserve + commit) and copied out on dequeue.
 */

static inline void stream_ck_fence(void)
{
	__asm__ __volatile__("lock; orl $0, (%%rsp)" ::: "memory", "cc");
}

/* After a batch: wakes the peer if it said it sleeps. */
static inline void stream_ck_wake_if_sleeping(int *sleeping, struct notify_channel *c)
{
	stream_ck_fence();
	if (__atomic_load_n(sleeping, __ATOMIC_RELAXED) && __atomic_exchange_n(sleeping, 0, __ATOMIC_SEQ_CST))
		notify_send(c);
}

#define STREAM_CK_DEFINE(name, msg_type)                                                     \
	CK_RING_PROTOTYPE(name, msg_type)                                                    \
                                                                                             \
	struct name##_ck_stream {                                                            \
		uint64_t count;                                                              \
		struct ck_ring ring;                                                         \
		struct msg_type *buffer;                                                     \
		_Alignas(64) int consumer_sleeping;                                          \
		_Alignas(64) int producer_sleeping;                                          \
		struct notify_channel to_consumer;                                           \
		struct notify_channel to_producer;                                           \
		struct stream_result result;                                                 \
	};                                                                                   \
                                                                                             \
	static void *name##_ck_producer(void *arg)                                           \
	{                                                                                    \
		struct name##_ck_stream *s = arg;                                            \
		uint64_t sent = 0, sum = 0;                                                  \
		unsigned int capacity = ck_ring_capacity(&s->ring) - 1;                      \
		while (sent < s->count) {                                                    \
			struct msg_type *m;                                                  \
			uint64_t before = sent;                                              \
			while (sent < s->count &&                                            \
			       (m = ck_ring_enqueue_reserve_spsc_##name(&s->ring, s->buffer)) != NULL) { \
				sum += STREAM_FILL(m, sent++);                               \
				ck_ring_enqueue_commit_spsc(&s->ring);                       \
			}                                                                    \
			if (sent != before) {                                                \
				stream_ck_wake_if_sleeping(&s->consumer_sleeping, &s->to_consumer); \
				continue;                                                    \
			}                                                                    \
			bool full = true;                                                    \
			for (int spin = 0; full && spin < stream_spin_polls; spin++) {         \
				notify_pause_poll(spin);                                              \
				full = ck_ring_size(&s->ring) >= capacity;                   \
			}                                                                    \
			if (!full)                                                           \
				continue;                                                    \
			uint32_t seen = notify_snapshot(&s->to_producer);                    \
			__atomic_store_n(&s->producer_sleeping, 1, __ATOMIC_RELAXED);        \
			stream_ck_fence();                                                   \
			if (ck_ring_size(&s->ring) >= capacity)                              \
				notify_sleep(&s->to_producer, seen);                         \
			__atomic_store_n(&s->producer_sleeping, 0, __ATOMIC_RELAXED);        \
		}                                                                            \
		s->result.sum_sent = sum;                                                    \
		return NULL;                                                                 \
	}                                                                                    \
                                                                                             \
	static void *name##_ck_consumer(void *arg)                                           \
	{                                                                                    \
		struct name##_ck_stream *s = arg;                                            \
		uint64_t taken = 0, sum = 0, bad = 0;                                        \
		struct msg_type m;                                                           \
		while (taken < s->count) {                                                   \
			unsigned int batch = 0;                                              \
			while (ck_ring_dequeue_spsc_##name(&s->ring, s->buffer, &m)) {       \
				bad += !STREAM_VERIFY(&m, taken);                            \
				sum += m.check;                                              \
				taken++;                                                     \
				if (++batch % STREAM_PUSH_EVERY == 0)                        \
					stream_ck_wake_if_sleeping(&s->producer_sleeping, &s->to_producer); \
			}                                                                    \
			if (batch != 0) {                                                    \
				stream_ck_wake_if_sleeping(&s->producer_sleeping, &s->to_producer); \
				continue;                                                    \
			}                                                                    \
			bool empty = true;                                                   \
			for (int spin = 0; empty && spin < stream_spin_polls; spin++) {        \
				notify_pause_poll(spin);                                              \
				empty = ck_ring_size(&s->ring) == 0;                         \
			}                                                                    \
			if (!empty)                                                          \
				continue;                                                    \
			uint32_t seen = notify_snapshot(&s->to_consumer);                    \
			__atomic_store_n(&s->consumer_sleeping, 1, __ATOMIC_RELAXED);        \
			stream_ck_fence();                                                   \
			if (ck_ring_size(&s->ring) == 0)                                     \
				notify_sleep(&s->to_consumer, seen);                         \
			__atomic_store_n(&s->consumer_sleeping, 0, __ATOMIC_RELAXED);        \
		}                                                                            \
		s->result.sum_received = sum;                                                \
		s->result.bad_messages += bad;                                               \
		return NULL;                                                                 \
	}                                                                                    \
                                                                                             \
	/* 'slots' is a power of two; ck_ring holds one less. */                           \
	static inline int name##_ck_stream_run(uint64_t count, unsigned int slots, struct stream_result *out) \
	{                                                                                    \
		struct name##_ck_stream *s = stream_alloc(sizeof(*s));                          \
		int rc = -1;                                                                 \
		if (s == NULL)                                                               \
			return -1;                                                           \
		s->buffer = aligned_alloc(4096, (size_t)slots * sizeof(struct msg_type));    \
		if (s->buffer == NULL)                                                       \
			goto out;                                                            \
		ck_ring_init(&s->ring, slots);                                               \
		s->count = count;                                                            \
		s->result.seconds = stream_run_threads(name##_ck_producer, name##_ck_consumer, s); \
		if (s->result.seconds < 0)                                                   \
			goto out;                                                            \
		stream_tally(&s->result, count, &s->to_consumer, &s->to_producer);                    \
		*out = s->result;                                                            \
		rc = 0;                                                                      \
	out:                                                                                 \
		free(s->buffer);                                                             \
		free(s);                                                                     \
		return rc;                                                                   \
	}

#endif
