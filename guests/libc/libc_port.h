/* libc_port.h: newlib for guests: what a guest calls to start it, and the hooks a threaded guest gives it. */
#ifndef GUEST_LIBC_PORT_H
#define GUEST_LIBC_PORT_H

#include <stdbool.h>
#include <stdint.h>

#include <keel/start_info.h>

/*
 * A guest with its own threads tells the C library who runs and how to wait; a
 * single-threaded guest passes NULL and gets the defaults noted below.
 */
struct libc_threads {
	/* The running thread, as an opaque non-NULL owner for libc's locks (default: one owner). */
	void *(*self)(void);
	/* Lets another thread run while a lock is taken (default: a lock held by another is fatal). */
	void (*yield)(void);
	/*
	 * Waits until console input arrives or system time passes deadline_ns; true if input
	 * may be there. Called with interrupts off, right after a look found none, and must
	 * return with them off (default: console_wait_input, which blocks the whole vCPU).
	 */
	bool (*wait_input)(uint64_t deadline_ns);
};

/*
 * Starts the C library: malloc gets [heap_start, heap_end) (identity-mapped, writable,
 * taken from start-info's free RAM by the caller: devices_free_end() is its upper bound),
 * and 'threads' (may be NULL) the hooks above. Needs events_init() first, for the console
 * ring and time. Call it before any other libc function.
 */
void libc_port_init(uint64_t heap_start, uint64_t heap_end, const struct libc_threads *threads);

/* The hooks in force (never NULL members): for the files of this port. */
extern struct libc_threads libc_port_threads;

#endif
