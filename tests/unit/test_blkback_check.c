/* test_blkback_check.c: dom0/blkback_check.c: B6 request validation and the grant-copy plan of a request. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../dom0/blkback_check.h"
#include "keel/event_channel.h"

#define GUEST 7u
#define BUFFER_GPA 0x200000ull

static const struct blkback_disk_view rw_disk = { .capacity_sectors = 1000, .sector_size = 512, .can_flush = true };

static struct keel_blkif_request one_segment(uint8_t op, uint64_t sector, uint8_t first, uint8_t last)
{
	return (struct keel_blkif_request){
		.op = op, .nr_segments = 1, .id = 42, .sector_number = sector,
		.seg = { { .gref = 9, .first_sect = first, .last_sect = last } },
	};
}

static void good_requests_pass_with_their_sector_count(void **state)
{
	uint32_t n;
	(void)state;
	struct keel_blkif_request r = one_segment(KEEL_BLKIF_OP_READ, 0, 0, 7);
	r.nr_segments = KEEL_BLKIF_MAX_SEGMENTS;
	for (int i = 1; i < KEEL_BLKIF_MAX_SEGMENTS; i++)
		r.seg[i] = (struct keel_blkif_segment){ .gref = 10u + i, .first_sect = 2, .last_sect = 3 };
	assert_int_equal(blkback_check_request(&r, &rw_disk, &n), KEEL_BLKIF_RSP_OKAY);
	assert_int_equal(n, 8 + 7 * 2);
	r = one_segment(KEEL_BLKIF_OP_WRITE, 992, 0, 7);   /* the last 8 sectors exactly */
	assert_int_equal(blkback_check_request(&r, &rw_disk, &n), KEEL_BLKIF_RSP_OKAY);
	assert_int_equal(n, 8);
	r = (struct keel_blkif_request){ .op = KEEL_BLKIF_OP_FLUSH };
	assert_int_equal(blkback_check_request(&r, &rw_disk, &n), KEEL_BLKIF_RSP_OKAY);
	assert_int_equal(n, 0);
}

static void ranges_and_segments_are_checked(void **state)
{
	uint32_t n;
	(void)state;
	struct keel_blkif_request r = one_segment(KEEL_BLKIF_OP_READ, 993, 0, 7);   /* one past the end */
	assert_int_equal(blkback_check_request(&r, &rw_disk, &n), KEEL_BLKIF_RSP_ERROR);
	r = one_segment(KEEL_BLKIF_OP_READ, UINT64_MAX - 3, 0, 7);                 /* wraps 2^64 */
	assert_int_equal(blkback_check_request(&r, &rw_disk, &n), KEEL_BLKIF_RSP_ERROR);
	r = one_segment(KEEL_BLKIF_OP_READ, 1000, 0, 0);
	assert_int_equal(blkback_check_request(&r, &rw_disk, &n), KEEL_BLKIF_RSP_ERROR);
	r = one_segment(KEEL_BLKIF_OP_READ, 0, 5, 3);                              /* backwards */
	assert_int_equal(blkback_check_request(&r, &rw_disk, &n), KEEL_BLKIF_RSP_ERROR);
	r = one_segment(KEEL_BLKIF_OP_READ, 0, 0, 8);                              /* past the page */
	assert_int_equal(blkback_check_request(&r, &rw_disk, &n), KEEL_BLKIF_RSP_ERROR);
	r.seg[0].last_sect = 7;
	r.nr_segments = 0;
	assert_int_equal(blkback_check_request(&r, &rw_disk, &n), KEEL_BLKIF_RSP_ERROR);
	r.nr_segments = KEEL_BLKIF_MAX_SEGMENTS + 1;
	assert_int_equal(blkback_check_request(&r, &rw_disk, &n), KEEL_BLKIF_RSP_ERROR);
	r = (struct keel_blkif_request){ .op = KEEL_BLKIF_OP_FLUSH, .nr_segments = 1 };
	assert_int_equal(blkback_check_request(&r, &rw_disk, &n), KEEL_BLKIF_RSP_ERROR);
}

static void ops_and_read_only_are_checked(void **state)
{
	uint32_t n;
	(void)state;
	const struct blkback_disk_view ro = { .capacity_sectors = 1000, .sector_size = 512, .read_only = true };
	struct keel_blkif_request r = one_segment(KEEL_BLKIF_OP_WRITE, 0, 0, 7);
	assert_int_equal(blkback_check_request(&r, &ro, &n), KEEL_BLKIF_RSP_ERROR);
	r.op = KEEL_BLKIF_OP_READ;
	assert_int_equal(blkback_check_request(&r, &ro, &n), KEEL_BLKIF_RSP_OKAY);
	r = (struct keel_blkif_request){ .op = KEEL_BLKIF_OP_FLUSH };
	assert_int_equal(blkback_check_request(&r, &ro, &n), KEEL_BLKIF_RSP_EOPNOTSUPP);   /* not advertised */
	r = (struct keel_blkif_request){ .op = KEEL_BLKIF_OP_DISCARD, .nr_sectors = 8 };
	assert_int_equal(blkback_check_request(&r, &rw_disk, &n), KEEL_BLKIF_RSP_EOPNOTSUPP);
	r = one_segment(KEEL_BLKIF_OP_DISCARD + 1, 0, 0, 7);
	assert_int_equal(blkback_check_request(&r, &rw_disk, &n), KEEL_BLKIF_RSP_ERROR);
	r.op = 0xff;
	assert_int_equal(blkback_check_request(&r, &rw_disk, &n), KEEL_BLKIF_RSP_ERROR);
}

