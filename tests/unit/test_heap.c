/* test_heap.c: unit tests of kmalloc/kfree on the real frame allocator over fake physical memory. */
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
#include "heap.h"

uint64_t mm_direct_map_offset;

#define MIB (1ull << 20)
#define ARENA_SIZE (64 * MIB)
#define PHYS_BASE (16ull << 30)  /* above 4 GiB, as most of the heap will be */

static void *arena;
static uint64_t baseline_free;

/* Fresh fake physical memory with len bytes of it handed to the allocator, and an empty heap. */
static void heap_setup_with(uint64_t len)
{
	free(arena);
	arena = aligned_alloc(PAGE_SIZE, ARENA_SIZE);
	assert_non_null(arena);
	memset(arena, 0x5a, ARENA_SIZE);
	mm_direct_map_offset = (uint64_t)(uintptr_t)arena - PHYS_BASE;

	paddr_t max_phys = PHYS_BASE + ARENA_SIZE;
	paddr_t meta = ALIGN_DOWN(max_phys - frame_meta_size(max_phys), PAGE_SIZE);
	frame_init(max_phys, phys_to_virt(meta));
	assert_true(PHYS_BASE + len <= meta);
	frame_add_range(PHYS_BASE, len);
	heap_init();
	baseline_free = frame_free_count();
}

static int heap_setup(void **state)
{
	(void)state;
	heap_setup_with(32 * MIB);
	return 0;
}

static int heap_teardown(void **state)
{
	(void)state;
	free(arena);
	arena = NULL;
	return 0;
}

static struct heap_stats stats(void)
{
	struct heap_stats s;
	heap_get_stats(&s);
	return s;
}

/* Everything freed: no live allocations, and every frame back with the frame allocator. */
static void assert_heap_empty(void)
{
	struct heap_stats s = stats();
	assert_int_equal(s.allocs_live, 0);
	assert_int_equal(s.bytes_in_use, 0);
	assert_int_equal(s.slab_frames, 0);
	assert_int_equal(s.large_frames, 0);
	assert_int_equal(frame_free_count(), baseline_free);
}

static uint64_t rng_state;
static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static uint8_t pattern_byte(unsigned tag, size_t i) { return (uint8_t)(tag * 31 + i * 7 + (i >> 8)); }

static void fill(void *ptr, size_t size, unsigned tag)
{
	uint8_t *bytes = ptr;
	for (size_t i = 0; i < size; i++)
		bytes[i] = pattern_byte(tag, i);
}

static void verify(const void *ptr, size_t size, unsigned tag)
{
	const uint8_t *bytes = ptr;
	for (size_t i = 0; i < size; i++)
		if (bytes[i] != pattern_byte(tag, i))
			fail_msg("allocation %u corrupted at byte %zu of %zu", tag, i, size);
}

static bool in_heap_memory(const void *ptr, size_t size)
{
	paddr_t pa = virt_to_phys(ptr);
	return pa >= PHYS_BASE && pa + size <= PHYS_BASE + 32 * MIB;
}

static void test_size_classes(void **state)
{
	(void)state;
	for (size_t size = 1; size <= HEAP_SLAB_MAX; size++) {
		void *ptr = kmalloc(size);
		assert_non_null(ptr);
		assert_int_equal((uintptr_t)ptr % HEAP_ALIGN, 0);
		assert_true(in_heap_memory(ptr, size));
		size_t rounded = HEAP_SLAB_MIN;
		while (rounded < size)
			rounded *= 2;
		assert_int_equal(stats().bytes_in_use, rounded);
		assert_int_equal(stats().allocs_live, 1);
		assert_int_equal(stats().slab_frames, 1);
		memset(ptr, 0xee, size);
		kfree(ptr);
		assert_heap_empty();
	}

	/* One class packs into one frame until the frame is full. */
	void *objects[300];
	unsigned per_frame = (PAGE_SIZE - HEAP_HEADER_SIZE) / 16;
	for (unsigned i = 0; i <= per_frame; i++) {
		objects[i] = kmalloc(16);
		assert_non_null(objects[i]);
		assert_int_equal(stats().slab_frames, i < per_frame ? 1 : 2);
		for (unsigned j = 0; j < i; j++)
			assert_ptr_not_equal(objects[i], objects[j]);
	}
	/* A freed object is the next one handed out of its class. */
	kfree(objects[7]);
	assert_ptr_equal(kmalloc(9), objects[7]);
	for (unsigned i = 0; i <= per_frame; i++)
		kfree(objects[i]);
	assert_heap_empty();
}

