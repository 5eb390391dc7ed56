/* modules.h: loading the dom0, guest and other module files named in keel.cfg. */
#ifndef KEEL_BOOT_MODULES_H
#define KEEL_BOOT_MODULES_H

#include <efi.h>

#include <keel/boot_info.h>

#include "config.h"

/*
 * Loads every module of config into page-aligned EfiLoaderData pages and
 * describes each in out[0 .. config->module_count). Prints its own error.
 */
EFI_STATUS modules_load(EFI_BOOT_SERVICES *bs, EFI_FILE_HANDLE root,
                        const struct boot_config *config, struct boot_module *out);

#endif
