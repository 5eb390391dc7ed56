/* timer_sleep.c: sleeping 50 ms on set_timer + sched_op BLOCK takes at least 50 ms of system time, and the wallclock is current. */
#include "console.h"
#include "events.h"
#include "timer.h"
#include "xtf.h"

const char xtf_test_name[] = "timer_sleep";

#define SLEEP_NS   50000000ull     /* 50 ms */
#define LATE_NS    2000000000ull   /* 2 s: far beyond any tick-bound lateness */
#define SHORT_SLEEPS   15
#define SHORT_SLEEP_NS 1000000ull      /* 1 ms */
#define MEDIAN_LATE_NS 3000000ull      /* 3 ms: a 10 ms tick would make it ~9 ms */

void test_main(const struct keel_start_info *si)
{
	trap_init(xtf_unhandled_trap);
	long rc = events_init(si);
	if (rc) {
		xtf_failure("events_init returned %ld", rc);
		return;
	}
	rc = timer_init();
	if (rc) {
		xtf_failure("binding KEEL_VIRQ_TIMER returned %ld", rc);
		return;
	}

	uint64_t before = time_now_ns();
	rc = sleep_ns(SLEEP_NS);
	uint64_t after = time_now_ns();
	uint64_t elapsed = after - before;
	if (rc)
		xtf_failure("sleep_ns returned %ld", rc);
	if (!before || after < before)
		xtf_failure("system time went from %llu to %llu ns", (unsigned long long)before,
			    (unsigned long long)after);
	else if (elapsed < SLEEP_NS || elapsed >= LATE_NS)
		xtf_failure("slept %llu ns, want 50 ms .. 2 s", (unsigned long long)elapsed);
	if (timer_events != 1)
		xtf_failure("%llu KEEL_VIRQ_TIMER events, want 1", (unsigned long long)timer_events);

	/* Re-arming replaces, 0 cancels: nothing may fire after the cancel. */
	uint64_t events = timer_events;
	set_timer(time_now_ns() + 1000000);
	set_timer(0);
	uint64_t wait_until = time_now_ns() + 30000000;   /* 30 ms: past the deadline and a tick */
	asm volatile("sti");
	while (time_now_ns() < wait_until)
		asm volatile("pause");
	asm volatile("cli");
	if (timer_events != events)
		xtf_failure("a cancelled timer fired");

	/* Precision: the hypervisor arms its timer interrupt for the deadline itself, so short
	 * sleeps end close to their deadline, not at the next 10 ms tick. The host may deschedule
	 * the emulator now and then, so judge the median, not every sleep. */
	uint64_t late[SHORT_SLEEPS];
	for (unsigned int i = 0; i < SHORT_SLEEPS; i++) {
		uint64_t start = time_now_ns();
		sleep_ns(SHORT_SLEEP_NS);
		uint64_t took = time_now_ns() - start;
		late[i] = took > SHORT_SLEEP_NS ? took - SHORT_SLEEP_NS : 0;
		if (took < SHORT_SLEEP_NS)
			xtf_failure("a %llu ns sleep ended after %llu ns", (unsigned long long)SHORT_SLEEP_NS,
				    (unsigned long long)took);
	}
	for (unsigned int i = 1; i < SHORT_SLEEPS; i++)   /* insertion sort: few values */
		for (unsigned int j = i; j > 0 && late[j - 1] > late[j]; j--) {
			uint64_t t = late[j];
			late[j] = late[j - 1];
			late[j - 1] = t;
		}
	uint64_t median = late[SHORT_SLEEPS / 2];
	gprintf("xtf: timer_sleep: %u sleeps of %llu us: lateness min %llu us, median %llu us, max %llu us\n", SHORT_SLEEPS,
		 (unsigned long long)SHORT_SLEEP_NS / 1000, (unsigned long long)late[0] / 1000,
		 (unsigned long long)median / 1000, (unsigned long long)late[SHORT_SLEEPS - 1] / 1000);
	if (median > MEDIAN_LATE_NS)
		xtf_failure("median lateness %llu us, want <= %llu us", (unsigned long long)median / 1000,
			    (unsigned long long)MEDIAN_LATE_NS / 1000);

	uint64_t sec;
	uint32_t nsec;
	wallclock_now(&sec, &nsec);
	int64_t year = year_of_unix_seconds(sec);
	if (year < 2024 || nsec >= 1000000000u)
		xtf_failure("wallclock says year %lld (%llu s, %u ns), want >= 2024", (long long)year,
			    (unsigned long long)sec, nsec);
}
