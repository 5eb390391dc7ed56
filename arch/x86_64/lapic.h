/* lapic.h: the local APIC, in x2APIC mode when the CPU has it, else xAPIC over MMIO. */
#ifndef KEEL_ARCH_LAPIC_H
#define KEEL_ARCH_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

#include "mm.h"

/* Once, on the boot CPU: picks the mode and maps the registers if needed. */
void lapic_global_init(paddr_t madt_lapic_addr);
/* On every CPU: enables its APIC with all local interrupts masked. */
void lapic_cpu_init(void);
bool lapic_x2apic_mode(void);

uint32_t lapic_id(void);
void lapic_eoi(void);

enum ipi_mode { IPI_FIXED = 0x000, IPI_NMI = 0x400, IPI_INIT = 0x500, IPI_STARTUP = 0x600 };
void lapic_send_ipi(uint32_t apic_id, enum ipi_mode mode, uint8_t vector);
/* Every CPU but the caller. */
void lapic_send_ipi_others(enum ipi_mode mode, uint8_t vector);

/* Measures the APIC timer against the TSC (boot CPU, after tsc_calibrate). */
void lapic_timer_calibrate(void);
/* Starts a periodic timer interrupt at 'hz' on this CPU. */
/* The APIC timer in one-shot mode on 'vector'; then each lapic_timer_oneshot_ns() arms it once. */
void lapic_timer_oneshot_init(uint8_t vector);
void lapic_timer_oneshot_ns(uint64_t ns);

#endif
