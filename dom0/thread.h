/* thread.h: dom0's cooperative threads, wait queues and the idle loop that turns events into wake-ups. */
#ifndef DOM0_THREAD_H
#define DOM0_THREAD_H

#include <stdbool.h>
#include <stdint.h>

/*
 * dom0 runs on one vCPU. Its work (the operator's CLI, the console backend, drivers,
 * restart timers) is split into cooperative threads: a thread runs until it waits
 * (waitq_wait, thread_sleep_ns, thread_yield), and only then does another one run.
 * Nothing is preempted, so data shared by threads needs no locks, only the rule that
 * a thread re-checks its condition after every wait.
 *
 * Event-channel handlers (events_set_handler) run in the upcall with interrupts off;
 * they must only record what happened and call waitq_wake_all(). When no thread is
 * runnable, the idle loop blocks the vCPU (sched_op BLOCK) until an event or the
 * earliest sleeper's deadline.
 */

struct thread;

struct waitq {
	struct thread *head;          /* waiting threads, in arrival order */
	struct thread *tail;
};
#define WAITQ_INIT { 0, 0 }

/* Starts a thread (runnable at once); NULL if out of memory. 'name' is kept, not copied. */
struct thread *thread_create(const char *name, void (*fn)(void *arg), void *arg);
/* Lets every other runnable thread run once. */
void thread_yield(void);
/* Sleeps at least 'ns' nanoseconds of system time. */
void thread_sleep_ns(uint64_t ns);
/* The running thread, or NULL in main() before thread_run(). */
struct thread *thread_self(void);
/* The running thread's name, for log lines. */
const char *thread_name(void);

/* Waits until waitq_wake_all(q) or 'deadline_ns' (system time, 0 = none); false on timeout. */
bool waitq_wait(struct waitq *q, uint64_t deadline_ns);
/* Makes every waiter runnable; safe from an event handler (interrupts off). */
void waitq_wake_all(struct waitq *q);

/*
 * true when the caller may wait: it is a thread, with interrupts enabled. false in main()
 * before thread_run() and in event handlers, which must not wait (tty_write polls then).
 */
bool thread_can_wait(void);

/*
 * A device without an interrupt (tty.c's UART when BIND_IRQ failed): the idle loop calls
 * 'poll' before it blocks and blocks no longer than 'period_ns'. One hook; NULL removes it.
 */
void thread_set_idle_poll(void (*poll)(void), uint64_t period_ns);

/* Runs the threads forever; called once by main() after it created the first ones. */
_Noreturn void thread_run(void);

#endif
