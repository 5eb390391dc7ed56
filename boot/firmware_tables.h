/* firmware_tables.h: what the firmware tells the hypervisor about the machine: ACPI RSDP, framebuffer. */
#ifndef KEEL_BOOT_FIRMWARE_TABLES_H
#define KEEL_BOOT_FIRMWARE_TABLES_H

#include <efi.h>
#include <stdint.h>

#include <keel/boot_info.h>

/* The ACPI 2.0 RSDP if the firmware has a valid one, else the 1.0 one, else 0. */
uint64_t find_acpi_rsdp(EFI_SYSTEM_TABLE *st);

/* Fills *fb from the GOP; leaves it zeroed (base 0) when there is none (-vga none). */
void find_framebuffer(EFI_BOOT_SERVICES *bs, struct boot_framebuffer *fb);

#endif
