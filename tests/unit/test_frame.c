/* test_frame.c: unit tests of the buddy frame allocator over a malloc'd stand-in for physical memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "frame.h"

uint64_t mm_direct_map_offset;

#define MIB (1ull << 20)
#define GIB (1ull << 30)
#define ARENA_SIZE (64 * MIB)
#define FRAMES(bytes) ((bytes) / PAGE_SIZE)

/* The fake physical memory of the current test: [phys_base, phys_base + ARENA_SIZE). */
static void *arena;
static paddr_t phys_base;
static paddr_t meta_start;   /* the metadata sits at the top; everything below may be added */

/* Points the direct map at a fresh arena standing in for phys_base.. and initialises the allocator. */
static void phys_setup(paddr_t base)
{
	free(arena);
	arena = aligned_alloc(PAGE_SIZE, ARENA_SIZE);
	assert_non_null(arena);
	memset(arena, 0x5a, ARENA_SIZE);
	phys_base = base;
	mm_direct_map_offset = (uint64_t)(uintptr_t)arena - base;

	paddr_t max_phys = base + ARENA_SIZE;
	meta_start = ALIGN_DOWN(max_phys - frame_meta_size(max_phys), PAGE_SIZE);
	frame_init(max_phys, phys_to_virt(meta_start));
}

static int phys_teardown(void **state)
{
	(void)state;
	free(arena);
	arena = NULL;
	return 0;
}

static uint64_t rng_state;
static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Allocates order-max blocks until none is left, frees them, and returns how many there were. */
static unsigned count_max_blocks(void)
{
	paddr_t blocks[64];
	unsigned n = 0;
	while (n < 64 && (blocks[n] = frame_alloc(FRAME_MAX_ORDER)) != FRAME_NONE)
		n++;
	for (unsigned i = 0; i < n; i++)
		frame_free(blocks[i], FRAME_MAX_ORDER);
	return n;
}

static void fill_block(paddr_t pa, unsigned order)
{
	uint64_t *words = phys_to_virt(pa);
	for (size_t i = 0; i < (PAGE_SIZE << order) / 8; i += 512)
		words[i] = pa ^ i;
}

static void check_block(paddr_t pa, unsigned order)
{
	const uint64_t *words = phys_to_virt(pa);
	for (size_t i = 0; i < (PAGE_SIZE << order) / 8; i += 512)
		assert_int_equal(words[i], pa ^ i);
}

static void test_meta_size(void **state)
{
	(void)state;
	/* One bit per frame: 32 KiB per GiB of physical address space. */
	assert_int_equal(frame_meta_size(GIB), 32 * 1024);
	assert_int_equal(frame_meta_size(4 * GIB), 128 * 1024);
	/* Rounded to whole 64-bit words; partial frames at the top do not count. */
	assert_int_equal(frame_meta_size(PAGE_SIZE), 8);
	assert_int_equal(frame_meta_size(PAGE_SIZE - 1), 0);
	assert_int_equal(frame_meta_size(65 * PAGE_SIZE), 16);
	/* Clamped at the architectural limit rather than overflowing. */
	assert_int_equal(frame_meta_size(~0ull), frame_meta_size(FRAME_PHYS_LIMIT));
}

static void test_empty_allocator(void **state)
{
	(void)state;
	phys_setup(0);
	assert_int_equal(frame_total_count(), 0);
	assert_int_equal(frame_free_count(), 0);
	assert_int_equal(frame_alloc(0), FRAME_NONE);
	assert_int_equal(frame_alloc_below(0, FRAME_BELOW_1M), FRAME_NONE);
	assert_int_equal(frame_alloc(FRAME_MAX_ORDER + 1), FRAME_NONE);
	assert_false(frame_is_managed(0));
}

static void test_all_orders(void **state)
{
	(void)state;
	phys_setup(16 * MIB);
	frame_add_range(16 * MIB, meta_start - 16 * MIB);
	uint64_t initial = frame_free_count();
	assert_int_equal(initial, frame_total_count());
	assert_int_equal(initial, FRAMES(meta_start - 16 * MIB));

	for (unsigned order = 0; order <= FRAME_MAX_ORDER; order++) {
		paddr_t pa = frame_alloc(order);
		assert_int_not_equal(pa, FRAME_NONE);
		assert_int_equal(pa % (PAGE_SIZE << order), 0);
		assert_true(pa >= 16 * MIB && pa + (PAGE_SIZE << order) <= meta_start);
		assert_true(frame_is_managed(pa));
		assert_int_equal(frame_free_count(), initial - (1ull << order));
		memset(phys_to_virt(pa), 0xa5, PAGE_SIZE << order);
		frame_free(pa, order);
		assert_int_equal(frame_free_count(), initial);
	}
	/* Everything held at once, then released in reverse. */
	paddr_t held[FRAME_MAX_ORDER + 1];
	for (unsigned order = 0; order <= FRAME_MAX_ORDER; order++) {
		held[order] = frame_alloc(order);
		assert_int_not_equal(held[order], FRAME_NONE);
		fill_block(held[order], order);
	}
	for (int order = FRAME_MAX_ORDER; order >= 0; order--) {
		check_block(held[order], (unsigned)order);
		frame_free(held[order], (unsigned)order);
	}
	assert_int_equal(frame_free_count(), initial);
}

