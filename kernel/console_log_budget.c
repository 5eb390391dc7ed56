/* console_log_budget.c: the per-domain token bucket that bounds how much of the hypervisor log one domain's console_io can take. */
#include "console_log_budget.h"

enum console_log_verdict console_log_budget_take(struct console_log_budget *b, uint64_t now_ns)
{
	/* The first line starts the clock; a clock that went backwards pays nothing back. */
	if (b->paid_ns == 0 || now_ns < b->paid_ns)
		b->paid_ns = now_ns;
	uint64_t back = (now_ns - b->paid_ns) / CONSOLE_LOG_INTERVAL_NS;
	if (back >= b->spent) {
		b->spent = 0;
		b->paid_ns = now_ns;   /* a full bucket saves no credit for later */
		b->announced = false;  /* quiet long enough: a new flood is announced again */
	} else {
		b->spent -= (uint32_t)back;
		b->paid_ns += back * CONSOLE_LOG_INTERVAL_NS;
	}
	if (b->spent < CONSOLE_LOG_BURST) {
		b->spent++;
		return CONSOLE_LOG_LINE;
	}
	b->dropped++;
	if (b->announced)
		return CONSOLE_LOG_DROP;
	b->announced = true;
	return CONSOLE_LOG_FIRST_DROP;
}
