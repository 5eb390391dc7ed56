/* test_frame_contiguous.c: frame_alloc_contiguous (dom0's DMA-able RAM) over a malloc'd stand-in for physical memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "frame.h"
#include "phys_arena.h"

uint64_t mm_direct_map_offset;

#define MIB (1ull << 20)
#define GIB (1ull << 30)
#define ARENA_SIZE (64 * MIB)
#define MAX_BLOCK_FRAMES (1ull << FRAME_MAX_ORDER)

static void *arena;

/* [base, base + ARENA_SIZE) stands in for physical memory; all of it but the metadata is free. */
static paddr_t phys_setup(paddr_t base)
{
	free(arena);
	paddr_t meta;
	arena = phys_arena_setup(base, ARENA_SIZE, -1, &meta);
	return meta;
}

static int teardown(void **state)
{
	(void)state;
	free(arena);
	arena = NULL;
	return 0;
}

/* Frees [pa, pa + frames) in the largest naturally aligned pieces of at most 2 MiB (as domain.c does). */
static void free_run(paddr_t pa, uint64_t frames)
{
	while (frames) {
		unsigned order = 9;
		while (order && ((1ull << order) > frames || ((pa / PAGE_SIZE) & ((1ull << order) - 1))))
			order--;
		frame_free(pa, order);
		pa += PAGE_SIZE << order;
		frames -= 1ull << order;
	}
}

static void test_run_is_aligned_exact_and_comes_back(void **state)
{
	(void)state;
	phys_setup(16 * MIB);
	uint64_t before = frame_free_count();
	const uint64_t frames = 5000;   /* not a whole number of max-order blocks */
	paddr_t pa = frame_alloc_contiguous(frames);
	assert_int_not_equal(pa, FRAME_NONE);
	assert_int_equal(pa % (PAGE_SIZE * MAX_BLOCK_FRAMES), 0);
	assert_true(pa >= 16 * MIB && pa + frames * PAGE_SIZE <= 16 * MIB + ARENA_SIZE);
	assert_int_equal(frame_free_count(), before - frames);   /* the tail went back */
	/* Nothing handed out later lies inside the run. */
	for (unsigned int i = 0; i < 64; i++) {
		paddr_t other = frame_alloc(0);
		assert_int_not_equal(other, FRAME_NONE);
		assert_true(other < pa || other >= pa + frames * PAGE_SIZE);
		frame_free(other, 0);
	}
	free_run(pa, frames);
	assert_int_equal(frame_free_count(), before);
	/* Everything merged again: the same run is there to be taken a second time. */
	assert_int_equal(frame_alloc_contiguous(frames), pa);
}

static void test_fragmented_memory_has_no_long_run(void **state)
{
	(void)state;
	phys_setup(16 * MIB);
	/* Take every max-order block, then keep one frame of every odd-numbered one. */
	paddr_t blocks[64];
	unsigned int n = 0;
	while (n < 64 && (blocks[n] = frame_alloc(FRAME_MAX_ORDER)) != FRAME_NONE)
		n++;
	assert_true(n >= 4);
	for (unsigned int i = 0; i < n; i++) {
		bool odd = ((blocks[i] - 16 * MIB) / (PAGE_SIZE * MAX_BLOCK_FRAMES)) % 2;
		free_run(odd ? blocks[i] + PAGE_SIZE : blocks[i], odd ? MAX_BLOCK_FRAMES - 1 : MAX_BLOCK_FRAMES);
	}
	uint64_t before = frame_free_count();
	assert_true(before > 2 * MAX_BLOCK_FRAMES);   /* enough free frames, just not in a row */
	assert_int_equal(frame_alloc_contiguous(MAX_BLOCK_FRAMES + 1), FRAME_NONE);
	assert_int_equal(frame_free_count(), before);   /* a refusal takes nothing */
	paddr_t one = frame_alloc_contiguous(MAX_BLOCK_FRAMES);
	assert_int_not_equal(one, FRAME_NONE);
	assert_int_equal(((one - 16 * MIB) / (PAGE_SIZE * MAX_BLOCK_FRAMES)) % 2, 0);
}

static void test_prefers_below_4g(void **state)
{
	(void)state;
	/* Half the arena below 4 GiB (8 max-order blocks), half above (7: the metadata takes the rest). */
	phys_setup(4 * GIB - 32 * MIB);
	/* Longer than either side: only a run across the edge fits. */
	paddr_t big = frame_alloc_contiguous(10 * MAX_BLOCK_FRAMES);
	assert_int_not_equal(big, FRAME_NONE);
	assert_true(big < 4 * GIB && big + 10 * MAX_BLOCK_FRAMES * PAGE_SIZE > 4 * GIB);
	free_run(big, 10 * MAX_BLOCK_FRAMES);   /* pieces never span the zone edge */

	paddr_t low = frame_alloc_contiguous(2 * MAX_BLOCK_FRAMES);
	assert_int_not_equal(low, FRAME_NONE);
	assert_true(low + 2 * MAX_BLOCK_FRAMES * PAGE_SIZE <= 4 * GIB);   /* wholly below, not across */
	/* 6 blocks are left below: a run of 7 is taken above rather than across the edge. */
	paddr_t high = frame_alloc_contiguous(7 * MAX_BLOCK_FRAMES);
	assert_int_not_equal(high, FRAME_NONE);
	assert_true(high >= 4 * GIB);
}

static void test_impossible_requests(void **state)
{
	(void)state;
	phys_setup(16 * MIB);
	uint64_t before = frame_free_count();
	assert_int_equal(frame_alloc_contiguous(0), FRAME_NONE);
	assert_int_equal(frame_alloc_contiguous(ARENA_SIZE / PAGE_SIZE + 1), FRAME_NONE);
	assert_int_equal(frame_alloc_contiguous(~0ull), FRAME_NONE);
	assert_int_equal(frame_free_count(), before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_run_is_aligned_exact_and_comes_back, teardown),
		cmocka_unit_test_teardown(test_fragmented_memory_has_no_long_run, teardown),
		cmocka_unit_test_teardown(test_prefers_below_4g, teardown),
		cmocka_unit_test_teardown(test_impossible_requests, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
