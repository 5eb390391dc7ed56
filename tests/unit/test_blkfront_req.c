/* test_blkfront_req.c: the block frontend's pure bookkeeping (guests/lib/blkfront_req.c): info checks, ranges, request building, slots, ids and response matching. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "blkfront_req.h"
#include "keel/abi.h"

static struct keel_blkif_info good_info(void)
{
	struct keel_blkif_info info = {
		.magic = KEEL_BLKIF_INFO_MAGIC, .version = KEEL_BLKIF_VERSION, .capacity_sectors = 2048,
		.sector_size = 512, .max_segments = KEEL_BLKIF_MAX_SEGMENTS, .ring_size = KEEL_BLKIF_RING_SIZE,
	};
	memcpy(info.name, "part:test", sizeof("part:test"));
	return info;
}

static void test_info_checks(void **state)
{
	(void)state;
	struct keel_blkif_info info = good_info();
	assert_null(blkfront_info_problem(&info));
	info.sector_size = 4096;
	assert_null(blkfront_info_problem(&info));

	struct keel_blkif_info bad[10];
	for (int i = 0; i < 10; i++)
		bad[i] = good_info();
	bad[0].magic = 0;
	bad[1].version = 2;
	bad[2].ring_size = 64;
	bad[3].max_segments = 11;
	bad[4].sector_size = 1024;
	bad[5].capacity_sectors = 0;
	bad[6].sector_size = 4096, bad[6].capacity_sectors = 2047;   /* not whole 4 KiB sectors */
	bad[7].read_only = 2;
	memset(bad[8].name, 'x', sizeof(bad[8].name));               /* no NUL */
	bad[9].sector_size = 0;
	for (int i = 0; i < 10; i++)
		assert_non_null(blkfront_info_problem(&bad[i]));
}

static void test_ranges(void **state)
{
	(void)state;
	assert_int_equal(blkfront_check_range(100, 512, 0, 100), 0);
	assert_int_equal(blkfront_check_range(100, 512, 99, 1), 0);
	assert_int_equal(blkfront_check_range(100, 512, 0, 0), -KEEL_EINVAL);
	assert_int_equal(blkfront_check_range(100, 512, 100, 1), -KEEL_EINVAL);
	assert_int_equal(blkfront_check_range(100, 512, 99, 2), -KEEL_EINVAL);
	assert_int_equal(blkfront_check_range(100, 512, UINT64_MAX, 2), -KEEL_EINVAL);
	assert_int_equal(blkfront_check_range(100, 512, 2, UINT64_MAX), -KEEL_EINVAL);
	/* B1: a 4096-byte disk takes whole 8-sector units only. */
	assert_int_equal(blkfront_check_range(64, 4096, 8, 16), 0);
	assert_int_equal(blkfront_check_range(64, 4096, 4, 8), -KEEL_EINVAL);
	assert_int_equal(blkfront_check_range(64, 4096, 8, 12), -KEEL_EINVAL);
	assert_int_equal(blkfront_check_range(64, 0, 0, 1), -KEEL_EINVAL);
}

static void test_build_rw_splits_into_pages(void **state)
{
	(void)state;
	uint32_t grefs[KEEL_BLKIF_MAX_SEGMENTS] = { 11, 12, 13, 14, 15, 16, 17, 18 };
	struct keel_blkif_request req;

	assert_int_equal(blkfront_pages_for(1), 1);
	assert_int_equal(blkfront_pages_for(8), 1);
	assert_int_equal(blkfront_pages_for(9), 2);
	assert_int_equal(blkfront_pages_for(64), 8);
	assert_int_equal(blkfront_page_sectors(13, 0), 8);
	assert_int_equal(blkfront_page_sectors(13, 1), 5);
	assert_int_equal(blkfront_page_sectors(16, 1), 8);
	assert_int_equal(blkfront_page_sectors(3, 0), 3);

	memset(&req, 0xff, sizeof(req));
	assert_int_equal(blkfront_build_rw(&req, KEEL_BLKIF_OP_WRITE, 0x1234, 77, 13, grefs), 0);
	assert_int_equal(req.op, KEEL_BLKIF_OP_WRITE);
	assert_int_equal(req.id, 0x1234);
	assert_int_equal(req.sector_number, 77);
	assert_int_equal(req.nr_segments, 2);
	assert_int_equal(req.nr_sectors, 0);
	assert_int_equal(req.pad0, 0);
	assert_int_equal(req.pad1, 0);
	assert_int_equal(req.seg[0].gref, 11);
	assert_int_equal(req.seg[0].first_sect, 0);
	assert_int_equal(req.seg[0].last_sect, 7);
	assert_int_equal(req.seg[1].gref, 12);
	assert_int_equal(req.seg[1].first_sect, 0);
	assert_int_equal(req.seg[1].last_sect, 4);   /* 13 = 8 + 5 */
	assert_int_equal(req.seg[1].pad, 0);
	assert_int_equal(req.seg[2].gref, 0);          /* unused segments are zero, not stale */

	/* The largest request fills every segment; one sector more is refused. */
	assert_int_equal(blkfront_build_rw(&req, KEEL_BLKIF_OP_READ, 1, 0, 64, grefs), 0);
	assert_int_equal(req.nr_segments, 8);
	uint32_t sectors = 0;
	for (int i = 0; i < req.nr_segments; i++)
		sectors += req.seg[i].last_sect - req.seg[i].first_sect + 1u;
	assert_int_equal(sectors, 64);
	assert_int_equal(req.seg[7].gref, 18);
	assert_int_equal(blkfront_build_rw(&req, KEEL_BLKIF_OP_READ, 1, 0, 65, grefs), -KEEL_EINVAL);
	assert_int_equal(blkfront_build_rw(&req, KEEL_BLKIF_OP_READ, 1, 0, 0, grefs), -KEEL_EINVAL);

	blkfront_build_plain(&req, KEEL_BLKIF_OP_DISCARD, 9, 100, 50);
	assert_int_equal(req.nr_segments, 0);
	assert_int_equal(req.nr_sectors, 50);
	assert_int_equal(req.seg[0].gref, 0);
}

