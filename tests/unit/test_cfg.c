/* test_cfg.c: unit tests of the key = value parser, mostly on malformed input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cfg.h"
#include "../../boot/config.h"

#define MAX_ENTRIES 16

struct collected {
	unsigned count;
	char key[MAX_ENTRIES][64];
	char value[MAX_ENTRIES][256];
	unsigned line[MAX_ENTRIES];
};

/* Records every entry; rejects 'bad' with a reason and 'silent' without one. */
static int collect(void *ctx, const char *key, const char *value, unsigned line_no,
                   char *why, size_t why_size)
{
	struct collected *c = ctx;
	if (strcmp(key, "bad") == 0) {
		snprintf(why, why_size, "unknown key '%s'", key);
		return 1;
	}
	if (strcmp(key, "silent") == 0)
		return 1;
	assert_true(c->count < MAX_ENTRIES);
	snprintf(c->key[c->count], sizeof c->key[0], "%s", key);
	snprintf(c->value[c->count], sizeof c->value[0], "%s", value);
	c->line[c->count] = line_no;
	c->count++;
	return 0;
}

static struct collected got;
static char error[200];

static int parse_n(const char *text, size_t len, size_t line_max)
{
	char line_buf[CFG_LINE_MAX];
	memset(&got, 0, sizeof got);
	memset(error, 'X', sizeof error);
	assert_true(line_max <= sizeof line_buf);
	return cfg_parse(text, len, line_buf, line_max, collect, &got, error, sizeof error);
}

static int parse(const char *text)
{
	return parse_n(text, strlen(text), CFG_LINE_MAX);
}

static void expect_error(const char *text, const char *message)
{
	assert_int_equal(parse(text), -1);
	assert_string_equal(error, message);
}

static void test_basic_entries(void **state)
{
	(void)state;
	assert_int_equal(parse("a = 1\n\n# comment\n  \t# indented comment\nb=two words  \nc =\n"), 0);
	assert_string_equal(error, "");
	assert_int_equal(got.count, 3);
	assert_string_equal(got.key[0], "a");
	assert_string_equal(got.value[0], "1");
	assert_int_equal(got.line[0], 1);
	assert_string_equal(got.key[1], "b");
	assert_string_equal(got.value[1], "two words");
	assert_int_equal(got.line[1], 5);
	assert_string_equal(got.value[2], "");
	assert_int_equal(got.line[2], 6);
}

static void test_empty_input(void **state)
{
	(void)state;
	assert_int_equal(parse(""), 0);
	assert_int_equal(got.count, 0);
	assert_int_equal(parse("\n\n\r\n   \n"), 0);
	assert_int_equal(got.count, 0);
}

static void test_no_final_newline(void **state)
{
	(void)state;
	assert_int_equal(parse("key.with-odd_chars9 = \\keel\\keel.elf"), 0);
	assert_string_equal(got.key[0], "key.with-odd_chars9");
	assert_string_equal(got.value[0], "\\keel\\keel.elf");
}

static void test_quotes(void **state)
{
	(void)state;
	assert_int_equal(parse("a = \"  spaced # not a comment \"   # real comment\nb=\"\"\nc = say \"hi\"\n"), 0);
	assert_int_equal(got.count, 3);
	assert_string_equal(got.value[0], "  spaced # not a comment ");
	assert_string_equal(got.value[1], "");
	assert_string_equal(got.value[2], "say \"hi\"");
	expect_error("a = 1\nb = \"open\n", "line 2: unterminated quote");
	expect_error("a = \"x\" y\n", "line 1: text after closing quote");
}

static void test_comments_after_values(void **state)
{
	(void)state;
	assert_int_equal(parse("a = x # trailing\nb = x#y\nc = # only a comment\n"), 0);
	assert_string_equal(got.value[0], "x");
	assert_string_equal(got.value[1], "x#y");
	assert_string_equal(got.value[2], "");
}

