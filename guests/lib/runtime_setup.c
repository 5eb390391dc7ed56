/* runtime_setup.c: the common start of event-driven guests (runtime_setup.h). */
#include "runtime_setup.h"

#include "events.h"
#include "shutdown_request.h"
#include "timer.h"
#include "trap.h"

long runtime_setup(const struct keel_start_info *si, unsigned int parts, const char **failed)
{
	asm volatile("cli");
	trap_init(0);
	long rc = events_init(si);
	*failed = "events_init";
	if (!rc && (parts & RUNTIME_TIMER)) {
		rc = timer_init();
		*failed = "timer_init";
	}
	if (!rc && (parts & RUNTIME_SHUTDOWN)) {
		rc = shutdown_request_watch();
		*failed = "shutdown_request_watch";
	}
	return rc;
}
