/* sc_sched.c: scheduler scenarios: no starvation, 2:1 weights, pinning, and FPU state across preemption. */
#include "testctl.h"

#include "control.h"
#include "fmt.h"
#include "hypercall.h"

#include "fpu_work.h"

#define HOG_MEMORY (2ull << 20)
#define SHARED_CPU 1            /* both hogs are pinned here, away from the controller's usual CPU 0 */
#define MEASURE_MS 3000

/* Builds a one-vCPU CPU hog (tc-spin) pinned to 'cpumask' with 'weight', and starts it. */
static bool start_hog(const char *name, uint64_t cpumask, uint32_t weight, uint32_t *domid)
{
	if (tc_build("tc-spin", name, HOG_MEMORY, 1, "", domid))
		return false;
	if (!tc_expect("SET_AFFINITY", domctl_set_affinity(*domid, 0, cpumask), 0) ||
	    !tc_expect("SET_SCHED", domctl_set_sched(*domid, weight, 0), 0) ||
	    !tc_expect("UNPAUSE", domctl_simple(KEEL_DOMCTL_UNPAUSE, *domid), 0)) {
		tc_destroy(*domid);
		return false;
	}
	return true;
}

static uint64_t cpu_time(uint32_t domid)
{
	struct keel_domctl_info info;
	if (domctl_getinfo(domid, &info)) {
		tc_fail("GETINFO dom%u failed", domid);
		return 0;
	}
	return info.cpu_time_ns;
}

/* Two hogs share one CPU for MEASURE_MS; returns their CPU times over that window. */
static bool race(uint32_t weight_a, uint32_t weight_b, uint64_t *ran_a, uint64_t *ran_b)
{
	uint32_t a, b;
	if (tc_phys.cpus_online < 2) {
		tc_fail("needs 2 CPUs, have %u", tc_phys.cpus_online);
		return false;
	}
	if (!start_hog("hog-a", 1ull << SHARED_CPU, weight_a, &a))
		return false;
	if (!start_hog("hog-b", 1ull << SHARED_CPU, weight_b, &b)) {
		tc_destroy(a);
		return false;
	}
	tc_sleep_ms(300);   /* let both settle into the queue */
	uint64_t a0 = cpu_time(a), b0 = cpu_time(b);
	tc_sleep_ms(MEASURE_MS);
	*ran_a = cpu_time(a) - a0;
	*ran_b = cpu_time(b) - b0;
	tc_destroy(a);
	tc_destroy(b);
	return true;
}

void sc_sched_fair(void)
{
	uint64_t a, b;
	if (!race(256, 256, &a, &b))
		return;
	/* A hog never starves its neighbour: each gets 40-60% of the shared CPU. */
	uint64_t total = a + b;
	if (total < MEASURE_MS * 1000000ull / 2)
		tc_fail("the shared CPU ran the hogs only %llu ms of %u", (unsigned long long)(total / 1000000),
			MEASURE_MS);
	if (a * 10 < total * 4 || b * 10 < total * 4)
		tc_fail("shares %llu ms : %llu ms, want within 40-60%%", (unsigned long long)(a / 1000000),
			(unsigned long long)(b / 1000000));
}

void sc_sched_weight(void)
{
	uint64_t a, b;
	if (!race(512, 256, &a, &b))
		return;
	/* Weights 2:1 give a 2:1 share, within +-10%: the ratio is in 1.8 .. 2.2. */
	if (!b || a * 10 < b * 18 || a * 10 > b * 22)
		tc_fail("weights 512:256 gave %llu ms : %llu ms, want 2:1 within 10%%",
			(unsigned long long)(a / 1000000), (unsigned long long)(b / 1000000));
}

void sc_sched_pin(void)
{
	unsigned int cpus = tc_phys.cpus_online;
	if (cpus < 3) {
		tc_fail("needs 3 CPUs, have %u", cpus);
		return;
	}
	/* Two hogs pinned to the two highest CPUs must be seen only there. */
	uint32_t doms[2];
	unsigned int pins[2] = { cpus - 1, cpus - 2 };
	for (unsigned int i = 0; i < 2; i++) {
		char name[16];
		fmt_snprintf(name, sizeof(name), "pinned-%u", i);
		if (!start_hog(name, 1ull << pins[i], 256, &doms[i])) {
			if (i)
				tc_destroy(doms[0]);
			return;
		}
	}
	unsigned int samples[2] = { 0 };
	for (unsigned int round = 0; round < 200; round++) {
		for (unsigned int i = 0; i < 2; i++) {
			struct keel_sysctl_vcpu_info info;
			if (sysctl_vcpu_info(doms[i], 0, &info)) {
				tc_fail("VCPU_INFO dom%u failed", doms[i]);
				continue;
			}
			if (info.state != 2)
				continue;
			samples[i]++;
			if (info.cpu != pins[i])
				tc_fail("dom%u pinned to CPU %u seen running on CPU %u", doms[i], pins[i], info.cpu);
			if (info.affinity != 1ull << pins[i])
				tc_fail("dom%u reports affinity %#llx", doms[i], (unsigned long long)info.affinity);
		}
		tc_sleep_ms(10);
	}
	for (unsigned int i = 0; i < 2; i++)
		if (!samples[i])
			tc_fail("pinned hog %u was never seen running", i);
	tc_destroy(doms[0]);
	tc_destroy(doms[1]);
}

void sc_fpu_exact(void)
{
	/* Same CPU, different rounding modes and seeds, both preempted many times (10 ms slices). */
	static const struct { uint64_t seed; unsigned int rounding; } work[2] = { { 0x1234, 0 }, { 0xbeef, 3 } };
	const uint64_t rounds = 4000000;
	uint32_t doms[2];
	unsigned int started = 0;
	for (unsigned int i = 0; i < 2; i++) {
		/* Computed here first, with nothing else on this vCPU's registers. */
		uint64_t expect = fpu_work(work[i].seed, work[i].rounding, rounds);
		char name[16], cmdline[128];
		fmt_snprintf(name, sizeof(name), "fpu-%u", i);
		fmt_snprintf(cmdline, sizeof(cmdline), "seed=%llu rounding=%u rounds=%llu expect=%llu",
			     (unsigned long long)work[i].seed, work[i].rounding, (unsigned long long)rounds,
			     (unsigned long long)expect);
		if (tc_build("tc-fpu", name, HOG_MEMORY, 1, cmdline, &doms[i]))
			break;
		domctl_set_affinity(doms[i], 0, 1ull << SHARED_CPU);
		started++;
	}
	for (unsigned int i = 0; i < started; i++)
		tc_expect("UNPAUSE", domctl_simple(KEEL_DOMCTL_UNPAUSE, doms[i]), 0);
	for (unsigned int i = 0; i < started; i++)
		tc_expect_poweroff(doms[i], "tc-fpu", 120000);
}
