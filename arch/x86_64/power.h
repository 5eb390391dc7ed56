/* power.h: machine reboot and power-off (ACPI first, then legacy and QEMU fallbacks). */
#ifndef KEEL_ARCH_POWER_H
#define KEEL_ARCH_POWER_H

#include <stdint.h>

#include "acpi.h"

/* QEMU's isa-debug-exit device (-device isa-debug-exit,iobase=0xf4,iosize=0x04). */
#define POWER_DEBUG_EXIT_PORT     0xf4
/* Code power_off() passes when ACPI S5 did not work: QEMU then exits with status 1. */
#define POWER_DEBUG_EXIT_POWEROFF 0

/* Remembers the reset and sleep registers from 'info' (copied; may be NULL if there is no ACPI). */
void power_init(const struct acpi_info *info);

/* Resets the machine: ACPI reset register, then the keyboard controller, then a triple fault. */
__attribute__((noreturn)) void power_reboot(void);

/* Enters ACPI S5 (soft off); falls back to isa-debug-exit, then halts forever with interrupts off. */
__attribute__((noreturn)) void power_off(void);

/* Writes 'code' to isa-debug-exit: QEMU exits with status (code << 1) | 1. Returns on real hardware. */
void power_debug_exit(uint8_t code);

#endif
