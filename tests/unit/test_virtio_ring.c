/* test_virtio_ring.c: dom0's split virtqueue (dom0/virtio_ring.c): layout, descriptor chains, ring wrap-around and a hostile used ring. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../dom0/virtio_ring.h"

#define MEM_DMA 0x40000000ull   /* where the test pretends the ring memory is for the device */

static struct virtq q;
static void *mem;
static int tokens[VIRTQ_MAX_SIZE * 2];

static void make_queue(uint16_t size)
{
	struct virtq_layout l;
	assert_true(virtq_layout(size, &l));
	free(mem);
	mem = aligned_alloc(4096, (l.bytes + 4095) & ~4095ul);
	memset(mem, 0, l.bytes);
	assert_true(virtq_init(&q, size, mem, MEM_DMA));
}

static int teardown(void **state)
{
	(void)state;
	free(mem);
	mem = NULL;
	return 0;
}

/* The device's side: consumes the next available chain, walks it and completes it with 'len'. */
static uint16_t device_complete_next(uint16_t *seen_avail, uint32_t len)
{
	uint16_t head = q.avail->ring[*seen_avail & (q.size - 1)];
	(*seen_avail)++;
	struct virtq_used_elem *e = &q.used->ring[q.used->idx & (q.size - 1)];
	e->id = head;
	e->len = len;
	q.used->idx++;
	return head;
}

static void test_layout_alignment_and_sizes(void **state)
{
	(void)state;
	struct virtq_layout l;
	assert_true(virtq_layout(8, &l));
	assert_int_equal(l.avail, 16 * 8);
	assert_int_equal(l.used % 4, 0);
	assert_true(l.used >= l.avail + 6 + 2 * 8);
	assert_int_equal(l.bytes, l.used + 6 + 8 * 8);
	assert_false(virtq_layout(0, &l));
	assert_false(virtq_layout(12, &l));                  /* not a power of two */
	assert_false(virtq_layout(VIRTQ_MAX_SIZE * 2, &l));
	assert_false(virtq_init(&q, 8, (char *)&l + 1, MEM_DMA));   /* misaligned memory */
}

static void test_chain_is_built_in_order(void **state)
{
	(void)state;
	make_queue(8);
	assert_int_equal(q.desc_dma, MEM_DMA);
	assert_int_equal(q.avail_dma, MEM_DMA + (uint64_t)((char *)q.avail - (char *)mem));
	struct virtq_buf bufs[3] = { { 0x1000, 16, false }, { 0x2000, 512, true }, { 0x3000, 1, true } };
	assert_int_equal(virtq_add(&q, bufs, 3, &tokens[0]), 0);
	assert_int_equal(q.avail->idx, 1);
	uint16_t head = q.avail->ring[0];
	const struct virtq_desc *d = &q.desc[head];
	assert_int_equal(d->addr, 0x1000);
	assert_int_equal(d->len, 16);
	assert_int_equal(d->flags, VIRTQ_DESC_F_NEXT);
	d = &q.desc[d->next];
	assert_int_equal(d->addr, 0x2000);
	assert_int_equal(d->flags, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE);
	d = &q.desc[d->next];
	assert_int_equal(d->addr, 0x3000);
	assert_int_equal(d->flags, VIRTQ_DESC_F_WRITE);   /* last: no NEXT */
	assert_int_equal(q.num_free, 5);

	/* Readable after writable is refused, and so are empty chains and NULL cookies. */
	struct virtq_buf bad[2] = { { 0x1000, 1, true }, { 0x2000, 1, false } };
	assert_int_equal(virtq_add(&q, bad, 2, &tokens[1]), -1);
	assert_int_equal(virtq_add(&q, bufs, 0, &tokens[1]), -1);
	assert_int_equal(virtq_add(&q, bufs, 1, NULL), -1);
	assert_int_equal(q.num_free, 5);
	assert_int_equal(q.avail->idx, 1);
}

static void test_full_queue_and_completion_frees_descriptors(void **state)
{
	(void)state;
	make_queue(4);
	struct virtq_buf bufs[2] = { { 0x1000, 16, false }, { 0x2000, 8, true } };
	assert_int_equal(virtq_add(&q, bufs, 2, &tokens[0]), 0);
	assert_int_equal(virtq_add(&q, bufs, 2, &tokens[1]), 0);
	assert_int_equal(virtq_add(&q, bufs, 2, &tokens[2]), -2);   /* no descriptors left now */
	void *cookie;
	uint32_t len;
	assert_int_equal(virtq_get_used(&q, &cookie, &len), 0);     /* nothing done yet */
	uint16_t seen = 0;
	device_complete_next(&seen, 8);
	assert_int_equal(virtq_get_used(&q, &cookie, &len), 1);
	assert_ptr_equal(cookie, &tokens[0]);
	assert_int_equal(len, 8);
	assert_int_equal(q.num_free, 2);
	assert_int_equal(virtq_add(&q, bufs, 2, &tokens[2]), 0);    /* its descriptors are reused */
}

static void test_indices_wrap_around(void **state)
{
	(void)state;
	make_queue(4);
	struct virtq_buf bufs[3] = { { 0x1000, 16, false }, { 0x2000, 100, true }, { 0x3000, 1, true } };
	uint16_t seen = 0;
	/* 70000 requests: both 16-bit indices wrap, the ring positions many times. */
	for (unsigned int i = 0; i < 70000; i++) {
		assert_int_equal(virtq_add(&q, bufs, 3, &tokens[i % 8]), 0);
		device_complete_next(&seen, 101);
		void *cookie;
		uint32_t len;
		assert_int_equal(virtq_get_used(&q, &cookie, &len), 1);
		assert_ptr_equal(cookie, &tokens[i % 8]);
		assert_int_equal(len, 101);
		assert_int_equal(q.num_free, 4);
	}
	assert_int_equal(q.avail->idx, (uint16_t)70000);
	assert_int_equal(q.in_flight, 0);
}

