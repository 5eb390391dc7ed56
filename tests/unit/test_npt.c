/* test_npt.c: unit tests of the SVM nested page tables on the real frame allocator over fake memory. */
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
#include "phys_arena.h"
#include "keel/abi.h"
#include "svm/svm.h"

uint64_t mm_direct_map_offset;

#define MIB (1ull << 20)
#define GIB (1ull << 30)
#define ARENA_SIZE (16 * MIB)
#define PHYS_BASE (8ull << 30)

#define NPT_P  (1ull << 0)
#define NPT_RW (1ull << 1)
#define NPT_US (1ull << 2)
#define NPT_PS (1ull << 7)
#define NPT_NX (1ull << 63)
#define ADDR   0x000ffffffffff000ull

static void *arena;
static uint64_t free_at_start;

static int setup(void **state)
{
	(void)state;
	arena = phys_arena_setup(PHYS_BASE, ARENA_SIZE, 0x5a, NULL);
	free_at_start = frame_free_count();
	npt_use_nx = true;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(arena);
	arena = NULL;
	return 0;
}

/* The raw entry at 'level' (4..1) on gpa's path, or 0 if the walk stops before it. */
static uint64_t entry_at(const struct p2m *p2m, uint64_t gpa, int level)
{
	const uint64_t *t = phys_to_virt(p2m->root);
	for (int l = 4; l >= 1; l--) {
		uint64_t e = t[(gpa >> (12 + 9 * (l - 1))) & 511];
		if (l == level)
			return e;
		if (!(e & NPT_P) || (e & NPT_PS))
			return 0;
		t = phys_to_virt(e & ADDR);
	}
	return 0;
}

static void expect_mapping(const struct p2m *p2m, uint64_t gpa, paddr_t hpa, unsigned int perms)
{
	paddr_t got;
	unsigned int got_perms;
	assert_int_equal(npt_lookup(p2m, gpa, &got, &got_perms), 0);
	assert_int_equal(got, hpa);
	assert_int_equal(got_perms, perms);
}

static void expect_unmapped(const struct p2m *p2m, uint64_t gpa)
{
	paddr_t got;
	unsigned int got_perms;
	assert_int_equal(npt_lookup(p2m, gpa, &got, &got_perms), -1);
}

static void test_init_destroy(void **state)
{
	(void)state;
	struct p2m p2m;
	assert_int_equal(npt_init(&p2m), 0);
	assert_int_equal(p2m.table_pages, 1);
	expect_unmapped(&p2m, 0);
	npt_destroy(&p2m);
	assert_int_equal(p2m.table_pages, 0);
	assert_int_equal(frame_free_count(), free_at_start);
}

static void test_map_4k(void **state)
{
	(void)state;
	struct p2m p2m;
	assert_int_equal(npt_init(&p2m), 0);
	assert_int_equal(npt_map(&p2m, 0x1000, 0x123456000ull, 0, P2M_RWX), 0);
	assert_int_equal(p2m.table_pages, 4);   /* PML4, PDPT, PD, PT */
	expect_mapping(&p2m, 0x1000, 0x123456000ull, P2M_RWX);
	expect_mapping(&p2m, 0x1abc, 0x123456abcull, P2M_RWX);
	expect_unmapped(&p2m, 0x0);
	expect_unmapped(&p2m, 0x2000);

	/* Every level carries U/S (guest accesses are user accesses); only the leaf restricts. */
	for (int l = 4; l >= 2; l--)
		assert_int_equal(entry_at(&p2m, 0x1000, l) & (NPT_P | NPT_RW | NPT_US | NPT_NX | NPT_PS),
				 NPT_P | NPT_RW | NPT_US);
	assert_int_equal(entry_at(&p2m, 0x1000, 1), 0x123456000ull | NPT_P | NPT_RW | NPT_US);
	npt_destroy(&p2m);
	assert_int_equal(frame_free_count(), free_at_start);
}

