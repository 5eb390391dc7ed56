/* timer.h: time for guests: system time and the wallclock from shared info, the one-shot timer, and sleep_ns(). */
#ifndef GUEST_TIMER_H
#define GUEST_TIMER_H

#include <stdint.h>

#include <keel/timer.h>

/* Nanoseconds since the hypervisor booted, from vCPU 0's time record (no exit). Needs events_init(). */
uint64_t time_now_ns(void);

/* The UTC time now: seconds and nanoseconds since 1970-01-01. */
void wallclock_now(uint64_t *sec, uint32_t *nsec);
/* The Gregorian year of a time in seconds since 1970 (UTC). */
int64_t year_of_unix_seconds(uint64_t sec);

/* Binds KEEL_VIRQ_TIMER on vCPU 0 to the runtime's handler; 0 or a negated KEEL_E*. */
long timer_init(void);
/* The set_timer hypercall: absolute system time, 0 cancels. */
long set_timer(uint64_t deadline_ns);
/* KEEL_VIRQ_TIMER events received so far. */
extern volatile uint64_t timer_events;

/*
 * Sleeps at least 'ns' nanoseconds: arms the timer, then blocks (sched_op BLOCK) until its
 * event arrives, taking the upcall with interrupts briefly enabled after each wake-up.
 * Needs events_init() and timer_init(); returns with RFLAGS.IF as it was. 0 or -KEEL_E*.
 */
long sleep_ns(uint64_t ns);

#endif
