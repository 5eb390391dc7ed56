/* sc_lifecycle.c: create, pause, unpause, getinfo, shutdown and destroy, and every bad request's documented error. */
#include "testctl.h"

#include "control.h"
#include "string.h"

#define NO_SUCH_DOMAIN 0x7ffffff0u
#define UNMAPPED_GVA   0x0000100000000000ull

static long create_named(const char *name, uint64_t pages, uint32_t vcpus)
{
	uint32_t ignored;
	return domctl_create(name, pages, vcpus, &ignored);
}

static long raw_create(const char name[KEEL_DOMAIN_NAME_MAX], uint64_t pages, uint32_t vcpus)
{
	struct keel_domctl op;
	memset(&op, 0, sizeof(op));
	op.cmd = KEEL_DOMCTL_CREATE;
	memcpy(op.u.create.name, name, KEEL_DOMAIN_NAME_MAX);
	op.u.create.max_pages = pages;
	op.u.create.nr_vcpus = vcpus;
	return keel_domctl(&op);
}

/* Requests refused before any domain is involved. */
static void bad_creates(void)
{
	char long_name[KEEL_DOMAIN_NAME_MAX];
	memset(long_name, 'a', sizeof(long_name));   /* no NUL inside the field */
	tc_expect("CREATE with a 32-character name", raw_create(long_name, 256, 1), -KEEL_EINVAL);
	tc_expect("CREATE with an empty name", create_named("", 256, 1), -KEEL_EINVAL);
	tc_expect("CREATE with a space in the name", create_named("bad name", 256, 1), -KEEL_EINVAL);
	tc_expect("CREATE with 0 vCPUs", create_named("lc-v0", 256, 0), -KEEL_EINVAL);
	tc_expect("CREATE with 17 vCPUs", create_named("lc-v17", 256, 17), -KEEL_EINVAL);
	tc_expect("CREATE with 0 pages", create_named("lc-p0", 0, 1), -KEEL_EINVAL);
	tc_expect("CREATE beyond all memory", create_named("lc-huge", tc_phys.total_pages * 2, 1), -KEEL_ENOMEM);
	tc_expect("CREATE named like dom0", create_named("dom0", 256, 1), -KEEL_EEXIST);
	tc_expect("unknown domctl", domctl_simple(99, 0), -KEEL_ENOSYS);
	tc_expect("domctl with an unmapped op", hypercall1(KEEL_HC_DOMCTL, UNMAPPED_GVA), -KEEL_EFAULT);
	tc_expect("sysctl with an unmapped op", hypercall1(KEEL_HC_SYSCTL, UNMAPPED_GVA), -KEEL_EFAULT);
	struct keel_sysctl sop;
	memset(&sop, 0, sizeof(sop));
	sop.cmd = 99;
	tc_expect("unknown sysctl", keel_sysctl(&sop), -KEEL_ENOSYS);
}

