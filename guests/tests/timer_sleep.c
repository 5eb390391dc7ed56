/* timer_sleep.c: sleeping 50 ms on set_timer + sched_op BLOCK takes at least 50 ms of system time, and the wallclock is current. */
#include "events.h"
#include "timer.h"
#include "xtf.h"

const char xtf_test_name[] = "timer_sleep";

#define SLEEP_NS   50000000ull     /* 50 ms */
#define LATE_NS    2000000000ull   /* 2 s: far beyond any tick-bound lateness */

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

	uint64_t sec;
	uint32_t nsec;
	wallclock_now(&sec, &nsec);
	int64_t year = year_of_unix_seconds(sec);
	if (year < 2024 || nsec >= 1000000000u)
		xtf_failure("wallclock says year %lld (%llu s, %u ns), want >= 2024", (long long)year,
			    (unsigned long long)sec, nsec);
}
