/* hog.c: a CPU hog: every vCPU spins without ever yielding or blocking; vCPU 0 prints a heartbeat every 10 s of system time. */
#include <keel/shared_info.h>

#include "console.h"
#include "events.h"
#include "guest.h"
#include "hypercall.h"
#include "runtime_setup.h"
#include "shutdown_request.h"
#include "smp.h"
#include "timer.h"
#include "trap.h"

#define STACK_BYTES 8192
#define HEARTBEAT_NS (10 * 1000000000ull)
#define LOOPS_PER_CLOCK_READ (1u << 16)

static volatile uint64_t loops[KEEL_MAX_VCPUS];
static uint8_t stacks[KEEL_MAX_VCPUS][STACK_BYTES] __attribute__((aligned(16)));

static __attribute__((noreturn)) void spin(uint64_t id)
{
	for (;;)
		loops[id]++;
}

static __attribute__((noreturn)) void give_up(const char *what, long rc)
{
	gprintf("hog: %s failed (%ld)\n", what, rc);
	keel_sched_shutdown(KEEL_SHUTDOWN_CRASH);
	for (;;)
		;
}

void guest_main(const struct keel_start_info *si)
{
	/* It honours dom0's 'shutdown' (the upcall sets the flag; vCPU 0 spins with interrupts on). */
	const char *step;
	long rc = runtime_setup(si, RUNTIME_SHUTDOWN, &step);
	if (rc)
		give_up(step, rc);

	unsigned int n = si->nr_vcpus < KEEL_MAX_VCPUS ? si->nr_vcpus : KEEL_MAX_VCPUS;
	for (unsigned int i = 1; i < n; i++) {
		rc = smp_start_vcpu(i, spin, i, stacks[i] + STACK_BYTES);
		if (rc)
			give_up("starting a vCPU", rc);
	}
	gprintf("hog: dom%u, %u vCPU(s) spinning\n", si->domid, n);
	asm volatile("sti");

	uint64_t started = time_now_ns(), next = started + HEARTBEAT_NS;
	for (;;) {
		for (unsigned int i = 0; i < LOOPS_PER_CLOCK_READ; i++)
			loops[0]++;
		if (shutdown_requested()) {
			gprintf("hog: asked to shut down after %llu loops on vCPU 0; goodbye\n",
				(unsigned long long)loops[0]);
			keel_sched_shutdown(KEEL_SHUTDOWN_POWEROFF);
		}
		uint64_t now = time_now_ns();
		if (now >= next) {
			gprintf("hog: alive %llu s, %llu loops on vCPU 0\n",
				(unsigned long long)((now - started) / 1000000000ull), (unsigned long long)loops[0]);
			next += HEARTBEAT_NS;
		}
	}
}
