/* test_boot_config.c: unit tests of keel.cfg's module_dir and autostart keys and of planning a module_dir's modules. */
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
#include "../../boot/dir_modules.h"

static struct boot_config config;
static char error[256];

static void parse_ok(const char *text)
{
	error[0] = '\0';
	int rc = config_parse(text, strlen(text), &config, error, sizeof error);
	if (rc != 0)
		fail_msg("config_parse failed: %s", error);
}

static void parse_fails(const char *text, const char *message)
{
	memset(error, 'X', sizeof error);
	assert_int_equal(config_parse(text, strlen(text), &config, error, sizeof error), -1);
	assert_string_equal(error, message);
}

static int names(const char *value, char *why, size_t why_size)
{
	return cfg_check_name_list(value, 3, 8, why, why_size);
}

static void expect_names_error(const char *value, const char *message)
{
	char why[160];
	memset(why, 'X', sizeof why);
	assert_int_equal(names(value, why, sizeof why), -1);
	assert_string_equal(why, message);
}

static void test_name_list(void **state)
{
	(void)state;
	char why[160];
	assert_int_equal(names("hello", why, sizeof why), 1);
	assert_int_equal(names("hello counter", why, sizeof why), 2);
	assert_int_equal(names("  a_1\tB-2   c3  ", why, sizeof why), 3);
	assert_int_equal(names("abcdefgh", why, sizeof why), 1);
	/* 'ab' and 'abc' share a prefix but are different names. */
	assert_int_equal(names("ab abc", why, sizeof why), 2);

	expect_names_error("", "no names given");
	expect_names_error(" \t ", "no names given");
	expect_names_error("hello c.unter", "bad character '.' in name 'c.unter' (allowed: A-Z a-z 0-9 _ -)");
	expect_names_error("a,b", "bad character ',' in name 'a,b' (allowed: A-Z a-z 0-9 _ -)");
	expect_names_error("x\xc3\xa9", "bad character \\xc3 in name 'x\xc3\xa9' (allowed: A-Z a-z 0-9 _ -)");
	expect_names_error("abcdefghi", "name 'abcdefghi' too long (max 8 characters)");
	expect_names_error("a b a", "name 'a' listed twice");
	expect_names_error("a b c d", "too many names (max 3)");
}

static void test_autostart_key(void **state)
{
	(void)state;
	parse_ok("dom0 = \\keel\\dom0.elf\nautostart = hello counter  # the demo\n");
	assert_int_equal(config.autostart_count, 2);
	/* The names stay in keel.cfg for dom0: the loader adds no module for them. */
	assert_int_equal(config.module_count, 1);

	parse_ok("cmdline = x\n");
	assert_int_equal(config.autostart_count, 0);

	parse_fails("autostart = hello\nautostart = counter\n", "line 2: duplicate 'autostart'");
	parse_fails("\nautostart = hello wor/ld\n",
	            "line 2: autostart: bad character '/' in name 'wor/ld' (allowed: A-Z a-z 0-9 _ -)");
	parse_fails("autostart =\n", "line 1: autostart: no names given");
	parse_fails("autostart = a b c d e f g h i j k l m n o p q\n", "line 1: autostart: too many names (max 16)");
	parse_ok("autostart = a b c d e f g h i j k l m n o p\n");
	assert_int_equal(config.autostart_count, 16);
	parse_fails("autostart = abcdefghijabcdefghijabcdefghij012\n",
	            "line 1: autostart: name 'abcdefghijabcdefghijabcdefghij012' too long (max 31 characters)");
}

static void test_module_dir_key(void **state)
{
	(void)state;
	parse_ok("module_dir = \\keel\\guests\nmodule_dir = /keel/domains/\nmodule_dir = \\\n");
	assert_int_equal(config.module_dir_count, 3);
	assert_string_equal(config.module_dirs[0], "\\keel\\guests");
	assert_string_equal(config.module_dirs[1], "\\keel\\domains");
	assert_string_equal(config.module_dirs[2], "\\");
	assert_int_equal(config.module_count, 0);

	parse_fails("module_dir = \\keel\\guests\nmodule_dir = \\KEEL\\Guests\\\n",
	            "line 2: duplicate 'module_dir' '\\KEEL\\Guests'");
	parse_fails("module_dir = keel\\guests\n",
	            "line 1: path 'keel\\guests' must be absolute (start with '\\')");
	parse_fails("module_dir =\n", "line 1: missing path");
	parse_fails("module_dir = \\keel\\a b\n", "line 1: bad character in path '\\keel\\a b'");

	char text[1024];
	size_t len = 0;
	for (int i = 0; i <= CONFIG_MODULE_DIRS_MAX; i++)
		len += (size_t)snprintf(text + len, sizeof text - len, "module_dir = \\d%d\n", i);
	parse_fails(text, "line 9: too many 'module_dir' lines (max 8)");
}