static void test_crlf(void **state)
{
	(void)state;
	assert_int_equal(parse("a = 1\r\nb = \"q\"\r\n\r\n# c\r\nd = last\r\n"), 0);
	assert_int_equal(got.count, 3);
	assert_string_equal(got.value[0], "1");
	assert_string_equal(got.value[1], "q");
	assert_string_equal(got.value[2], "last");
	assert_int_equal(got.line[2], 5);
	/* A lone CR inside a line is not a line ending. */
	expect_error("a = 1\rb = 2\n", "line 1: control character \\x0d");
}

static void test_syntax_errors(void **state)
{
	(void)state;
	expect_error("a = 1\n\njust words\n", "line 3: missing '=' (expected 'key = value')");
	expect_error("= value\n", "line 1: empty key");
	expect_error("a = 1\n   = value\n", "line 2: empty key");
	expect_error("two words = 1\n", "line 1: bad character \\x20 in key");
	expect_error("a = 1\nk\xc3\xa9y = 1\n", "line 2: bad character \\xc3 in key");
	expect_error("a/b = 1\n", "line 1: bad character '/' in key");
	expect_error("a = 1\nb = x\x01y\n", "line 2: control character \\x01");
}

static void test_nul_byte(void **state)
{
	(void)state;
	static const char text[] = "a = 1\nb = x\0y\n";
	assert_int_equal(parse_n(text, sizeof text - 1, CFG_LINE_MAX), -1);
	assert_string_equal(error, "line 2: NUL byte");
}

static void test_line_too_long(void **state)
{
	(void)state;
	/* A 16-byte buffer holds 15 characters; CR of CRLF does not count. */
	assert_int_equal(parse_n("a = 0123456789a\r\n", 17, 16), 0);
	assert_string_equal(got.value[0], "0123456789a");
	assert_int_equal(parse_n("a = 1\nb = 0123456789ab\n", 23, 16), -1);
	assert_string_equal(error, "line 2: line too long (max 15 characters)");
}

static void test_handler_rejection(void **state)
{
	(void)state;
	expect_error("a = 1\n# x\nbad = 2\nc = 3\n", "line 3: unknown key 'bad'");
	assert_int_equal(got.count, 1); /* parsing stops at the rejection */
	expect_error("silent = 1\n", "line 1: entry 'silent' rejected");
}

static void test_invalid_arguments(void **state)
{
	(void)state;
	char line_buf[8];
	assert_int_equal(cfg_parse("a=1", 3, NULL, 8, collect, &got, error, sizeof error), -1);
	assert_int_equal(cfg_parse("a=1", 3, line_buf, 8, NULL, &got, error, sizeof error), -1);
	assert_int_equal(cfg_parse(NULL, 0, line_buf, 8, collect, &got, error, sizeof error), 0);
	/* A tiny error buffer truncates the message but stays terminated. */
	char small[6];
	assert_int_equal(cfg_parse("x", 1, line_buf, sizeof line_buf, collect, &got, small, sizeof small), -1);
	assert_string_equal(small, "line ");
}

/* Random bytes must only ever produce success or one "line N: ..." message. */
static void test_arbitrary_bytes(void **state)
{
	(void)state;
	static const char alphabet[] = "ab =#\"\r\n\t\0\x01\xff_.-";
	srand(12345);
	for (int round = 0; round < 20000; round++) {
		char text[96];
		size_t len = (size_t)rand() % sizeof text;
		for (size_t i = 0; i < len; i++)
			text[i] = round % 2 ? (char)rand() : alphabet[(size_t)rand() % (sizeof alphabet - 1)];
		char *heap = malloc(len ? len : 1); /* exact size: ASan catches any over-read */
		memcpy(heap, text, len);
		int rc = parse_n(heap, len, 1 + (size_t)rand() % 40);
		free(heap);
		if (rc != 0) {
			assert_int_equal(rc, -1);
			assert_memory_equal(error, "line ", 5);
			assert_true(strnlen(error, sizeof error) < sizeof error);
		}
	}
}

/* keel.cfg semantics (boot/config.c) on top of the generic parser. */
static struct boot_config config;

