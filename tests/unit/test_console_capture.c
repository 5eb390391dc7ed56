/* test_console_capture.c: the per-domain console_io capture ring: numbering, wrap, clamping of old and future positions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "console_capture.h"

static struct console_capture cap;

static int setup(void **state)
{
	(void)state;
	memset(&cap, 0, sizeof(cap));
	return 0;
}

/* Writes bytes numbered from cap.written: byte n is 'a' + n % 26, so any window can be checked. */
static void put_numbered(size_t n)
{
	char buf[3 * KEEL_CONSOLE_CAPTURE];
	assert_true(n <= sizeof(buf));
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)('a' + (cap.written + i) % 26);
	console_capture_put(&cap, buf, n);
}

static void assert_numbered(const char *got, uint64_t first, size_t n)
{
	for (size_t i = 0; i < n; i++)
		assert_int_equal(got[i], 'a' + (first + i) % 26);
}

static void test_empty_and_simple(void **state)
{
	(void)state;
	char out[64];
	uint64_t pos = 0;
	assert_int_equal(console_capture_read(&cap, &pos, out, sizeof(out)), 0);
	assert_int_equal(pos, 0);
	console_capture_put(&cap, "hello\n", 6);
	assert_int_equal(console_capture_read(&cap, &pos, out, sizeof(out)), 6);
	assert_int_equal(pos, 0);
	assert_memory_equal(out, "hello\n", 6);
	pos = 2;   /* from the middle, limited by len */
	assert_int_equal(console_capture_read(&cap, &pos, out, 3), 3);
	assert_int_equal(pos, 2);
	assert_memory_equal(out, "llo", 3);
	pos = 6;   /* exactly at the end: nothing new */
	assert_int_equal(console_capture_read(&cap, &pos, out, sizeof(out)), 0);
	assert_int_equal(pos, 6);
}

static void test_wrap_keeps_the_last_bytes(void **state)
{
	(void)state;
	static char out[KEEL_CONSOLE_CAPTURE];
	put_numbered(KEEL_CONSOLE_CAPTURE - 10);
	put_numbered(100);   /* crosses the end of the buffer */
	assert_int_equal(cap.written, KEEL_CONSOLE_CAPTURE + 90);
	uint64_t pos = 0;   /* older than kept: starts at the oldest kept byte */
	assert_int_equal(console_capture_read(&cap, &pos, out, sizeof(out)), KEEL_CONSOLE_CAPTURE);
	assert_int_equal(pos, 90);
	assert_numbered(out, 90, KEEL_CONSOLE_CAPTURE);
	pos = KEEL_CONSOLE_CAPTURE - 20;   /* a window across the wrap */
	assert_int_equal(console_capture_read(&cap, &pos, out, 50), 50);
	assert_int_equal(pos, KEEL_CONSOLE_CAPTURE - 20);
	assert_numbered(out, KEEL_CONSOLE_CAPTURE - 20, 50);
}

static void test_write_longer_than_the_ring(void **state)
{
	(void)state;
	static char out[KEEL_CONSOLE_CAPTURE];
	put_numbered(7);
	put_numbered(2 * KEEL_CONSOLE_CAPTURE + 5);
	uint64_t total = 2 * KEEL_CONSOLE_CAPTURE + 12;
	assert_int_equal(cap.written, total);
	uint64_t pos = 3;
	assert_int_equal(console_capture_read(&cap, &pos, out, sizeof(out)), KEEL_CONSOLE_CAPTURE);
	assert_int_equal(pos, total - KEEL_CONSOLE_CAPTURE);
	assert_numbered(out, total - KEEL_CONSOLE_CAPTURE, KEEL_CONSOLE_CAPTURE);
}

static void test_future_position_is_the_end(void **state)
{
	(void)state;
	char out[16];
	put_numbered(40);
	uint64_t pos = 1000;
	assert_int_equal(console_capture_read(&cap, &pos, out, sizeof(out)), 0);
	assert_int_equal(pos, 40);
	pos = UINT64_MAX;
	assert_int_equal(console_capture_read(&cap, &pos, out, sizeof(out)), 0);
	assert_int_equal(pos, 40);
	pos = 39;   /* size 0 asks for nothing and gets nothing */
	assert_int_equal(console_capture_read(&cap, &pos, out, 0), 0);
	assert_int_equal(pos, 39);
}

static void test_incremental_reads_see_every_byte_once(void **state)
{
	(void)state;
	char out[37];
	uint64_t next = 0, got = 0;
	for (int round = 0; round < 200; round++) {
		put_numbered((size_t)(round % 53) + 1);
		for (;;) {
			uint64_t pos = next;
			size_t n = console_capture_read(&cap, &pos, out, sizeof(out));
			assert_int_equal(pos, next);   /* never fell behind: reads keep up */
			if (!n)
				break;
			assert_numbered(out, pos, n);
			next = pos + n;
			got += n;
		}
	}
	assert_int_equal(got, cap.written);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_empty_and_simple, setup),
		cmocka_unit_test_setup(test_wrap_keeps_the_last_bytes, setup),
		cmocka_unit_test_setup(test_write_longer_than_the_ring, setup),
		cmocka_unit_test_setup(test_future_position_is_the_end, setup),
		cmocka_unit_test_setup(test_incremental_reads_see_every_byte_once, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
