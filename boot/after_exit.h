/* after_exit.h: reporting a failure once boot services are gone (no console, no return to firmware). */
#ifndef KEEL_BOOT_AFTER_EXIT_H
#define KEEL_BOOT_AFTER_EXIT_H

#include <efi.h>

/*
 * Writes "keel-boot: error: <message>" straight to COM1 (ConOut is dead now),
 * then powers off through the runtime services, which survive ExitBootServices.
 */
void after_exit_fail(EFI_RUNTIME_SERVICES *rt, const char *message) __attribute__((noreturn));

#endif