static void test_permissions(void **state)
{
	(void)state;
	struct p2m p2m;
	assert_int_equal(npt_init(&p2m), 0);
	assert_int_equal(npt_map(&p2m, 0x10000, 0x10000, 0, P2M_READ), 0);
	assert_int_equal(npt_map(&p2m, 0x11000, 0x11000, 0, P2M_READ | P2M_WRITE), 0);
	assert_int_equal(npt_map(&p2m, 0x12000, 0x12000, 0, P2M_READ | P2M_EXEC), 0);
	expect_mapping(&p2m, 0x10000, 0x10000, P2M_READ);
	expect_mapping(&p2m, 0x11000, 0x11000, P2M_READ | P2M_WRITE);
	expect_mapping(&p2m, 0x12000, 0x12000, P2M_READ | P2M_EXEC);
	assert_int_equal(entry_at(&p2m, 0x10000, 1), 0x10000 | NPT_P | NPT_US | NPT_NX);
	assert_int_equal(entry_at(&p2m, 0x11000, 1), 0x11000 | NPT_P | NPT_RW | NPT_US | NPT_NX);
	assert_int_equal(entry_at(&p2m, 0x12000, 1), 0x12000 | NPT_P | NPT_US);

	/* Without host EFER.NXE the NX bit is reserved: never set it then. */
	npt_use_nx = false;
	assert_int_equal(npt_map(&p2m, 0x13000, 0x13000, 0, P2M_READ), 0);
	assert_int_equal(entry_at(&p2m, 0x13000, 1), 0x13000 | NPT_P | NPT_US);
	npt_use_nx = true;

	/* A present entry is always readable: write-only and exec-only cannot be expressed. */
	assert_int_equal(npt_map(&p2m, 0x14000, 0x14000, 0, P2M_WRITE), -KEEL_EINVAL);
	assert_int_equal(npt_map(&p2m, 0x14000, 0x14000, 0, P2M_EXEC), -KEEL_EINVAL);
	assert_int_equal(npt_map(&p2m, 0x14000, 0x14000, 0, 0), -KEEL_EINVAL);
	assert_int_equal(npt_map(&p2m, 0x14000, 0x14000, 0, P2M_RWX | (1u << 4)), -KEEL_EINVAL);   /* past P2M_UNCACHED */
	npt_destroy(&p2m);
	assert_int_equal(frame_free_count(), free_at_start);
}

static void test_map_2m_and_larger(void **state)
{
	(void)state;
	struct p2m p2m;
	assert_int_equal(npt_init(&p2m), 0);
	assert_int_equal(npt_map(&p2m, 0x200000, 0x40000000ull, 9, P2M_RWX), 0);
	assert_int_equal(p2m.table_pages, 3);   /* PML4, PDPT, PD: the leaf sits in the PD */
	assert_int_equal(entry_at(&p2m, 0x200000, 2), 0x40000000ull | NPT_P | NPT_RW | NPT_US | NPT_PS);
	expect_mapping(&p2m, 0x200000, 0x40000000ull, P2M_RWX);
	expect_mapping(&p2m, 0x3fffff, 0x401fffffull, P2M_RWX);
	expect_unmapped(&p2m, 0x400000);

	/* Order 10 = two 2 MiB leaves. */
	assert_int_equal(npt_map(&p2m, 0x800000, 0x80000000ull, 10, P2M_READ), 0);
	expect_mapping(&p2m, 0x800000, 0x80000000ull, P2M_READ);
	expect_mapping(&p2m, 0xa00000, 0x80200000ull, P2M_READ);
	assert_true(entry_at(&p2m, 0xa00000, 2) & NPT_PS);
	assert_int_equal(p2m.table_pages, 3);

	/* Order 3 = eight 4 KiB leaves, in a high GPA slot (new PDPT, PD and PT). */
	assert_int_equal(npt_map(&p2m, 0x8000000000ull, 0x5000000ull, 3, P2M_RWX), 0);
	assert_int_equal(p2m.table_pages, 6);
	for (uint64_t i = 0; i < 8; i++)
		expect_mapping(&p2m, 0x8000000000ull + i * 4096, 0x5000000ull + i * 4096, P2M_RWX);
	expect_unmapped(&p2m, 0x8000000000ull + 8 * 4096);
	npt_destroy(&p2m);
	assert_int_equal(p2m.table_pages, 0);
	assert_int_equal(frame_free_count(), free_at_start);
}

