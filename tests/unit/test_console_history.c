/* test_console_history.c: unit tests of dom0's console history and its checks of the guest's ring indexes (rule C2). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../dom0/console_ring.h"

static struct console_history history;
static struct keel_console_ring ring;

static int setup(void **state)
{
	(void)state;
	memset(&history, 0, sizeof(history));
	memset(&ring, 0, sizeof(ring));
	return 0;
}

/* The guest's side of 'out': what a frontend does (C1), here with plain stores. */
static void guest_writes(const char *text)
{
	for (size_t i = 0; text[i]; i++)
		ring.out[(ring.out_prod + i) % KEEL_CONSOLE_OUT_SIZE] = text[i];
	ring.out_prod += (uint32_t)strlen(text);
}

static void expect_history(uint64_t from, const char *expect)
{
	static char got[CONSOLE_HISTORY_SIZE + 1];
	uint64_t pos = from;
	size_t n = console_history_read(&history, &pos, got, sizeof(got) - 1);
	got[n] = '\0';
	assert_string_equal(got, expect);
}

static void test_history_keeps_everything_below_its_size(void **state)
{
	(void)state;
	console_history_append(&history, "hello ", 6);
	console_history_append(&history, "world", 5);
	expect_history(0, "hello world");
	expect_history(6, "world");
	expect_history(11, "");
	expect_history(500, "");   /* a position from the future reads nothing */
}

static void test_history_keeps_the_newest_bytes(void **state)
{
	(void)state;
	static char big[CONSOLE_HISTORY_SIZE + 100];
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	/* In two appends so one of them wraps around the end of the buffer. */
	console_history_append(&history, big, 300);
	console_history_append(&history, big + 300, sizeof(big) - 300);
	assert_int_equal(history.total, sizeof(big));

	static char got[CONSOLE_HISTORY_SIZE];
	uint64_t pos = 0;   /* fell behind: resumes at the oldest byte kept */
	assert_int_equal(console_history_read(&history, &pos, got, sizeof(got)), CONSOLE_HISTORY_SIZE);
	assert_memory_equal(got, big + 100, CONSOLE_HISTORY_SIZE);
	assert_int_equal(pos, sizeof(big));
}

static void test_history_append_larger_than_itself(void **state)
{
	(void)state;
	static char big[3 * CONSOLE_HISTORY_SIZE + 7];
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7);
	console_history_append(&history, big, sizeof(big));
	static char got[CONSOLE_HISTORY_SIZE];
	uint64_t pos = 0;
	assert_int_equal(console_history_read(&history, &pos, got, sizeof(got)), CONSOLE_HISTORY_SIZE);
	assert_memory_equal(got, big + sizeof(big) - CONSOLE_HISTORY_SIZE, CONSOLE_HISTORY_SIZE);
}

static void test_history_reads_in_small_pieces(void **state)
{
	(void)state;
	console_history_append(&history, "abcdef", 6);
	char got[4];
	uint64_t pos = 0;
	assert_int_equal(console_history_read(&history, &pos, got, 4), 4);
	assert_memory_equal(got, "abcd", 4);
	assert_int_equal(console_history_read(&history, &pos, got, 4), 2);
	assert_memory_equal(got, "ef", 2);
	assert_int_equal(console_history_read(&history, &pos, got, 4), 0);
}

static void test_drain_moves_output_and_frees_the_ring(void **state)
{
	(void)state;
	guest_writes("counter: 1\n");
	assert_int_equal(console_ring_drain_out(&ring, &history), 11);
	assert_int_equal(ring.out_cons, ring.out_prod);
	assert_int_equal(console_ring_drain_out(&ring, &history), 0);
	guest_writes("counter: 2\n");
	assert_int_equal(console_ring_drain_out(&ring, &history), 11);
	expect_history(0, "counter: 1\ncounter: 2\n");
}

