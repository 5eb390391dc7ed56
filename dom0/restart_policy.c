/* restart_policy.c: the on_crash=restart back-off (see restart_policy.h). */
#include "restart_policy.h"

uint64_t restart_backoff_next(struct restart_backoff *b, uint64_t started_ns, uint64_t ended_ns)
{
	/* A clock that went backwards (or a bogus start) counts as no run at all: the cautious case. */
	uint64_t ran_ns = ended_ns > started_ns ? ended_ns - started_ns : 0;
	uint64_t delay;

	if (ran_ns >= RESTART_STABLE_NS || b->last_delay_ns == 0) {
		delay = RESTART_FIRST_DELAY_NS;
		b->restarts = 0;
	} else if (b->last_delay_ns >= RESTART_MAX_DELAY_NS / 2) {
		delay = RESTART_MAX_DELAY_NS;
	} else {
		delay = b->last_delay_ns * 2;
	}
	b->last_delay_ns = delay;
	b->restarts++;
	return delay;
}