static void bad_targets(void)
{
	static const uint32_t cmds[] = { KEEL_DOMCTL_DESTROY, KEEL_DOMCTL_PAUSE, KEEL_DOMCTL_UNPAUSE,
					 KEEL_DOMCTL_POPULATE, KEEL_DOMCTL_SHUTDOWN, KEEL_DOMCTL_SET_MAX_MEM };
	for (unsigned int i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		tc_expect("a command for an unknown domid", domctl_simple(cmds[i], NO_SUCH_DOMAIN), -KEEL_ESRCH);
	struct keel_domctl_info info;
	tc_expect("GETINFO past the last domain", domctl_getinfo(0xffffffffu, &info), -KEEL_ESRCH);
	struct keel_sysctl_vcpu_info vinfo;
	tc_expect("VCPU_INFO of an unknown domain", sysctl_vcpu_info(NO_SUCH_DOMAIN, 0, &vinfo), -KEEL_ESRCH);
	tc_expect("VCPU_INFO of dom0's vCPU 15", sysctl_vcpu_info(0, 15, &vinfo), -KEEL_ESRCH);

	tc_expect("DESTROY dom0", domctl_simple(KEEL_DOMCTL_DESTROY, 0), -KEEL_EPERM);
	tc_expect("DESTROY itself", domctl_simple(KEEL_DOMCTL_DESTROY, tc_si->domid), -KEEL_EPERM);
	tc_expect("PAUSE dom0", domctl_simple(KEEL_DOMCTL_PAUSE, 0), -KEEL_EPERM);
	tc_expect("SHUTDOWN dom0", domctl_shutdown(0, KEEL_SHUTDOWN_POWEROFF), -KEEL_EPERM);
	if (tc_expect("GETINFO dom0", domctl_getinfo(0, &info), 0)) {
		tc_expect("dom0's state", info.state, KEEL_DOMSTATE_RUNNING);
		if (strcmp(info.name, "dom0"))
			tc_fail("dom0 is called '%.32s'", info.name);
	}
}

/* A domain that is only created: what may and may not be done to it while it is BUILDING. */
static void building_domain(void)
{
	uint32_t a;
	if (!tc_expect("CREATE lc-a", domctl_create("lc-a", 256, 1, &a), 0))
		return;
	tc_expect("CREATE lc-a again", create_named("lc-a", 256, 1), -KEEL_EEXIST);
	struct keel_domctl_info info;
	if (tc_expect("GETINFO lc-a", domctl_getinfo(a, &info), 0)) {
		tc_expect("lc-a's state", info.state, KEEL_DOMSTATE_BUILDING);
		tc_expect("lc-a's pages", (long)info.nr_pages, 0);
		tc_expect("lc-a's vCPUs up", info.vcpus_up, 0);
	}
	struct keel_vcpu_context ctx = { .rip = 0x100000, .rsp = 0x80000, .cr3 = 0x1000, .gdt_gpa = 0x2000 };
	tc_expect("SET_VCPU_CONTEXT before POPULATE", domctl_set_vcpu_context(a, 0, &ctx), -KEEL_EINVAL);
	tc_expect("POPULATE beyond max_pages", domctl_populate(a, 257), -KEEL_EINVAL);
	tc_expect("POPULATE lc-a", domctl_populate(a, 256), 0);
	tc_expect("POPULATE lc-a twice", domctl_populate(a, 256), -KEEL_EINVAL);
	tc_expect("UNPAUSE without a vCPU context", domctl_simple(KEEL_DOMCTL_UNPAUSE, a), -KEEL_EINVAL);
	tc_expect("PAUSE a domain being built", domctl_simple(KEEL_DOMCTL_PAUSE, a), -KEEL_EINVAL);
	tc_expect("SET_VCPU_CONTEXT of vCPU 1 of 1", domctl_set_vcpu_context(a, 1, &ctx), -KEEL_EINVAL);
	tc_expect("SET_AFFINITY of vCPU 5 of 1", domctl_set_affinity(a, 5, 1), -KEEL_EINVAL);
	ctx.rip = 0x0000800000000000ull;
	tc_expect("SET_VCPU_CONTEXT with a non-canonical rip", domctl_set_vcpu_context(a, 0, &ctx), -KEEL_EINVAL);
	ctx.rip = 0x100000;
	ctx.cr3 = 256 * 4096;
	tc_expect("SET_VCPU_CONTEXT with cr3 outside RAM", domctl_set_vcpu_context(a, 0, &ctx), -KEEL_EINVAL);
	tc_expect("MAP_FOREIGN outside the window", domctl_map_foreign(a, 0, 0x100000, 1), -KEEL_EINVAL);
	tc_expect("MAP_FOREIGN beyond its RAM", domctl_map_foreign(a, 255 * 4096, KEEL_FOREIGN_WINDOW_BASE, 2),
		  -KEEL_EINVAL);
	tc_expect("unmapping what was never mapped", domctl_map_foreign(a, 0, KEEL_FOREIGN_WINDOW_BASE, 0),
		  -KEEL_EINVAL);
	tc_expect("SET_MAX_MEM below what it has", domctl_simple(KEEL_DOMCTL_SET_MAX_MEM, a), -KEEL_EINVAL);

	/* Memory that is not there: refused, and nothing of the attempt stays allocated. */
	struct keel_sysctl_physinfo phys;
	uint32_t big;
	if (tc_expect("PHYSINFO", sysctl_physinfo(&phys), 0) &&
	    tc_expect("CREATE lc-big", domctl_create("lc-big", phys.free_pages, 1, &big), 0)) {
		struct keel_sysctl_physinfo before, after;
		sysctl_physinfo(&before);
		/* CREATE itself took a few pages, so all that was free before cannot be had now. */
		tc_expect("POPULATE more than is free", domctl_populate(big, phys.free_pages), -KEEL_ENOMEM);
		sysctl_physinfo(&after);
		tc_expect("free pages after a refused POPULATE", (long)after.free_pages, (long)before.free_pages);
		tc_destroy(big);
	}
	tc_destroy(a);
	tc_expect("GETINFO after DESTROY", domctl_getinfo(a, &info), -KEEL_ESRCH);
	tc_expect("DESTROY twice", domctl_simple(KEEL_DOMCTL_DESTROY, a), -KEEL_ESRCH);
}

static uint64_t cpu_time(uint32_t domid)
{
	struct keel_domctl_info info;
	return domctl_getinfo(domid, &info) ? 0 : info.cpu_time_ns;
}

static bool wait_for_cpu_time(uint32_t domid, uint64_t above)
{
	uint64_t end = tc_now_ms() + 20000;
	while (cpu_time(domid) <= above && tc_now_ms() < end)
		keel_sched_yield();
	return cpu_time(domid) > above;
}

/* A running 2-vCPU domain that never yields: pause stops it dead, unpause resumes it, destroy ends it. */
static void running_domain(void)
{
	uint32_t s;
	if (tc_start("tc-spin", "lc-spin", 2ull << 20, 2, "", &s))
		return;
	struct keel_domctl_info info;
	if (!wait_for_cpu_time(s, 0))
		tc_fail("lc-spin got no CPU time");
	tc_expect("MAP_FOREIGN of a running domain", domctl_map_foreign(s, 0, KEEL_FOREIGN_WINDOW_BASE, 1),
		  -KEEL_EINVAL);
	struct keel_vcpu_context ctx = { .rip = 0x100000, .rsp = 0x80000, .cr3 = 0x1000, .gdt_gpa = 0x2000 };
	tc_expect("SET_VCPU_CONTEXT of a running domain", domctl_set_vcpu_context(s, 1, &ctx), -KEEL_EINVAL);
	tc_expect("UNPAUSE a running domain", domctl_simple(KEEL_DOMCTL_UNPAUSE, s), -KEEL_EINVAL);
	/* vCPU 0 brings vCPU 1 up itself, a moment after it first runs: wait for that. */
	uint64_t until = tc_now_ms() + 20000;
	while (domctl_getinfo(s, &info) == 0 && info.vcpus_up < 2 && tc_now_ms() < until)
		keel_sched_yield();
	if (domctl_getinfo(s, &info) == 0) {
		tc_expect("lc-spin's state", info.state, KEEL_DOMSTATE_RUNNING);
		tc_expect("lc-spin's vCPUs up", info.vcpus_up, 2);
	}

	tc_expect("PAUSE lc-spin", domctl_simple(KEEL_DOMCTL_PAUSE, s), 0);
	tc_expect("PAUSE lc-spin twice", domctl_simple(KEEL_DOMCTL_PAUSE, s), -KEEL_EINVAL);
	if (domctl_getinfo(s, &info) == 0)
		tc_expect("lc-spin's state when paused", info.state, KEEL_DOMSTATE_PAUSED);
	uint64_t t1 = cpu_time(s);
	tc_sleep_ms(100);
	uint64_t t2 = cpu_time(s);
	if (t2 != t1)
		tc_fail("a paused domain ran for %llu ns", (unsigned long long)(t2 - t1));

	tc_expect("UNPAUSE lc-spin", domctl_simple(KEEL_DOMCTL_UNPAUSE, s), 0);
	if (!wait_for_cpu_time(s, t2))
		tc_fail("lc-spin did not run again after UNPAUSE");
	/* Destroyed while both its vCPUs spin on other CPUs. */
	tc_destroy(s);
	tc_expect("GETINFO of a destroyed running domain", domctl_getinfo(s, &info), -KEEL_ESRCH);

	/* SHUTDOWN ends it with that reason; it stays visible until destroyed. */
	if (tc_start("tc-spin", "lc-shut", 2ull << 20, 1, "", &s))
		return;
	tc_expect("SHUTDOWN with an unknown reason", domctl_shutdown(s, 7), -KEEL_EINVAL);
	tc_expect("SHUTDOWN lc-shut", domctl_shutdown(s, KEEL_SHUTDOWN_REBOOT), 0);
	if (tc_expect("GETINFO lc-shut", domctl_getinfo(s, &info), 0)) {
		tc_expect("lc-shut's state", info.state, KEEL_DOMSTATE_SHUTDOWN);
		tc_expect("lc-shut's reason", info.shutdown_reason, KEEL_SHUTDOWN_REBOOT);
	}
	tc_expect("SHUTDOWN twice", domctl_shutdown(s, KEEL_SHUTDOWN_POWEROFF), -KEEL_EINVAL);
	tc_expect("PAUSE an ended domain", domctl_simple(KEEL_DOMCTL_PAUSE, s), -KEEL_EINVAL);
	tc_destroy(s);
}

void sc_lifecycle(void)
{
	bad_creates();
	bad_targets();
	building_domain();
	running_domain();
}