static void test_self_for_dom0(void **state)
{
	(void)state;
	parse_ok("dom0 = \\keel\\dom0.elf\nguest = \\keel\\guests\\hello.elf\n");
	assert_int_equal(config_add_self_for_dom0(&config, error, sizeof error), 0);
	assert_int_equal(config.module_count, 3);
	assert_int_equal(config.modules[2].kind, BOOT_MODULE_OTHER);
	assert_string_equal(config.modules[2].path, CONFIG_PATH);
	assert_string_equal(config.modules[2].args, "");
	/* Twice is still once. */
	assert_int_equal(config_add_self_for_dom0(&config, error, sizeof error), 0);
	assert_int_equal(config.module_count, 3);

	parse_ok("guest = \\keel\\guests\\hello.elf\n");
	assert_int_equal(config_add_self_for_dom0(&config, error, sizeof error), 0);
	assert_int_equal(config.module_count, 1);

	parse_ok("dom0 = \\keel\\dom0.elf\nmodule = /KEEL/Keel.CFG\n");
	assert_int_equal(config_add_self_for_dom0(&config, error, sizeof error), 0);
	assert_int_equal(config.module_count, 2);

	char text[4096];
	size_t len = (size_t)snprintf(text, sizeof text, "dom0 = \\keel\\dom0.elf\n");
	for (int i = 1; i < BOOT_MODULES_MAX; i++)
		len += (size_t)snprintf(text + len, sizeof text - len, "module = \\m%d\n", i);
	parse_ok(text);
	assert_int_equal(config_add_self_for_dom0(&config, error, sizeof error), -1);
	assert_string_equal(error, "cannot hand itself to dom0: too many modules (max 64)");
	assert_int_equal(config.module_count, BOOT_MODULES_MAX);
}

static struct dir_file files[BOOT_MODULES_MAX];

static unsigned set_files(const char *const *names_in, unsigned count, uint64_t size)
{
	for (unsigned i = 0; i < count; i++) {
		snprintf(files[i].name, sizeof files[i].name, "%s", names_in[i]);
		files[i].size = size;
	}
	return count;
}

static void test_dir_sorted_and_deduplicated(void **state)
{
	(void)state;
	parse_ok("dom0 = \\keel\\guests\\testctl.elf scenario\nmodule = \\keel\\guests\\HELLO.elf\n");
	static const char *const listed[] = { "zeta.elf", "testctl.elf", "Beta.elf", "alpha.elf",
	                                      "hello.elf", "b.elf", "Alpha2.elf" };
	unsigned n = set_files(listed, 7, 100);
	uint64_t total = 0;
	char why[200];
	assert_int_equal(dir_modules_add(&config, "\\keel\\guests", files, n, n, &total, why, sizeof why), 5);
	assert_int_equal(config.module_count, 7);
	static const char *const want[] = { "\\keel\\guests\\alpha.elf", "\\keel\\guests\\Alpha2.elf",
	                                    "\\keel\\guests\\b.elf", "\\keel\\guests\\Beta.elf",
	                                    "\\keel\\guests\\zeta.elf" };
	for (unsigned i = 0; i < 5; i++) {
		assert_string_equal(config.modules[2 + i].path, want[i]);
		assert_int_equal(config.modules[2 + i].kind, BOOT_MODULE_OTHER);
		assert_string_equal(config.modules[2 + i].args, "");
	}
	assert_int_equal(total, 500);

	/* The root directory joins without a doubled separator; an empty directory adds nothing. */
	static const char *const in_root[] = { "x.bin" };
	n = set_files(in_root, 1, 1);
	assert_int_equal(dir_modules_add(&config, "\\", files, n, n, &total, why, sizeof why), 1);
	assert_string_equal(config.modules[7].path, "\\x.bin");
	assert_int_equal(dir_modules_add(&config, "\\empty", files, 0, 0, &total, why, sizeof why), 0);
	assert_int_equal(config.module_count, 8);
	assert_int_equal(total, 501);
}

