/* test_console_ring_math.c: the console ring's index arithmetic (lib/console_ring_index.h): wrap at 2^32, hostile indices, wrapping copies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "console_ring_index.h"
#include "io/console.h"

static void test_used_and_free(void **state)
{
	(void)state;
	assert_int_equal(console_ring_used(0, 0, KEEL_CONSOLE_OUT_SIZE), 0);
	assert_int_equal(console_ring_free(0, 0, KEEL_CONSOLE_OUT_SIZE), KEEL_CONSOLE_OUT_SIZE);
	assert_int_equal(console_ring_used(100, 40, KEEL_CONSOLE_OUT_SIZE), 60);
	assert_int_equal(console_ring_free(100, 40, KEEL_CONSOLE_OUT_SIZE), KEEL_CONSOLE_OUT_SIZE - 60);
	assert_int_equal(console_ring_used(KEEL_CONSOLE_IN_SIZE, 0, KEEL_CONSOLE_IN_SIZE), KEEL_CONSOLE_IN_SIZE);
	assert_int_equal(console_ring_free(KEEL_CONSOLE_IN_SIZE, 0, KEEL_CONSOLE_IN_SIZE), 0);
}

static void test_wrap_at_2_32(void **state)
{
	(void)state;
	/* prod has wrapped past 2^32, cons not yet. */
	assert_int_equal(console_ring_used(5, UINT32_MAX - 9, KEEL_CONSOLE_OUT_SIZE), 15);
	assert_int_equal(console_ring_free(5, UINT32_MAX - 9, KEEL_CONSOLE_OUT_SIZE), KEEL_CONSOLE_OUT_SIZE - 15);
	assert_int_equal(console_ring_used(2047, UINT32_MAX, KEEL_CONSOLE_OUT_SIZE), 2048);
}

static void test_hostile_indices_are_rejected(void **state)
{
	(void)state;
	/* One more than the ring holds, cons ahead of prod, and nonsense far away. */
	assert_int_equal(console_ring_used(KEEL_CONSOLE_OUT_SIZE + 1, 0, KEEL_CONSOLE_OUT_SIZE), -1);
	assert_int_equal(console_ring_used(10, 11, KEEL_CONSOLE_OUT_SIZE), -1);
	assert_int_equal(console_ring_used(0x80000000u, 0, KEEL_CONSOLE_IN_SIZE), -1);
	assert_int_equal(console_ring_used(2048, UINT32_MAX, KEEL_CONSOLE_OUT_SIZE), -1);
	assert_int_equal(console_ring_free(10, 11, KEEL_CONSOLE_OUT_SIZE), -1);
	assert_int_equal(console_ring_free(UINT32_MAX, 0, KEEL_CONSOLE_IN_SIZE), -1);
}

static void test_copies_wrap_around_the_buffer(void **state)
{
	(void)state;
	char ring[16];
	char out[16];
	memset(ring, '.', sizeof(ring));
	/* Index 2^32 - 3 lands at offset 13: the copy runs 13, 14, 15, 0, 1. */
	console_ring_put(ring, sizeof(ring), UINT32_MAX - 2, "abcde", 5);
	assert_memory_equal(ring, "de...........abc", 16);
	console_ring_get(ring, sizeof(ring), UINT32_MAX - 2, out, 5);
	assert_memory_equal(out, "abcde", 5);
	console_ring_put(ring, sizeof(ring), 18, "xy", 2);   /* offset 2 */
	assert_memory_equal(ring, "dexy.........abc", 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_used_and_free),
		cmocka_unit_test(test_wrap_at_2_32),
		cmocka_unit_test(test_hostile_indices_are_rejected),
		cmocka_unit_test(test_copies_wrap_around_the_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
