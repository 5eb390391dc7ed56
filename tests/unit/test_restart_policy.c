/* test_restart_policy.c: unit tests of on_crash=restart's back-off: crash times in, delays out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../dom0/restart_policy.h"

#define S 1000000000ull

/* A domain that crashes 'ran' seconds after each start, restarted after each delay. */
static void run_crash_loop(uint64_t ran_s, const uint64_t *expect_s, unsigned count)
{
	struct restart_backoff b = { 0, 0 };
	uint64_t now = 1000 * S;
	for (unsigned i = 0; i < count; i++) {
		uint64_t started = now;
		now += ran_s * S;
		uint64_t delay = restart_backoff_next(&b, started, now);
		assert_int_equal(delay, expect_s[i] * S);
		now += delay;
	}
}

static void test_fast_crash_loop_doubles_to_the_cap(void **state)
{
	(void)state;
	static const uint64_t expect[] = { 1, 2, 4, 8, 16, 32, 60, 60, 60 };
	run_crash_loop(0, expect, sizeof(expect) / sizeof(expect[0]));
}

static void test_slow_but_short_runs_still_back_off(void **state)
{
	(void)state;
	static const uint64_t expect[] = { 1, 2, 4, 8 };
	run_crash_loop(59, expect, sizeof(expect) / sizeof(expect[0]));
}

static void test_stable_runs_never_back_off(void **state)
{
	(void)state;
	static const uint64_t expect[] = { 1, 1, 1 };
	run_crash_loop(60, expect, sizeof(expect) / sizeof(expect[0]));
}

static void test_a_long_run_resets_the_burst(void **state)
{
	(void)state;
	struct restart_backoff b = { 0, 0 };
	assert_int_equal(restart_backoff_next(&b, 0, 1 * S), 1 * S);
	assert_int_equal(restart_backoff_next(&b, 2 * S, 3 * S), 2 * S);
	assert_int_equal(restart_backoff_next(&b, 5 * S, 6 * S), 4 * S);
	assert_int_equal(b.restarts, 3);
	assert_int_equal(restart_backoff_next(&b, 10 * S, 100 * S), 1 * S);
	assert_int_equal(b.restarts, 1);
	assert_int_equal(restart_backoff_next(&b, 101 * S, 102 * S), 2 * S);
}

static void test_clock_going_backwards_is_a_fast_crash(void **state)
{
	(void)state;
	struct restart_backoff b = { 0, 0 };
	assert_int_equal(restart_backoff_next(&b, 100 * S, 1 * S), 1 * S);
	assert_int_equal(restart_backoff_next(&b, 500 * S, 1 * S), 2 * S);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fast_crash_loop_doubles_to_the_cap),
		cmocka_unit_test(test_slow_but_short_runs_still_back_off),
		cmocka_unit_test(test_stable_runs_never_back_off),
		cmocka_unit_test(test_a_long_run_resets_the_burst),
		cmocka_unit_test(test_clock_going_backwards_is_a_fast_crash),
	};
	return cmocka_run_group_tests_name("restart_policy", tests, NULL, NULL);
}
