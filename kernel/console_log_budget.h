/* console_log_budget.h: how many console_io lines an unprivileged domain may put in the hypervisor log: a token bucket per domain. */
#ifndef KEEL_CONSOLE_LOG_BUDGET_H
#define KEEL_CONSOLE_LOG_BUDGET_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The log is one 64 KiB ring shared by everyone (log.c): without a bound, one guest's
 * console_io flood pushes dom0's and the hypervisor's own lines (crash reasons included) out
 * of it. A domain may log CONSOLE_LOG_BURST lines at once, then one more every
 * CONSOLE_LOG_INTERVAL_NS; lines over that stay in its console capture, which dom0's
 * `console` shows. The first line dropped is announced once (CONSOLE_LOG_FIRST_DROP); the
 * next announcement waits until the bucket has filled up again, i.e. the domain was quiet for
 * CONSOLE_LOG_BURST intervals. Worst case a flooder adds ~1.7 KB/s to the log.
 */
#define CONSOLE_LOG_BURST        100
#define CONSOLE_LOG_INTERVAL_NS  100000000ull   /* 10 lines a second once the burst is spent */

/* All zero is a full bucket, so a freshly zeroed domain needs no set-up. */
struct console_log_budget {
	uint32_t spent;        /* lines logged that have not been paid back yet, 0..CONSOLE_LOG_BURST */
	bool announced;        /* a drop was announced and the bucket has not been full since */
	uint64_t paid_ns;      /* time up to which 'spent' has been paid back; 0 before the first line */
	uint64_t dropped;      /* lines not logged, ever (for tests and the curious) */
};

enum console_log_verdict {
	CONSOLE_LOG_LINE,         /* log it */
	CONSOLE_LOG_FIRST_DROP,   /* do not log it; log one line saying that lines are being dropped */
	CONSOLE_LOG_DROP,         /* do not log it */
};

/* What to do with one more line of the domain at time now_ns. */
enum console_log_verdict console_log_budget_take(struct console_log_budget *b, uint64_t now_ns);

#endif