static void test_coalesce_to_initial_state(void **state)
{
	(void)state;
	phys_setup(0);
	frame_add_range(8 * MIB, 40 * MIB);
	uint64_t initial = frame_free_count();
	unsigned max_blocks = count_max_blocks();
	assert_int_equal(max_blocks, 10);

	/* Drain with random orders, then free in a shuffled order. */
	static paddr_t pa[20000];
	static unsigned order[20000];
	unsigned n = 0;
	rng_state = 0x1234567;
	for (;;) {
		unsigned want = (unsigned)(rng() % 4 == 0 ? rng() % (FRAME_MAX_ORDER + 1) : rng() % 3);
		paddr_t got = frame_alloc(want);
		if (got == FRAME_NONE) {
			got = frame_alloc(0);
			want = 0;
		}
		if (got == FRAME_NONE)
			break;
		assert_true(n < 20000);
		pa[n] = got;
		order[n++] = want;
	}
	assert_int_equal(frame_free_count(), 0);
	for (unsigned i = n - 1; i > 0; i--) {
		unsigned j = (unsigned)(rng() % (i + 1));
		paddr_t tp = pa[i]; pa[i] = pa[j]; pa[j] = tp;
		unsigned to = order[i]; order[i] = order[j]; order[j] = to;
	}
	for (unsigned i = 0; i < n; i++)
		frame_free(pa[i], order[i]);
	assert_int_equal(frame_free_count(), initial);
	assert_int_equal(count_max_blocks(), max_blocks);
}

static void test_fragmentation(void **state)
{
	(void)state;
	phys_setup(0);
	frame_add_range(4 * MIB, 4 * MIB);
	static paddr_t frames[1024];
	for (unsigned i = 0; i < 1024; i++) {
		frames[i] = frame_alloc(0);
		assert_int_not_equal(frames[i], FRAME_NONE);
	}
	assert_int_equal(frame_alloc(0), FRAME_NONE);
	for (unsigned i = 0; i < 1024; i++)
		if ((frames[i] >> PAGE_SHIFT) % 2 == 0)
			frame_free(frames[i], 0);
	assert_int_equal(frame_free_count(), 512);
	/* Half the memory is free, but no two free frames are buddies. */
	assert_int_equal(frame_alloc(1), FRAME_NONE);
	for (unsigned i = 0; i < 1024; i++)
		if ((frames[i] >> PAGE_SHIFT) % 2 == 1)
			frame_free(frames[i], 0);
	assert_int_equal(frame_free_count(), 1024);
	paddr_t whole = frame_alloc(FRAME_MAX_ORDER);
	assert_int_equal(whole, 4 * MIB);
	frame_free(whole, FRAME_MAX_ORDER);
}

static void test_exhaustion(void **state)
{
	(void)state;
	phys_setup(0);
	frame_add_range(2 * MIB, 3 * MIB);
	uint64_t got = 0;
	while (frame_alloc(0) != FRAME_NONE)
		got++;
	assert_int_equal(got, FRAMES(3 * MIB));
	assert_int_equal(frame_free_count(), 0);
	for (unsigned order = 0; order <= FRAME_MAX_ORDER + 3; order++)
		assert_int_equal(frame_alloc(order), FRAME_NONE);
	assert_int_equal(frame_alloc_zeroed(0), FRAME_NONE);
	assert_int_equal(frame_alloc_below(0, FRAME_BELOW_4G), FRAME_NONE);
}