static void test_out_of_order_completion(void **state)
{
	(void)state;
	make_queue(8);
	struct virtq_buf one = { 0x1000, 4, true };
	for (int i = 0; i < 3; i++)
		assert_int_equal(virtq_add(&q, &one, 1, &tokens[i]), 0);
	uint16_t heads[3] = { q.avail->ring[0], q.avail->ring[1], q.avail->ring[2] };
	/* The device finishes the third, then the first. */
	q.used->ring[0] = (struct virtq_used_elem){ heads[2], 4 };
	q.used->ring[1] = (struct virtq_used_elem){ heads[0], 0 };
	q.used->idx = 2;
	void *cookie;
	uint32_t len;
	assert_int_equal(virtq_get_used(&q, &cookie, &len), 1);
	assert_ptr_equal(cookie, &tokens[2]);
	assert_int_equal(virtq_get_used(&q, &cookie, &len), 1);
	assert_ptr_equal(cookie, &tokens[0]);
	assert_int_equal(virtq_get_used(&q, &cookie, &len), 0);
	assert_ptr_equal(virtq_take_in_flight(&q), &tokens[1]);
	assert_null(virtq_take_in_flight(&q));
	assert_int_equal(q.num_free, 8);
}

/* A queue with two chains in flight, for the hostile cases. */
static void two_in_flight(void)
{
	make_queue(8);
	struct virtq_buf bufs[2] = { { 0x1000, 16, false }, { 0x2000, 64, true } };
	assert_int_equal(virtq_add(&q, bufs, 2, &tokens[0]), 0);
	assert_int_equal(virtq_add(&q, bufs, 2, &tokens[1]), 0);
}

static void expect_broken(void)
{
	void *cookie = NULL;
	uint32_t len = 0;
	assert_int_equal(virtq_get_used(&q, &cookie, &len), -1);
	assert_true(q.broken);
	assert_null(cookie);
	/* Broken for good: later calls refuse too, and nothing more is queued. */
	assert_int_equal(virtq_get_used(&q, &cookie, &len), -1);
	struct virtq_buf b = { 0x1000, 1, false };
	assert_int_equal(virtq_add(&q, &b, 1, &tokens[5]), -1);
	/* After the reset every request still comes back, once. */
	void *a = virtq_take_in_flight(&q), *c = virtq_take_in_flight(&q);
	assert_true((a == &tokens[0] && c == &tokens[1]) || (a == &tokens[1] && c == &tokens[0]));
	assert_null(virtq_take_in_flight(&q));
}

static void test_hostile_index_jump(void **state)
{
	(void)state;
	two_in_flight();
	q.used->idx = 3;   /* three done, but only two were given */
	expect_broken();
}

static void test_hostile_index_backwards(void **state)
{
	(void)state;
	two_in_flight();
	q.used->idx = (uint16_t)-1;   /* behind us: as a 16-bit distance, 65535 ahead */
	expect_broken();
}

static void test_hostile_id_out_of_range(void **state)
{
	(void)state;
	two_in_flight();
	q.used->ring[0] = (struct virtq_used_elem){ 8, 0 };   /* no descriptor 8 in a queue of 8 */
	q.used->idx = 1;
	expect_broken();
}

static void test_hostile_id_not_a_head(void **state)
{
	(void)state;
	two_in_flight();
	uint16_t head = q.avail->ring[0];
	q.used->ring[0] = (struct virtq_used_elem){ q.desc[head].next, 0 };   /* the chain's second descriptor */
	q.used->idx = 1;
	expect_broken();
}

static void test_hostile_id_completed_twice(void **state)
{
	(void)state;
	two_in_flight();
	uint16_t head = q.avail->ring[0];
	q.used->ring[0] = (struct virtq_used_elem){ head, 64 };
	q.used->ring[1] = (struct virtq_used_elem){ head, 64 };
	q.used->idx = 2;
	void *cookie;
	uint32_t len;
	assert_int_equal(virtq_get_used(&q, &cookie, &len), 1);
	assert_ptr_equal(cookie, &tokens[0]);
	assert_int_equal(virtq_get_used(&q, &cookie, &len), -1);   /* no longer in flight */
	assert_true(q.broken);
	assert_ptr_equal(virtq_take_in_flight(&q), &tokens[1]);
	assert_null(virtq_take_in_flight(&q));
}

static void test_hostile_length(void **state)
{
	(void)state;
	two_in_flight();
	q.used->ring[0] = (struct virtq_used_elem){ q.avail->ring[0], 65 };   /* 64 writable bytes */
	q.used->idx = 1;
	expect_broken();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_layout_alignment_and_sizes, teardown),
		cmocka_unit_test_teardown(test_chain_is_built_in_order, teardown),
		cmocka_unit_test_teardown(test_full_queue_and_completion_frees_descriptors, teardown),
		cmocka_unit_test_teardown(test_indices_wrap_around, teardown),
		cmocka_unit_test_teardown(test_out_of_order_completion, teardown),
		cmocka_unit_test_teardown(test_hostile_index_jump, teardown),
		cmocka_unit_test_teardown(test_hostile_index_backwards, teardown),
		cmocka_unit_test_teardown(test_hostile_id_out_of_range, teardown),
		cmocka_unit_test_teardown(test_hostile_id_not_a_head, teardown),
		cmocka_unit_test_teardown(test_hostile_id_completed_twice, teardown),
		cmocka_unit_test_teardown(test_hostile_length, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
