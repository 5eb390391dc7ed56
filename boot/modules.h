/* modules.h: loading the dom0, guest and other module files keel.cfg names, one by one or by directory. */
#ifndef KEEL_BOOT_MODULES_H
#define KEEL_BOOT_MODULES_H

#include <efi.h>

#include <keel/boot_info.h>

#include "config.h"

/*
 * Appends the files of every 'module_dir' of config to its modules (see
 * dir_modules.h), checking counts, names and sizes before anything is read.
 * Prints its own error, e.g. "\keel\x: directory not found".
 */
EFI_STATUS modules_add_dirs(EFI_FILE_HANDLE root, struct boot_config *config);

/*
 * Loads every module of config into page-aligned EfiLoaderData pages and
 * describes each in out[0 .. config->module_count). Prints its own error.
 */
EFI_STATUS modules_load(EFI_BOOT_SERVICES *bs, EFI_FILE_HANDLE root,
                        const struct boot_config *config, struct boot_module *out);

#endif
