/* shutdown_request.h: noticing dom0's polite request to shut down (KEEL_VIRQ_SHUTDOWN, domctl REQUEST_SHUTDOWN). */
#ifndef GUEST_SHUTDOWN_REQUEST_H
#define GUEST_SHUTDOWN_REQUEST_H

#include <stdbool.h>

/*
 * Binds KEEL_VIRQ_SHUTDOWN on vCPU 0 (after events_init). From then on the operator's
 * 'shutdown <dom>' waits for this guest to finish and power off by itself; a guest that
 * never calls this is stopped at once instead. 0 or a negated KEEL_E*.
 */
long shutdown_request_watch(void);

/* True once dom0 has asked; the guest should tidy up and call keel_sched_shutdown(POWEROFF). */
bool shutdown_requested(void);

#endif
