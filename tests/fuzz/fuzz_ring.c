/* fuzz_ring.c: libFuzzer target for pv-abi/io/ring.h: one honest side of a ring against a peer that writes anything into the shared page. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "io/ring.h"

/*
 * Input: a byte choosing the side under test (frontend or backend), two bytes sizing the
 * shared area (64 bytes up to 3 pages, so rings of 1 entry up to hundreds), then
 * operations. The hostile peer's operations write any value into the shared header and
 * entries; the honest side's operations are the ones a driver makes. After each step
 * the honest side's private counters must still satisfy R2 and R6, a broken ring must
 * stay broken, and every slot it hands out must lie inside the shared area, which is an
 * exact-size heap block so ASan sees any access past it.
 */

struct fz_req {
	uint64_t id;
	uint8_t body[24];
};

struct fz_rsp {
	uint64_t id;
	int32_t status;
};

KEEL_RING_DEFINE(fz, struct fz_req, struct fz_rsp)

struct input {
	const uint8_t *p;
	size_t left;
};

static uint32_t take(struct input *in, unsigned bytes)
{
	uint32_t v = 0;
	for (unsigned i = 0; i < bytes && in->left; i++, in->left--)
		v |= (uint32_t)*in->p++ << (8 * i);
	return v;
}

static void check_slot(const struct fz_sring *s, uint32_t size, const void *slot)
{
	const uint8_t *p = slot;
	FUZZ_CHECK(p >= (const uint8_t *)s->ring && p < (const uint8_t *)&s->ring[size] &&
			   (size_t)(p - (const uint8_t *)s->ring) % sizeof(s->ring[0]) == 0,
		   "slot outside the ring");
}

/* The hostile peer: any index, any entry bytes. */
static void scribble(struct fz_sring *s, uint32_t size, struct input *in)
{
	uint32_t what = take(in, 1) % 6, value = take(in, 4);
	switch (what) {
	case 0: keel_ring_write_index(&s->header.req_prod, value); break;
	case 1: keel_ring_write_index(&s->header.rsp_prod, value); break;
	case 2: keel_ring_write_index(&s->header.req_event, value); break;
	case 3: keel_ring_write_index(&s->header.rsp_event, value); break;
	case 4:
		if (size)   /* a ring too small for one entry has no entry to write */
			memset(&s->ring[value & (size - 1)], (int)value, sizeof(s->ring[0]));
		break;
	default: s->header.reserved[value % sizeof(s->header.reserved)] = (uint8_t)value; break;
	}
}

/* A peer that behaves, by a small step: most interesting states are near the valid ones. */
static void nudge(struct fz_sring *s, bool backend_under_test, struct input *in)
{
	uint32_t step = take(in, 1) % 8;
	uint32_t *index = backend_under_test ? &s->header.req_prod : &s->header.rsp_prod;
	keel_ring_write_index(index, keel_ring_read_index(index) + step);
}

static void check_back(const struct keel_ring_back *b, bool *was_broken)
{
	FUZZ_CHECK(!*was_broken || b->broken, "a broken backend recovered");
	*was_broken = b->broken;
	if (b->broken)
		return;
	/* From the last push on: pushed <= filled <= consumed <= seen, at most a ring apart (R2, R6). */
	uint32_t filled = b->rsp_prod_pvt - b->rsp_pushed, consumed = b->req_cons - b->rsp_pushed;
	uint32_t seen = b->req_seen - b->rsp_pushed;
	FUZZ_CHECK(filled <= consumed && consumed <= seen && seen - filled <= b->size,
		   "filled %u consumed %u seen %u of %u", filled, consumed, seen, b->size);
}

static void check_front(const struct keel_ring_front *f, bool *was_broken)
{
	FUZZ_CHECK(!*was_broken || f->broken, "a broken frontend recovered");
	*was_broken = f->broken;
	FUZZ_CHECK(keel_ring_front_free(f) <= f->size, "%u free of %u", keel_ring_front_free(f), f->size);
	if (f->broken)
		return;
	FUZZ_CHECK(f->req_prod_pvt - f->rsp_cons <= f->size, "%u in flight of %u", f->req_prod_pvt - f->rsp_cons, f->size);
	FUZZ_CHECK(f->req_pushed - f->rsp_cons <= f->req_prod_pvt - f->rsp_cons, "pushed more than filled");
	FUZZ_CHECK(f->rsp_seen - f->rsp_cons <= f->req_pushed - f->rsp_cons, "responses to requests never pushed");
}

