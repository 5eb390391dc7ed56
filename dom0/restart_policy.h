/* restart_policy.h: on_crash=restart's exponential back-off, a pure function of when a domain started and ended. */
#ifndef DOM0_RESTART_POLICY_H
#define DOM0_RESTART_POLICY_H

#include <stdint.h>

/*
 * A domain that keeps crashing must not keep dom0 and the machine busy rebuilding it:
 * the first restart waits RESTART_FIRST_DELAY_NS, each further one in a burst twice as
 * long as the one before, up to RESTART_MAX_DELAY_NS. A run of at least
 * RESTART_STABLE_NS counts as healthy and ends the burst: its crash waits the first
 * delay again.
 */
#define RESTART_FIRST_DELAY_NS  1000000000ull     /* 1 s */
#define RESTART_MAX_DELAY_NS    60000000000ull    /* 60 s */
#define RESTART_STABLE_NS       60000000000ull    /* 60 s */

struct restart_backoff {
	uint64_t last_delay_ns;   /* the delay before the latest restart; 0 before the first */
	uint32_t restarts;        /* restarts in the current burst */
};

/* The delay before restarting a domain that ran from 'started_ns' to 'ended_ns'; updates 'b'. */
uint64_t restart_backoff_next(struct restart_backoff *b, uint64_t started_ns, uint64_t ended_ns);

#endif