static void test_bad_arguments(void **state)
{
	(void)state;
	struct p2m p2m;
	assert_int_equal(npt_init(&p2m), 0);
	assert_int_equal(npt_map(&p2m, 0x1800, 0x2000, 0, P2M_RWX), -KEEL_EINVAL);      /* gpa */
	assert_int_equal(npt_map(&p2m, 0x2000, 0x2800, 0, P2M_RWX), -KEEL_EINVAL);      /* hpa */
	assert_int_equal(npt_map(&p2m, 0x201000, 0x200000, 9, P2M_RWX), -KEEL_EINVAL);  /* 2M gpa */
	assert_int_equal(npt_map(&p2m, 0x200000, 0x201000, 9, P2M_RWX), -KEEL_EINVAL);  /* 2M hpa */
	assert_int_equal(npt_map(&p2m, 1ull << 48, 0, 0, P2M_RWX), -KEEL_EINVAL);       /* > 48 bits */
	assert_int_equal(npt_map(&p2m, (1ull << 48) - 4096, 0, 1, P2M_RWX), -KEEL_EINVAL);
	assert_int_equal(npt_map(&p2m, 0, 1ull << 52, 0, P2M_RWX), -KEEL_EINVAL);       /* > 52 bits */
	assert_int_equal(npt_map(&p2m, 0, 0, 60, P2M_RWX), -KEEL_EINVAL);
	assert_int_equal(p2m.table_pages, 1);   /* nothing was built for the refusals */
	npt_destroy(&p2m);
	assert_int_equal(frame_free_count(), free_at_start);
}

static void test_remap_replaces(void **state)
{
	(void)state;
	struct p2m p2m;
	assert_int_equal(npt_init(&p2m), 0);
	assert_int_equal(npt_map(&p2m, 0x5000, 0x9000, 0, P2M_READ), 0);
	assert_int_equal(npt_map(&p2m, 0x5000, 0xa000, 0, P2M_RWX), 0);
	expect_mapping(&p2m, 0x5000, 0xa000, P2M_RWX);
	assert_int_equal(p2m.table_pages, 4);

	/* A 2 MiB map over a region with a page table frees that table. */
	assert_int_equal(npt_map(&p2m, 0, 0x600000, 9, P2M_READ), 0);
	assert_int_equal(p2m.table_pages, 3);
	expect_mapping(&p2m, 0x5000, 0x605000, P2M_READ);
	npt_destroy(&p2m);
	assert_int_equal(frame_free_count(), free_at_start);
}

static void test_4k_inside_2m_splits(void **state)
{
	(void)state;
	struct p2m p2m;
	assert_int_equal(npt_init(&p2m), 0);
	assert_int_equal(npt_map(&p2m, 0x200000, 0x40000000ull, 9, P2M_RWX), 0);
	assert_int_equal(npt_map(&p2m, 0x203000, 0x7000000ull, 0, P2M_READ), 0);
	assert_int_equal(p2m.table_pages, 4);
	/* The rest of the old 2 MiB page keeps its mapping and rights. */
	expect_mapping(&p2m, 0x200000, 0x40000000ull, P2M_RWX);
	expect_mapping(&p2m, 0x202fff, 0x40002fffull, P2M_RWX);
	expect_mapping(&p2m, 0x203000, 0x7000000ull, P2M_READ);
	expect_mapping(&p2m, 0x204000, 0x40004000ull, P2M_RWX);
	expect_mapping(&p2m, 0x3ff000, 0x401ff000ull, P2M_RWX);
	npt_destroy(&p2m);
	assert_int_equal(frame_free_count(), free_at_start);
}

