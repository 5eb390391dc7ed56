/* spinlock.h: a ticket spinlock (FIFO-fair, so no CPU starves under contention). */
#ifndef KEEL_SPINLOCK_H
#define KEEL_SPINLOCK_H

#include <stdint.h>

typedef struct {
	uint16_t next;    /* ticket handed to the next arriving CPU */
	uint16_t owner;   /* ticket currently allowed in */
} spinlock_t;

#define SPINLOCK_INIT { 0, 0 }

static inline void spin_lock(spinlock_t *l)
{
	uint16_t me = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me)
		__builtin_ia32_pause();
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->owner, (uint16_t)(l->owner + 1), __ATOMIC_RELEASE);
}

static inline int spin_trylock(spinlock_t *l)
{
	uint16_t owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
	uint16_t expected = owner;
	return __atomic_compare_exchange_n(&l->next, &expected, (uint16_t)(owner + 1), 0,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

#endif
