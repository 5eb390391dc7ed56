/* dom0_build.h: building and starting domain 0 from the 'dom0 =' boot module. */
#ifndef KEEL_DOM0_BUILD_H
#define KEEL_DOM0_BUILD_H

#include <stdbool.h>

#include "keel/boot_info.h"

/*
 * If the boot info has a BOOT_MODULE_DOM0, builds it as domain 0 (privileged), copies every
 * other module into its RAM with a list in start-info (start_info.h), and starts it. Returns
 * whether a dom0 module was configured (started or not: failures are logged).
 */
bool dom0_start(const struct boot_info *bi);

#endif