static void test_unmap(void **state)
{
	(void)state;
	struct p2m p2m;
	assert_int_equal(npt_init(&p2m), 0);
	assert_int_equal(npt_map(&p2m, 0x1000, 0x1000, 0, P2M_RWX), 0);
	assert_int_equal(npt_map(&p2m, 0x2000, 0x2000, 0, P2M_RWX), 0);
	npt_unmap(&p2m, 0x1000, 0);
	expect_unmapped(&p2m, 0x1000);
	expect_mapping(&p2m, 0x2000, 0x2000, P2M_RWX);
	assert_int_equal(p2m.table_pages, 4);
	/* The last leaf gone: PT, PD and PDPT become empty and are freed; the root stays. */
	npt_unmap(&p2m, 0x2000, 0);
	expect_unmapped(&p2m, 0x2000);
	assert_int_equal(p2m.table_pages, 1);
	assert_int_equal(entry_at(&p2m, 0x2000, 4), 0);

	/* Unmapping what is not mapped is harmless. */
	npt_unmap(&p2m, 0x7000, 0);
	npt_unmap(&p2m, 0x40000000ull, 9);
	assert_int_equal(p2m.table_pages, 1);

	/* A 2 MiB leaf. */
	assert_int_equal(npt_map(&p2m, 0x400000, 0x400000, 9, P2M_RWX), 0);
	npt_unmap(&p2m, 0x400000, 9);
	expect_unmapped(&p2m, 0x400000);
	assert_int_equal(p2m.table_pages, 1);

	/* 4 KiB out of a 2 MiB leaf: split, the rest stays. */
	assert_int_equal(npt_map(&p2m, 0x400000, 0x400000, 9, P2M_RWX), 0);
	npt_unmap(&p2m, 0x401000, 0);
	expect_unmapped(&p2m, 0x401000);
	expect_mapping(&p2m, 0x400000, 0x400000, P2M_RWX);
	expect_mapping(&p2m, 0x402000, 0x402000, P2M_RWX);
	assert_int_equal(p2m.table_pages, 4);

	/* 2 MiB over a split region: the page table goes too. */
	npt_unmap(&p2m, 0x400000, 9);
	expect_unmapped(&p2m, 0x402000);
	assert_int_equal(p2m.table_pages, 1);
	npt_destroy(&p2m);
	assert_int_equal(frame_free_count(), free_at_start);
}

static void test_destroy_frees_everything(void **state)
{
	(void)state;
	struct p2m p2m;
	assert_int_equal(npt_init(&p2m), 0);
	/* A spread of mappings across PML4 and PDPT slots, 4 KiB and 2 MiB. */
	for (uint64_t i = 0; i < 64; i++) {
		uint64_t gpa = i * (GIB / 2) + (i % 2 ? 0x1000 : 0);
		assert_int_equal(npt_map(&p2m, gpa, 0x100000000ull + i * 0x200000, i % 2 ? 0 : 9, P2M_RWX), 0);
	}
	assert_int_equal(npt_map(&p2m, 0x7fff00000000ull, 0x1000, 0, P2M_READ), 0);
	assert_true(p2m.table_pages > 10);
	npt_destroy(&p2m);
	assert_int_equal(p2m.table_pages, 0);
	assert_int_equal(frame_free_count(), free_at_start);
}

static void test_out_of_memory(void **state)
{
	(void)state;
	struct p2m p2m;
	assert_int_equal(npt_init(&p2m), 0);
	/* Eat every free frame, then ask for a mapping that needs new tables. */
	paddr_t taken[8192];
	size_t n = 0;
	while (n < 8192 && (taken[n] = frame_alloc(0)) != FRAME_NONE)
		n++;
	assert_int_equal(npt_map(&p2m, 0x1000, 0x1000, 0, P2M_RWX), -KEEL_ENOMEM);
	while (n)
		frame_free(taken[--n], 0);
	/* Whatever was built before memory ran out is still accounted for and freed. */
	npt_destroy(&p2m);
	assert_int_equal(frame_free_count(), free_at_start);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_destroy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_4k, setup, teardown),
		cmocka_unit_test_setup_teardown(test_permissions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_2m_and_larger, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remap_replaces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_4k_inside_2m_splits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unmap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_destroy_frees_everything, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_memory, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