static struct keel_blkif_response response(const struct blkfront_slots *t, int slot, uint8_t op, int16_t status)
{
	return (struct keel_blkif_response){ .id = blkfront_slot_id(t, slot), .op = op, .status = status };
}

static void test_slots_and_pages_run_out_and_come_back(void **state)
{
	(void)state;
	static struct blkfront_slots t;
	blkfront_slots_init(&t);
	/* 64 pool pages: eight 8-page requests, then not even one page is left. */
	for (int i = 0; i < 8; i++)
		assert_int_equal(blkfront_slot_alloc(&t, KEEL_BLKIF_OP_READ, 8), i);
	assert_int_equal(blkfront_slot_alloc(&t, KEEL_BLKIF_OP_READ, 1), -1);
	assert_int_equal(t.page_free, 0);
	/* ...but a request without pages still gets a slot. */
	assert_int_equal(blkfront_slot_alloc(&t, KEEL_BLKIF_OP_FLUSH, 0), 8);
	/* No page is held twice. */
	uint64_t seen = 0;
	for (int i = 0; i < 8; i++)
		for (int p = 0; p < 8; p++) {
			assert_false(seen & (1ull << t.slot[i].page[p]));
			seen |= 1ull << t.slot[i].page[p];
		}
	assert_int_equal(seen, ~0ull);

	struct keel_blkif_response rsp = response(&t, 3, KEEL_BLKIF_OP_READ, KEEL_BLKIF_RSP_OKAY);
	assert_int_equal(blkfront_slot_answer(&t, &rsp), 3);
	assert_int_equal(blkfront_slot_next_done(&t), 3);
	assert_int_equal(t.page_free, 0);   /* held until collected: a READ's data is still there */
	blkfront_slot_free(&t, 3);
	assert_int_equal(blkfront_slot_next_done(&t), -1);
	assert_int_equal(__builtin_popcountll(t.page_free), 8);
	assert_int_equal(blkfront_slot_alloc(&t, KEEL_BLKIF_OP_WRITE, 5), 3);   /* the lowest free slot */
	assert_int_equal(blkfront_slot_alloc(&t, KEEL_BLKIF_OP_WRITE, 4), -1);  /* 3 pages left */
	assert_int_equal(blkfront_slot_alloc(&t, KEEL_BLKIF_OP_WRITE, 9), -1);  /* beyond B2 */
}

static void test_all_slots_and_unique_ids(void **state)
{
	(void)state;
	static struct blkfront_slots t;
	blkfront_slots_init(&t);
	for (int i = 0; i < BLKFRONT_SLOTS; i++)
		assert_int_equal(blkfront_slot_alloc(&t, KEEL_BLKIF_OP_WRITE, 1), i);
	assert_int_equal(blkfront_slot_alloc(&t, KEEL_BLKIF_OP_WRITE, 0), -1);
	assert_int_equal(t.in_flight, BLKFRONT_SLOTS);
	for (int i = 0; i < BLKFRONT_SLOTS; i++)
		for (int j = 0; j < i; j++)
			assert_true(blkfront_slot_id(&t, i) != blkfront_slot_id(&t, j));
	/* A reused slot gets a new id, so a late answer to its old use is recognised as bogus. */
	uint64_t old_id = blkfront_slot_id(&t, 5);
	struct keel_blkif_response rsp = response(&t, 5, KEEL_BLKIF_OP_WRITE, KEEL_BLKIF_RSP_OKAY);
	assert_int_equal(blkfront_slot_answer(&t, &rsp), 5);
	blkfront_slot_free(&t, 5);
	assert_int_equal(blkfront_slot_alloc(&t, KEEL_BLKIF_OP_WRITE, 1), 5);
	assert_true(blkfront_slot_id(&t, 5) != old_id);
	assert_int_equal(blkfront_slot_answer(&t, &rsp), -1);
}

