/* test_fmt.c: unit tests of the freestanding printf formatter against C's own semantics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "fmt.h"

/* These tests feed malformed and odd formats on purpose. */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-overflow"
#pragma GCC diagnostic ignored "-Wformat-extra-args"

#define CHECK(...) do { \
	char want[256], got[256]; \
	int wn = snprintf(want, sizeof want, __VA_ARGS__); \
	int gn = fmt_snprintf(got, sizeof got, __VA_ARGS__); \
	assert_string_equal(got, want); \
	assert_int_equal(gn, wn); \
} while (0)

static void test_integers(void **state)
{
	(void)state;
	CHECK("%d %i %u", 0, -1, 42u);
	CHECK("%d", INT32_MIN);
	CHECK("%lld", (long long)INT64_MIN);
	CHECK("%llu", (unsigned long long)UINT64_MAX);
	CHECK("%hhd %hd", (signed char)-5, (short)-300);
	CHECK("%zu %zx", (size_t)12345, (size_t)0xabc);
	CHECK("%x %X %#x %#X %#o %o", 0xdeadu, 0xbeefu, 0x1fu, 0x1fu, 8u, 0u);
	CHECK("%#x", 0u);
}

static void test_width_precision_flags(void **state)
{
	(void)state;
	CHECK("[%5d] [%-5d] [%05d] [%+d] [% d]", 42, 42, 42, 42, 42);
	CHECK("[%08.3d] [%.5d] [%.0d]", 7, -42, 0);
	CHECK("[%-08x] [%016llx]", 0xabu, 0x123ull);
	CHECK("[%*d] [%-*d] [%.*d]", 6, 1, 6, 2, 3, 3);
	CHECK("[%*d]", -4, 9);
	CHECK("[%05d]", -42);
	CHECK("[%+05d]", 42);
	CHECK("[%#010x]", 0x1234u);
}

static void test_strings_chars(void **state)
{
	(void)state;
	CHECK("%s|%10s|%-10s|%.3s|%c|%3c|%-3c|", "abc", "right", "left", "truncate", 'x', 'y', 'z');
	CHECK("100%%");
	char got[32];
	fmt_snprintf(got, sizeof got, "%s", (char *)NULL);
	assert_string_equal(got, "(null)");
}

static void test_pointer(void **state)
{
	(void)state;
	char got[64], want[64];
	void *p = (void *)0x1234abcdu;
	fmt_snprintf(got, sizeof got, "%p", p);
	snprintf(want, sizeof want, "%p", p);
	assert_string_equal(got, want);
}

static void test_truncation(void **state)
{
	(void)state;
	char buf[8];
	memset(buf, 'Z', sizeof buf);
	int n = fmt_snprintf(buf, sizeof buf, "%s", "0123456789");
	assert_int_equal(n, 10);
	assert_string_equal(buf, "0123456");
	/* size 0: nothing written, length still reported */
	buf[0] = 'Q';
	assert_int_equal(fmt_snprintf(buf, 0, "%d", 12345), 5);
	assert_int_equal(buf[0], 'Q');
}

static void test_malformed_format(void **state)
{
	(void)state;
	char buf[32];
	/* A trailing lone % and an unknown conversion never read past the string. */
	assert_int_equal(fmt_snprintf(buf, sizeof buf, "abc%"), 4);
	assert_string_equal(buf, "abc%");
	fmt_snprintf(buf, sizeof buf, "%q%d", 5);
	assert_string_equal(buf, "%q5");
	/* Absurd widths are clamped, not overflowed. */
	char big[64];
	int n = fmt_snprintf(big, sizeof big, "%99999999999d", 1);
	assert_true(n > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_width_precision_flags),
		cmocka_unit_test(test_strings_chars),
		cmocka_unit_test(test_pointer),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_malformed_format),
	};
	return cmocka_run_group_tests_name("fmt", tests, NULL, NULL);
}
