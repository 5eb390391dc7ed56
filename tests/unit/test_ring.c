/* test_ring.c: the shared-memory ring of pv-abi/io/ring.h: sizing, empty, full, wrap at 2^32, notification suppression, hostile indices. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "io/ring.h"

struct test_request {
	uint32_t id;
	uint32_t value;
};

struct test_response {
	uint32_t id;
	int32_t  status;
};

KEEL_RING_DEFINE(test, struct test_request, struct test_response)

/* One shared page; 8-byte entries give (4096 - 64) / 8 = 504 slots, rounded down to 256. */
#define RING_BYTES    KEEL_RING_PAGE_SIZE
#define RING_ENTRIES  256u

static _Alignas(4096) uint8_t page[RING_BYTES];

struct pair {
	struct test_sring *sring;
	struct keel_ring_front front;
	struct keel_ring_back back;
};

static struct pair fresh_pair(void)
{
	struct pair p = { .sring = (struct test_sring *)(void *)page };
	memset(page, 0xa5, sizeof(page));   /* the entries start as garbage, as in a fresh page */
	test_sring_init(p.sring);
	assert_int_equal(test_front_init(&p.front, p.sring, RING_BYTES), 0);
	assert_int_equal(test_back_init(&p.back, p.sring, RING_BYTES), 0);
	return p;
}

/* A pair whose indices all stand at 'start', as if 'start' messages had gone through. */
static struct pair pair_at(uint32_t start)
{
	struct pair p = fresh_pair();
	p.sring->header.req_prod = p.sring->header.rsp_prod = start;
	p.sring->header.req_event = p.sring->header.rsp_event = start + 1;
	p.front.req_prod_pvt = p.front.req_pushed = p.front.rsp_cons = p.front.rsp_seen = start;
	assert_int_equal(test_back_init(&p.back, p.sring, RING_BYTES), 0);
	assert_int_equal(p.back.req_cons, start);
	return p;
}

static void send_requests(struct pair *p, uint32_t n, uint32_t first_id)
{
	for (uint32_t i = 0; i < n; i++) {
		struct test_request *req = test_front_next_request(&p->front);
		assert_non_null(req);
		req->id = first_id + i;
		req->value = (first_id + i) * 3u;
	}
}

/* The backend takes every ready request, checks it, and answers it. */
static uint32_t serve_requests(struct pair *p, uint32_t first_id)
{
	int64_t ready = keel_ring_back_poll_requests(&p->back);
	assert_true(ready >= 0);
	struct test_request req;
	uint32_t n = 0;
	while (test_back_take_request(&p->back, &req)) {
		assert_int_equal(req.id, first_id + n);
		assert_int_equal(req.value, (first_id + n) * 3u);
		struct test_response *rsp = test_back_next_response(&p->back);
		assert_non_null(rsp);
		rsp->id = req.id;
		rsp->status = (int32_t)n;
		n++;
	}
	assert_int_equal(n, ready);
	return n;
}

static uint32_t take_responses(struct pair *p, uint32_t first_id)
{
	int64_t ready = keel_ring_front_poll_responses(&p->front);
	assert_true(ready >= 0);
	struct test_response rsp;
	uint32_t n = 0;
	while (test_front_take_response(&p->front, &rsp)) {
		assert_int_equal(rsp.id, first_id + n);
		n++;
	}
	assert_int_equal(n, ready);
	return n;
}

static void test_entry_count_is_a_power_of_two_that_fits(void **state)
{
	(void)state;
	assert_int_equal(test_ring_entries(RING_BYTES), RING_ENTRIES);
	assert_int_equal(keel_ring_entries(4096, 64), 32);          /* 63 fit */
	assert_int_equal(keel_ring_entries(4096, 112), 32);         /* 36 fit */
	assert_int_equal(keel_ring_entries(16 * 4096, 512), 64);    /* 127 fit */
	assert_int_equal(keel_ring_entries(64 + 1, 1), 1);
	assert_int_equal(keel_ring_entries(4096, 4096 - 64), 1);
	assert_int_equal(keel_ring_entries(4096, 4096 - 63), 0);    /* not even one entry */
	assert_int_equal(keel_ring_entries(32, 1), 0);              /* not even the header */
	assert_int_equal(keel_ring_entries(4096, 0), 0);
	struct keel_ring_front f;
	struct keel_ring_back b;
	assert_int_equal(test_front_init(&f, (struct test_sring *)(void *)page, 64), -1);
	assert_int_equal(test_back_init(&b, (struct test_sring *)(void *)page, 64), -1);
	assert_null(test_front_next_request(&f));
}

