/* test_memmap.c: unit tests of the memory-map builder: carve, merge, sort, align, overflow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "memmap.h"

#define U BOOT_MEM_USABLE
#define R BOOT_MEM_RESERVED
#define RC BOOT_MEM_RECLAIMABLE
#define HV BOOT_MEM_HYPERVISOR
#define MOD BOOT_MEM_MODULE
#define ACPI BOOT_MEM_ACPI_TABLES
#define NVS BOOT_MEM_ACPI_NVS

static struct boot_mem_region array[64];
static struct memmap map;

struct expect { uint64_t base, length; uint32_t type; };

static void reset(uint32_t capacity)
{
	memset(array, 0xa5, sizeof array);
	memmap_init(&map, array, capacity);
}

/* Sorted, disjoint, non-empty, and no mergeable neighbours. */
static void check_invariants(void)
{
	for (uint32_t i = 0; i < map.count; i++) {
		assert_true(map.regions[i].length > 0);
		assert_int_equal(map.regions[i].reserved, 0);
		if (i > 0) {
			const struct boot_mem_region *a = &map.regions[i - 1], *b = &map.regions[i];
			assert_true(a->base + a->length <= b->base);
			assert_false(a->base + a->length == b->base && a->type == b->type);
		}
	}
}

static void check_map(const struct expect *want, uint32_t n)
{
	check_invariants();
	if (map.count != n) {
		for (uint32_t i = 0; i < map.count; i++)
			printf("  [%u] %#llx+%#llx %s\n", i, (unsigned long long)map.regions[i].base,
			       (unsigned long long)map.regions[i].length,
			       memmap_type_name(map.regions[i].type));
	}
	assert_int_equal(map.count, n);
	for (uint32_t i = 0; i < n; i++) {
		assert_int_equal(map.regions[i].base, want[i].base);
		assert_int_equal(map.regions[i].length, want[i].length);
		assert_int_equal(map.regions[i].type, want[i].type);
	}
}

#define CHECK(...) do { \
	const struct expect want_[] = { __VA_ARGS__ }; \
	check_map(want_, sizeof want_ / sizeof want_[0]); \
} while (0)

static void test_sort_and_merge(void **state)
{
	(void)state;
	reset(16);
	assert_int_equal(memmap_add(&map, 0x5000, 0x1000, U), MEMMAP_OK);
	assert_int_equal(memmap_add(&map, 0x0000, 0x2000, U), MEMMAP_OK);
	assert_int_equal(memmap_add(&map, 0x2000, 0x3000, U), MEMMAP_OK);
	assert_int_equal(memmap_add(&map, 0x7000, 0x1000, U), MEMMAP_OK); /* gap at 0x6000 */
	assert_int_equal(memmap_add(&map, 0x8000, 0x1000, R), MEMMAP_OK); /* touching, other type */
	memmap_normalize(&map);
	CHECK({ 0x0, 0x6000, U }, { 0x7000, 0x1000, U }, { 0x8000, 0x1000, R });
}

static void test_carve_positions(void **state)
{
	(void)state;
	reset(16);
	memmap_add(&map, 0x10000, 0x10000, RC);
	assert_int_equal(memmap_carve(&map, 0x10000, 0x1000, HV), MEMMAP_OK);  /* start */
	assert_int_equal(memmap_carve(&map, 0x14000, 0x2000, MOD), MEMMAP_OK); /* middle */
	assert_int_equal(memmap_carve(&map, 0x1f000, 0x1000, BOOT_MEM_BOOT_INFO), MEMMAP_OK); /* end */
	memmap_normalize(&map);
	CHECK({ 0x10000, 0x1000, HV }, { 0x11000, 0x3000, RC }, { 0x14000, 0x2000, MOD },
	      { 0x16000, 0x9000, RC }, { 0x1f000, 0x1000, BOOT_MEM_BOOT_INFO });

	/* Spanning several ranges and a hole swallows them all. */
	assert_int_equal(memmap_carve(&map, 0x12000, 0x20000, HV), MEMMAP_OK);
	memmap_normalize(&map);
	CHECK({ 0x10000, 0x1000, HV }, { 0x11000, 0x1000, RC }, { 0x12000, 0x20000, HV });
}

static void test_carve_whole_range(void **state)
{
	(void)state;
	reset(4);
	memmap_add(&map, 0x1000, 0x1000, RC);
	assert_int_equal(memmap_carve(&map, 0x1000, 0x1000, MOD), MEMMAP_OK);
	memmap_normalize(&map);
	CHECK({ 0x1000, 0x1000, MOD });
}

