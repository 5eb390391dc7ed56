/* test_cli_args.c: unit tests of the CLI's word splitting, strict numbers, CPU lists and names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <keel/abi.h>
#include <keel/domctl.h>

#include "../../dom0/cli_args.h"

static char err[160];

/* lib/string.h stands in for <string.h> in host tests, and it has no strstr. */
static const char *contains(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);
	for (; *haystack; haystack++)
		if (strncmp(haystack, needle, n) == 0)
			return haystack;
	return NULL;
}

/* Splits a copy of 'text'; returns the count, words in 'words'. */
static int split(const char *text, char *buf, size_t size, char **words, int max)
{
	size_t n = strlen(text);
	assert_true(n < size);
	memcpy(buf, text, n + 1);
	err[0] = '\0';
	return cli_split_words(buf, words, max, err, sizeof(err));
}

static void test_split_plain_words(void **state)
{
	(void)state;
	char buf[128];
	char *w[CLI_MAX_WORDS];
	assert_int_equal(split("  vcpu-pin\tweb  0   1,3 ", buf, sizeof(buf), w, CLI_MAX_WORDS), 4);
	assert_string_equal(w[0], "vcpu-pin");
	assert_string_equal(w[1], "web");
	assert_string_equal(w[2], "0");
	assert_string_equal(w[3], "1,3");
	assert_int_equal(split("", buf, sizeof(buf), w, CLI_MAX_WORDS), 0);
	assert_int_equal(split(" \t  ", buf, sizeof(buf), w, CLI_MAX_WORDS), 0);
	assert_int_equal(split("help", buf, sizeof(buf), w, CLI_MAX_WORDS), 1);
	assert_string_equal(w[0], "help");
}

static void test_split_quotes(void **state)
{
	(void)state;
	char buf[128];
	char *w[CLI_MAX_WORDS];
	assert_int_equal(split("create web cmdline=\"console=x  y\" vcpus=2", buf, sizeof(buf), w, CLI_MAX_WORDS), 4);
	assert_string_equal(w[2], "cmdline=console=x  y");
	assert_string_equal(w[3], "vcpus=2");
	assert_int_equal(split("\"a b\" \"\" c\"d e\"f", buf, sizeof(buf), w, CLI_MAX_WORDS), 3);
	assert_string_equal(w[0], "a b");
	assert_string_equal(w[1], "");
	assert_string_equal(w[2], "cd ef");
	assert_int_equal(split("\"\"", buf, sizeof(buf), w, CLI_MAX_WORDS), 1);
	assert_string_equal(w[0], "");
}

static void test_split_errors(void **state)
{
	(void)state;
	char buf[128];
	char *w[4];
	assert_int_equal(split("create \"web", buf, sizeof(buf), w, 4), -1);
	assert_string_equal(err, "unterminated quote");
	assert_int_equal(split("a b c d", buf, sizeof(buf), w, 4), 4);
	assert_int_equal(split("a b c d e", buf, sizeof(buf), w, 4), -1);
	assert_non_null(contains(err, "too many words"));
	assert_int_equal(split("a b c d   ", buf, sizeof(buf), w, 4), 4);   /* trailing blanks are no word */
}

static bool number(const char *text, uint64_t min, uint64_t max, uint64_t *v)
{
	err[0] = '\0';
	return cli_parse_u64("weight", text, min, max, v, err, sizeof(err));
}

static void test_numbers_accepted(void **state)
{
	(void)state;
	uint64_t v = 0;
	assert_true(number("12", 0, UINT64_MAX, &v));
	assert_int_equal(v, 12);
	assert_true(number("0x1f", 0, UINT64_MAX, &v));
	assert_int_equal(v, 31);
	assert_true(number("0X1F", 0, UINT64_MAX, &v));
	assert_int_equal(v, 31);
	assert_true(number("0", 0, 0, &v));
	assert_int_equal(v, 0);
	assert_true(number("007", 0, 10, &v));
	assert_int_equal(v, 7);
	assert_true(number("18446744073709551615", 0, UINT64_MAX, &v));
	assert_true(v == UINT64_MAX);
	assert_true(number("0xffffffffffffffff", 0, UINT64_MAX, &v));
	assert_true(v == UINT64_MAX);
}

static void test_numbers_malformed(void **state)
{
	(void)state;
	const char *bad[] = { "-1", "1x", "", "x", "0x", "+3", " 1", "1 ", "1.5", "0x1g", "12abc", "0b101" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t v = 77;
		assert_false(number(bad[i], 0, UINT64_MAX, &v));
		assert_int_equal(v, 77);   /* untouched on failure */
		assert_non_null(contains(err, "is not a number"));
		assert_non_null(contains(err, "weight"));
		assert_null(strchr(err, '\n'));
	}
}