static void test_big_allocations(void **state)
{
	(void)state;
	size_t max = (PAGE_SIZE << FRAME_MAX_ORDER) - HEAP_HEADER_SIZE;
	static const struct { size_t size; uint64_t frames; } cases[] = {
		{ HEAP_SLAB_MAX + 1, 1 },
		{ PAGE_SIZE - HEAP_HEADER_SIZE, 1 },
		{ PAGE_SIZE - HEAP_HEADER_SIZE + 1, 2 },
		{ PAGE_SIZE, 2 },
		{ 100000, 32 },
		{ (PAGE_SIZE << FRAME_MAX_ORDER) - HEAP_HEADER_SIZE, 1u << FRAME_MAX_ORDER },
	};
	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint8_t *ptr = kmalloc(cases[i].size);
		assert_non_null(ptr);
		assert_int_equal((uintptr_t)ptr % HEAP_ALIGN, 0);
		assert_true(in_heap_memory(ptr, cases[i].size));
		assert_int_equal(stats().large_frames, cases[i].frames);
		assert_int_equal(stats().bytes_in_use, cases[i].frames * PAGE_SIZE - HEAP_HEADER_SIZE);
		assert_int_equal(frame_free_count(), baseline_free - cases[i].frames);
		fill(ptr, cases[i].size, i);
		verify(ptr, cases[i].size, i);
		kfree(ptr);
		assert_heap_empty();
	}
	assert_null(kmalloc(max + 1));
	assert_null(kmalloc(SIZE_MAX));
	assert_null(kmalloc(SIZE_MAX - HEAP_HEADER_SIZE + 1));
	assert_null(kmalloc(0));
	assert_null(kcalloc(SIZE_MAX / 2, 3));
	assert_null(kcalloc(0, 16));
	kfree(NULL);
	assert_heap_empty();
}

static void test_kzalloc_zeroes(void **state)
{
	(void)state;
	static const size_t sizes[] = { 1, 16, 24, 100, 512, 1024, 2000, 5000, 70000 };
	for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		/* Dirty the memory first, so the zeroes are kzalloc's doing. */
		void *dirty = kmalloc(sizes[i]);
		memset(dirty, 0xff, sizes[i]);
		void *keep = kmalloc(sizes[i]);  /* keeps a slab alive so the dirty object is reused */
		kfree(dirty);
		uint8_t *clean = kzalloc(sizes[i]);
		assert_non_null(clean);
		for (size_t b = 0; b < sizes[i]; b++)
			assert_int_equal(clean[b], 0);
		kfree(clean);
		kfree(keep);
	}
	uint32_t *array = kcalloc(100, sizeof(uint32_t));
	assert_non_null(array);
	for (unsigned i = 0; i < 100; i++)
		assert_int_equal(array[i], 0);
	kfree(array);
	assert_heap_empty();
}

static void test_misuse_panics(void **state)
{
	(void)state;
	char *small = kmalloc(32);
	char *neighbour = kmalloc(32);      /* keeps the slab alive after small is freed */
	char *big = kmalloc(10000);

	expect_assert_failure(kfree(small + 16));               /* inside an object */
	expect_assert_failure(kfree(small + 1));                /* misaligned */
	expect_assert_failure(kfree(big + 4096));               /* inside a large block */
	expect_assert_failure(kfree(big - HEAP_HEADER_SIZE));   /* the header itself */
	char *slab_frame = (char *)((uintptr_t)small & ~(uintptr_t)(PAGE_SIZE - 1));
	expect_assert_failure(kfree(slab_frame + 16));          /* inside the slab header */

	int on_stack = 0;
	expect_assert_failure(kfree(&on_stack));                /* foreign: not heap memory at all */
	void *libc = malloc(64);
	expect_assert_failure(kfree(libc));
	free(libc);
	paddr_t raw = frame_alloc(0);                           /* managed, but not the heap's */
	memset(phys_to_virt(raw), 0, PAGE_SIZE);
	expect_assert_failure(kfree((char *)phys_to_virt(raw) + HEAP_HEADER_SIZE));
	frame_free(raw, 0);

	kfree(small);
	expect_assert_failure(kfree(small));                    /* double free, slab still live */
	kfree(neighbour);
	expect_assert_failure(kfree(neighbour));                /* double free, slab released */
	kfree(big);
	expect_assert_failure(kfree(big));                      /* double free of a large block */

	/* Nothing the panics caught changed the heap. */
	assert_heap_empty();
}

