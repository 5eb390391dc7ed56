/* runtime_setup.h: the start every event-driven guest makes: IDT, events, and optionally the timer and dom0's shutdown requests. */
#ifndef GUEST_RUNTIME_SETUP_H
#define GUEST_RUNTIME_SETUP_H

#include <keel/start_info.h>

#define RUNTIME_TIMER     (1u << 0)   /* timer_init(): KEEL_VIRQ_TIMER, for sleep_ns and deadlines */
#define RUNTIME_SHUTDOWN  (1u << 1)   /* shutdown_request_watch(): dom0's 'shutdown' is polite */

/*
 * With interrupts off: trap_init(0), events_init(si), then what 'parts' asks for, in that
 * order. Interrupts stay off; the caller enables them when it is ready. Returns 0, or the
 * first negated KEEL_E* with *failed naming the step ("events_init", ...).
 */
long runtime_setup(const struct keel_start_info *si, unsigned int parts, const char **failed);

#endif