static void test_alloc_below(void **state)
{
	(void)state;
	phys_setup(0);
	/* Like a PC: conventional memory up to the EBDA, then RAM from 1 MiB. */
	frame_add_range(0x1000, 0x9f000 - 0x1000);
	frame_add_range(MIB, 40 * MIB - MIB);
	uint64_t low_frames = FRAMES(0x9f000 - 0x1000);

	/* Plain allocations leave the scarce low memory alone. */
	paddr_t plain = frame_alloc(0);
	assert_true(plain >= MIB);
	frame_free(plain, 0);

	uint64_t got = 0;
	paddr_t pa;
	while ((pa = frame_alloc_below(0, FRAME_BELOW_1M)) != FRAME_NONE) {
		assert_true(pa >= 0x1000 && pa + PAGE_SIZE <= 0x9f000);
		got++;
	}
	assert_int_equal(got, low_frames);
	assert_int_not_equal(frame_alloc(0), FRAME_NONE);

	/* A limit that is not a zone edge takes the scanning path. */
	phys_setup(0);
	frame_add_range(MIB, 40 * MIB - MIB);
	got = 0;
	while ((pa = frame_alloc_below(2, 20 * MIB + 3 * PAGE_SIZE)) != FRAME_NONE) {
		assert_true(pa + 4 * PAGE_SIZE <= 20 * MIB + 3 * PAGE_SIZE);
		assert_int_equal(pa % (4 * PAGE_SIZE), 0);
		got++;
	}
	assert_int_equal(got, FRAMES(19 * MIB) / 4);
	/* Three single frames still fit under the limit, at the bottom of the next free block. */
	for (unsigned i = 0; i < 3; i++) {
		pa = frame_alloc_below(0, 20 * MIB + 3 * PAGE_SIZE);
		assert_true(pa >= 20 * MIB && pa < 20 * MIB + 3 * PAGE_SIZE);
	}
	assert_int_equal(frame_alloc_below(0, 20 * MIB + 3 * PAGE_SIZE), FRAME_NONE);
	assert_int_equal(frame_alloc_below(0, 0), FRAME_NONE);
	assert_int_equal(frame_alloc_below(0, PAGE_SIZE - 1), FRAME_NONE);
	pa = frame_alloc(0);
	assert_true(pa >= 20 * MIB);
}

static void test_holes_and_odd_alignment(void **state)
{
	(void)state;
	phys_setup(0);
	/* Unaligned ends are trimmed inward; ranges arrive out of order. */
	frame_add_range(30 * MIB + 0x123, 2 * MIB);               /* frames [30M+4K, 32M) */
	frame_add_range(10 * MIB - 0x800, 4 * MIB + 0x1000);      /* frames [10M, 14M+2K) -> [10M, 14M) */
	frame_add_range(20 * MIB + 1, 10);                        /* less than a frame: nothing */
	frame_add_range(5 * MIB, 0);                              /* empty */
	uint64_t expected = FRAMES(2 * MIB) - 1 + FRAMES(4 * MIB);
	assert_int_equal(frame_total_count(), expected);
	assert_int_equal(frame_free_count(), expected);
	assert_false(frame_is_managed(20 * MIB));
	assert_false(frame_is_managed(30 * MIB));
	assert_true(frame_is_managed(30 * MIB + PAGE_SIZE));
	assert_true(frame_is_managed(14 * MIB - 1));
	assert_false(frame_is_managed(14 * MIB));

	/* Every frame handed out lies inside what was added, and each exactly once. */
	static uint8_t seen[FRAMES(ARENA_SIZE)];
	memset(seen, 0, sizeof seen);
	paddr_t pa;
	uint64_t got = 0;
	while ((pa = frame_alloc(0)) != FRAME_NONE) {
		bool inside = (pa >= 10 * MIB && pa < 14 * MIB) || (pa >= 30 * MIB + PAGE_SIZE && pa < 32 * MIB);
		assert_true(inside);
		assert_int_equal(seen[pa >> PAGE_SHIFT], 0);
		seen[pa >> PAGE_SHIFT] = 1;
		got++;
	}
	assert_int_equal(got, expected);

	/* Adjacent ranges added separately merge into full-size blocks. */
	phys_setup(0);
	frame_add_range(12 * MIB, 2 * MIB);
	frame_add_range(8 * MIB, 2 * MIB);
	assert_int_equal(count_max_blocks(), 0);
	frame_add_range(10 * MIB, 2 * MIB);  /* fills the gap: [8M, 14M) */
	assert_int_equal(count_max_blocks(), 1);
	frame_add_range(14 * MIB, 2 * MIB);  /* [8M, 16M) */
	assert_int_equal(count_max_blocks(), 2);
	assert_true(frame_is_managed(8 * MIB) && frame_is_managed(16 * MIB - 1));
	assert_false(frame_is_managed(16 * MIB));
	/* A block freed across the join of two additions is accepted. */
	paddr_t whole = frame_alloc(FRAME_MAX_ORDER);
	frame_free(whole, FRAME_MAX_ORDER);

	/* Ranges at or beyond max_phys, or whose end wraps, add nothing. */
	uint64_t total = frame_total_count();
	frame_add_range(phys_base + ARENA_SIZE, GIB);
	frame_add_range(~0ull - 10, 100);
	frame_add_range(1ull << 60, 1ull << 62);
	assert_int_equal(frame_total_count(), total);
}

