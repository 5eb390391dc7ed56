/* iso_console_ring.c: isolation attack on dom0's console backend: hostile bytes and random producer/consumer indices on the console ring, each followed by a notification. */
#include <io/console.h>
#include <keel/start_info.h>

#include "devices.h"
#include "events.h"
#include "hypercall.h"
#include "iso_attack.h"

const char xtf_test_name[] = "iso_console_ring";

#define RANDOM_ROUNDS 64

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

/*
 * The guest cannot see dom0's reaction; tests/e2e/test_isolation.py checks it: one
 * "dom0: domain N broke its console ring (...); console disconnected" notice, dom0's CLI
 * answering, no other domain harmed. The guest counts the indices it planted.
 */
static void plant(volatile struct keel_console_ring *ring, uint32_t port, uint32_t out_prod, uint32_t in_cons)
{
	ring->in_cons = in_cons;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	ring->out_prod = out_prod;
	evtchn_send(port);   /* after dom0 disconnects the port is gone: its answer is no longer the point */
	keel_sched_yield();
	iso_attempts++;
}

void test_main(const struct keel_start_info *si)
{
	const struct keel_device *dev = devices_find(si, KEEL_DEVICE_CONSOLE, 0);
	if (!dev) {
		xtf_failure("no console device in start-info");
		return;
	}
	volatile struct keel_console_ring *ring = (volatile struct keel_console_ring *)(uintptr_t)dev->ring_gpa;
	uint32_t cons = ring->out_cons;

	/* Legal indices, hostile bytes: a full ring of terminal escapes and control characters. */
	for (uint32_t i = 0; i < KEEL_CONSOLE_OUT_SIZE; i++)
		ring->out[(cons + i) % KEEL_CONSOLE_OUT_SIZE] = (char)(i % 3 == 0 ? 0x1b : i % 3 == 1 ? '[' : (char)i);
	plant(ring, dev->port, cons + KEEL_CONSOLE_OUT_SIZE, ring->in_prod);

	/* One past full, behind the consumer, then random values for both indices. */
	plant(ring, dev->port, cons + KEEL_CONSOLE_OUT_SIZE + 1, ring->in_prod);
	plant(ring, dev->port, cons - 1, ring->in_prod + 5000);
	for (int i = 0; i < RANDOM_ROUNDS; i++)
		plant(ring, dev->port, next_random(), next_random());
	gprintf("iso: %s: %lu attempts, judged from dom0's side\n", xtf_test_name, iso_attempts);
}
