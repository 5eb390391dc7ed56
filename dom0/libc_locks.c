/* libc_locks.c: newlib's retargetable locks as cooperative mutexes: a holder that waits keeps others out. */
#include <stdlib.h>
#include <sys/lock.h>

#include "fatal.h"
#include "thread.h"

/*
 * Threads are never preempted, yet libc's locks cannot be no-ops: stdio holds a FILE's
 * lock while it calls write(), and tty_write waits (switching threads) when the UART's
 * queue is full. Another thread's printf would then interleave with the half-flushed
 * buffer of the first. So a lock has an owner; a thread that finds it owned by another
 * waits on the lock's queue. Every newlib lock is treated as recursive (a non-recursive
 * one is never re-taken by its owner, so that costs nothing).
 *
 * main() (before thread_run) counts as one more owner, MAIN_CONTEXT; it never has to wait,
 * since no thread runs yet. Event handlers must not call libc.
 */
struct __lock {
	struct thread *owner;
	unsigned int depth;
	struct waitq waiters;
};

#define MAIN_CONTEXT ((struct thread *)1)

struct __lock __lock___sinit_recursive_mutex;
struct __lock __lock___sfp_recursive_mutex;
struct __lock __lock___atexit_recursive_mutex;
struct __lock __lock___at_quick_exit_mutex;
struct __lock __lock___malloc_recursive_mutex;
struct __lock __lock___env_recursive_mutex;
struct __lock __lock___tz_mutex;
struct __lock __lock___dd_hash_mutex;
struct __lock __lock___arc4random_mutex;

static struct thread *me(void)
{
	struct thread *t = thread_self();
	return t ? t : MAIN_CONTEXT;
}

void __retarget_lock_init(_LOCK_T *lock)
{
	*lock = calloc(1, sizeof(**lock));
	if (!*lock)
		dom0_fatal("no memory for a libc lock");
}

void __retarget_lock_init_recursive(_LOCK_T *lock)
{
	__retarget_lock_init(lock);
}

void __retarget_lock_close(_LOCK_T lock)
{
	free(lock);
}

void __retarget_lock_close_recursive(_LOCK_T lock)
{
	free(lock);
}

int __retarget_lock_try_acquire(_LOCK_T lock)
{
	struct thread *self = me();
	if (lock->owner && lock->owner != self)
		return 0;
	lock->owner = self;
	lock->depth++;
	return 1;
}

int __retarget_lock_try_acquire_recursive(_LOCK_T lock)
{
	return __retarget_lock_try_acquire(lock);
}

void __retarget_lock_acquire(_LOCK_T lock)
{
	while (!__retarget_lock_try_acquire(lock)) {
		if (!thread_can_wait())
			dom0_fatal("a libc lock is held by another thread and this caller cannot wait");
		waitq_wait(&lock->waiters, 0);
	}
}

void __retarget_lock_acquire_recursive(_LOCK_T lock)
{
	__retarget_lock_acquire(lock);
}

void __retarget_lock_release(_LOCK_T lock)
{
	if (lock->owner != me() || !lock->depth)
		dom0_fatal("a libc lock released by a thread that does not hold it");
	if (--lock->depth == 0) {
		lock->owner = NULL;
		waitq_wake_all(&lock->waiters);
	}
}

void __retarget_lock_release_recursive(_LOCK_T lock)
{
	__retarget_lock_release(lock);
}