static void test_exhaustion(void **state)
{
	(void)state;
	heap_setup_with(MIB);
	void *objects[MIB / 64 + 1];
	unsigned n = 0;
	while ((objects[n] = kmalloc(64)) != NULL)
		n++;
	/* 63 objects per frame, and every frame of the megabyte used. */
	assert_int_equal(n, 63 * (MIB / PAGE_SIZE));
	assert_int_equal(frame_free_count(), 0);
	assert_null(kmalloc(5000));
	assert_null(kzalloc(16));
	for (unsigned i = 0; i < n; i++)
		kfree(objects[i]);
	assert_heap_empty();

	/* Large blocks run out the same way. */
	n = 0;
	while ((objects[n] = kmalloc(PAGE_SIZE * 3)) != NULL)
		n++;
	assert_int_equal(n, MIB / (4 * PAGE_SIZE));
	for (unsigned i = 0; i < n; i++)
		kfree(objects[i]);
	assert_heap_empty();
}

/* Random mixed sizes; each block carries a pattern checked before it is freed. */
static void test_random_stress(void **state)
{
	(void)state;
	enum { SLOTS = 3000 };
	static void *ptr[SLOTS];
	static size_t size[SLOTS];
	memset(ptr, 0, sizeof ptr);
	uint64_t live = 0, failures = 0;

	rng_state = 0x9e3779b97f4a7c15ull;
	for (unsigned step = 0; step < 300000; step++) {
		unsigned slot = (unsigned)(rng() % SLOTS);
		if (ptr[slot]) {
			verify(ptr[slot], size[slot], slot);
			kfree(ptr[slot]);
			ptr[slot] = NULL;
			live--;
			continue;
		}
		uint64_t pick = rng() % 100;
		size_t want = pick < 80 ? 1 + rng() % 256
			    : pick < 95 ? 1 + rng() % HEAP_SLAB_MAX
			    : pick < 99 ? 1 + rng() % 20000
			    : 1 + rng() % (1u << 20);
		void *got = kmalloc(want);
		if (!got) {
			failures++;
			continue;
		}
		assert_int_equal((uintptr_t)got % HEAP_ALIGN, 0);
		assert_true(in_heap_memory(got, want));
		fill(got, want, slot);
		ptr[slot] = got;
		size[slot] = want;
		live++;
		assert_int_equal(stats().allocs_live, live);
	}
	/* 32 MiB is plenty for this mix; running out would hide bugs behind NULL. */
	assert_int_equal(failures, 0);
	for (unsigned i = 0; i < SLOTS; i++)
		if (ptr[i]) {
			verify(ptr[i], size[i], i);
			kfree(ptr[i]);
		}
	assert_heap_empty();
}

/* Domain-like lifetimes: 1,000 create/destroy cycles leave no frame behind. */
static void test_create_destroy_cycles(void **state)
{
	(void)state;
	static const size_t shape[] = { 480, 64, 64, 8192, 24, 24, 24, 3000, 1024, 200000, 16, 700 };
	enum { NR = sizeof shape / sizeof shape[0] };
	for (unsigned cycle = 0; cycle < 1000; cycle++) {
		void *held[NR];
		for (unsigned i = 0; i < NR; i++) {
			held[i] = kzalloc(shape[i]);
			assert_non_null(held[i]);
		}
		for (unsigned k = 0; k < NR; k++) {
			unsigned i = (cycle + k * 5) % NR;
			kfree(held[i]);
		}
		assert_heap_empty();
	}
}

#define TEST(name) cmocka_unit_test_setup_teardown(name, heap_setup, heap_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_size_classes),
		TEST(test_big_allocations),
		TEST(test_kzalloc_zeroes),
		TEST(test_misuse_panics),
		TEST(test_exhaustion),
		TEST(test_random_stress),
		TEST(test_create_destroy_cycles),
	};
	return cmocka_run_group_tests_name("heap", tests, NULL, NULL);
}
