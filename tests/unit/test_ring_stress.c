/* test_ring_stress.c: 10^8 checksummed 64-byte messages through io/ring.h between two threads across the 2^32 wrap, and the sleep/notify path under fire. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../bench/stream_keel.h"

STREAM_KEEL_DEFINE(stress, msg64)

static void stream_and_check(uint64_t messages, size_t ring_bytes, int spin_polls, const char *what)
{
	struct stream_result r = { 0 };
	stream_spin_polls = spin_polls;
	/* Half the messages before 2^32, half after: every index wraps mid-stream. */
	uint32_t first = (uint32_t)(UINT32_MAX - messages / 2);
	assert_int_equal(stress_stream_run(messages, ring_bytes, first, &r), 0);
	printf("# ring stress (%s): %llu messages in %.2f s (%.1f ns each), %llu notifications, %llu sleeps\n",
	       what, (unsigned long long)r.messages, r.seconds, r.seconds * 1e9 / (double)r.messages,
	       (unsigned long long)r.notifications, (unsigned long long)r.sleeps);
	assert_int_equal(r.protocol_error, 0);
	assert_int_equal(r.bad_messages, 0);
	assert_int_equal(r.lost_wakeups, 0);
	assert_int_equal(r.messages, messages);
	assert_true(r.sum_sent == r.sum_received);
}

/* 10^8 messages through 16 pages (512 slots), both sides spinning before they sleep. */
static void test_two_threads_stream_10e8_messages_intact(void **state)
{
	(void)state;
	stream_and_check(100000000ull, 16 * KEEL_RING_PAGE_SIZE, STREAM_SPIN_POLLS, "streaming");
}

/*
 * One page (32 slots) and no spinning: a side sleeps whenever the ring is empty or full,
 * so the final-check/notify race of R5 runs tens of thousands of times. A lost
 * notification shows as a sleep ended by the 10 s timeout.
 */
static void test_sleep_and_notify_never_lose_a_wakeup(void **state)
{
	(void)state;
	stream_and_check(2000000ull, KEEL_RING_PAGE_SIZE, 0, "sleeping");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_threads_stream_10e8_messages_intact),
		cmocka_unit_test(test_sleep_and_notify_never_lose_a_wakeup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
