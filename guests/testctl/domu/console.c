/*
 * console.c (tc-console): the console device's frontend under test. Says one line through
 * console_io before events are up (dom0 reads it with sysctl CONSOLE_READ), then serves its
 * ring: every line typed comes back as "tc-console: got 'LINE'"; "flood" writes twice what
 * the 'out' ring holds while dom0 is not reading, which must end in dropped output, not a
 * hang (rule C3); "report" prints how many bytes were dropped.
 */
#include "console.h"
#include "events.h"
#include "guest.h"
#include "hypercall.h"
#include "string.h"
#include "timer.h"
#include "trap.h"

#include <io/console.h>

#define WAIT_NS      30000000000ull   /* 30 s without input: dom0 has given up on us */
#define FLOOD_LINE   "tc-console: flood ..................................... line %02u\n"

static __attribute__((noreturn)) void give_up(const char *what, long rc)
{
	gprintf("tc-console: %s (%ld)\n", what, rc);
	keel_sched_shutdown(KEEL_SHUTDOWN_CRASH);
	for (;;)
		;
}

void guest_main(const struct keel_start_info *si)
{
	gprintf("tc-console: early, through console_io\n");
	asm volatile("cli");
	trap_init(0);
	long rc = events_init(si);
	if (rc)
		give_up("events_init failed", rc);
	rc = timer_init();
	if (rc)
		give_up("timer_init failed", rc);
	asm volatile("sti");
	if (!console_has_ring())
		give_up("no console ring although dom0 built this domain", -KEEL_ENOENT);
	gprintf("tc-console: ring up\n");

	char line[128];
	for (;;) {
		if (!console_wait_input(time_now_ns() + WAIT_NS))
			give_up("no input for 30 s", 0);
		while (console_read_line(line, sizeof line)) {
			if (!strcmp(line, "flood")) {
				/* 2 x KEEL_CONSOLE_OUT_SIZE bytes in 64-byte lines. */
				for (unsigned int i = 0; i < 2 * KEEL_CONSOLE_OUT_SIZE / 64; i++)
					gprintf(FLOOD_LINE, i);
				gprintf("tc-console: flood done\n");
			} else if (!strcmp(line, "report")) {
				gprintf("tc-console: dropped %llu\n", (unsigned long long)console_dropped());
			} else {
				gprintf("tc-console: got '%s'\n", line);
			}
		}
	}
}
