/* vcpus.c (tc-vcpus): brings up vCPUs 1-3 with vcpu_op UP, shows all four running together, then DOWN and UP again. */
#include <stdbool.h>

#include "cmdline.h"
#include "console.h"
#include "control.h"
#include "cpu.h"
#include "guest.h"
#include "smp.h"

#define VCPUS        4
#define STACK_BYTES  8192
#define WINDOWS      16     /* the spin phase is cut into this many windows */

static volatile uint64_t counters[VCPUS];
static uint8_t stacks[VCPUS][STACK_BYTES] __attribute__((aligned(16)));
static uint64_t tsc_per_ms;
static unsigned int failures;

static void fail(const char *what, long got, long want)
{
	gprintf("tc-vcpus: %s: got %ld, want %ld\n", what, got, want);
	failures++;
}

static __attribute__((noreturn)) void count(uint64_t id)
{
	for (;;)
		counters[id]++;
}

/* vCPU 0 counts too while it waits, so it is busy on its own CPU the whole time. */
static void spin_ms(uint64_t ms)
{
	uint64_t end = rdtsc() + ms * tsc_per_ms;
	while (rdtsc() < end)
		counters[0]++;
}

static void snapshot(uint64_t out[VCPUS])
{
	for (unsigned int i = 0; i < VCPUS; i++)
		out[i] = counters[i];
}

/* In how many of WINDOWS consecutive windows every vCPU's counter moved. */
static unsigned int windows_all_moving(uint64_t phase_ms)
{
	unsigned int together = 0;
	uint64_t before[VCPUS], after[VCPUS];
	snapshot(before);
	for (unsigned int w = 0; w < WINDOWS; w++) {
		spin_ms(phase_ms / WINDOWS);
		snapshot(after);
		bool all = true;
		for (unsigned int i = 1; i < VCPUS; i++)
			all &= after[i] != before[i];
		together += all;
		for (unsigned int i = 0; i < VCPUS; i++)
			before[i] = after[i];
	}
	return together;
}

static unsigned long long option(const struct keel_start_info *si, const char *key, unsigned long long fallback)
{
	char value[24];
	unsigned long long v;
	if (cmdline_get(si->cmdline, key, value, sizeof(value)) && cmdline_parse_u64(value, &v) && v)
		return v;
	return fallback;
}

static void bad_requests(void)
{
	struct keel_vcpu_context ctx = { .rip = 0x8000000000000000ull, .rsp = 0x200000, .cr3 = read_cr3() };
	long rc = keel_vcpu_op(KEEL_VCPUOP_UP, 1, &ctx);
	if (rc != -KEEL_EINVAL)
		fail("UP with a non-canonical rip", rc, -KEEL_EINVAL);
	ctx.rip = 0x100000;
	ctx.cr3 |= 0x8;
	rc = keel_vcpu_op(KEEL_VCPUOP_UP, 1, &ctx);
	if (rc != -KEEL_EINVAL)
		fail("UP with an unaligned cr3", rc, -KEEL_EINVAL);
	rc = keel_vcpu_op(KEEL_VCPUOP_UP, VCPUS, &ctx);
	if (rc != -KEEL_EINVAL)
		fail("UP of vCPU nr_vcpus", rc, -KEEL_EINVAL);
	rc = hypercall3(KEEL_HC_VCPU_OP, KEEL_VCPUOP_UP, 1, 0x0000100000000000ull);
	if (rc != -KEEL_EFAULT)
		fail("UP with an unmapped context", rc, -KEEL_EFAULT);
	rc = keel_vcpu_op(7, 1, &ctx);
	if (rc != -KEEL_EINVAL)
		fail("unknown vcpu_op", rc, -KEEL_EINVAL);
	rc = keel_vcpu_op(KEEL_VCPUOP_DOWN, 2, NULL);
	if (rc != -KEEL_EINVAL)
		fail("DOWN of a vCPU that is not up", rc, -KEEL_EINVAL);
	ctx.cr3 = read_cr3();
	rc = keel_vcpu_op(KEEL_VCPUOP_UP, 0, &ctx);
	if (rc != -KEEL_EEXIST)
		fail("UP of the running vCPU 0", rc, -KEEL_EEXIST);
}

void guest_main(const struct keel_start_info *si)
{
	tsc_per_ms = option(si, "tsc_khz", 1000000);
	uint64_t phase_ms = option(si, "spin_ms", 1600);
	if (si->nr_vcpus != VCPUS) {
		gprintf("tc-vcpus: created with %u vCPUs, want %u\n", si->nr_vcpus, VCPUS);
		keel_sched_shutdown(KEEL_SHUTDOWN_CRASH);
	}
	bad_requests();
	for (unsigned int i = 1; i < VCPUS; i++) {
		long rc = smp_start_vcpu(i, count, i, stacks[i] + STACK_BYTES);
		if (rc)
			fail("UP", rc, 0);
		if (keel_vcpu_op(KEEL_VCPUOP_IS_UP, i, NULL) != 1)
			fail("IS_UP after UP", keel_vcpu_op(KEEL_VCPUOP_IS_UP, i, NULL), 1);
	}
	long again = smp_start_vcpu(1, count, 1, stacks[1] + STACK_BYTES);
	if (again != -KEEL_EEXIST)
		fail("a second UP of vCPU 1", again, -KEEL_EEXIST);

	unsigned int together = windows_all_moving(phase_ms);
	gprintf("tc-vcpus: all four vCPUs counted together in %u of %u windows\n", together, WINDOWS);
	if (!together)
		fail("windows in which vCPUs 1-3 all ran while vCPU 0 spun", 0, 1);

	/* DOWN is synchronous: once it returns, that vCPU's counter is frozen. */
	for (unsigned int i = 1; i < VCPUS; i++) {
		long rc = keel_vcpu_op(KEEL_VCPUOP_DOWN, i, NULL);
		if (rc)
			fail("DOWN", rc, 0);
		if (keel_vcpu_op(KEEL_VCPUOP_IS_UP, i, NULL) != 0)
			fail("IS_UP after DOWN", 1, 0);
	}
	uint64_t before[VCPUS], after[VCPUS];
	snapshot(before);
	spin_ms(50);
	snapshot(after);
	for (unsigned int i = 1; i < VCPUS; i++)
		if (after[i] != before[i])
			fail("counter of a vCPU that is down moved by", (long)(after[i] - before[i]), 0);

	/* Up again from a fresh context: it runs again. */
	long rc = smp_start_vcpu(2, count, 2, stacks[2] + STACK_BYTES);
	if (rc)
		fail("UP after DOWN", rc, 0);
	uint64_t start = counters[2], deadline = rdtsc() + 5000 * tsc_per_ms;
	while (counters[2] == start && rdtsc() < deadline)
		counters[0]++;
	if (counters[2] == start)
		fail("vCPU 2 counting after its second UP", 0, 1);
	keel_vcpu_op(KEEL_VCPUOP_DOWN, 2, NULL);

	if (failures) {
		gprintf("tc-vcpus: %u failures\n", failures);
		keel_sched_shutdown(KEEL_SHUTDOWN_CRASH);
	}
	gprintf("tc-vcpus: UP, DOWN and UP again all behaved\n");
}
