/* boot_guests.h: starting the 'guest =' boot modules, one at a time, until dom0 does this job. */
#ifndef KEEL_BOOT_GUESTS_H
#define KEEL_BOOT_GUESTS_H

#include <stdbool.h>

#include "keel/boot_info.h"

/* Remembers the guest modules of the boot info. */
void boot_guests_init(const struct boot_info *bi);
/* Builds and starts the next one; false when none is left. */
bool boot_guests_start_next(void);
/* Logs how every boot guest ended (those still alive are blocked: nothing can wake them). */
void boot_guests_report(void);

#endif