static void test_add_priority(void **state)
{
	(void)state;
	reset(16);
	memmap_add(&map, 0x0, 0x10000, U);
	/* Reserved overrides usable ... */
	assert_int_equal(memmap_add(&map, 0x4000, 0x2000, R), MEMMAP_OK);
	/* ... but usable never overrides reserved or NVS; it only fills holes. */
	memmap_add(&map, 0x20000, 0x1000, NVS);
	assert_int_equal(memmap_add(&map, 0x3000, 0x20000, U), MEMMAP_OK);
	memmap_normalize(&map);
	CHECK({ 0x0, 0x4000, U }, { 0x4000, 0x2000, R }, { 0x6000, 0x1a000, U },
	      { 0x20000, 0x1000, NVS }, { 0x21000, 0x2000, U });
	/* ACPI tables inside RAM take precedence over usable. */
	assert_int_equal(memmap_add(&map, 0x8000, 0x1000, ACPI), MEMMAP_OK);
	memmap_normalize(&map);
	CHECK({ 0x0, 0x4000, U }, { 0x4000, 0x2000, R }, { 0x6000, 0x2000, U },
	      { 0x8000, 0x1000, ACPI }, { 0x9000, 0x17000, U }, { 0x20000, 0x1000, NVS },
	      { 0x21000, 0x2000, U });
}

static void test_invalid_input(void **state)
{
	(void)state;
	reset(4);
	assert_int_equal(memmap_add(&map, 0x1000, 0, U), MEMMAP_INVALID);
	assert_int_equal(memmap_add(&map, 0x1000, 0x1000, 0), MEMMAP_INVALID);
	assert_int_equal(memmap_add(&map, 0x1000, 0x1000, BOOT_MEM_TYPE_MAX), MEMMAP_INVALID);
	assert_int_equal(memmap_add(&map, UINT64_MAX - 0xfff, 0x1000, U), MEMMAP_INVALID); /* wraps */
	assert_int_equal(memmap_carve(&map, UINT64_MAX, 2, HV), MEMMAP_INVALID);
	assert_int_equal(map.count, 0);
	assert_string_equal(memmap_type_name(99), "invalid");
	assert_string_equal(memmap_type_name(HV), "hypervisor");
}

static void test_page_align(void **state)
{
	(void)state;
	reset(16);
	memmap_add(&map, 0x0800, 0x2000, U);     /* shrinks to 0x1000-0x2000 */
	memmap_add(&map, 0x2800, 0x0100, R);     /* grows to 0x2000-0x3000 */
	memmap_add(&map, 0x3100, 0x0200, U);     /* vanishes: no whole page */
	memmap_add(&map, 0x5000, 0x0f00, RC);    /* shrinks to nothing */
	memmap_add(&map, 0x8000, 0x1800, RC);    /* shrinks to 0x8000-0x9000 */
	memmap_add(&map, 0x9800, 0x0800, ACPI);  /* grows down over the freed half page */
	assert_int_equal(memmap_page_align(&map), MEMMAP_OK);
	CHECK({ 0x1000, 0x1000, U }, { 0x2000, 0x1000, R }, { 0x8000, 0x1000, RC },
	      { 0x9000, 0x1000, ACPI });
}

static void test_page_align_shared_page(void **state)
{
	(void)state;
	/* Two protected types in one page: the more restrictive gets the page. */
	reset(16);
	memmap_add(&map, 0x0000, 0x1400, ACPI);
	memmap_add(&map, 0x1400, 0x0400, NVS);
	memmap_add(&map, 0x1800, 0x1800, R);
	memmap_add(&map, 0x3000, 0x1000, U);
	assert_int_equal(memmap_page_align(&map), MEMMAP_OK);
	CHECK({ 0x0000, 0x1000, ACPI }, { 0x1000, 0x2000, R }, { 0x3000, 0x1000, U });

	/* Same type twice in one page merges into the whole page. */
	reset(16);
	memmap_add(&map, 0x100, 0x100, R);
	memmap_add(&map, 0x300, 0x100, R);
	assert_int_equal(memmap_page_align(&map), MEMMAP_OK);
	CHECK({ 0x0, 0x1000, R });

	/* The last page of the address space cannot end at 2^64: it is dropped. */
	reset(4);
	memmap_add(&map, UINT64_MAX - 0x1fff, 0x1800, R);
	assert_int_equal(memmap_page_align(&map), MEMMAP_OK);
	CHECK({ UINT64_MAX - 0x1fff, 0x1000, R });
}

