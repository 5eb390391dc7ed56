/* counter.c: the interactive-console demo: prints "counter: N" once a second forever, and echoes every line typed at it. */
#include "cmdline.h"
#include "console.h"
#include "events.h"
#include "guest.h"
#include "hypercall.h"
#include "runtime_setup.h"
#include "shutdown_request.h"
#include "string.h"
#include "timer.h"

#define SECOND_NS 1000000000ull

static __attribute__((noreturn)) void give_up(const char *what, long rc)
{
	gprintf("counter: %s failed (%ld)\n", what, rc);
	keel_sched_shutdown(KEEL_SHUTDOWN_CRASH);
	for (;;)
		;
}

void guest_main(const struct keel_start_info *si)
{
	const char *step;
	long rc = runtime_setup(si, RUNTIME_TIMER | RUNTIME_SHUTDOWN, &step);
	if (rc)
		give_up(step, rc);
	/* 'shutdown=ignore' on its command line makes it deaf to dom0's polite request, to show
	 * (and test) that 'shutdown' then forces the end after its grace period. */
	char value[16];
	bool deaf = cmdline_get(si->cmdline, "shutdown", value, sizeof(value)) && !strcmp(value, "ignore");
	asm volatile("sti");

	/* With a console device (a domain dom0 built) lines typed on it come back; without one
	 * (a boot-time guest of keel.cfg) there is no input, only the count. */
	gprintf("counter: dom%u, %s\n", si->domid,
		console_has_ring() ? "type a line and it comes back" : "no console device, so no input");
	uint64_t next = time_now_ns() + SECOND_NS;
	unsigned long long count = 0;
	for (;;) {
		char line[128];
		console_wait_input(next);
		while (console_read_line(line, sizeof line))
			gprintf("counter: got '%s'\n", line);
		if (shutdown_requested() && !deaf) {
			gprintf("counter: asked to shut down at %llu; goodbye\n", count);
			keel_sched_shutdown(KEEL_SHUTDOWN_POWEROFF);
		}
		uint64_t now = time_now_ns();
		if (now >= next) {
			gprintf("counter: %llu\n", ++count);
			/* A late wake-up (a paused domain, a busy host) skips ticks rather than bursting. */
			next += SECOND_NS;
			if (next <= now)
				next = now + SECOND_NS;
		}
	}
}
