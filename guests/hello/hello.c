/* hello.c: the smallest useful guest: greets with what start-info says about it, then powers off. */
#include "console.h"
#include "guest.h"
#include "hypercall.h"

void guest_main(const struct keel_start_info *si)
{
	unsigned long long mib = si->nr_pages * 4096 / (1024 * 1024);
	long version = keel_version();

	/* Bounded like the fields, in case a builder ever forgets a NUL. */
	gprintf("hello: this is dom%u '%.*s', %llu MiB, %u vCPU%s, ABI %ld.%ld\n", si->domid,
		(int)sizeof si->name, si->name, mib, si->nr_vcpus, si->nr_vcpus == 1 ? "" : "s",
		version >> 16, version & 0xffff);
	gprintf("hello: cmdline '%.*s'\n", (int)sizeof si->cmdline, si->cmdline);
	gprintf("hello: powering off\n");
	keel_sched_shutdown(KEEL_SHUTDOWN_POWEROFF);
}