static void a_4k_disk_needs_aligned_requests(void **state)
{
	uint32_t n;
	(void)state;
	const struct blkback_disk_view d4k = { .capacity_sectors = 1024, .sector_size = 4096 };
	struct keel_blkif_request r = one_segment(KEEL_BLKIF_OP_READ, 8, 0, 7);
	assert_int_equal(blkback_check_request(&r, &d4k, &n), KEEL_BLKIF_RSP_OKAY);
	r = one_segment(KEEL_BLKIF_OP_READ, 4, 0, 7);   /* starts mid-block */
	assert_int_equal(blkback_check_request(&r, &d4k, &n), KEEL_BLKIF_RSP_ERROR);
	r = one_segment(KEEL_BLKIF_OP_READ, 8, 0, 3);   /* ends mid-block */
	assert_int_equal(blkback_check_request(&r, &d4k, &n), KEEL_BLKIF_RSP_ERROR);
}

static void copy_plan_splits_at_buffer_pages(void **state)
{
	struct keel_gnttab_copy ops[BLKBACK_COPY_OPS_MAX];
	(void)state;
	/* 7 sectors (3584 bytes), then a full page: the second crosses the buffer's first page. */
	struct keel_blkif_request r = one_segment(KEEL_BLKIF_OP_WRITE, 0, 1, 7);
	r.nr_segments = 2;
	r.seg[1] = (struct keel_blkif_segment){ .gref = 11, .first_sect = 0, .last_sect = 7 };
	unsigned int n = blkback_copy_plan(&r, GUEST, BUFFER_GPA, ops);
	assert_int_equal(n, 3);
	/* WRITE: from the guest's grants into our buffer. */
	assert_int_equal(ops[0].src.domid, GUEST);
	assert_int_equal(ops[0].src.ref, 9);
	assert_int_equal(ops[0].src.offset, 512);
	assert_int_equal(ops[0].dst.domid, KEEL_DOMID_SELF);
	assert_int_equal(ops[0].dst.gpa, BUFFER_GPA);
	assert_int_equal(ops[0].dst.offset, 0);
	assert_int_equal(ops[0].len, 3584);
	assert_int_equal(ops[1].src.ref, 11);
	assert_int_equal(ops[1].src.offset, 0);
	assert_int_equal(ops[1].dst.gpa, BUFFER_GPA);
	assert_int_equal(ops[1].dst.offset, 3584);
	assert_int_equal(ops[1].len, 512);
	assert_int_equal(ops[2].src.ref, 11);
	assert_int_equal(ops[2].src.offset, 512);
	assert_int_equal(ops[2].dst.gpa, BUFFER_GPA + 4096);
	assert_int_equal(ops[2].dst.offset, 0);
	assert_int_equal(ops[2].len, 3584);
	/* READ: the same pieces the other way round. */
	r.op = KEEL_BLKIF_OP_READ;
	assert_int_equal(blkback_copy_plan(&r, GUEST, BUFFER_GPA, ops), 3);
	assert_int_equal(ops[2].dst.domid, GUEST);
	assert_int_equal(ops[2].dst.offset, 512);
	assert_int_equal(ops[2].src.domid, KEEL_DOMID_SELF);
	assert_int_equal(ops[2].src.gpa, BUFFER_GPA + 4096);
}

static void copy_plan_never_exceeds_its_bound(void **state)
{
	struct keel_gnttab_copy ops[BLKBACK_COPY_OPS_MAX];
	(void)state;
	/* One sector first puts every later full page across a buffer page boundary. */
	struct keel_blkif_request r = one_segment(KEEL_BLKIF_OP_READ, 0, 7, 7);
	r.nr_segments = KEEL_BLKIF_MAX_SEGMENTS;
	for (int i = 1; i < KEEL_BLKIF_MAX_SEGMENTS; i++)
		r.seg[i] = (struct keel_blkif_segment){ .gref = 20u + i, .first_sect = 0, .last_sect = 7 };
	unsigned int n = blkback_copy_plan(&r, GUEST, BUFFER_GPA, ops);
	assert_true(n <= BLKBACK_COPY_OPS_MAX);
	uint32_t total = 0;
	for (unsigned int i = 0; i < n; i++) {
		assert_true(ops[i].src.offset + ops[i].len <= 4096);
		assert_true(ops[i].dst.offset + ops[i].len <= 4096);
		total += ops[i].len;
	}
	assert_int_equal(total, 512 + 7 * 4096);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_requests_pass_with_their_sector_count),
		cmocka_unit_test(ranges_and_segments_are_checked),
		cmocka_unit_test(ops_and_read_only_are_checked),
		cmocka_unit_test(a_4k_disk_needs_aligned_requests),
		cmocka_unit_test(copy_plan_splits_at_buffer_pages),
		cmocka_unit_test(copy_plan_never_exceeds_its_bound),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