static void test_numbers_out_of_range(void **state)
{
	(void)state;
	uint64_t v = 77;
	assert_false(number("18446744073709551616", 0, UINT64_MAX, &v));   /* 2^64 */
	assert_non_null(contains(err, "out of range"));
	assert_false(number("0x10000000000000000", 0, UINT64_MAX, &v));
	assert_non_null(contains(err, "out of range"));
	assert_false(number("99999999999999999999999", 0, UINT64_MAX, &v));
	assert_non_null(contains(err, "out of range"));
	assert_false(number("99999999999999999999x", 0, UINT64_MAX, &v));   /* malformed wins */
	assert_non_null(contains(err, "is not a number"));
	assert_false(number("0", 1, 65535, &v));
	assert_string_equal(err, "weight: 0 is out of range (1..65535)");
	assert_false(number("65536", 1, 65535, &v));
	assert_int_equal(v, 77);
	assert_true(number("65535", 1, 65535, &v));
	assert_int_equal(v, 65535);
}

static bool cpus(const char *text, unsigned int nr, uint64_t *mask)
{
	err[0] = '\0';
	return cli_parse_cpus(text, nr, mask, err, sizeof(err));
}

static void test_cpu_lists(void **state)
{
	(void)state;
	uint64_t m = 0;
	assert_true(cpus("0-3", 4, &m));
	assert_int_equal(m, 0xf);
	assert_true(cpus("1,3", 4, &m));
	assert_int_equal(m, 0xa);
	assert_true(cpus("0", 1, &m));
	assert_int_equal(m, 1);
	assert_true(cpus("2-2,0", 4, &m));
	assert_int_equal(m, 0x5);
	assert_true(cpus("all", 2, &m));
	assert_int_equal(m, 0x3);
	assert_true(cpus("all", 64, &m));
	assert_true(m == UINT64_MAX);
	assert_true(cpus("63", 64, &m));
	assert_true(m == 1ull << 63);
	assert_true(cpus("all", 100, &m));   /* more CPUs than a mask holds: the mask's 64 */
	assert_true(m == UINT64_MAX);
}

static void test_cpu_lists_rejected(void **state)
{
	(void)state;
	uint64_t m = 55;
	assert_false(cpus("3-1", 4, &m));
	assert_non_null(contains(err, "backwards"));
	assert_false(cpus("0-99", 4, &m));
	assert_non_null(contains(err, "does not have"));
	assert_false(cpus("4", 4, &m));
	assert_non_null(contains(err, "CPUs 0-3"));
	assert_false(cpus("99999999999999999999999", 4, &m));
	assert_non_null(contains(err, "does not have"));
	const char *bad[] = { "", ",", "1,", ",1", "1,,2", "-1", "1-", "a", "0x1", "1 2", "All", "1-2-3" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_false(cpus(bad[i], 4, &m));
		assert_non_null(contains(err, "cpus:"));
	}
	assert_int_equal(m, 55);
	assert_false(cpus("all", 0, &m));
}

static void test_cpu_format(void **state)
{
	(void)state;
	char out[200];
	cli_format_cpus(0xf, 4, out, sizeof(out));
	assert_string_equal(out, "all");
	cli_format_cpus(0x2f, 8, out, sizeof(out));
	assert_string_equal(out, "0-3,5");
	cli_format_cpus(0xa, 4, out, sizeof(out));
	assert_string_equal(out, "1,3");
	cli_format_cpus(0, 4, out, sizeof(out));
	assert_string_equal(out, "none");
	cli_format_cpus(1ull << 63, 64, out, sizeof(out));
	assert_string_equal(out, "63");
	cli_format_cpus(0x5555555555555555ull, 64, out, sizeof(out));
	assert_int_equal(strlen(out), strlen("0,2,4,6,8,") + 27 * 3 - 1);
	char tiny[5];
	cli_format_cpus(0x15, 8, tiny, sizeof(tiny));   /* "0,2,4" cut short, still terminated */
	assert_string_equal(tiny, "0,2,");
	/* Round trip: what is printed parses back to the same mask. */
	uint64_t m;
	cli_format_cpus(0x6d, 8, out, sizeof(out));
	assert_true(cpus(out, 8, &m));
	assert_int_equal(m, 0x6d);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(cli_domain_state_name(KEEL_DOMSTATE_RUNNING), "running");
	assert_string_equal(cli_domain_state_name(KEEL_DOMSTATE_CRASHED), "crashed");
	assert_string_equal(cli_domain_state_name(99), "unknown");
	assert_string_equal(cli_vcpu_state_name(3), "blocked");
	assert_string_equal(cli_vcpu_state_name(4), "unknown");
	assert_string_equal(cli_error_name(-KEEL_ESRCH), "no such domain");
	assert_string_equal(cli_error_name(-KEEL_EINVAL), "invalid argument");
	assert_string_equal(cli_error_name(-1000), "unknown error");
	assert_string_equal(cli_error_name(5), "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_plain_words),
		cmocka_unit_test(test_split_quotes),
		cmocka_unit_test(test_split_errors),
		cmocka_unit_test(test_numbers_accepted),
		cmocka_unit_test(test_numbers_malformed),
		cmocka_unit_test(test_numbers_out_of_range),
		cmocka_unit_test(test_cpu_lists),
		cmocka_unit_test(test_cpu_lists_rejected),
		cmocka_unit_test(test_cpu_format),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests_name("cli_args", tests, NULL, NULL);
}
