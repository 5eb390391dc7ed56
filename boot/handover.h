/* handover.h: the final jump from the loader into the hypervisor. */
#ifndef KEEL_BOOT_HANDOVER_H
#define KEEL_BOOT_HANDOVER_H

#include <stdint.h>

/*
 * Disables interrupts, loads cr3, and jumps to entry with rdi = boot_info
 * (a physical, identity-mapped address) on a 16-byte aligned stack holding a
 * zero return address. The code and stack must be identity-mapped by cr3.
 */
void keel_handover(uint64_t cr3, uint64_t entry, uint64_t boot_info) __attribute__((noreturn));

#endif
