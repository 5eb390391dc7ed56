/* test_domcfg.c: unit tests of dom0's domain config parser: every key, every error, overrides. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../../dom0/domcfg.h"

static char err[256];

static int parse(struct domcfg *cfg, const char *text)
{
	domcfg_init(cfg);
	err[0] = '\0';
	return domcfg_parse(cfg, text, strlen(text), err, sizeof(err));
}

/* Parses a text that must fail and checks the one-line message. */
static void expect_error(const char *text, const char *message)
{
	struct domcfg cfg;
	assert_int_equal(parse(&cfg, text), -1);
	assert_string_equal(err, message);
	assert_null(strchr(err, '\n'));
}

static void test_every_key(void **state)
{
	(void)state;
	struct domcfg cfg;
	const char *text =
		"# a web server\n"
		"name = web\n"
		"kernel = \\keel\\guests\\hello.elf\n"
		"memory = 32\n"
		"vcpus = 2   # two\n"
		"cmdline = \"greeting # kept\"\n"
		"on_crash = restart\r\n"
		"on_poweroff = preserve\n"
		"on_reboot = destroy\n"
		"disk = part:DATA,ro\n";
	assert_int_equal(parse(&cfg, text), 0);
	assert_string_equal(cfg.name, "web");
	assert_string_equal(cfg.kernel, "\\keel\\guests\\hello.elf");
	assert_int_equal(cfg.memory_bytes, 32ull << 20);
	assert_int_equal(cfg.vcpus, 2);
	assert_string_equal(cfg.cmdline, "greeting # kept");
	assert_int_equal(cfg.on_crash, DOMCFG_RESTART);
	assert_int_equal(cfg.on_poweroff, DOMCFG_PRESERVE);
	assert_int_equal(cfg.on_reboot, DOMCFG_DESTROY);
	assert_true(cfg.has_disk);
	assert_true(cfg.disk_readonly);
	assert_string_equal(cfg.disk_label, "DATA");
	assert_int_equal(domcfg_check(&cfg, err, sizeof(err)), 0);
}

static void test_defaults(void **state)
{
	(void)state;
	struct domcfg cfg;
	assert_int_equal(parse(&cfg, "name = a\nkernel = hello\n"), 0);
	assert_string_equal(cfg.kernel, "hello");
	assert_int_equal(cfg.memory_bytes, 16ull << 20);
	assert_int_equal(cfg.vcpus, 1);
	assert_string_equal(cfg.cmdline, "");
	assert_int_equal(cfg.on_crash, DOMCFG_DESTROY);
	assert_int_equal(cfg.on_poweroff, DOMCFG_DESTROY);
	assert_int_equal(cfg.on_reboot, DOMCFG_RESTART);
	assert_false(cfg.has_disk);
	assert_string_equal(domcfg_action_name(cfg.on_reboot), "restart");
}

static void test_memory_forms(void **state)
{
	(void)state;
	struct domcfg cfg;
	assert_int_equal(parse(&cfg, "memory = 2048K\n"), 0);
	assert_int_equal(cfg.memory_bytes, 2ull << 20);
	assert_int_equal(parse(&cfg, "memory = 64M\n"), 0);
	assert_int_equal(cfg.memory_bytes, 64ull << 20);
	assert_int_equal(parse(&cfg, "memory = 1G\n"), 0);
	assert_int_equal(cfg.memory_bytes, 1ull << 30);
	assert_int_equal(parse(&cfg, "memory = 0x10\n"), 0);
	assert_int_equal(cfg.memory_bytes, 16ull << 20);
	expect_error("memory = 0\n", "line 1: memory '0' out of range (1M..1G, whole 4K pages)");
	expect_error("memory = 2G\n", "line 1: memory '2G' out of range (1M..1G, whole 4K pages)");
	expect_error("memory = 1025K\n", "line 1: memory '1025K' out of range (1M..1G, whole 4K pages)");
	expect_error("memory = 99999999999999999\n",
		     "line 1: bad memory size '99999999999999999' (MiB, or with a K/M/G suffix)");
	expect_error("memory = 16 MiB\n", "line 1: bad memory size '16 MiB' (MiB, or with a K/M/G suffix)");
	expect_error("memory = -1\n", "line 1: bad memory size '-1' (MiB, or with a K/M/G suffix)");
}

