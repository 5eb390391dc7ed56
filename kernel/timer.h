/* timer.h: one-shot per-vCPU timers (pv-abi/keel/timer.h), kept in a deadline-sorted list per physical CPU. */
#ifndef KEEL_TIMER_H
#define KEEL_TIMER_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/* Embedded in struct vcpu; all zero means disarmed. */
struct vcpu_timer {
	uint64_t deadline;          /* system time (ns) it fires at, while armed */
	struct vcpu *next;          /* in its CPU's list, earliest first */
	unsigned int cpu;           /* the CPU whose list holds it, while armed */
	bool armed;
};

/*
 * Arms v's timer for 'deadline' (system time, ns), replacing any earlier deadline; 0
 * cancels it, and a deadline already past fires at once. It joins the calling CPU's list.
 */
void timer_set(struct vcpu *v, uint64_t deadline);
/* Disarms v's timer; when this returns, it is not firing anywhere (vcpu_destroy relies on it). */
void timer_cancel(struct vcpu *v);

/*
 * Fires every timer of this CPU whose deadline is <= now: KEEL_VIRQ_TIMER on the port the
 * vCPU bound, and a blocked vCPU is woken even if it bound none. Called by the run loop
 * (never in interrupt context) after each exit and before picking a vCPU.
 */
void timer_run_expired(unsigned int cpu, uint64_t now);

/*
 * Arms this CPU's timer interrupt (one-shot) for the earliest of: its first vCPU timer,
 * 'slice_end' (the running vCPU's slice; TIMER_NEVER when idle) and now + TIMER_TICK_NS,
 * the backstop that brings the run loop by at least that often. Called by the run loop
 * before each guest entry and before halting, with interrupts disabled.
 */
void timer_arm_cpu(unsigned int cpu, uint64_t now, uint64_t slice_end);

/*
 * A CPU whose first timer is this late has missed the interrupt meant to run it, and with
 * it the interrupt that would make it leave a guest. QEMU 7.2's TCG can lose one (its
 * #VMEXIT clears a bit of the CPU's pending-interrupt word without the lock other threads
 * set bits under), and a vCPU that never exits then holds the CPU while the timers queued
 * there, and the vCPUs sleeping on them, wait for ever.
 */
#define TIMER_WATCHDOG_NS 20000000ull
/* From any CPU's scheduling loop: kicks every other CPU whose timers are that overdue. */
void timer_watchdog(unsigned int self, uint64_t now);

#define TIMER_NEVER   UINT64_MAX
#define TIMER_TICK_NS 10000000ull   /* 10 ms */

/* The pure rule behind timer_arm_cpu(): when the next interrupt is wanted. */
static inline uint64_t timer_interrupt_deadline(uint64_t first_timer, uint64_t slice_end, uint64_t now)
{
	uint64_t want = now + TIMER_TICK_NS;
	if (first_timer < want)
		want = first_timer;
	if (slice_end < want)
		want = slice_end;
	return want;
}

/* Timers armed on all CPUs: work that will come, so the machine is not idle yet. */
unsigned int timer_armed_count(void);

#endif
