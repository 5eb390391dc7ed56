/* stream_xen.h: the same stream through Xen's public io/ring.h (Debian libxen-dev), with Xen's event-index notifications. */
#ifndef KEEL_BENCH_STREAM_XEN_H
#define KEEL_BENCH_STREAM_XEN_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "notify_model.h"
#include "stream_message.h"
#include "stream_threads.h"

/* Xen's header leaves the fences to its includer: the same ones Keel's ring uses on x86. */
#define xen_mb()  __asm__ __volatile__("lock; orl $0, (%%rsp)" ::: "memory", "cc")
#define xen_rmb() __asm__ __volatile__("" ::: "memory")
#define xen_wmb() __asm__ __volatile__("" ::: "memory")
#define __XEN_INTERFACE_VERSION__ 0x00040e00   /* RING_HAS_UNCONSUMED_* return counts */
#include <xen/io/ring.h>

/*
 * The policy of stream_keel.h, written with Xen's macros: fill all free slots and push
 * once; wait only with the ring full, having set rsp_event a quarter of the ring ahead by
 * hand (Xen's RING_FINAL_CHECK_FOR_RESPONSES always asks for the next one, which is what
 * netfront-style code does by hand too); the backend copies each request out with
 * RING_COPY_REQUEST and pushes every STREAM_PUSH_EVERY responses.
 */

