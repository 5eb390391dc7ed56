/* console_ring.h: dom0's side of a console's shared rings (pv-abi/io/console.h), never trusting the guest's indexes. */
#ifndef DOM0_CONSOLE_RING_H
#define DOM0_CONSOLE_RING_H

#include <stddef.h>

#include <io/console.h>

#include "console_history.h"

/*
 * Both calls work on a ring page the guest writes at the same time, so every guest-owned
 * index is read once, then checked (rule C2), then used. -1 means the guest broke the
 * protocol: the caller stops serving that console. Pure otherwise, for host tests.
 */

/* Moves everything the guest produced in 'out' into the history and frees the space.
 * Returns the number of bytes moved (the caller notifies the guest if > 0), or -1. */
long console_ring_drain_out(struct keel_console_ring *ring, struct console_history *history);

/* Queues up to 'len' operator bytes into 'in'. Returns the number queued (0: full), or -1. */
long console_ring_push_in(struct keel_console_ring *ring, const char *data, size_t len);

#endif