static void test_empty_ring_offers_nothing(void **state)
{
	(void)state;
	struct pair p = fresh_pair();
	struct test_request req;
	struct test_response rsp;
	assert_int_equal(keel_ring_back_poll_requests(&p.back), 0);
	assert_false(test_back_take_request(&p.back, &req));
	assert_null(test_back_next_response(&p.back));       /* nothing to answer */
	assert_false(keel_ring_back_push(&p.back));
	assert_int_equal(keel_ring_front_poll_responses(&p.front), 0);
	assert_false(test_front_take_response(&p.front, &rsp));
	assert_false(keel_ring_front_push(&p.front));
	assert_int_equal(keel_ring_front_free(&p.front), RING_ENTRIES);
	/* Filled but unpublished requests are invisible to the backend (R3). */
	send_requests(&p, 3, 0);
	assert_int_equal(keel_ring_back_poll_requests(&p.back), 0);
	assert_true(keel_ring_front_push(&p.front));
	assert_int_equal(keel_ring_back_poll_requests(&p.back), 3);
}

static void test_full_ring_refuses_until_responses_are_taken(void **state)
{
	(void)state;
	struct pair p = fresh_pair();
	send_requests(&p, RING_ENTRIES, 0);
	assert_int_equal(keel_ring_front_free(&p.front), 0);
	assert_null(test_front_next_request(&p.front));
	keel_ring_front_push(&p.front);
	assert_int_equal(serve_requests(&p, 0), RING_ENTRIES);
	keel_ring_back_push(&p.back);
	/* Answered is not free: the slots hold responses until the frontend takes them (R2). */
	assert_null(test_front_next_request(&p.front));
	assert_int_equal(take_responses(&p, 0), RING_ENTRIES);
	assert_int_equal(keel_ring_front_free(&p.front), RING_ENTRIES);
	send_requests(&p, 1, RING_ENTRIES);
}

static void test_indices_wrap_at_2_32(void **state)
{
	(void)state;
	uint32_t start = UINT32_MAX - 40;
	struct pair p = pair_at(start);
	uint32_t id = 0, answered = 0;
	/* Ten rounds of 30 cross 2^32 in the middle of a batch; slots stay continuous. */
	for (int round = 0; round < 10; round++) {
		send_requests(&p, 30, id);
		keel_ring_front_push(&p.front);
		assert_int_equal(serve_requests(&p, id), 30);
		keel_ring_back_push(&p.back);
		answered += take_responses(&p, id);
		id += 30;
	}
	assert_int_equal(answered, 300);
	assert_int_equal(p.sring->header.req_prod, start + 300);
	assert_true(p.sring->header.req_prod < 300);      /* it did wrap */
	/* Request 300 went to slot (start + 300) % 256. */
	uint32_t last = start + 299;
	assert_int_equal(p.sring->ring[last & (RING_ENTRIES - 1)].rsp.id, 299);
	/* A full ring across the wrap. */
	send_requests(&p, RING_ENTRIES, id);
	assert_null(test_front_next_request(&p.front));
	keel_ring_front_push(&p.front);
	assert_int_equal(serve_requests(&p, id), RING_ENTRIES);
}

static void test_need_notify_is_the_event_window(void **state)
{
	(void)state;
	assert_false(keel_ring_need_notify(10, 20, 10));
	assert_true(keel_ring_need_notify(10, 20, 11));
	assert_true(keel_ring_need_notify(10, 20, 20));
	assert_false(keel_ring_need_notify(10, 20, 21));
	assert_false(keel_ring_need_notify(10, 20, 5));
	assert_true(keel_ring_need_notify(UINT32_MAX - 1, 3, 0));
	assert_true(keel_ring_need_notify(UINT32_MAX - 1, 3, UINT32_MAX));
	assert_false(keel_ring_need_notify(UINT32_MAX - 1, 3, 4));
	assert_false(keel_ring_need_notify(7, 7, 7));
}