#define STREAM_XEN_DEFINE(name, msg_type)                                                    \
	DEFINE_RING_TYPES(name, struct msg_type, struct stream_response);                    \
                                                                                             \
	struct name##_xen_stream {                                                           \
		uint64_t count;                                                              \
		struct name##_front_ring front;                                              \
		struct name##_back_ring back;                                                \
		struct notify_channel to_back;                                               \
		struct notify_channel to_front;                                              \
		struct stream_result result;                                                 \
	};                                                                                   \
                                                                                             \
	static unsigned int name##_xen_wait_responses(struct name##_xen_stream *s)           \
	{                                                                                    \
		struct name##_front_ring *f = &s->front;                                     \
		unsigned int ready = XEN_RING_NR_UNCONSUMED_RESPONSES(f);                    \
		for (int spin = 0; ready == 0 && spin < stream_spin_polls; spin++) {           \
			notify_pause_poll(spin);                                                      \
			ready = XEN_RING_NR_UNCONSUMED_RESPONSES(f);                         \
		}                                                                            \
		if (ready != 0)                                                              \
			return ready;                                                        \
		uint32_t seen = notify_snapshot(&s->to_front);                               \
		RING_IDX in_flight = f->req_prod_pvt - f->rsp_cons;                          \
		RING_IDX after = RING_SIZE(f) / 4;                                           \
		if (after > in_flight)                                                       \
			after = in_flight;                                                   \
		f->sring->rsp_event = f->rsp_cons + (after ? after : 1);                     \
		xen_mb();                                                                    \
		ready = XEN_RING_NR_UNCONSUMED_RESPONSES(f);                                 \
		if (ready == 0)                                                              \
			notify_sleep(&s->to_front, seen);                                    \
		return ready;                                                                \
	}                                                                                    \
                                                                                             \
	static void *name##_xen_front(void *arg)                                             \
	{                                                                                    \
		struct name##_xen_stream *s = arg;                                           \
		struct name##_front_ring *f = &s->front;                                     \
		uint64_t sent = 0, answered = 0, sum = 0;                                    \
		int notify;                                                                  \
		while (answered < s->count) {                                                \
			while (sent < s->count && !RING_FULL(f)) {                           \
				struct msg_type *m = RING_GET_REQUEST(f, f->req_prod_pvt);   \
				sum += STREAM_FILL(m, sent++);                               \
				f->req_prod_pvt++;                                           \
			}                                                                    \
			RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(f, notify);                      \
			if (notify)                                                          \
				notify_send(&s->to_back);                                    \
			unsigned int ready = XEN_RING_NR_UNCONSUMED_RESPONSES(f);            \
			if (ready == 0 && !(sent < s->count && !RING_FULL(f)))               \
				ready = name##_xen_wait_responses(s);                        \
			for (; ready > 0; ready--) {                                         \
				struct stream_response rsp;                                  \
				RING_COPY_RESPONSE(f, f->rsp_cons, &rsp);                    \
				f->rsp_cons++;                                               \
				s->result.bad_messages += rsp.seq != answered++;             \
			}                                                                    \
		}                                                                            \
		s->result.sum_sent = sum;                                                    \
		return NULL;                                                                 \
	}                                                                                    \
                                                                                             \
	static void *name##_xen_back(void *arg)                                              \
	{                                                                                    \
		struct name##_xen_stream *s = arg;                                           \
		struct name##_back_ring *b = &s->back;                                       \
		uint64_t taken = 0, sum = 0, bad = 0;                                        \
		struct msg_type m;                                                           \
		int notify, more;                                                            \
		while (taken < s->count) {                                                   \
			unsigned int ready = XEN_RING_NR_UNCONSUMED_REQUESTS(b);             \
			for (int spin = 0; ready == 0 && spin < stream_spin_polls; spin++) {   \
				notify_pause_poll(spin);                                              \
				ready = XEN_RING_NR_UNCONSUMED_REQUESTS(b);                  \
			}                                                                    \
			if (ready == 0) {                                                    \
				uint32_t seen = notify_snapshot(&s->to_back);                \
				RING_FINAL_CHECK_FOR_REQUESTS(b, more);                      \
				if (!more)                                                   \
					notify_sleep(&s->to_back, seen);                     \
				continue;                                                    \
			}                                                                    \
			for (unsigned int i = 1; i <= ready; i++) {                          \
				RING_COPY_REQUEST(b, b->req_cons, &m);                       \
				b->req_cons++;                                               \
				bad += !STREAM_VERIFY(&m, taken);                            \
				sum += m.check;                                              \
				struct stream_response *r = RING_GET_RESPONSE(b, b->rsp_prod_pvt); \
				r->seq = m.seq;                                              \
				r->check = m.check;                                          \
				b->rsp_prod_pvt++;                                           \
				taken++;                                                     \
				if (i % STREAM_PUSH_EVERY == 0 || i == ready) {              \
					RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(b, notify);     \
					if (notify)                                          \
						notify_send(&s->to_front);                   \
				}                                                            \
			}                                                                    \
		}                                                                            \
		s->result.sum_received = sum;                                                \
		s->result.bad_messages += bad;                                               \
		return NULL;                                                                 \
	}                                                                                    \
                                                                                             \
	static inline int name##_xen_stream_run(uint64_t count, size_t ring_bytes, struct stream_result *out) \
	{                                                                                    \
		struct name##_xen_stream *s = stream_alloc(sizeof(*s));                         \
		struct name##_sring *sring = aligned_alloc(4096, ring_bytes);                \
		int rc = -1;                                                                 \
		if (s == NULL || sring == NULL)                                              \
			goto out;                                                            \
		memset(sring, 0, ring_bytes);                                                \
		SHARED_RING_INIT(sring);                                                     \
		FRONT_RING_INIT(&s->front, sring, ring_bytes);                               \
		BACK_RING_INIT(&s->back, sring, ring_bytes);                                 \
		s->count = count;                                                            \
		s->result.seconds = stream_run_threads(name##_xen_front, name##_xen_back, s); \
		if (s->result.seconds < 0)                                                   \
			goto out;                                                            \
		stream_tally(&s->result, count, &s->to_back, &s->to_front);                    \
		*out = s->result;                                                            \
		rc = 0;                                                                      \
	out:                                                                                 \
		free(sring);                                                                 \
		free(s);                                                                     \
		return rc;                                                                   \
	}

#endif
