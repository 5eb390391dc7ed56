/* sc_leak.c: 1,000 create-populate-destroy cycles leave free memory, domains, ports and grants exactly as they were. */
#include "testctl.h"

#include "builder.h"
#include "control.h"

#define CYCLES      1000
#define LEAK_PAGES  256    /* 1 MiB */

/* One cycle; every few cycles it also maps the domain and creates vCPU 0, so those paths are counted too. */
static bool one_cycle(unsigned int i)
{
	uint32_t domid;
	long rc = domctl_create("leak", LEAK_PAGES, 2, &domid);
	if (rc) {
		tc_fail("cycle %u: CREATE: %ld", i, rc);
		return false;
	}
	rc = domctl_populate(domid, LEAK_PAGES);
	if (rc)
		tc_fail("cycle %u: POPULATE: %ld", i, rc);
	if (!rc && i % 8 == 0) {
		volatile uint64_t *ram = builder_map(domid, 0x10000, 4);
		if (!ram) {
			tc_fail("cycle %u: MAP_FOREIGN failed", i);
			rc = -1;
		} else {
			ram[0] = i;
			builder_unmap(domid);
		}
		struct keel_vcpu_context ctx = { .rip = 0x100000, .rsp = 0x80000, .cr3 = 0x1000, .gdt_gpa = 0x2000 };
		long v = domctl_set_vcpu_context(domid, i % 16 ? 0 : 1, &ctx);
		if (v) {
			tc_fail("cycle %u: SET_VCPU_CONTEXT: %ld", i, v);
			rc = v;
		}
	}
	long d = domctl_simple(KEEL_DOMCTL_DESTROY, domid);
	if (d)
		tc_fail("cycle %u: DESTROY: %ld", i, d);
	return !rc && !d;
}

void sc_leak_1000(void)
{
	struct keel_sysctl_physinfo before, after;
	if (!tc_expect("PHYSINFO", sysctl_physinfo(&before), 0))
		return;
	for (unsigned int i = 0; i < CYCLES; i++)
		if (!one_cycle(i))
			return;
	if (!tc_expect("PHYSINFO", sysctl_physinfo(&after), 0))
		return;
	if (after.free_pages != before.free_pages)
		tc_fail("free pages %llu before, %llu after %u cycles", (unsigned long long)before.free_pages,
			(unsigned long long)after.free_pages, CYCLES);
	tc_expect("live domains after", after.domains, before.domains);
	tc_expect("event-channel ports after", after.evtchn_ports, before.evtchn_ports);
	tc_expect("grant entries after", after.grants, before.grants);
}