static void test_above_4g(void **state)
{
	(void)state;
	paddr_t base = 64 * GIB;
	phys_setup(base);
	frame_add_range(base, meta_start - base);
	uint64_t initial = frame_free_count();
	assert_int_equal(initial, FRAMES(meta_start - base));
	assert_int_equal(frame_alloc_below(0, FRAME_BELOW_4G), FRAME_NONE);

	paddr_t blocks[8];
	for (unsigned i = 0; i < 8; i++) {
		blocks[i] = frame_alloc_zeroed(i);
		assert_true(blocks[i] >= base && blocks[i] < meta_start);
		const uint8_t *bytes = phys_to_virt(blocks[i]);
		for (size_t b = 0; b < (PAGE_SIZE << i); b++)
			assert_int_equal(bytes[b], 0);
	}
	for (unsigned i = 0; i < 8; i++)
		frame_free(blocks[i], i);
	assert_int_equal(frame_free_count(), initial);
	assert_int_equal(count_max_blocks(), FRAMES(meta_start - base) >> FRAME_MAX_ORDER);
}

static void test_straddling_4g(void **state)
{
	(void)state;
	paddr_t base = 4 * GIB - 32 * MIB;
	phys_setup(base);
	frame_add_range(base, meta_start - base);

	/* Plain allocations come from above 4 GiB first... */
	paddr_t pa = frame_alloc(0);
	assert_true(pa >= 4 * GIB);
	frame_free(pa, 0);

	/* ...and no block ever spans the 4 GiB edge. */
	uint64_t below = 0;
	while ((pa = frame_alloc_below(FRAME_MAX_ORDER, FRAME_BELOW_4G)) != FRAME_NONE) {
		assert_true(pa + (PAGE_SIZE << FRAME_MAX_ORDER) <= 4 * GIB);
		below++;
	}
	assert_int_equal(below, 32 * MIB / (PAGE_SIZE << FRAME_MAX_ORDER));
	while ((pa = frame_alloc(FRAME_MAX_ORDER)) != FRAME_NONE)
		assert_true(pa >= 4 * GIB);
}

static void test_low_zone_edge(void **state)
{
	(void)state;
	phys_setup(0);
	frame_add_range(0, 4 * MIB);
	/* Blocks stop at the 1 MiB edge, so nothing of order 9 or more is possible below 2 MiB. */
	paddr_t pa = frame_alloc_below(9, 2 * MIB);
	assert_int_equal(pa, FRAME_NONE);
	pa = frame_alloc_below(8, FRAME_BELOW_1M);
	assert_int_equal(pa, 0);
	while (frame_alloc(0) != FRAME_NONE)
		;
	/* Nothing is free now: a block spanning the edge is refused for what it is. */
	expect_assert_failure(frame_free(0, 9));
	frame_free(pa, 8);
	assert_int_equal(frame_free_count(), 256);
}

static void test_misuse_panics(void **state)
{
	(void)state;
	phys_setup(0);
	frame_add_range(4 * MIB, 8 * MIB);
	uint64_t initial = frame_free_count();

	paddr_t pa = frame_alloc(0);
	frame_free(pa, 0);
	expect_assert_failure(frame_free(pa, 0));                 /* plain double free */

	pa = frame_alloc(2);
	frame_free(pa, 2);
	expect_assert_failure(frame_free(pa + PAGE_SIZE, 0));     /* inside a free block */
	expect_assert_failure(frame_free(pa & ~((PAGE_SIZE << 5) - 1), 5)); /* contains free frames */

	pa = frame_alloc(1);
	frame_free(pa + PAGE_SIZE, 0);                            /* half of it back... */
	expect_assert_failure(frame_free(pa, 1));                 /* ...so the whole is partly free */
	frame_free(pa, 0);

	pa = frame_alloc(0);
	expect_assert_failure(frame_free(pa + 0x800, 0));         /* misaligned */
	expect_assert_failure(frame_free(pa, FRAME_MAX_ORDER + 1));
	expect_assert_failure(frame_free(FRAME_NONE, 0));
	expect_assert_failure(frame_free(2 * MIB, 0));            /* never added */
	expect_assert_failure(frame_free(12 * MIB, 0));           /* just past the range */
	expect_assert_failure(frame_free(meta_start, 0));         /* the metadata */
	expect_assert_failure(frame_free(1ull << 45, 0));         /* beyond max_phys */
	frame_free(pa, 0);

	expect_assert_failure(frame_add_range(6 * MIB, PAGE_SIZE));         /* added twice */
	expect_assert_failure(frame_add_range(2 * MIB, 3 * MIB));           /* overlaps the start */
	expect_assert_failure(frame_add_range(meta_start - MIB, 2 * MIB));  /* covers the metadata */

	/* The caught misuse changed nothing. */
	assert_int_equal(frame_free_count(), initial);
	assert_int_equal(frame_total_count(), initial);
	assert_int_equal(count_max_blocks(), 2);
}

