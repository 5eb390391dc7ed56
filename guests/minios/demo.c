/* demo.c: the spin command's busy thread and the self-test of preemption, sleeping, clocks, malloc and stdio. */
#include "demo.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sched.h"

#define MS_NS 1000000ull

static uint64_t monotonic_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void spin_thread(void *arg)
{
	uint64_t until = monotonic_ns() + (uint64_t)(uintptr_t)arg * 1000000000ull;
	volatile uint64_t loops = 0;
	while (monotonic_ns() < until)   /* never yields, never waits: only the timer takes the CPU away */
		loops++;
	printf("spin: done: %llu loops, preempted %llu times\n", (unsigned long long)loops,
	       (unsigned long long)thread_current()->preemptions);
}

int demo_spin_start(int seconds)
{
	return thread_create("spin", spin_thread, (void *)(uintptr_t)seconds) ? 0 : -1;
}

/* ---- the self-test ---- */

struct busy {
	volatile bool stop;
	volatile uint64_t loops;
	volatile bool ended;
};

static void busy_thread(void *arg)
{
	struct busy *b = arg;
	while (!b->stop)
		b->loops++;
	b->ended = true;
}

static char failures[512];

static void fail(const char *fmt, ...)
{
	size_t used = strlen(failures);
	if (used + 3 >= sizeof(failures))
		return;
	if (used)
		strcat(failures, "; ");
	used = strlen(failures);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(failures + used, sizeof(failures) - used, fmt, ap);
	va_end(ap);
}

static void check_preemption(uint64_t *slept_ms)
{
	struct busy b[2] = { 0 };
	struct thread *t[2] = { thread_create("busy0", busy_thread, &b[0]), thread_create("busy1", busy_thread, &b[1]) };
	if (!t[0] || !t[1]) {
		fail("could not start the busy threads");
		b[0].stop = b[1].stop = true;
	}
	uint64_t start = monotonic_ns();
	sched_sleep_ns(300 * MS_NS);   /* both busy threads compete for the CPU meanwhile */
	*slept_ms = (monotonic_ns() - start) / MS_NS;
	uint64_t loops[2] = { b[0].loops, b[1].loops };
	uint64_t preempted[2] = { t[0] ? t[0]->preemptions : 0, t[1] ? t[1]->preemptions : 0 };
	b[0].stop = b[1].stop = true;
	for (int i = 0; i < 2 && t[i]; i++)
		while (!b[i].ended)
			sched_sleep_ns(MS_NS);
	if (*slept_ms < 300)
		fail("a 300 ms sleep ended after %llu ms", (unsigned long long)*slept_ms);
	if (*slept_ms > 5000)
		fail("a 300 ms sleep took %llu ms: the sleeper was starved", (unsigned long long)*slept_ms);
	for (int i = 0; i < 2; i++) {
		if (!loops[i])
			fail("busy thread %d never ran", i);
		if (!preempted[i])
			fail("busy thread %d was never preempted", i);
	}
}

static void check_clocks(void)
{
	time_t now = time(NULL);
	if (now < 1704067200)   /* 2024-01-01: the wallclock is unset or wrong */
		fail("time() is %lld, before 2024", (long long)now);
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	sched_sleep_ns(20 * MS_NS);
	clock_gettime(CLOCK_MONOTONIC, &b);
	int64_t ms = ((int64_t)b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	if (ms < 20)
		fail("CLOCK_MONOTONIC advanced %lld ms over a 20 ms sleep", (long long)ms);
}

static void check_malloc(void)
{
	enum { BLOCKS = 64 };
	unsigned char *blocks[BLOCKS];
	for (int i = 0; i < BLOCKS; i++) {
		size_t size = 16 + (size_t)i * 997;
		blocks[i] = malloc(size);
		if (!blocks[i]) {
			fail("malloc(%zu) failed", size);
			return;
		}
		memset(blocks[i], i, size);
	}
	for (int i = 0; i < BLOCKS; i++) {
		size_t size = 16 + (size_t)i * 997;
		for (size_t k = 0; k < size; k++)
			if (blocks[i][k] != (unsigned char)i) {
				fail("malloc'd block %d was overwritten at byte %zu", i, k);
				break;
			}
		free(blocks[i]);
	}
	void *big = malloc(1 << 20);
	if (!big)
		fail("malloc of 1 MiB failed");
	free(big);
	if (malloc((size_t)1 << 40))
		fail("malloc of 1 TiB succeeded");
}

static void check_stdio(void)
{
	char buf[96];
	snprintf(buf, sizeof(buf), "%d|%5s|%-4x|%08.3f|%llu|%c", -42, "ab", 0xbeef, 3.14159, 18446744073709551615ull, 'z');
	const char *want = "-42|   ab|beef|0003.142|18446744073709551615|z";
	if (strcmp(buf, want))
		fail("snprintf gave '%s', not '%s'", buf, want);
	char *end;
	long v = strtol("-123abc", &end, 10);
	if (v != -123 || strcmp(end, "abc"))
		fail("strtol(\"-123abc\") = %ld, rest '%s'", v, end);
	if (strtoul("0x1F", NULL, 0) != 31)
		fail("strtoul(\"0x1F\", 0) is not 31");
	int a = 0, b = 0;
	if (sscanf("7 and 9", "%d and %d", &a, &b) != 2 || a != 7 || b != 9)
		fail("sscanf read %d and %d", a, b);
}

void demo_selftest(void)
{
	failures[0] = 0;
	uint64_t slept_ms = 0;
	check_preemption(&slept_ms);
	check_clocks();
	check_malloc();
	check_stdio();
	if (failures[0])
		printf("selftest: FAIL %s\n", failures);
	else
		printf("selftest: PASS (preemptive: two busy threads shared the CPU while the shell slept %llu ms)\n",
		       (unsigned long long)slept_ms);
}
