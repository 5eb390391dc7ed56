/* sched.h: minios's scheduler: round-robin, preemptive on the VIRQ_TIMER upcall, with blocking waits on event ports and deadlines. */
#ifndef MINIOS_SCHED_H
#define MINIOS_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "thread.h"

/* How long a thread runs before the timer hands the CPU to the next runnable one. */
#define SCHED_SLICE_NS (10ull * 1000000ull)

/*
 * Binds KEEL_VIRQ_TIMER to the scheduler's tick. Needs events_init(); interrupts stay off
 * until the caller enables them. 0 or a negated KEEL_E*.
 */
long sched_init(void);

struct thread *sched_current(void);
void sched_set_current(struct thread *t);

/* Lets every other runnable thread run once before the caller continues. */
void sched_yield(void);

/*
 * Blocks the caller until event 'port' fires (THREAD_NO_PORT: none), system time reaches
 * deadline_ns (0: none), or both. Call it with interrupts OFF, after checking the
 * condition being waited for, so no event can slip in between the check and the wait;
 * it returns with them off again. True if the port fired. Wake-ups may be spurious:
 * check the condition again.
 */
bool sched_wait(uint32_t port, uint64_t deadline_ns);

/* Sleeps at least ns nanoseconds (other threads run meanwhile). */
void sched_sleep_ns(uint64_t ns);

/* Ends the calling thread. */
__attribute__((noreturn)) void sched_exit(void);

/* The idle loop the boot context runs once everything is started: blocks the vCPU when no thread can run. */
__attribute__((noreturn)) void sched_idle(void);

/* Timer ticks that preempted a running thread, over the whole run. */
uint64_t sched_preemptions(void);

/* A mutex for threads: the waiter yields until it is free. Not recursive: the owner taking it again waits forever. */
struct mutex {
	struct thread *owner;
};
void mutex_lock(struct mutex *m);
void mutex_unlock(struct mutex *m);

#endif