static void test_corrupted_free_block(void **state)
{
	(void)state;
	phys_setup(0);
	frame_add_range(4 * MIB, 4 * MIB);
	/* The single free block heads at 4 MiB; a stray write into it must not go unnoticed. */
	memset(phys_to_virt(4 * MIB), 0, 16);
	expect_assert_failure(frame_alloc(0));
}

/* Domain-like create/destroy cycles: the free count returns exactly to baseline every time. */
static void test_create_destroy_cycles(void **state)
{
	(void)state;
	phys_setup(0);
	frame_add_range(0x1000, 0x9f000 - 0x1000);
	frame_add_range(MIB, meta_start - MIB);
	uint64_t baseline = frame_free_count();
	unsigned max_blocks = count_max_blocks();

	static const unsigned orders[] = { 0, 0, 9, 0, 1, 0, 3, 0, 0, 9, 2, 0, 10, 0, 0, 4 };
	enum { NR = sizeof orders / sizeof orders[0] };
	rng_state = 42;
	for (unsigned cycle = 0; cycle < 1000; cycle++) {
		paddr_t held[NR + 1];
		for (unsigned i = 0; i < NR; i++) {
			held[i] = frame_alloc_zeroed(orders[i]);
			assert_int_not_equal(held[i], FRAME_NONE);
		}
		held[NR] = frame_alloc_below(0, FRAME_BELOW_1M);
		assert_true(held[NR] < MIB);
		frame_free(held[NR], 0);
		/* Tear down in a different order each cycle. */
		unsigned start = (unsigned)(rng() % NR);
		for (unsigned k = 0; k < NR; k++) {
			unsigned i = (start + k * 7) % NR;
			frame_free(held[i], orders[i]);
		}
		assert_int_equal(frame_free_count(), baseline);
	}
	assert_int_equal(count_max_blocks(), max_blocks);
}

/* Random mixed traffic; every block carries its own address so overlaps would show. */
static void test_random_stress(void **state)
{
	(void)state;
	phys_setup(0);
	frame_add_range(MIB, meta_start - MIB);
	uint64_t initial = frame_free_count();
	enum { SLOTS = 2048 };
	static paddr_t pa[SLOTS];
	static unsigned order[SLOTS];
	for (unsigned i = 0; i < SLOTS; i++)
		pa[i] = FRAME_NONE;

	rng_state = 0xfeedface;
	for (unsigned step = 0; step < 200000; step++) {
		unsigned slot = (unsigned)(rng() % SLOTS);
		if (pa[slot] != FRAME_NONE) {
			check_block(pa[slot], order[slot]);
			frame_free(pa[slot], order[slot]);
			pa[slot] = FRAME_NONE;
			continue;
		}
		unsigned want = (unsigned)(rng() % 8 == 0 ? rng() % (FRAME_MAX_ORDER + 1) : rng() % 2);
		paddr_t got = frame_alloc(want);
		if (got == FRAME_NONE)
			continue;
		assert_int_equal(got % (PAGE_SIZE << want), 0);
		fill_block(got, want);
		pa[slot] = got;
		order[slot] = want;
	}
	for (unsigned i = 0; i < SLOTS; i++)
		if (pa[i] != FRAME_NONE) {
			check_block(pa[i], order[i]);
			frame_free(pa[i], order[i]);
		}
	assert_int_equal(frame_free_count(), initial);
}

#define TEST(name) cmocka_unit_test_teardown(name, phys_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_meta_size),
		TEST(test_empty_allocator),
		TEST(test_all_orders),
		TEST(test_coalesce_to_initial_state),
		TEST(test_fragmentation),
		TEST(test_exhaustion),
		TEST(test_alloc_below),
		TEST(test_holes_and_odd_alignment),
		TEST(test_above_4g),
		TEST(test_straddling_4g),
		TEST(test_low_zone_edge),
		TEST(test_misuse_panics),
		TEST(test_corrupted_free_block),
		TEST(test_create_destroy_cycles),
		TEST(test_random_stress),
	};
	return cmocka_run_group_tests_name("frame", tests, NULL, NULL);
}
