/* guest.h: the contract between the guest runtime and a guest: the runtime starts, the guest's guest_main runs. */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

#include <keel/start_info.h>

/*
 * Every guest defines this. The runtime calls it with SSE enabled, the hypercall page
 * placed and the console working; start-info is the builder's page, identity-mapped.
 * Returning powers the domain off.
 */
void guest_main(const struct keel_start_info *si);

/* Called by entry.S; sets up the runtime, runs guest_main and never returns. */
__attribute__((noreturn)) void runtime_start(const struct keel_start_info *si);

#endif
