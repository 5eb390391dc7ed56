/* shutdown_request.c: the KEEL_VIRQ_SHUTDOWN handler: one flag, set from the upcall, read by the guest's main loop. */
#include "shutdown_request.h"

#include "events.h"

static volatile bool requested;

static void on_shutdown_request(uint32_t port, void *arg)
{
	(void)port, (void)arg;
	requested = true;
}

long shutdown_request_watch(void)
{
	uint32_t port;
	long rc = evtchn_bind_virq(KEEL_VIRQ_SHUTDOWN, 0, &port);
	if (rc == 0)
		events_set_handler(port, on_shutdown_request, 0);
	return rc;
}

bool shutdown_requested(void)
{
	return requested;
}
