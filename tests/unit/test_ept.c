/* test_ept.c: unit tests of EPT table building (map, split, unmap, destroy) over a malloc'd stand-in for physical memory. */
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
#include "log.h"
#include "vmx/ept.h"
#include "vmx/vmx.h"

uint64_t mm_direct_map_offset;
struct vmx_config vmx_config;

static int warnings;
void log_printf(enum log_level level, const char *fmt, ...)
{
	(void)level;
	(void)fmt;
	warnings++;
}

#define MIB (1ull << 20)
#define GIB (1ull << 30)
#define ARENA_SIZE (16 * MIB)
#define PHYS_BASE (4 * GIB)
#define SIZE_2M (2 * MIB)

static void *arena;
static uint64_t free_at_start;
static struct p2m p2m;

static int setup(void **state)
{
	(void)state;
	arena = phys_arena_setup(PHYS_BASE, ARENA_SIZE, -1, NULL);
	free_at_start = frame_free_count();
	vmx_config = (struct vmx_config){ .ept_2m = true };
	warnings = 0;
	assert_int_equal(ept_init(&p2m), 0);
	assert_int_equal(p2m.table_pages, 1);
	return 0;
}

/* Every test ends by destroying its tables: nothing may leak. */
static int teardown(void **state)
{
	(void)state;
	ept_destroy(&p2m);
	assert_int_equal(p2m.table_pages, 0);
	assert_int_equal(p2m.root, 0);
	assert_int_equal(frame_free_count(), free_at_start);
	free(arena);
	arena = NULL;
	return 0;
}

/* The raw leaf entry for gpa (walked here independently of ept.c), and its level. */
static uint64_t leaf_entry(uint64_t gpa, unsigned int *level)
{
	const uint64_t *t = phys_to_virt(p2m.root);
	for (unsigned int l = 4; l >= 1; l--) {
		uint64_t e = t[(gpa >> (12 + 9 * (l - 1))) & 511];
		if (!(e & EPT_RWX))
			return 0;
		if (l == 1 || (e & EPT_LARGE)) {
			*level = l;
			return e;
		}
		/* Non-leaf entries must grant everything and carry no memory type. */
		assert_int_equal(e & ~EPT_ADDR_MASK, EPT_RWX);
		t = phys_to_virt(e & EPT_ADDR_MASK);
	}
	return 0;
}

static void assert_maps(uint64_t gpa, paddr_t hpa, unsigned int perms)
{
	paddr_t got;
	unsigned int got_perms;
	assert_int_equal(ept_translate(&p2m, gpa, &got, &got_perms), 0);
	assert_int_equal(got, hpa);
	assert_int_equal(got_perms, perms);
}

static void assert_unmapped(uint64_t gpa)
{
	paddr_t got;
	unsigned int perms;
	assert_int_equal(ept_translate(&p2m, gpa, &got, &perms), -1);
}

static void test_pointer(void **state)
{
	(void)state;
	/* Write-back tables (6), a 4-level walk (3 in bits 5:3), no A/D flags (SDM 24.6.11). */
	assert_int_equal(ept_pointer(&p2m), p2m.root | 0x1e);
	assert_int_equal(p2m.root & 0xfff, 0);
}

static void test_map_4k(void **state)
{
	(void)state;
	assert_int_equal(ept_map(&p2m, 0x100000, 0x7654000, 0, P2M_RWX), 0);
	assert_int_equal(p2m.table_pages, 4);
	assert_maps(0x100000, 0x7654000, P2M_RWX);
	assert_maps(0x100abc, 0x7654abc, P2M_RWX);
	assert_unmapped(0x101000);
	assert_unmapped(0xff000);

	unsigned int level;
	uint64_t e = leaf_entry(0x100000, &level);
	assert_int_equal(level, 1);
	/* R, W, X and memory type WB (6 in bits 5:3), nothing else. */
	assert_int_equal(e, 0x7654000 | 0x7 | (6 << 3));

	/* Read-only and read-execute leaves. */
	assert_int_equal(ept_map(&p2m, 0x101000, 0x1000, 0, P2M_READ), 0);
	assert_int_equal(leaf_entry(0x101000, &level) & 0x3f, 0x1 | (6 << 3));
	assert_int_equal(ept_map(&p2m, 0x102000, 0x2000, 0, P2M_READ | P2M_EXEC), 0);
	assert_maps(0x102000, 0x2000, P2M_READ | P2M_EXEC);
	assert_int_equal(p2m.table_pages, 4);
}