static void test_overflow(void **state)
{
	(void)state;
	reset(3);
	assert_int_equal(memmap_add(&map, 0x0000, 0x1000, U), MEMMAP_OK);
	assert_int_equal(memmap_add(&map, 0x2000, 0x1000, U), MEMMAP_OK);
	assert_int_equal(memmap_add(&map, 0x4000, 0x1000, U), MEMMAP_OK);
	assert_int_equal(memmap_add(&map, 0x6000, 0x1000, U), MEMMAP_FULL);
	/* Touching same-type ranges still fit: the full map merges before giving up. */
	assert_int_equal(memmap_add(&map, 0x1000, 0x1000, U), MEMMAP_OK);
	memmap_normalize(&map);
	CHECK({ 0x0, 0x3000, U }, { 0x4000, 0x1000, U });

	/* A split needs two slots; on FULL the map is unchanged. */
	reset(2);
	memmap_add(&map, 0x0, 0x10000, RC);
	assert_int_equal(memmap_carve(&map, 0x4000, 0x1000, HV), MEMMAP_FULL);
	CHECK({ 0x0, 0x10000, RC });
	reset(3);
	memmap_add(&map, 0x0, 0x10000, RC);
	assert_int_equal(memmap_carve(&map, 0x4000, 0x1000, HV), MEMMAP_OK);
	memmap_normalize(&map);
	CHECK({ 0x0, 0x4000, RC }, { 0x4000, 0x1000, HV }, { 0x5000, 0xb000, RC });

	reset(0);
	assert_int_equal(memmap_add(&map, 0x0, 0x1000, U), MEMMAP_FULL);
}

/* The same priorities as memmap.c, restated so the model is independent. */
static int priority(uint32_t type)
{
	static const int order[BOOT_MEM_TYPE_MAX] = {
		[BOOT_MEM_USABLE] = 1, [BOOT_MEM_RECLAIMABLE] = 2, [BOOT_MEM_ACPI_TABLES] = 3,
		[BOOT_MEM_BOOT_INFO] = 4, [BOOT_MEM_MODULE] = 5, [BOOT_MEM_HYPERVISOR] = 6,
		[BOOT_MEM_FW_RUNTIME] = 7, [BOOT_MEM_ACPI_NVS] = 8, [BOOT_MEM_RESERVED] = 9,
	};
	return type ? order[type] : 0;
}

#define MODEL_BYTES 0x6000

static uint32_t type_at(uint64_t addr)
{
	for (uint32_t i = 0; i < map.count; i++)
		if (addr >= map.regions[i].base && addr - map.regions[i].base < map.regions[i].length)
			return map.regions[i].type;
	return 0;
}

/* Random adds and carves match a byte-by-byte model; alignment never exposes protected bytes. */
static void test_random_against_model(void **state)
{
	(void)state;
	static uint8_t model[MODEL_BYTES];
	srand(4242);
	for (int round = 0; round < 1500; round++) {
		reset(64);
		memset(model, 0, sizeof model);
		int ops = 1 + rand() % 16;
		for (int i = 0; i < ops; i++) {
			uint64_t base = (uint64_t)(rand() % 0x50) << 8 | (uint64_t)(rand() % 4) << 6;
			uint64_t len = 1 + (uint64_t)(rand() % 0x1000);
			uint32_t type = 1 + (uint32_t)(rand() % (BOOT_MEM_TYPE_MAX - 1));
			bool carve = rand() % 3 == 0;
			enum memmap_status st = carve ? memmap_carve(&map, base, len, type)
			                              : memmap_add(&map, base, len, type);
			assert_int_equal(st, MEMMAP_OK);
			for (uint64_t a = base; a < base + len; a++)
				if (carve || priority(type) > priority(model[a]))
					model[a] = (uint8_t)type;
		}
		memmap_normalize(&map);
		check_invariants();
		for (uint64_t a = 0; a < MODEL_BYTES; a++)
			assert_int_equal(type_at(a), model[a]);

		assert_int_equal(memmap_page_align(&map), MEMMAP_OK);
		check_invariants();
		for (uint32_t i = 0; i < map.count; i++) {
			assert_int_equal(map.regions[i].base % MEMMAP_PAGE_SIZE, 0);
			assert_int_equal(map.regions[i].length % MEMMAP_PAGE_SIZE, 0);
		}
		for (uint64_t a = 0; a < MODEL_BYTES; a++) {
			uint32_t now = type_at(a);
			if (model[a] && model[a] != U && model[a] != RC)
				assert_true(priority(now) >= priority(model[a]));
			if (now == U || now == RC)
				assert_int_equal(now, model[a]);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sort_and_merge),
		cmocka_unit_test(test_carve_positions),
		cmocka_unit_test(test_carve_whole_range),
		cmocka_unit_test(test_add_priority),
		cmocka_unit_test(test_invalid_input),
		cmocka_unit_test(test_page_align),
		cmocka_unit_test(test_page_align_shared_page),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_random_against_model),
	};
	return cmocka_run_group_tests_name("memmap", tests, NULL, NULL);
}
