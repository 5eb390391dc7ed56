/* test_tty_ring.c: dom0's terminal queues: ring wrap-around, full and empty, and "\n" queued as "\r\n". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../dom0/tty_ring.h"

static size_t drain(struct tty_ring *r, char *out, size_t max)
{
	size_t n = 0;
	uint8_t c;
	while (n < max && tty_ring_get(r, &c))
		out[n++] = (char)c;
	out[n] = 0;
	return n;
}

static void test_init_rejects_sizes_not_power_of_two(void **state)
{
	(void)state;
	uint8_t buf[12];
	struct tty_ring r;
	assert_false(tty_ring_init(&r, buf, 12));
	assert_false(tty_ring_init(&r, buf, 0));
	assert_true(tty_ring_init(&r, buf, 8));
	assert_int_equal(tty_ring_free(&r), 8);
	assert_int_equal(tty_ring_used(&r), 0);
}

static void test_full_and_empty(void **state)
{
	(void)state;
	uint8_t buf[4], c;
	struct tty_ring r;
	tty_ring_init(&r, buf, sizeof(buf));
	assert_false(tty_ring_get(&r, &c));
	for (int i = 0; i < 4; i++)
		assert_true(tty_ring_put(&r, (uint8_t)('a' + i)));
	assert_false(tty_ring_put(&r, 'x'));
	assert_int_equal(tty_ring_free(&r), 0);
	assert_true(tty_ring_get(&r, &c));
	assert_int_equal(c, 'a');
	assert_int_equal(tty_ring_used(&r), 3);
}

/* head and tail run freely: the ring must survive their 32-bit wrap, not only the index wrap. */
static void test_counters_wrap(void **state)
{
	(void)state;
	uint8_t buf[8], c;
	struct tty_ring r;
	tty_ring_init(&r, buf, sizeof(buf));
	r.head = r.tail = UINT32_MAX - 2;
	for (int i = 0; i < 8; i++)
		assert_true(tty_ring_put(&r, (uint8_t)i));
	assert_false(tty_ring_put(&r, 99));
	for (int i = 0; i < 8; i++) {
		assert_true(tty_ring_get(&r, &c));
		assert_int_equal(c, i);
	}
	assert_false(tty_ring_get(&r, &c));
}

static void test_text_newlines_become_crlf(void **state)
{
	(void)state;
	uint8_t buf[64];
	char out[65];
	struct tty_ring r;
	tty_ring_init(&r, buf, sizeof(buf));
	const char *text = "a\nbc\n\n";
	assert_int_equal(tty_ring_put_text(&r, (const uint8_t *)text, strlen(text)), strlen(text));
	drain(&r, out, 64);
	assert_string_equal(out, "a\r\nbc\r\n\r\n");
}

/* A line end is never split: with one byte free a '\n' waits for the next call. */
static void test_text_stops_before_a_split_line_end(void **state)
{
	(void)state;
	uint8_t buf[4];
	char out[8];
	struct tty_ring r;
	tty_ring_init(&r, buf, sizeof(buf));
	const uint8_t text[] = "abc\nd";
	assert_int_equal(tty_ring_put_text(&r, text, 5), 3);
	assert_int_equal(tty_ring_used(&r), 3);
	drain(&r, out, 1);
	assert_string_equal(out, "a");
	assert_int_equal(tty_ring_put_text(&r, text + 3, 2), 1);   /* "\r\n" fits, 'd' does not */
	drain(&r, out, 7);
	assert_string_equal(out, "bc\r\n");
	assert_int_equal(tty_ring_put_text(&r, text + 4, 1), 1);
	assert_int_equal(tty_ring_put_text(&r, text, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_rejects_sizes_not_power_of_two),
		cmocka_unit_test(test_full_and_empty),
		cmocka_unit_test(test_counters_wrap),
		cmocka_unit_test(test_text_newlines_become_crlf),
		cmocka_unit_test(test_text_stops_before_a_split_line_end),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