static void expect_config_error(const char *text, const char *message)
{
	memset(error, 'X', sizeof error);
	assert_int_equal(config_parse(text, strlen(text), &config, error, sizeof error), -1);
	assert_string_equal(error, message);
}

static void test_keel_cfg(void **state)
{
	(void)state;
	const char *text = "cmdline = \"console=com1 debug\"\n"
	                   "dom0 = /keel/dom0.elf  root=x  mem=1G \n"
	                   "guest = \\keel\\g1.elf\n"
	                   "module = \\keel\\blob\n";
	assert_int_equal(config_parse(text, strlen(text), &config, error, sizeof error), 0);
	assert_string_equal(config.hypervisor, CONFIG_DEFAULT_HV);
	assert_string_equal(config.cmdline, "console=com1 debug");
	assert_int_equal(config.module_count, 3);
	assert_int_equal(config.modules[0].kind, BOOT_MODULE_DOM0);
	assert_string_equal(config.modules[0].path, "\\keel\\dom0.elf");
	assert_string_equal(config.modules[0].args, "root=x  mem=1G");
	assert_int_equal(config.modules[1].kind, BOOT_MODULE_GUEST);
	assert_string_equal(config.modules[1].args, "");
	assert_int_equal(config.modules[2].kind, BOOT_MODULE_OTHER);

	const char *hv_line = "hypervisor = \\x\\hv.elf\n";
	assert_int_equal(config_parse(hv_line, strlen(hv_line), &config, error, sizeof error), 0);
	assert_string_equal(config.hypervisor, "\\x\\hv.elf");
}

static void test_keel_cfg_errors(void **state)
{
	(void)state;
	expect_config_error("# c\n\nhypervsor = \\keel\\keel.elf\n", "line 3: unknown key 'hypervsor'");
	expect_config_error("hypervisor = \\a\nhypervisor = \\b\n", "line 2: duplicate 'hypervisor'");
	expect_config_error("dom0 = \\a\ndom0 = \\b\n", "line 2: duplicate 'dom0'");
	expect_config_error("cmdline = a\ncmdline = b\n", "line 2: duplicate 'cmdline'");
	expect_config_error("dom0 = keel\\dom0.elf\n",
	                    "line 1: path 'keel\\dom0.elf' must be absolute (start with '\\')");
	expect_config_error("guest =\n", "line 1: missing path");
	expect_config_error("module = \\a*b\n", "line 1: bad character in path '\\a*b'");
	expect_config_error("hypervisor = \\\xc3\xa9.elf\n", "line 1: bad character in path '\\\xc3\xa9.elf'");

	char text[600];
	snprintf(text, sizeof text, "cmdline = %0256d\n", 0);
	expect_config_error(text, "line 1: cmdline too long (max 255 characters)");
	snprintf(text, sizeof text, "cmdline = %0255d\n", 0);
	assert_int_equal(config_parse(text, strlen(text), &config, error, sizeof error), 0);
	snprintf(text, sizeof text, "module = \\%063d\n", 0);
	expect_config_error(text, "line 1: path too long (max 63 characters)");
	snprintf(text, sizeof text, "module = \\x %0256d\n", 0);
	expect_config_error(text, "line 1: arguments too long (max 255 characters)");

	size_t len = 0;
	char many[4096], want[64];
	for (int i = 0; i <= BOOT_MODULES_MAX; i++)
		len += (size_t)snprintf(many + len, sizeof many - len, "guest = \\g%d\n", i);
	snprintf(want, sizeof want, "line %d: too many modules (max %d)", BOOT_MODULES_MAX + 1,
	         BOOT_MODULES_MAX);
	expect_config_error(many, want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic_entries),
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_no_final_newline),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_comments_after_values),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_line_too_long),
		cmocka_unit_test(test_handler_rejection),
		cmocka_unit_test(test_invalid_arguments),
		cmocka_unit_test(test_arbitrary_bytes),
		cmocka_unit_test(test_keel_cfg),
		cmocka_unit_test(test_keel_cfg_errors),
	};
	return cmocka_run_group_tests_name("cfg", tests, NULL, NULL);
}
