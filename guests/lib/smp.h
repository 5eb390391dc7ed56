/* smp.h: starting a guest's other vCPUs with vcpu_op UP, each in a C function on its own stack. */
#ifndef GUEST_SMP_H
#define GUEST_SMP_H

#include <stdint.h>

/*
 * Starts vCPU 'id' (1 .. nr_vcpus-1) running fn(arg) on the stack ending at stack_top, with
 * this vCPU's page tables and the builder's GDT; SSE is enabled for it first, as entry.S does
 * for vCPU 0. fn must never return. Returns vcpu_op UP's result (0 or -KEEL_E*).
 */
long smp_start_vcpu(unsigned int id, void (*fn)(uint64_t arg), uint64_t arg, void *stack_top);

#endif
