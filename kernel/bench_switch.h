/* bench_switch.h: the bench_switch_floor boot option's measurement of the bare world switch. */
#ifndef KEEL_BENCH_SWITCH_H
#define KEEL_BENCH_SWITCH_H

#include <stdint.h>

/*
 * Times 5 rounds of 'trips' VMMCALL/VMCALL round trips of a throwaway guest the backend re-enters
 * at once (virt_ops.switch_floor), logging a "bench: switch floor:" line each. Boot CPU, before
 * any domain exists.
 */
void bench_switch_floor(uint64_t trips);

#endif
