/* libc_locks.c: newlib's retargetable locks as cooperative mutexes: a holder that waits keeps others out. */
#include <stddef.h>
#include <sys/lock.h>

#include "fatal.h"
#include "thread.h"

/*
 * Threads are never preempted, yet libc's locks cannot be no-ops: stdio holds a FILE's
 * lock while it calls write(), and tty_write waits (switching threads) when the UART's
 * queue is full. Another thread's printf would then interleave with the half-flushed
 * buffer of the first. So a lock has an owner; a thread that finds it owned by another
 * waits on the lock's queue. Every newlib lock is treated as recursive
 * (lib/newlib_lock_common.h, which also has the lock objects and init/close).
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

static struct thread *me(void)
{
	struct thread *t = thread_self();
	return t ? t : MAIN_CONTEXT;
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

void __retarget_lock_acquire(_LOCK_T lock)
{
	while (!__retarget_lock_try_acquire(lock)) {
		if (!thread_can_wait())
			dom0_fatal("a libc lock is held by another thread and this caller cannot wait");
		waitq_wait(&lock->waiters, 0);
	}
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

/* newlib's lock objects, init/close and the recursive entry points. */
#define NEWLIB_LOCK_NO_MEMORY(what) dom0_fatal("%s", what)
#include "newlib_lock_common.h"
