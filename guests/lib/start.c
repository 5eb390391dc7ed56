/* start.c: what runs between _start and guest_main: hypercalls, a start-info check, and the final power-off. */
#include "guest.h"

#include "console.h"
#include "hypercall.h"

/*
 * Without hypercalls there is no way to say anything, so end the domain the only way left:
 * ud2 with no IDT is a triple fault, which the hypervisor logs with this RIP. The reason is
 * left in eax for anyone with a register dump.
 */
__attribute__((noreturn)) static void give_up(enum hypercall_init_error why)
{
	for (;;)
		asm volatile("ud2" : : "a"(why));
}

void runtime_start(const struct keel_start_info *si)
{
	enum hypercall_init_error err = hypercall_init();
	if (err != HYPERCALL_INIT_OK)
		give_up(err);

	if (si->magic != KEEL_START_INFO_MAGIC) {
		gprintf("guest: no start-info at %p (magic %#llx)\n", (const void *)si,
			(unsigned long long)si->magic);
		keel_sched_shutdown(KEEL_SHUTDOWN_CRASH);
	} else {
		console_init(si);   /* a console device, if any, is used once events are up */
		guest_main(si);
		keel_sched_shutdown(KEEL_SHUTDOWN_POWEROFF);
	}
	/* Shutdown does not return for a valid reason; if it ever does, stop loudly. */
	give_up(HYPERCALL_INIT_OK);
}
