/* test_console_log_budget.c: the per-domain rate limit on console_io lines in the hypervisor log: burst, refill, one announcement per flood, clock quirks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "console_log_budget.h"

#define T0 1000000000ull   /* any boot-relative time */

static struct console_log_budget b;

static int setup(void **state)
{
	(void)state;
	memset(&b, 0, sizeof b);   /* as a new domain has it */
	return 0;
}

/* Takes n lines at one instant; returns how many may be logged. */
static unsigned int take_n(unsigned int n, uint64_t now)
{
	unsigned int logged = 0;
	for (unsigned int i = 0; i < n; i++)
		logged += console_log_budget_take(&b, now) == CONSOLE_LOG_LINE;
	return logged;
}

static void test_zeroed_is_a_full_burst(void **state)
{
	(void)state;
	assert_int_equal(take_n(CONSOLE_LOG_BURST, T0), CONSOLE_LOG_BURST);
	assert_int_equal(console_log_budget_take(&b, T0), CONSOLE_LOG_FIRST_DROP);
	assert_int_equal(console_log_budget_take(&b, T0), CONSOLE_LOG_DROP);   /* announced once */
	assert_int_equal(b.dropped, 2);
}

static void test_a_flood_is_bounded_and_announced_once(void **state)
{
	(void)state;
	/* 100000 lines over 10 s: the burst plus one line per interval, one announcement. */
	unsigned int logged = 0, announced = 0;
	for (unsigned int i = 0; i < 100000; i++) {
		enum console_log_verdict v = console_log_budget_take(&b, T0 + i * 100000ull);
		logged += v == CONSOLE_LOG_LINE;
		announced += v == CONSOLE_LOG_FIRST_DROP;
	}
	uint64_t refills = (100000ull * 100000ull) / CONSOLE_LOG_INTERVAL_NS;
	assert_in_range(logged, CONSOLE_LOG_BURST + refills - 1, CONSOLE_LOG_BURST + refills);
	assert_int_equal(announced, 1);
	assert_int_equal(b.dropped, 100000 - logged);
}

static void test_refill_is_gradual_and_capped(void **state)
{
	(void)state;
	take_n(CONSOLE_LOG_BURST, T0);
	/* Half an interval pays back nothing, a whole one pays back one line, three pay back three. */
	assert_int_equal(console_log_budget_take(&b, T0 + CONSOLE_LOG_INTERVAL_NS / 2), CONSOLE_LOG_FIRST_DROP);
	assert_int_equal(console_log_budget_take(&b, T0 + CONSOLE_LOG_INTERVAL_NS), CONSOLE_LOG_LINE);
	assert_int_equal(console_log_budget_take(&b, T0 + CONSOLE_LOG_INTERVAL_NS), CONSOLE_LOG_DROP);
	assert_int_equal(take_n(10, T0 + 4 * CONSOLE_LOG_INTERVAL_NS), 3);
	/* A long quiet spell refills to the burst, never beyond it, and a new flood is announced again. */
	uint64_t later = T0 + 3600ull * 1000000000ull;
	assert_int_equal(take_n(CONSOLE_LOG_BURST, later), CONSOLE_LOG_BURST);
	assert_int_equal(console_log_budget_take(&b, later), CONSOLE_LOG_FIRST_DROP);
}

static void test_clock_going_backwards_pays_nothing(void **state)
{
	(void)state;
	take_n(CONSOLE_LOG_BURST, T0 + 5000000000ull);
	assert_int_equal(console_log_budget_take(&b, T0), CONSOLE_LOG_FIRST_DROP);
	assert_int_equal(console_log_budget_take(&b, T0 + CONSOLE_LOG_INTERVAL_NS / 2), CONSOLE_LOG_DROP);
	assert_int_equal(console_log_budget_take(&b, T0 + CONSOLE_LOG_INTERVAL_NS), CONSOLE_LOG_LINE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_zeroed_is_a_full_burst, setup),
		cmocka_unit_test_setup(test_a_flood_is_bounded_and_announced_once, setup),
		cmocka_unit_test_setup(test_refill_is_gradual_and_capped, setup),
		cmocka_unit_test_setup(test_clock_going_backwards_pays_nothing, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