static void test_bad_values(void **state)
{
	(void)state;
	expect_error("name = a b\n", "line 1: bad name 'a b' (1..31 characters of A-Z a-z 0-9 _ . -)");
	expect_error("name = abcdefghijabcdefghijabcdefghij12\n",
		     "line 1: bad name 'abcdefghijabcdefghijabcdefghij12' (1..31 characters of A-Z a-z 0-9 _ . -)");
	expect_error("name = \"\"\n", "line 1: bad name '' (1..31 characters of A-Z a-z 0-9 _ . -)");
	expect_error("kernel = a:b\n",
		     "line 1: bad kernel 'a:b' (an image name, or a path like \\keel\\guests\\hello.elf)");
	expect_error("kernel = dir\\x.elf\n",
		     "line 1: bad kernel 'dir\\x.elf' (an image name, or a path like \\keel\\guests\\hello.elf)");
	expect_error("kernel =\n", "line 1: kernel is empty");
	expect_error("vcpus = 0\n", "line 1: bad vcpus '0' (1..16)");
	expect_error("vcpus = 17\n", "line 1: bad vcpus '17' (1..16)");
	expect_error("vcpus = 1x\n", "line 1: bad vcpus '1x' (1..16)");
	expect_error("vcpus = 99999999999999999999999\n", "line 1: bad vcpus '99999999999999999999999' (1..16)");
	expect_error("on_crash = reboot\n", "line 1: bad on_crash 'reboot' (destroy, restart or preserve)");
	expect_error("on_poweroff = \n", "line 1: bad on_poweroff '' (destroy, restart or preserve)");
	expect_error("on_reboot = Restart\n", "line 1: bad on_reboot 'Restart' (destroy, restart or preserve)");
	expect_error("disk = DATA\n", "line 1: bad disk 'DATA' (part:LABEL, optionally ,rw or ,ro)");
	expect_error("disk = part:\n", "line 1: bad disk 'part:' (part:LABEL, optionally ,rw or ,ro)");
	expect_error("disk = part:A,rx\n", "line 1: bad disk 'part:A,rx' (part:LABEL, optionally ,rw or ,ro)");
	expect_error("disk = part:A B\n", "line 1: bad disk 'part:A B' (part:LABEL, optionally ,rw or ,ro)");
	char text[400];
	snprintf(text, sizeof(text), "cmdline = %0300d\n", 1);
	expect_error(text, "line 1: cmdline too long (max 255 characters)");
}

/* disk = null:SIZE: a backend-only disk of whole 4 KiB pages; its text is its label. */
static void test_null_disk(void **state)
{
	(void)state;
	struct domcfg cfg;
	uint64_t sectors;
	assert_int_equal(parse(&cfg, "disk = null:256M\n"), 0);
	assert_true(cfg.has_disk);
	assert_false(cfg.disk_readonly);
	assert_string_equal(cfg.disk_label, "null:256M");
	assert_true(domcfg_null_disk_sectors(cfg.disk_label, &sectors));
	assert_int_equal(sectors, (256ull << 20) / 512);
	assert_int_equal(parse(&cfg, "disk = null:4K,ro\n"), 0);
	assert_true(cfg.disk_readonly);
	assert_true(domcfg_null_disk_sectors(cfg.disk_label, &sectors));
	assert_int_equal(sectors, 8);
	assert_false(domcfg_null_disk_sectors("part:DATA", &sectors));   /* a partition is not null */
	expect_error("disk = null:0\n", "line 1: bad null disk size in 'null:0' (4K..1T, whole 4K pages)");
	expect_error("disk = null:3K\n", "line 1: bad null disk size in 'null:3K' (4K..1T, whole 4K pages)");
	expect_error("disk = null:2T\n", "line 1: bad null disk size in 'null:2T' (4K..1T, whole 4K pages)");
	expect_error("disk = null:lots\n", "line 1: bad null disk size in 'null:lots' (4K..1T, whole 4K pages)");
	/* A refused null disk leaves the disk it would have replaced (found by fuzz_domcfg). */
	assert_int_equal(parse(&cfg, "disk = part:DATA,ro\n"), 0);
	struct domcfg before = cfg;
	assert_int_equal(domcfg_override(&cfg, "disk=null:D", err, sizeof(err)), -1);
	assert_memory_equal(&before, &cfg, sizeof(cfg));
	assert_string_equal(cfg.disk_label, "DATA");
}