static void test_bogus_responses_change_nothing(void **state)
{
	(void)state;
	static struct blkfront_slots t, before;
	blkfront_slots_init(&t);
	assert_int_equal(blkfront_slot_alloc(&t, KEEL_BLKIF_OP_READ, 2), 0);
	assert_int_equal(blkfront_slot_alloc(&t, KEEL_BLKIF_OP_WRITE, 2), 1);
	before = t;

	struct keel_blkif_response bogus[] = {
		{ .id = 31, .op = KEEL_BLKIF_OP_READ },                                   /* a free slot */
		{ .id = 200, .op = KEEL_BLKIF_OP_READ },                                  /* no such slot */
		{ .id = blkfront_slot_id(&t, 0) + (1ull << 8), .op = KEEL_BLKIF_OP_READ },   /* wrong generation */
		{ .id = blkfront_slot_id(&t, 0) | (1ull << 63), .op = KEEL_BLKIF_OP_READ },  /* high bits */
		{ .id = blkfront_slot_id(&t, 0), .op = KEEL_BLKIF_OP_WRITE },              /* wrong op */
		{ .id = blkfront_slot_id(&t, 1), .op = KEEL_BLKIF_OP_WRITE, .status = 7 },  /* unknown status */
		{ .id = blkfront_slot_id(&t, 1), .op = KEEL_BLKIF_OP_WRITE, .status = -3 },
	};
	for (size_t i = 0; i < sizeof(bogus) / sizeof(bogus[0]); i++) {
		assert_int_equal(blkfront_slot_answer(&t, &bogus[i]), -1);
		assert_memory_equal(&t, &before, sizeof(t));
	}

	/* Statuses map to errors; a second answer to the same request is bogus too. */
	struct keel_blkif_response err = response(&t, 1, KEEL_BLKIF_OP_WRITE, KEEL_BLKIF_RSP_ERROR);
	struct keel_blkif_response nosup = response(&t, 0, KEEL_BLKIF_OP_READ, KEEL_BLKIF_RSP_EOPNOTSUPP);
	assert_int_equal(blkfront_slot_answer(&t, &err), 1);
	assert_int_equal(blkfront_slot_answer(&t, &err), -1);
	assert_int_equal(blkfront_slot_answer(&t, &nosup), 0);
	assert_int_equal(t.slot[1].rc, -KEEL_EIO);
	assert_int_equal(t.slot[0].rc, -KEEL_ENOSYS);
	assert_int_equal(t.in_flight, 0);
	/* Completions come out in the order they arrived, not slot order. */
	assert_int_equal(blkfront_slot_next_done(&t), 1);
	blkfront_slot_free(&t, 0);   /* not the head: ignored */
	assert_int_equal(blkfront_slot_next_done(&t), 1);
	blkfront_slot_free(&t, 1);
	assert_int_equal(blkfront_slot_next_done(&t), 0);
	blkfront_slot_free(&t, 0);
	assert_int_equal(blkfront_slot_next_done(&t), -1);
	assert_int_equal(t.page_free, ~0ull);
}

static void test_fail_all(void **state)
{
	(void)state;
	static struct blkfront_slots t;
	blkfront_slots_init(&t);
	for (int i = 0; i < 4; i++)
		assert_int_equal(blkfront_slot_alloc(&t, KEEL_BLKIF_OP_READ, 1), i);
	struct keel_blkif_response rsp = response(&t, 2, KEEL_BLKIF_OP_READ, KEEL_BLKIF_RSP_OKAY);
	assert_int_equal(blkfront_slot_answer(&t, &rsp), 2);
	blkfront_slots_fail_all(&t, -KEEL_EIO);
	assert_int_equal(t.in_flight, 0);
	assert_int_equal(t.done_count, 4);
	int order[4] = { 2, 0, 1, 3 };
	for (int i = 0; i < 4; i++) {
		int s = blkfront_slot_next_done(&t);
		assert_int_equal(s, order[i]);
		assert_int_equal(t.slot[s].rc, s == 2 ? 0 : -KEEL_EIO);
		blkfront_slot_free(&t, s);
	}
	assert_int_equal(blkfront_slot_next_done(&t), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_info_checks),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_build_rw_splits_into_pages),
		cmocka_unit_test(test_slots_and_pages_run_out_and_come_back),
		cmocka_unit_test(test_all_slots_and_unique_ids),
		cmocka_unit_test(test_bogus_responses_change_nothing),
		cmocka_unit_test(test_fail_all),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
