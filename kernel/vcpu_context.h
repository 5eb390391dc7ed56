/* vcpu_context.h: turning a guest-supplied vCPU start context (keel/vcpu_op.h) into a start state. */
#ifndef KEEL_VCPU_CONTEXT_H
#define KEEL_VCPU_CONTEXT_H

#include "keel/vcpu_op.h"
#include "virt.h"

struct domain;

/*
 * Checks ctx against d (rip, rsp, cr3 canonical; cr3 page-aligned and in d's RAM; the GDT in
 * d's RAM, gdt_gpa 0 meaning d's boot GDT; reserved fields zero) and fills the 64-bit start
 * state start_info.h describes. 0, or -KEEL_EINVAL with nothing filled in.
 */
int vcpu_context_load(const struct domain *d, const struct keel_vcpu_context *ctx, struct vcpu_boot_state *boot,
		      struct vcpu_regs *regs);

#endif