static void test_drain_across_index_wrap(void **state)
{
	(void)state;
	/* Indexes are free-running and wrap at 2^32; the bytes wrap at the ring's end. */
	ring.out_prod = ring.out_cons = 0xfffffffcu;
	guest_writes("wrapped!");
	assert_int_equal(ring.out_prod, 4);
	assert_int_equal(console_ring_drain_out(&ring, &history), 8);
	expect_history(0, "wrapped!");
	assert_int_equal(ring.out_cons, 4);
}

static void test_drain_a_full_ring(void **state)
{
	(void)state;
	static char full[KEEL_CONSOLE_OUT_SIZE + 1];
	memset(full, 'x', KEEL_CONSOLE_OUT_SIZE);
	guest_writes(full);
	assert_int_equal(console_ring_drain_out(&ring, &history), KEEL_CONSOLE_OUT_SIZE);
	assert_int_equal(history.total, KEEL_CONSOLE_OUT_SIZE);
}

static void test_drain_refuses_a_broken_producer(void **state)
{
	(void)state;
	ring.out_cons = 100;
	ring.out_prod = 100 + KEEL_CONSOLE_OUT_SIZE + 1;   /* more than the ring holds */
	assert_int_equal(console_ring_drain_out(&ring, &history), -1);
	assert_int_equal(history.total, 0);
	assert_int_equal(ring.out_cons, 100);   /* nothing consumed */
	ring.out_prod = 99;                     /* behind the consumer: prod - cons wraps huge */
	assert_int_equal(console_ring_drain_out(&ring, &history), -1);
}

static void test_push_in_until_full(void **state)
{
	(void)state;
	assert_int_equal(console_ring_push_in(&ring, "ls\r", 3), 3);
	assert_int_equal(ring.in_prod, 3);
	assert_memory_equal(ring.in, "ls\r", 3);

	static char many[KEEL_CONSOLE_IN_SIZE];
	memset(many, 'k', sizeof(many));
	assert_int_equal(console_ring_push_in(&ring, many, sizeof(many)), KEEL_CONSOLE_IN_SIZE - 3);
	assert_int_equal(console_ring_push_in(&ring, "z", 1), 0);   /* full: nothing queued */
	ring.in_cons = 10;                                          /* the guest read 10 bytes */
	assert_int_equal(console_ring_push_in(&ring, "0123456789AB", 12), 10);
	assert_int_equal(ring.in[KEEL_CONSOLE_IN_SIZE - 1], 'k');
	assert_memory_equal(ring.in, "0123456789", 10);             /* wrapped to the start */
}

static void test_push_in_refuses_a_broken_consumer(void **state)
{
	(void)state;
	ring.in_prod = 5;
	ring.in_cons = 6;   /* the guest claims to have read a byte never written */
	assert_int_equal(console_ring_push_in(&ring, "a", 1), -1);
	assert_int_equal(ring.in_prod, 5);
}

static void test_sanitize_keeps_text_and_masks_control_bytes(void **state)
{
	(void)state;
	char text[] = "ok\tline\r\n\x1b[2Jgone\x07\x7f\x01" "end\x80";
	console_text_sanitize(text, sizeof(text) - 1);
	assert_string_equal(text, "ok\tline\r\n?[2Jgone???end\x80");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_history_keeps_everything_below_its_size, setup),
		cmocka_unit_test_setup(test_history_keeps_the_newest_bytes, setup),
		cmocka_unit_test_setup(test_history_append_larger_than_itself, setup),
		cmocka_unit_test_setup(test_history_reads_in_small_pieces, setup),
		cmocka_unit_test_setup(test_drain_moves_output_and_frees_the_ring, setup),
		cmocka_unit_test_setup(test_drain_across_index_wrap, setup),
		cmocka_unit_test_setup(test_drain_a_full_ring, setup),
		cmocka_unit_test_setup(test_drain_refuses_a_broken_producer, setup),
		cmocka_unit_test_setup(test_push_in_until_full, setup),
		cmocka_unit_test_setup(test_push_in_refuses_a_broken_consumer, setup),
		cmocka_unit_test(test_sanitize_keeps_text_and_masks_control_bytes),
	};
	return cmocka_run_group_tests_name("console_history", tests, NULL, NULL);
}