static void test_structure_errors(void **state)
{
	(void)state;
	expect_error("name = a\nmemroy = 16\n", "line 2: unknown key 'memroy'");
	expect_error("name = a\n\n# x\nname = b\n", "line 4: duplicate key 'name'");
	expect_error("name\n", "line 1: missing '=' (expected 'key = value')");
	expect_error("cmdline = \"open\n", "line 1: unterminated quote");
}

static void test_check_requires_name_and_kernel(void **state)
{
	(void)state;
	struct domcfg cfg;
	assert_int_equal(parse(&cfg, "kernel = hello\n"), 0);
	assert_int_equal(domcfg_check(&cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "missing key 'name'");
	assert_int_equal(parse(&cfg, "name = x\n"), 0);
	assert_int_equal(domcfg_check(&cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "missing key 'kernel'");
}

static void test_kernel_slashes_become_backslashes(void **state)
{
	(void)state;
	struct domcfg cfg;
	assert_int_equal(parse(&cfg, "kernel = /keel/guests/tc-x.elf\n"), 0);
	assert_string_equal(cfg.kernel, "\\keel\\guests\\tc-x.elf");
}

static void test_overrides(void **state)
{
	(void)state;
	struct domcfg cfg;
	assert_int_equal(parse(&cfg, "name = a\nkernel = hello\nmemory = 16\n"), 0);
	/* An override replaces a key the file set: not a duplicate. */
	assert_int_equal(domcfg_override(&cfg, "memory=64M", err, sizeof(err)), 0);
	assert_int_equal(cfg.memory_bytes, 64ull << 20);
	assert_int_equal(domcfg_override(&cfg, "memory=32", err, sizeof(err)), 0);
	assert_int_equal(cfg.memory_bytes, 32ull << 20);
	assert_int_equal(domcfg_override(&cfg, "name=b", err, sizeof(err)), 0);
	assert_string_equal(cfg.name, "b");
	assert_int_equal(domcfg_override(&cfg, "cmdline=x=y z", err, sizeof(err)), 0);
	assert_string_equal(cfg.cmdline, "x=y z");

	assert_int_equal(domcfg_override(&cfg, "vcpus=0", err, sizeof(err)), -1);
	assert_string_equal(err, "override 'vcpus=0': bad vcpus '0' (1..16)");
	assert_int_equal(cfg.vcpus, 1);   /* a rejected override changes nothing */
	assert_int_equal(domcfg_override(&cfg, "colour=red", err, sizeof(err)), -1);
	assert_string_equal(err, "override 'colour=red': unknown key 'colour'");
	assert_int_equal(domcfg_override(&cfg, "memory", err, sizeof(err)), -1);
	assert_string_equal(err, "override 'memory': expected key=value");
	/* A cmdline no config file could hold (it needs quotes and has a '"') is refused (fuzz_domcfg). */
	assert_int_equal(domcfg_override(&cfg, "cmdline=#\"a\"", err, sizeof(err)), -1);
	assert_string_equal(err, "override 'cmdline=#\"a\"': cmdline '#\"a\"' needs quotes but holds a '\"' (no config file could say it)");
	assert_string_equal(cfg.cmdline, "x=y z");
	assert_int_equal(domcfg_override(&cfg, "cmdline=say \"hi\"", err, sizeof(err)), 0);   /* no quotes needed: fine */
	assert_string_equal(cfg.cmdline, "say \"hi\"");
	assert_int_equal(domcfg_override(&cfg, "=5", err, sizeof(err)), -1);
	assert_string_equal(err, "override '=5': expected key=value");
	assert_int_equal(domcfg_override(&cfg, "a_key_longer_than_thirty_two_bytes_x=1", err, sizeof(err)), -1);
	assert_string_equal(err, "override 'a_key_longer_than_thirty_two_bytes_x=1': unknown key");
	assert_int_equal(cfg.memory_bytes, 32ull << 20);
}

static void test_name_valid(void **state)
{
	(void)state;
	assert_true(domcfg_name_valid("a.b-c_9"));
	assert_false(domcfg_name_valid(""));
	assert_false(domcfg_name_valid("a/b"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_memory_forms),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_null_disk),
		cmocka_unit_test(test_structure_errors),
		cmocka_unit_test(test_check_requires_name_and_kernel),
		cmocka_unit_test(test_kernel_slashes_become_backslashes),
		cmocka_unit_test(test_overrides),
		cmocka_unit_test(test_name_valid),
	};
	return cmocka_run_group_tests_name("domcfg", tests, NULL, NULL);
}