static void test_map_2m(void **state)
{
	(void)state;
	assert_int_equal(ept_map(&p2m, 0x200000, 0x40000000, 9, P2M_RWX), 0);
	assert_int_equal(p2m.table_pages, 3);   /* PML4, PDPT, PD: no page table */
	unsigned int level;
	uint64_t e = leaf_entry(0x200000, &level);
	assert_int_equal(level, 2);
	assert_int_equal(e, 0x40000000 | 0x7 | (6 << 3) | EPT_LARGE);
	assert_maps(0x3fffff, 0x401fffff, P2M_RWX);

	/* 4 MiB, aligned on both sides: two large leaves. */
	assert_int_equal(ept_map(&p2m, 0x80000000, 0x80000000, 10, P2M_RWX), 0);
	leaf_entry(0x80200000, &level);
	assert_int_equal(level, 2);
	assert_maps(0x803fffff, 0x803fffff, P2M_RWX);
}

static void test_map_2m_without_large_pages(void **state)
{
	(void)state;
	vmx_config.ept_2m = false;
	assert_int_equal(ept_map(&p2m, 0x200000, 0x40000000, 9, P2M_RWX), 0);
	assert_int_equal(p2m.table_pages, 4);
	unsigned int level;
	leaf_entry(0x3ff000, &level);
	assert_int_equal(level, 1);
	assert_maps(0x3ff123, 0x401ff123, P2M_RWX);
}

/* When gpa and hpa disagree on 2 MiB alignment, only 4 KiB leaves can express it. */
static void test_map_misaligned_2m(void **state)
{
	(void)state;
	assert_int_equal(ept_map(&p2m, 0x200000, 0x40001000, 9, P2M_RWX), 0);
	unsigned int level;
	leaf_entry(0x200000, &level);
	assert_int_equal(level, 1);
	assert_maps(0x3ff000, 0x40200000, P2M_RWX);
}

static void test_unmap_inside_large_page_splits_it(void **state)
{
	(void)state;
	assert_int_equal(ept_map(&p2m, 0x200000, 0x40000000, 9, P2M_RWX), 0);
	ept_unmap(&p2m, 0x234000, 0);
	assert_int_equal(p2m.table_pages, 4);
	assert_unmapped(0x234000);
	assert_maps(0x233fff, 0x40033fff, P2M_RWX);
	assert_maps(0x235000, 0x40035000, P2M_RWX);
	assert_maps(0x200000, 0x40000000, P2M_RWX);
	assert_maps(0x3ff000, 0x401ff000, P2M_RWX);
	/* The split keeps the memory type on every new leaf. */
	unsigned int level;
	assert_int_equal(leaf_entry(0x3ff000, &level), 0x401ff000 | 0x7 | (6 << 3));
	assert_int_equal(level, 1);
}

static void test_unmap_whole_ranges(void **state)
{
	(void)state;
	assert_int_equal(ept_map(&p2m, 0, 0x40000000, 10, P2M_RWX), 0);
	ept_unmap(&p2m, 0, 9);
	assert_int_equal(p2m.table_pages, 3);   /* a whole large leaf goes without splitting */
	assert_unmapped(0);
	assert_unmapped(0x1fffff);
	assert_maps(0x200000, 0x40200000, P2M_RWX);

	/* Unmapping what was never mapped, even in regions without tables, changes nothing. */
	ept_unmap(&p2m, 0x8000000000ull, 20);
	ept_unmap(&p2m, 0x100000000ull, 0);
	assert_int_equal(p2m.table_pages, 3);
	assert_maps(0x200000, 0x40200000, P2M_RWX);

	assert_int_equal(ept_map(&p2m, 0x1000, 0x5000, 0, P2M_RWX), 0);
	ept_unmap(&p2m, 0x1000, 0);
	assert_unmapped(0x1000);
}

static void test_remap(void **state)
{
	(void)state;
	/* A 4 KiB mapping inside a large leaf splits it and replaces that one page. */
	assert_int_equal(ept_map(&p2m, 0x200000, 0x40000000, 9, P2M_RWX), 0);
	assert_int_equal(ept_map(&p2m, 0x201000, 0x9000, 0, P2M_READ), 0);
	assert_maps(0x201000, 0x9000, P2M_READ);
	assert_maps(0x202000, 0x40002000, P2M_RWX);
	assert_int_equal(p2m.table_pages, 4);

	/* A large leaf over a page table frees the table. */
	assert_int_equal(ept_map(&p2m, 0x200000, 0x60000000, 9, P2M_RWX), 0);
	assert_int_equal(p2m.table_pages, 3);
	assert_maps(0x201000, 0x60001000, P2M_RWX);
}

