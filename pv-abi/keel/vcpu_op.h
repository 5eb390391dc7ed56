/*
 * vcpu_op.h: starting and stopping a domain's other vCPUs (KEEL_HC_VCPU_OP).
 *
 *     long vcpu_op(uint64_t cmd, uint64_t vcpu, void *arg)
 *
 * A domain is created with nr_vcpus (start_info.h); only vCPU 0 starts. The others are
 * started by the domain itself:
 *
 * KEEL_VCPUOP_UP      'arg' points to a struct keel_vcpu_context: the vCPU starts there,
 *                     in the same 64-bit mode as vCPU 0 did (start_info.h). Its page
 *                     tables (cr3), GDT and stack are the caller's to prepare.
 *                     -KEEL_EEXIST if it is already up.
 * KEEL_VCPUOP_DOWN    Stops the vCPU (the caller may stop itself; it then never returns).
 *                     -KEEL_EINVAL if it is not up.
 * KEEL_VCPUOP_IS_UP   Returns 1 if it is up, 0 if not. 'arg' is ignored.
 *
 * Errors: -KEEL_EINVAL (vcpu >= nr_vcpus, unknown cmd, a context whose rip, rsp or cr3
 * is non-canonical or cr3 is not page-aligned or outside RAM, nonzero reserved fields, no
 * GDT), -KEEL_EFAULT ('arg' unreadable), -KEEL_EAGAIN (another UP or DOWN of the same
 * domain is in progress on another vCPU: try again).
 * Every vCPU has its own timer, time record and event delivery (shared_info.h).
 */
#ifndef KEEL_PV_VCPU_OP_H
#define KEEL_PV_VCPU_OP_H

#include <stdint.h>

#define KEEL_VCPUOP_UP     0
#define KEEL_VCPUOP_DOWN   1
#define KEEL_VCPUOP_IS_UP  2

/* The start state of a vCPU. Layout: 64 bytes. */
struct keel_vcpu_context {
	uint64_t rip;
	uint64_t rsp;
	uint64_t rdi;          /* passed to the entry point, e.g. a per-vCPU argument */
	uint64_t cr3;          /* guest-physical, page-aligned */
	uint64_t gdt_gpa;      /* 0: the builder's GDT (start_info.gdt_gpa) */
	uint64_t reserved[3];  /* zero */
};

#endif
