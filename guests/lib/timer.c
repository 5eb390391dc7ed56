/* timer.c: reading system time and the wallclock from shared info, and sleeping on the one-shot timer. */
#include "timer.h"

#include <stdbool.h>

#include "events.h"
#include "hypercall.h"

volatile uint64_t timer_events;
static volatile bool timer_fired;

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

uint64_t time_now_ns(void)
{
	const volatile struct keel_vcpu_time_info *t = &shared_info->vcpu_info[0].time;
	uint32_t version;
	uint64_t ns;
	/* shared_info.h's protocol: an odd or changed version means the hypervisor was writing. */
	do {
		version = t->version;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		uint64_t delta = rdtsc() - t->tsc_timestamp;
		int8_t shift = t->tsc_shift;
		delta = shift >= 0 ? delta << shift : delta >> -shift;
		ns = t->system_time + (uint64_t)(((unsigned __int128)delta * t->tsc_to_system_mul) >> 32);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while ((version & 1) || version != t->version);
	return ns;
}

void wallclock_now(uint64_t *sec, uint32_t *nsec)
{
	const volatile struct keel_shared_info *si = shared_info;
	uint32_t version;
	uint64_t wc_sec;
	uint32_t wc_nsec;
	do {
		version = si->wc_version;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		wc_sec = si->wc_sec;
		wc_nsec = si->wc_nsec;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while ((version & 1) || version != si->wc_version);
	uint64_t now = time_now_ns();
	uint64_t ns = wc_nsec + now % 1000000000ull;
	*sec = wc_sec + now / 1000000000ull + ns / 1000000000ull;
	*nsec = (uint32_t)(ns % 1000000000ull);
}

int64_t year_of_unix_seconds(uint64_t sec)
{
	/* Howard Hinnant's civil_from_days. */
	int64_t z = (int64_t)(sec / 86400) + 719468;
	int64_t era = z / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t month = mp < 10 ? mp + 3 : mp - 9;
	return yoe + era * 400 + (month <= 2);
}

static void timer_event(uint32_t port, void *arg)
{
	(void)port, (void)arg;
	timer_events++;
	timer_fired = true;
}

static uint32_t timer_port;

long timer_init(void)
{
	uint32_t port;
	long rc = evtchn_bind_virq(KEEL_VIRQ_TIMER, 0, &port);
	if (!rc) {
		events_set_handler(port, timer_event, 0);
		timer_port = port;
	}
	return rc;
}

long set_timer(uint64_t deadline_ns)
{
	return hypercall1(KEEL_HC_SET_TIMER, deadline_ns);
}

long sleep_ns(uint64_t ns)
{
	uint64_t flags;
	asm volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
	uint64_t deadline = time_now_ns() + ns;
	timer_fired = false;
	long rc = set_timer(deadline);
	while (!rc && !timer_fired && time_now_ns() < deadline) {
		/* Interrupts are off, so an event can only be noticed by BLOCK (rule R1), never lost. */
		keel_sched_block();
		asm volatile("sti; nop; cli" : : : "memory");   /* take the upcall that woke us */
	}
	if (!rc && !timer_fired) {
		/* Woken by time alone: nothing may be left armed behind us, nor an event of this
		 * timer that fired just before the cancel, or the next sleep would end at once. */
		set_timer(0);
		evtchn_clear_pending(timer_port);
	}
	if (flags & (1u << 9))
		asm volatile("sti" : : : "memory");
	return rc;
}
