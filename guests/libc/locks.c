/* locks.c: newlib's retargetable locks for guests: recursive, owned by a thread, safe against preemption. */
#include <stdbool.h>
#include <sys/lock.h>

#include "console.h"
#include "hypercall.h"
#include "irq_flags.h"
#include "libc_port.h"

/*
 * The guest may preempt a thread anywhere (minios switches on its timer upcall), so the
 * look at the owner and the claim happen with interrupts off. A thread that finds the lock
 * owned by another yields until it is free: locks are held for one stdio call or one
 * malloc, so the wait is short, and a yield needs nothing from the guest but its hook.
 * Event handlers must not call libc.
 */
struct __lock {
	void *owner;
	unsigned int depth;
};

static __attribute__((noreturn)) void lock_fatal(const char *why)
{
	gprintf("libc: %s\n", why);
	for (;;)
		keel_sched_shutdown(KEEL_SHUTDOWN_CRASH);
}

int __retarget_lock_try_acquire(_LOCK_T lock)
{
	void *self = libc_port_threads.self();
	uint64_t flags = irq_save();
	bool got = !lock->owner || lock->owner == self;
	if (got) {
		lock->owner = self;
		lock->depth++;
	}
	irq_restore(flags);
	return got;
}

void __retarget_lock_acquire(_LOCK_T lock)
{
	while (!__retarget_lock_try_acquire(lock))
		libc_port_threads.yield();
}

void __retarget_lock_release(_LOCK_T lock)
{
	uint64_t flags = irq_save();
	if (lock->owner != libc_port_threads.self() || !lock->depth)
		lock_fatal("a lock released by a thread that does not hold it");
	if (--lock->depth == 0)
		lock->owner = NULL;
	irq_restore(flags);
}

/* newlib's lock objects, init/close and the recursive entry points. */
#define NEWLIB_LOCK_NO_MEMORY(what) lock_fatal(what)
#include "newlib_lock_common.h"