/* R5: a consumer that keeps finding work is never notified again; one that sleeps is. */
static void test_streaming_suppresses_notifications(void **state)
{
	(void)state;
	struct pair p = fresh_pair();
	int notified = 0;
	uint32_t id = 0;
	for (int batch = 0; batch < 1000; batch++) {
		send_requests(&p, 16, id);
		notified += keel_ring_front_push(&p.front);
		assert_int_equal(serve_requests(&p, id), 16);
		keel_ring_back_push(&p.back);
		take_responses(&p, id);
		id += 16;
	}
	assert_int_equal(notified, 1);   /* the first request passed the initial event */

	/* The backend runs dry and arms its event: the next push notifies, once. */
	assert_int_equal(keel_ring_back_final_check(&p.back), 0);
	assert_int_equal(p.sring->header.req_event, id + 1);
	send_requests(&p, 1, id);
	assert_true(keel_ring_front_push(&p.front));
	send_requests(&p, 1, id + 1);
	assert_false(keel_ring_front_push(&p.front));
	/* The final check sees work that arrived before it and does not arm. */
	assert_int_equal(keel_ring_back_final_check(&p.back), 2);
}

static void test_frontend_asks_for_a_batch_of_responses(void **state)
{
	(void)state;
	struct pair p = fresh_pair();
	send_requests(&p, 100, 0);
	keel_ring_front_push(&p.front);
	/* Wake me after 40 responses: the first 39 pass silently, the 40th notifies. */
	assert_int_equal(keel_ring_front_final_check(&p.front, 40), 0);
	struct test_request req;
	int notified = 0;
	for (int i = 0; i < 100; i++) {
		keel_ring_back_poll_requests(&p.back);
		assert_true(test_back_take_request(&p.back, &req));
		struct test_response *rsp = test_back_next_response(&p.back);
		rsp->id = req.id;
		bool n = keel_ring_back_push(&p.back);
		assert_int_equal(n, i == 39);
		notified += n;
	}
	assert_int_equal(notified, 1);
	/* More than are in flight is clamped to what is in flight. */
	assert_int_equal(take_responses(&p, 0), 100);
	send_requests(&p, 5, 100);
	keel_ring_front_push(&p.front);
	assert_int_equal(keel_ring_front_final_check(&p.front, 1000), 0);
	assert_int_equal(p.sring->header.rsp_event, 105);
}

/* R6 on the backend: each hostile req_prod breaks the ring, for good, without a crash. */
static void expect_backend_rejects(uint32_t start, uint32_t already_sent, uint32_t hostile_prod)
{
	struct pair p = pair_at(start);
	send_requests(&p, already_sent, 0);
	keel_ring_front_push(&p.front);
	assert_int_equal(keel_ring_back_poll_requests(&p.back), already_sent);
	p.sring->header.req_prod = hostile_prod;
	assert_int_equal(keel_ring_back_poll_requests(&p.back), -1);
	/* Broken stays broken, even when the peer puts a sane value back. */
	p.sring->header.req_prod = start + already_sent;
	assert_int_equal(keel_ring_back_poll_requests(&p.back), -1);
	assert_int_equal(keel_ring_back_final_check(&p.back), -1);
	struct test_request req;
	assert_false(test_back_take_request(&p.back, &req));
	assert_null(test_back_next_response(&p.back));
	assert_false(keel_ring_back_push(&p.back));
}

static void test_backend_rejects_hostile_request_indices(void **state)
{
	(void)state;
	expect_backend_rejects(0, 0, RING_ENTRIES + 1);             /* one more than fits */
	expect_backend_rejects(0, 5, 4);                            /* runs backwards */
	expect_backend_rejects(0, 0, UINT32_MAX);                   /* "minus one" */
	expect_backend_rejects(0, 0, 0x80000000u);
	expect_backend_rejects(UINT32_MAX - 2, 0, UINT32_MAX - 3);  /* backwards across 2^32 */
	expect_backend_rejects(UINT32_MAX - 2, 3, RING_ENTRIES);    /* too far across 2^32 */

	/* Unanswered requests count: 200 taken and not answered leave room for 56 only. */
	struct pair p = fresh_pair();
	send_requests(&p, 200, 0);
	keel_ring_front_push(&p.front);
	struct test_request req;
	keel_ring_back_poll_requests(&p.back);
	while (test_back_take_request(&p.back, &req)) {
	}
	p.sring->header.req_prod = 200 + 57;
	assert_int_equal(keel_ring_back_poll_requests(&p.back), -1);

	/* A backend attaching to a ring whose indices are already impossible refuses it. */
	struct pair q = fresh_pair();
	q.sring->header.req_prod = RING_ENTRIES + 1;
	assert_int_equal(test_back_init(&q.back, q.sring, RING_BYTES), -1);
	assert_int_equal(keel_ring_back_poll_requests(&q.back), -1);
}

