/* stream_keel.h: streams checksummed messages through Keel's io/ring.h between two threads, with event-index notifications. */
#ifndef KEEL_BENCH_STREAM_KEEL_H
#define KEEL_BENCH_STREAM_KEEL_H

#include <stdlib.h>
#include <string.h>

#include "io/ring.h"
#include "notify_model.h"
#include "stream_message.h"
#include "stream_threads.h"

/*
 * The frontend thread fills every free slot, pushes once per batch, and reaps responses;
 * only with the ring full (or everything sent) does it wait, asking to be woken after a
 * quarter of the ring is answered. The backend thread takes every ready request, checks
 * it, answers it and pushes every STREAM_PUSH_EVERY answers; with nothing ready it
 * spins, then arms req_event and sleeps. The same policy drives Xen's ring (stream_xen.h).
 */

struct keel_stream {
	uint64_t count;
	struct keel_ring_front front;
	struct keel_ring_back back;
	struct notify_channel to_back;
	struct notify_channel to_front;
	struct stream_result result;
};

#define STREAM_KEEL_DEFINE(name, msg_type)                                                   \
	KEEL_RING_DEFINE(name, struct msg_type, struct stream_response)                      \
                                                                                             \
	static void *name##_stream_front(void *arg)                                          \
	{                                                                                    \
		struct keel_stream *s = arg;                                                 \
		struct keel_ring_front *f = &s->front;                                       \
		uint64_t sent = 0, answered = 0, sum = 0;                                    \
		struct stream_response rsp;                                                  \
		while (answered < s->count) {                                                \
			struct msg_type *m;                                                  \
			while (sent < s->count && (m = name##_front_next_request(f)) != NULL) \
				sum += STREAM_FILL(m, sent++);                               \
			if (keel_ring_front_push(f))                                         \
				notify_send(&s->to_back);                                    \
			int64_t ready = keel_ring_front_poll_responses(f);                   \
			for (int spin = 0; ready == 0 && spin < stream_spin_polls; spin++) {   \
				if (sent < s->count && keel_ring_front_free(f) > 0)          \
					break;                                               \
				notify_pause_poll(spin);                                              \
				ready = keel_ring_front_poll_responses(f);                   \
			}                                                                    \
			if (ready == 0 && !(sent < s->count && keel_ring_front_free(f) > 0)) { \
				uint32_t seen = notify_snapshot(&s->to_front);               \
				ready = keel_ring_front_final_check(f, f->size / 4);         \
				if (ready == 0)                                              \
					notify_sleep(&s->to_front, seen);                    \
			}                                                                    \
			if (ready < 0) {                                                     \
				s->result.protocol_error = 1;                                \
				break;                                                       \
			}                                                                    \
			while (name##_front_take_response(f, &rsp))                          \
				s->result.bad_messages += rsp.seq != answered++;             \
		}                                                                            \
		s->result.sum_sent = sum;                                                    \
		return NULL;                                                                 \
	}                                                                                    \
                                                                                             \
	static void *name##_stream_back(void *arg)                                           \
	{                                                                                    \
		struct keel_stream *s = arg;                                                 \
		struct keel_ring_back *b = &s->back;                                         \
		uint64_t taken = 0, sum = 0, bad = 0;                                        \
		struct msg_type m;                                                           \
		while (taken < s->count) {                                                   \
			int64_t ready = keel_ring_back_poll_requests(b);                     \
			for (int spin = 0; ready == 0 && spin < stream_spin_polls; spin++) {   \
				notify_pause_poll(spin);                                              \
				ready = keel_ring_back_poll_requests(b);                     \
			}                                                                    \
			if (ready == 0) {                                                    \
				uint32_t seen = notify_snapshot(&s->to_back);                \
				ready = keel_ring_back_final_check(b);                       \
				if (ready == 0)                                              \
					notify_sleep(&s->to_back, seen);                     \
			}                                                                    \
			if (ready < 0) {                                                     \
				s->result.protocol_error = 1;                                \
				break;                                                       \
			}                                                                    \
			int since_push = 0;                                                  \
			while (name##_back_take_request(b, &m)) {                            \
				bad += !STREAM_VERIFY(&m, taken);                            \
				sum += m.check;                                              \
				struct stream_response *r = name##_back_next_response(b);    \
				r->seq = m.seq;                                              \
				r->check = m.check;                                          \
				taken++;                                                     \
				if (++since_push == STREAM_PUSH_EVERY) {                     \
					since_push = 0;                                      \
					if (keel_ring_back_push(b))                          \
						notify_send(&s->to_front);                   \
				}                                                            \
			}                                                                    \
			if (keel_ring_back_push(b))                                          \
				notify_send(&s->to_front);                                   \
		}                                                                            \
		s->result.sum_received = sum;                                                \
		s->result.bad_messages += bad;                                               \
		return NULL;                                                                 \
	}                                                                                    \
                                                                                             \
	/*                                                                                   \
	 * Streams 'count' messages through a ring of 'ring_bytes' whose indices start at    \
	 * 'first_index' (near 2^32 to cross the wrap); 0, or -1 if it could not run.        \
	 */                                                                                  \
	static inline int name##_stream_run(uint64_t count, size_t ring_bytes, uint32_t first_index, \
					    struct stream_result *out)                       \
	{                                                                                    \
		struct keel_stream *s = stream_alloc(sizeof(*s));                               \
		struct name##_sring *sring = aligned_alloc(4096, ring_bytes);                \
		int rc = -1;                                                                 \
		if (s == NULL || sring == NULL)                                              \
			goto out;                                                            \
		memset(sring, 0, ring_bytes);                                                \
		name##_sring_init(sring);                                                    \
		sring->header.req_prod = sring->header.rsp_prod = first_index;               \
		sring->header.req_event = sring->header.rsp_event = first_index + 1;         \
		if (name##_front_init(&s->front, sring, ring_bytes) < 0 ||                   \
		    name##_back_init(&s->back, sring, ring_bytes) < 0)                       \
			goto out;                                                            \
		/* As if first_index messages had already gone through this frontend. */    \
		s->front.req_prod_pvt = s->front.req_pushed = first_index;                   \
		s->front.rsp_cons = s->front.rsp_seen = first_index;                         \
		s->count = count;                                                            \
		s->result.seconds = stream_run_threads(name##_stream_front, name##_stream_back, s); \
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
