/* sc_vcpus.c: a 4-vCPU domain brings up vCPUs 1-3 itself and all four run at once, on different CPUs. */
#include "testctl.h"

#include "control.h"
#include "fmt.h"

#define VCPUS 4

struct sweep_stats {
	unsigned int max_running;          /* most vCPUs seen RUNNING in one sweep */
};

/* One look at every vCPU; returns false once the domain has ended. */
static bool sweep(uint32_t domid, struct sweep_stats *s)
{
	unsigned int running = 0;
	uint64_t cpus = 0;
	for (uint32_t i = 0; i < VCPUS; i++) {
		struct keel_sysctl_vcpu_info info;
		if (sysctl_vcpu_info(domid, i, &info))
			continue;   /* not created yet: vCPU 0 has not brought it up */
		/* Two vCPUs reported on one CPU cannot both be on it: count distinct CPUs only. */
		if (info.state == 2 && !(cpus & (1ull << (info.cpu & 63)))) {
			running++;
			cpus |= 1ull << (info.cpu & 63);
		}
	}
	if (running > s->max_running)
		s->max_running = running;
	struct keel_domctl_info dinfo;
	return domctl_getinfo(domid, &dinfo) == 0 && dinfo.state != KEEL_DOMSTATE_SHUTDOWN &&
	       dinfo.state != KEEL_DOMSTATE_CRASHED;
}

void sc_vcpus_4(void)
{
	char cmdline[64];
	uint32_t domid;
	fmt_snprintf(cmdline, sizeof(cmdline), "tsc_khz=%llu spin_ms=1600", (unsigned long long)tc_phys.tsc_khz);
	if (tc_start("tc-vcpus", "vcpus4", 4ull << 20, VCPUS, cmdline, &domid))
		return;

	/* The hypervisor's view while the guest spins: this controller takes one CPU, so with N
	 * CPUs at most N-1 of the guest's vCPUs can be seen running at the same moment. */
	struct sweep_stats s = { 0 };
	uint64_t end = tc_now_ms() + 60000;
	while (sweep(domid, &s) && tc_now_ms() < end)
		keel_sched_yield();
	/* The controller holds one of the CPUs that run guests (not every CPU may: physinfo). */
	unsigned int usable = tc_phys.guest_cpus ? tc_phys.guest_cpus : tc_phys.cpus_online;
	unsigned int want = usable > VCPUS ? VCPUS : usable - 1;
	if (s.max_running < want)
		tc_fail("at most %u of the 4 vCPUs seen running at once, want %u", s.max_running, want);
	/* Which vCPUs a sweep happens to catch is luck; that each one ran is checked below from
	 * its CPU time, and tc-vcpus itself checks that all four counted at the same time. */

	/* Each vCPU ran: the hypervisor charged it time. */
	for (uint32_t i = 0; i < VCPUS; i++) {
		struct keel_sysctl_vcpu_info info;
		if (tc_expect("VCPU_INFO", sysctl_vcpu_info(domid, i, &info), 0) && !info.cpu_time_ns)
			tc_fail("vCPU %u has no CPU time", i);
	}
	/* tc-vcpus judged UP, IS_UP, DOWN and the counters itself: a poweroff means it was content. */
	tc_expect_poweroff(domid, "tc-vcpus", 60000);
}