static void expect_frontend_rejects(uint32_t start, uint32_t pushed, uint32_t unpushed, uint32_t answered,
				    uint32_t hostile_prod)
{
	struct pair p = pair_at(start);
	send_requests(&p, pushed, 0);
	keel_ring_front_push(&p.front);
	send_requests(&p, unpushed, pushed);
	p.sring->header.rsp_prod = start + answered;
	assert_int_equal(keel_ring_front_poll_responses(&p.front), answered);
	p.sring->header.rsp_prod = hostile_prod;
	assert_int_equal(keel_ring_front_poll_responses(&p.front), -1);
	p.sring->header.rsp_prod = start + answered;
	assert_int_equal(keel_ring_front_poll_responses(&p.front), -1);
	assert_int_equal(keel_ring_front_final_check(&p.front, 1), -1);
	struct test_response rsp;
	assert_false(test_front_take_response(&p.front, &rsp));
	assert_null(test_front_next_request(&p.front));
	assert_false(keel_ring_front_push(&p.front));
	assert_int_equal(keel_ring_front_free(&p.front), 0);
}

static void test_frontend_rejects_hostile_response_indices(void **state)
{
	(void)state;
	expect_frontend_rejects(0, 10, 0, 0, 11);                    /* answers a request never made */
	expect_frontend_rejects(0, 10, 5, 0, 11);                    /* ... or one not yet published */
	expect_frontend_rejects(0, 10, 0, 6, 5);                     /* runs backwards */
	expect_frontend_rejects(0, 0, 0, 0, 1);                      /* nothing was ever asked */
	expect_frontend_rejects(0, 10, 0, 0, UINT32_MAX);
	expect_frontend_rejects(UINT32_MAX - 4, 10, 0, 2, UINT32_MAX - 5);
	expect_frontend_rejects(UINT32_MAX - 4, 10, 0, 2, 6);
}

/* R7: scribbles on the header other than the producer indices change no data and break nothing. */
static void test_scribbled_events_only_cost_notifications(void **state)
{
	(void)state;
	struct pair p = fresh_pair();
	uint32_t id = 0;
	uint32_t hostile[] = { 0, 1, UINT32_MAX, 0x80000000u, 12345 };
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		p.sring->header.req_event = hostile[i];
		p.sring->header.rsp_event = hostile[i];
		memset(p.sring->header.reserved, 0xff, sizeof(p.sring->header.reserved));
		send_requests(&p, 20, id);
		(void)keel_ring_front_push(&p.front);
		assert_int_equal(serve_requests(&p, id), 20);
		(void)keel_ring_back_push(&p.back);
		assert_int_equal(take_responses(&p, id), 20);
		id += 20;
	}
	/* A frontend overwriting its own published req_prod behind the backend's back is caught. */
	p.sring->header.req_prod = id - 1;
	assert_int_equal(keel_ring_back_poll_requests(&p.back), -1);
}

/* R4: the consumer's copy is its own; the peer rewriting the slot afterwards changes nothing. */
static void test_taken_request_is_a_private_copy(void **state)
{
	(void)state;
	struct pair p = fresh_pair();
	send_requests(&p, 1, 77);
	keel_ring_front_push(&p.front);
	keel_ring_back_poll_requests(&p.back);
	struct test_request req;
	assert_true(test_back_take_request(&p.back, &req));
	p.sring->ring[0].req.id = 0xdead;
	assert_int_equal(req.id, 77);
	assert_int_equal(req.value, 77 * 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entry_count_is_a_power_of_two_that_fits),
		cmocka_unit_test(test_empty_ring_offers_nothing),
		cmocka_unit_test(test_full_ring_refuses_until_responses_are_taken),
		cmocka_unit_test(test_indices_wrap_at_2_32),
		cmocka_unit_test(test_need_notify_is_the_event_window),
		cmocka_unit_test(test_streaming_suppresses_notifications),
		cmocka_unit_test(test_frontend_asks_for_a_batch_of_responses),
		cmocka_unit_test(test_backend_rejects_hostile_request_indices),
		cmocka_unit_test(test_frontend_rejects_hostile_response_indices),
		cmocka_unit_test(test_scribbled_events_only_cost_notifications),
		cmocka_unit_test(test_taken_request_is_a_private_copy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
