/* test_cmdline.c: unit tests of the command-line option reader, including hostile input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cmdline.h"

static void test_get_values_and_flags(void **state)
{
	(void)state;
	const char *cl = "console=com2 smp=2  test_exit\tloglevel=debug";
	char v[16];
	assert_true(cmdline_get(cl, "console", v, sizeof v));
	assert_string_equal(v, "com2");
	assert_true(cmdline_get(cl, "smp", v, sizeof v));
	assert_string_equal(v, "2");
	assert_true(cmdline_get(cl, "loglevel", v, sizeof v));
	assert_string_equal(v, "debug");
	assert_true(cmdline_has(cl, "test_exit"));
	assert_true(cmdline_get(cl, "test_exit", v, sizeof v));
	assert_string_equal(v, "");
	assert_false(cmdline_has(cl, "test"));       /* a prefix is not a match */
	assert_false(cmdline_has(cl, "exit"));
	assert_false(cmdline_has(cl, "com2"));       /* values are not keys */
	assert_false(cmdline_has(cl, ""));
}

static void test_last_wins_and_truncation(void **state)
{
	(void)state;
	char v[4];
	assert_true(cmdline_get("smp=1 smp=3", "smp", v, sizeof v));
	assert_string_equal(v, "3");
	assert_true(cmdline_get("console=verylongvalue", "console", v, sizeof v));
	assert_string_equal(v, "ver");
	assert_true(cmdline_get("a==b", "a", v, sizeof v));
	assert_string_equal(v, "=b");
}

static void test_empty_and_odd_input(void **state)
{
	(void)state;
	char v[8] = "x";
	assert_false(cmdline_get("", "smp", v, sizeof v));
	assert_false(cmdline_get("   ", "smp", v, sizeof v));
	assert_false(cmdline_get(NULL, "smp", v, sizeof v));
	assert_true(cmdline_get("=5 smp=", "smp", v, sizeof v));
	assert_string_equal(v, "");
}

static void test_parse_numbers(void **state)
{
	(void)state;
	unsigned long long n;
	assert_true(cmdline_parse_u64("42", &n));
	assert_int_equal(n, 42);
	assert_true(cmdline_parse_u64("0x1F", &n));
	assert_int_equal(n, 31);
	assert_true(cmdline_parse_u64("64M", &n));
	assert_int_equal(n, 64ull << 20);
	assert_true(cmdline_parse_u64("2g", &n));
	assert_int_equal(n, 2ull << 30);
	assert_true(cmdline_parse_u64("18446744073709551615", &n));
	assert_int_equal(n, UINT64_MAX);

	assert_false(cmdline_parse_u64("", &n));
	assert_false(cmdline_parse_u64("0x", &n));
	assert_false(cmdline_parse_u64("12a", &n));
	assert_false(cmdline_parse_u64("-1", &n));
	assert_false(cmdline_parse_u64("18446744073709551616", &n));   /* overflow */
	assert_false(cmdline_parse_u64("17179869184G", &n));           /* overflow by suffix */
	assert_false(cmdline_parse_u64("5MB", &n));
	assert_false(cmdline_parse_u64(NULL, &n));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_values_and_flags),
		cmocka_unit_test(test_last_wins_and_truncation),
		cmocka_unit_test(test_empty_and_odd_input),
		cmocka_unit_test(test_parse_numbers),
	};
	return cmocka_run_group_tests_name("cmdline", tests, NULL, NULL);
}
