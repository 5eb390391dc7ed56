/*
 * timer.h: one-shot per-vCPU timers (KEEL_HC_SET_TIMER).
 *
 *     long set_timer(uint64_t deadline_ns)
 *
 * Arms the calling vCPU's timer for the absolute system time 'deadline_ns' (shared_info.h
 * defines system time). When it passes, KEEL_VIRQ_TIMER is sent on the port the vCPU has
 * bound to it (event_channel.h), and the timer is disarmed. A deadline already in the
 * past fires at once. 0 cancels the timer. Re-arming replaces the previous deadline.
 * Returns 0. A vCPU that blocks with an armed timer is woken by it.
 */
#ifndef KEEL_PV_TIMER_H
#define KEEL_PV_TIMER_H

#endif
