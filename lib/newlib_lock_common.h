/*
 * newlib_lock_common.h: the part of a newlib retargetable-lock port that is the same in every
 * domain (dom0/libc_locks.c, guests/libc/locks.c): newlib's static lock objects, and the
 * entry points that only forward (init, close, and the recursive variants).
 */
#ifndef KEEL_NEWLIB_LOCK_COMMON_H
#define KEEL_NEWLIB_LOCK_COMMON_H

#include <stdlib.h>
#include <sys/lock.h>

/*
 * Include it once, in the file that defines struct __lock and the plain
 * __retarget_lock_try_acquire, _acquire and _release, after defining
 * NEWLIB_LOCK_NO_MEMORY(what): what to do when a lock cannot be allocated (it must not
 * return). Every lock is treated as recursive: a non-recursive one is never re-taken by
 * its owner, so the recursive calls can be the plain ones.
 */
#ifndef NEWLIB_LOCK_NO_MEMORY
#error "define NEWLIB_LOCK_NO_MEMORY(what) before including newlib_lock_common.h"
#endif

struct __lock __lock___sinit_recursive_mutex;
struct __lock __lock___sfp_recursive_mutex;
struct __lock __lock___atexit_recursive_mutex;
struct __lock __lock___at_quick_exit_mutex;
struct __lock __lock___malloc_recursive_mutex;
struct __lock __lock___env_recursive_mutex;
struct __lock __lock___tz_mutex;
struct __lock __lock___dd_hash_mutex;
struct __lock __lock___arc4random_mutex;

void __retarget_lock_init(_LOCK_T *lock)
{
	*lock = calloc(1, sizeof(**lock));
	if (!*lock)
		NEWLIB_LOCK_NO_MEMORY("no memory for a libc lock");
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

int __retarget_lock_try_acquire_recursive(_LOCK_T lock)
{
	return __retarget_lock_try_acquire(lock);
}

void __retarget_lock_acquire_recursive(_LOCK_T lock)
{
	__retarget_lock_acquire(lock);
}

void __retarget_lock_release_recursive(_LOCK_T lock)
{
	__retarget_lock_release(lock);
}

#endif
