/* console.h: the loader's progress and error lines on the UEFI console (mirrored to serial by OVMF). */
#ifndef KEEL_BOOT_CONSOLE_H
#define KEEL_BOOT_CONSOLE_H

#include <efi.h>

void console_init(EFI_SYSTEM_TABLE *system_table);

/* "keel-boot: <message>" */
void boot_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "keel-boot: error: <message>": every failure prints exactly one of these. */
void boot_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A readable name for the common EFI status codes ("EFI_NOT_FOUND"), or "EFI status". */
const char *efi_status_name(EFI_STATUS status);

#endif
