/* tsc.h: the time-stamp counter as the hypervisor's clock. */
#ifndef KEEL_ARCH_TSC_H
#define KEEL_ARCH_TSC_H

#include <stdint.h>

/* Finds the TSC rate: CPUID 0x15 when it is fully enumerated, else the PIT. */
void tsc_calibrate(void);
uint64_t tsc_khz(void);
const char *tsc_source(void);
void tsc_delay_us(uint64_t us);

#endif
