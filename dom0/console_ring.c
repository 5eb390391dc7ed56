/* console_ring.c: consuming 'out' and producing 'in' of a console ring page (see console_ring.h). */
#include "console_ring.h"

#include <stdint.h>

#include "console_ring_index.h"

long console_ring_drain_out(struct keel_console_ring *ring, struct console_history *history)
{
	/* C1: read prod once, then (acquire) the bytes it covers. */
	uint32_t prod = __atomic_load_n(&ring->out_prod, __ATOMIC_ACQUIRE);
	uint32_t cons = ring->out_cons;   /* read once: the guest could scribble on it too */
	int64_t avail = console_ring_used(prod, cons, KEEL_CONSOLE_OUT_SIZE);
	if (avail < 0)
		return -1;   /* C2 */
	/* In small pieces: dom0's thread stacks are not meant for a whole ring's copy. */
	char bytes[256];
	for (uint32_t done = 0; done < (uint32_t)avail;) {
		uint32_t n = (uint32_t)avail - done < sizeof(bytes) ? (uint32_t)avail - done : (uint32_t)sizeof(bytes);
		console_ring_get(ring->out, KEEL_CONSOLE_OUT_SIZE, cons + done, bytes, n);
		console_history_append(history, bytes, n);
		done += n;
	}
	/* C1: the bytes are copied before the guest may reuse their space. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(&ring->out_cons, cons + (uint32_t)avail, __ATOMIC_RELEASE);
	return (long)avail;
}

long console_ring_push_in(struct keel_console_ring *ring, const char *data, size_t len)
{
	uint32_t cons = __atomic_load_n(&ring->in_cons, __ATOMIC_ACQUIRE);
	uint32_t prod = ring->in_prod;
	int64_t room = console_ring_free(prod, cons, KEEL_CONSOLE_IN_SIZE);
	if (room < 0)
		return -1;   /* C2 */
	uint32_t n = len < (uint64_t)room ? (uint32_t)len : (uint32_t)room;
	console_ring_put(ring->in, KEEL_CONSOLE_IN_SIZE, prod, data, n);
	/* C1: the bytes before the index that publishes them. */
	__atomic_store_n(&ring->in_prod, prod + n, __ATOMIC_RELEASE);
	return n;
}