static void expect_dir_error(const char *dir, unsigned count, unsigned found, uint64_t *total,
                             const char *message)
{
	unsigned before = config.module_count;
	uint64_t total_before = *total;
	char why[200];
	memset(why, 'X', sizeof why);
	assert_int_equal(dir_modules_add(&config, dir, files, count, found, total, why, sizeof why), -1);
	assert_string_equal(why, message);
	assert_int_equal(config.module_count, before);
	assert_int_equal(*total, total_before);
}

static void test_dir_errors(void **state)
{
	(void)state;
	parse_ok("dom0 = \\keel\\dom0.elf\n");
	uint64_t total = 0;

	static const char *const spaced[] = { "ok.elf", "two words.elf" };
	unsigned n = set_files(spaced, 2, 10);
	expect_dir_error("\\d", n, n, &total, "module_dir \\d: bad character in path '\\d\\two words.elf'");

	/* esp_list_dir turns what ASCII lacks into '?', which no path may hold. */
	static const char *const unicode[] = { "caf?.elf" };
	n = set_files(unicode, 1, 10);
	expect_dir_error("\\d", n, n, &total, "module_dir \\d: bad character in path '\\d\\caf?.elf'");

	static const char *const long_name[] = {
		"a-name-so-long-that-dir-and-name-together-pass-the-limit.elf" };
	n = set_files(long_name, 1, 10);
	expect_dir_error("\\keel\\guests", n, n, &total,
	                 "module_dir \\keel\\guests: path of 'a-name-so-long-that-dir-and-name-together-pass-the-limit.elf' "
	                 "too long (max 63 characters)");

	/* The listing ran out of room: surely too many. */
	expect_dir_error("\\many", 0, BOOT_MODULES_MAX + 5, &total,
	                 "module_dir \\many: too many files (69; at most 64 modules in all)");

	/* Few enough alone, too many with the modules already listed. */
	for (unsigned i = 0; i < BOOT_MODULES_MAX; i++) {
		snprintf(files[i].name, sizeof files[i].name, "f%02u", i);
		files[i].size = 1;
	}
	expect_dir_error("\\many", BOOT_MODULES_MAX, BOOT_MODULES_MAX, &total,
	                 "module_dir \\many: too many files (64, with 1 other modules; at most 64 in all)");
	char why[200];
	assert_int_equal(dir_modules_add(&config, "\\many", files, BOOT_MODULES_MAX - 1, BOOT_MODULES_MAX - 1,
	                                 &total, why, sizeof why), BOOT_MODULES_MAX - 1);
	assert_int_equal(config.module_count, BOOT_MODULES_MAX);
}

static void test_dir_total_size(void **state)
{
	(void)state;
	parse_ok("dom0 = \\keel\\dom0.elf\n");
	uint64_t total = 0;
	char why[200];
	static const char *const big[] = { "a", "b" };
	unsigned n = set_files(big, 2, DIR_MODULES_TOTAL_MAX / 2);
	assert_int_equal(dir_modules_add(&config, "\\one", files, n, n, &total, why, sizeof why), 2);
	assert_int_equal(total, DIR_MODULES_TOTAL_MAX);

	/* The limit counts every module_dir together. */
	static const char *const one_byte[] = { "c" };
	n = set_files(one_byte, 1, 1);
	expect_dir_error("\\two", n, n, &total,
	                 "module_dir \\two: files too large (more than 512 MiB in all module_dir files)");

	/* A single huge file cannot wrap the sum around. */
	total = 0;
	n = set_files(one_byte, 1, UINT64_MAX);
	expect_dir_error("\\three", n, n, &total,
	                 "module_dir \\three: files too large (more than 512 MiB in all module_dir files)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_list),
		cmocka_unit_test(test_autostart_key),
		cmocka_unit_test(test_module_dir_key),
		cmocka_unit_test(test_self_for_dom0),
		cmocka_unit_test(test_dir_sorted_and_deduplicated),
		cmocka_unit_test(test_dir_errors),
		cmocka_unit_test(test_dir_total_size),
	};
	return cmocka_run_group_tests_name("boot_config", tests, NULL, NULL);
}
