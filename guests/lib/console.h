/* console.h: the guest's console: printf-style output and line input, over the console device's ring or the console_io hypercall. */
#ifndef GUEST_CONSOLE_H
#define GUEST_CONSOLE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <keel/start_info.h>

/*
 * Formats with lib/fmt (the same conversions as the hypervisor's printf). Output goes out
 * at every newline, when the line buffer is full, and at the end of each call, so nothing
 * lingers in the guest if it dies right after. Not reentrant: guests are single-vCPU.
 *
 * Where it goes: to the console device's 'out' ring (pv-abi/io/console.h) once events are
 * up (events_init ran) and start-info lists a KEEL_DEVICE_CONSOLE whose port the backend
 * has bound; otherwise (early boot, guests the hypervisor built, a device nobody serves)
 * through the console_io hypercall, into the hypervisor's log. On a full ring the writer
 * waits for the backend at most CONSOLE_FULL_WAIT_MS, then drops the rest and counts it
 * (rule C3); until the ring has room again further output is dropped without waiting, so a
 * backend that is gone costs one wait, not one per line.
 */
#define CONSOLE_FULL_WAIT_MS 100

int gprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int gvprintf(const char *fmt, va_list ap);

/* Called by the runtime before guest_main: where the console device is, if there is one. */
void console_init(const struct keel_start_info *si);

/* Whether output and input use the console device's ring (see above). */
bool console_has_ring(void);

/* Bytes of output dropped on a full ring so far. */
uint64_t console_dropped(void);

/*
 * Input, from the ring's 'in' side. console_read copies what has arrived (at most len bytes)
 * without waiting: the count, 0 if nothing is there, or -1 when there is no input (no
 * ring, or the backend broke the indices, rule C2).
 */
int console_read(char *buf, size_t len);

/*
 * Collects input into lines: true with the next complete line in 'line' (NUL-terminated,
 * without its '\r' or '\n'; a line longer than size - 1 comes in pieces), false if none is
 * complete yet. Empty lines are skipped.
 */
bool console_read_line(char *line, size_t size);

/*
 * Waits, blocked, until input is there to read or system time passes deadline_ns (timer.h);
 * true if there is input. Without a ring it simply sleeps until the deadline. Uses the
 * vCPU's one-shot timer, like sleep_ns.
 */
bool console_wait_input(uint64_t deadline_ns);

#endif
