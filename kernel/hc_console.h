/* hc_console.h: the console_io hypercall (pv-abi/keel/console_io.h). */
#ifndef KEEL_HC_CONSOLE_H
#define KEEL_HC_CONSOLE_H

#include <stdint.h>

struct vcpu;

int64_t hc_console_io(struct vcpu *v, uint64_t cmd, uint64_t len, uint64_t buf, uint64_t a4, uint64_t a5);

#endif
