/* notify_model.h: the event channel of the ring benchmarks and stress test: a futex word a thread sleeps on, a counter of notifications sent. */
#ifndef KEEL_BENCH_NOTIFY_MODEL_H
#define KEEL_BENCH_NOTIFY_MODEL_H

#include <errno.h>
#include <linux/futex.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/*
 * A notification is what a Keel event-channel send is to a guest: a real wake-up of a
 * peer that went to sleep. Here it is a FUTEX_WAKE on 'seq' after incrementing it, so it
 * costs a system call, as a send costs a hypercall. A side with nothing to do polls the
 * ring STREAM_SPIN_POLLS times (with PAUSE in between), then arms whatever its ring
 * offers (an event index, a "sleeping" flag) and sleeps on 'seq' until notified. Taking
 * the snapshot of 'seq' before arming makes a notification sent in between end the
 * sleep at once, as a pending event-channel bit would.
 */
#define STREAM_SPIN_POLLS 2000

/* How many times a side polls before it sleeps; the stress test sets 0 to sleep as often as possible. */
static int stream_spin_polls = STREAM_SPIN_POLLS;

/* A sleep this long means a notification was lost (R5 broken); the sleeper counts it and goes on. */
#define STREAM_LOST_WAKEUP_SECONDS 10

struct notify_channel {
	_Alignas(64) uint32_t seq;
	uint64_t sent;     /* notifications, written by the notifying thread only */
	uint64_t sleeps;   /* times the waiting thread slept, written by it only */
	uint64_t lost;     /* sleeps that ended by the timeout, not by a notification */
};

/*
 * One poll of a spin. Every STREAM_YIELD_EVERY polls it yields the CPU, so that on a
 * machine with more runnable threads than CPUs the spinner lets its peer run instead of
 * burning its time slice; on an idle machine the yield returns at once.
 */
#ifndef STREAM_YIELD_EVERY
#define STREAM_YIELD_EVERY 128
#endif

static inline void notify_pause_poll(int poll)
{
	if (poll % STREAM_YIELD_EVERY == STREAM_YIELD_EVERY - 1)
		syscall(SYS_sched_yield);   /* not sched_yield(): the unit tests' -Ikernel shadows <sched.h> */
	else
		__builtin_ia32_pause();
}

static inline uint32_t notify_snapshot(struct notify_channel *c)
{
	return __atomic_load_n(&c->seq, __ATOMIC_SEQ_CST);
}

static inline void notify_send(struct notify_channel *c)
{
	c->sent++;
	__atomic_fetch_add(&c->seq, 1, __ATOMIC_SEQ_CST);
	syscall(SYS_futex, &c->seq, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

/* Returns at once if a notification came after 'seen' was taken; spurious returns are fine. */
static inline void notify_sleep(struct notify_channel *c, uint32_t seen)
{
	struct timespec timeout = { .tv_sec = STREAM_LOST_WAKEUP_SECONDS };
	c->sleeps++;
	if (syscall(SYS_futex, &c->seq, FUTEX_WAIT_PRIVATE, seen, &timeout, NULL, 0) != 0 && errno == ETIMEDOUT)
		c->lost++;
}

#endif