static void run_backend(struct fz_sring *s, size_t bytes, struct input *in)
{
	struct keel_ring_back b;
	bool broken = false;
	int rc = fz_back_init(&b, s, bytes);
	FUZZ_CHECK((rc == 0) == !b.broken, "init %d broken %d", rc, b.broken);
	while (in->left) {
		struct fz_req req;
		int64_t ready;
		switch (take(in, 1) % 6) {
		case 0: scribble(s, b.size, in); break;
		case 1: nudge(s, true, in); break;
		case 2:
			ready = keel_ring_back_poll_requests(&b);
			FUZZ_CHECK(ready == -1 ? b.broken : ready >= 0 && ready <= b.size, "poll %lld", (long long)ready);
			break;
		case 3:
			for (uint32_t i = 0; i <= b.size && fz_back_take_request(&b, &req); i++)
				FUZZ_CHECK(i < b.size, "more than a ring of requests taken");
			break;
		case 4: {
			struct fz_rsp *rsp = fz_back_next_response(&b);
			if (rsp) {
				check_slot(s, b.size, rsp);
				rsp->id = b.rsp_prod_pvt;
				rsp->status = 0;
			}
			keel_ring_back_push(&b);
			break;
		}
		default:
			ready = keel_ring_back_final_check(&b);
			FUZZ_CHECK(ready >= -1 && ready <= b.size, "final check %lld", (long long)ready);
			break;
		}
		check_back(&b, &broken);
	}
}

static void run_frontend(struct fz_sring *s, size_t bytes, struct input *in)
{
	struct keel_ring_front f;
	bool broken = false;
	fz_sring_init(s);
	int rc = fz_front_init(&f, s, bytes);
	FUZZ_CHECK((rc == 0) == !f.broken, "init %d broken %d", rc, f.broken);
	while (in->left) {
		struct fz_rsp rsp;
		int64_t ready;
		switch (take(in, 1) % 6) {
		case 0: scribble(s, f.size, in); break;
		case 1: nudge(s, false, in); break;
		case 2: {
			struct fz_req *req = fz_front_next_request(&f);
			if (req) {
				check_slot(s, f.size, req);
				req->id = f.req_prod_pvt;
			}
			keel_ring_front_push(&f);
			break;
		}
		case 3:
			ready = keel_ring_front_poll_responses(&f);
			FUZZ_CHECK(ready == -1 ? f.broken : ready >= 0 && ready <= f.size, "poll %lld", (long long)ready);
			break;
		case 4:
			for (uint32_t i = 0; i <= f.size && fz_front_take_response(&f, &rsp); i++)
				FUZZ_CHECK(i < f.size, "more than a ring of responses taken");
			break;
		default:
			ready = keel_ring_front_final_check(&f, take(in, 4));
			FUZZ_CHECK(ready >= -1 && ready <= f.size, "final check %lld", (long long)ready);
			break;
		}
		check_front(&f, &broken);
	}
}

/* R5 against its plain reading: notify exactly when event lies in (old, now], modulo 2^32. */
static void check_notify(struct input *in)
{
	uint32_t old = take(in, 4), now = old + take(in, 2), event = old + take(in, 2) - 0x8000u;
	bool expect = event - old >= 1 && event - old <= now - old;
	FUZZ_CHECK(keel_ring_need_notify(old, now, event) == expect, "notify(%u, %u, %u)", old, now, event);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	bool backend = take(&in, 1) & 1;
	size_t bytes = KEEL_RING_HEADER_SIZE + take(&in, 2) % (3 * KEEL_RING_PAGE_SIZE);
	uint32_t entries = fz_ring_entries(bytes);
	FUZZ_CHECK(entries == 0 || ((entries & (entries - 1)) == 0 && KEEL_RING_HEADER_SIZE + entries *
			   sizeof(union fz_ring_entry) <= bytes && KEEL_RING_HEADER_SIZE + 2 * entries * sizeof(union fz_ring_entry) > bytes),
		   "%u entries in %zu bytes", entries, bytes);
	check_notify(&in);

	struct fz_sring *s = calloc(1, bytes);
	if (!s)
		return 0;
	if (backend)
		run_backend(s, bytes, &in);
	else
		run_frontend(s, bytes, &in);
	free(s);
	return 0;
}