static void test_bad_arguments(void **state)
{
	(void)state;
	assert_int_equal(ept_map(&p2m, 0x1001, 0x1000, 0, P2M_RWX), -KEEL_EINVAL);
	assert_int_equal(ept_map(&p2m, 0x1000, 0x1800, 0, P2M_RWX), -KEEL_EINVAL);
	/* Write without read is an EPT misconfiguration; no access at all is an unmap. */
	assert_int_equal(ept_map(&p2m, 0x1000, 0x1000, 0, P2M_WRITE), -KEEL_EINVAL);
	assert_int_equal(ept_map(&p2m, 0x1000, 0x1000, 0, 0), -KEEL_EINVAL);
	assert_int_equal(ept_map(&p2m, 0x1000, 0x1000, 0, 0x8), -KEEL_EINVAL);
	/* Beyond what a 4-level walk reaches, or past the physical address width. */
	assert_int_equal(ept_map(&p2m, 1ull << 48, 0x1000, 0, P2M_RWX), -KEEL_EINVAL);
	assert_int_equal(ept_map(&p2m, (1ull << 48) - 0x1000, 0x1000, 1, P2M_RWX), -KEEL_EINVAL);
	assert_int_equal(ept_map(&p2m, 0x1000, 1ull << 52, 0, P2M_RWX), -KEEL_EINVAL);
	assert_int_equal(ept_map(&p2m, 0x1000, 0x1000, 31, P2M_RWX), -KEEL_EINVAL);
	assert_int_equal(p2m.table_pages, 1);

	/* The highest page a 4-level walk reaches is fine. */
	assert_int_equal(ept_map(&p2m, (1ull << 48) - 0x1000, 0x1000, 0, P2M_RWX), 0);
	assert_maps((1ull << 48) - 1, 0x1fff, P2M_RWX);
}

/* Out of memory part-way: an error, and what was built is still freed by destroy (teardown checks). */
static void test_out_of_memory(void **state)
{
	(void)state;
	paddr_t hoard[4096];
	unsigned int n = 0;
	while (n < 4096 && (hoard[n] = frame_alloc(0)) != FRAME_NONE)
		n++;
	assert_true(n < 4096);
	frame_free(hoard[--n], 0);
	frame_free(hoard[--n], 0);   /* room for a PDPT and a PD, not a page table */

	assert_int_equal(ept_map(&p2m, 0x1000, 0x1000, 0, P2M_RWX), -KEEL_ENOMEM);
	assert_int_equal(p2m.table_pages, 3);
	assert_int_equal(ept_map(&p2m, 0x200000, 0x200000, 9, P2M_RWX), 0);

	/* A split that cannot get a table drops the whole large page, with a warning. */
	ept_unmap(&p2m, 0x200000, 0);
	assert_unmapped(0x201000);
	assert_int_equal(warnings, 1);

	while (n)
		frame_free(hoard[--n], 0);
}

static void test_many_mappings(void **state)
{
	(void)state;
	/* 64 MiB of scattered 4 KiB pages across two PML4 slots, then all gone again. */
	for (uint64_t i = 0; i < 16384; i += 7)
		assert_int_equal(ept_map(&p2m, (i << 12) | ((i & 1) << 39), 0x100000000ull + (i << 12), 0, P2M_RWX), 0);
	for (uint64_t i = 0; i < 16384; i += 7)
		assert_maps((i << 12) | ((i & 1) << 39), 0x100000000ull + (i << 12), P2M_RWX);
	assert_unmapped(1ull << 12);
}

#define TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_pointer),
		TEST(test_map_4k),
		TEST(test_map_2m),
		TEST(test_map_2m_without_large_pages),
		TEST(test_map_misaligned_2m),
		TEST(test_unmap_inside_large_page_splits_it),
		TEST(test_unmap_whole_ranges),
		TEST(test_remap),
		TEST(test_bad_arguments),
		TEST(test_out_of_memory),
		TEST(test_many_mappings),
	};
	return cmocka_run_group_tests_name("ept", tests, NULL, NULL);
}
