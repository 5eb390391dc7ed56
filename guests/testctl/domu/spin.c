/* spin.c (tc-spin): every vCPU spins forever without yielding: a busy domain to pause, stop and destroy. */
#include <keel/shared_info.h>

#include "console.h"
#include "guest.h"
#include "hypercall.h"
#include "smp.h"

#define STACK_BYTES 8192

static volatile uint64_t counters[KEEL_MAX_VCPUS];
static uint8_t stacks[KEEL_MAX_VCPUS][STACK_BYTES] __attribute__((aligned(16)));

static __attribute__((noreturn)) void spin(uint64_t id)
{
	for (;;)
		counters[id]++;
}

void guest_main(const struct keel_start_info *si)
{
	unsigned int n = si->nr_vcpus < KEEL_MAX_VCPUS ? si->nr_vcpus : KEEL_MAX_VCPUS;
	for (unsigned int i = 1; i < n; i++) {
		long rc = smp_start_vcpu(i, spin, i, stacks[i] + STACK_BYTES);
		if (rc) {
			gprintf("tc-spin: vCPU %u did not start (%ld)\n", i, rc);
			keel_sched_shutdown(KEEL_SHUTDOWN_CRASH);
		}
	}
	gprintf("tc-spin: %u vCPU(s) spinning\n", n);
	spin(0);
}
