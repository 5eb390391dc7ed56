/* vcpu_context.c: validating a guest-supplied vCPU start context and turning it into a start state. */
#include "vcpu_context.h"

#include <stdbool.h>

#include "domain.h"
#include "guest_layout.h"
#include "keel/abi.h"
#include "mm.h"

static bool canonical(uint64_t va)
{
	return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

int vcpu_context_load(const struct domain *d, const struct keel_vcpu_context *ctx, struct vcpu_boot_state *boot,
		      struct vcpu_regs *regs)
{
	uint64_t ram = d->nr_pages * PAGE_SIZE;
	uint64_t gdt = ctx->gdt_gpa ? ctx->gdt_gpa : d->boot_gdt_gpa;
	const uint64_t gdt_bytes = GUEST_LAYOUT_GDT_ENTRIES * 8;

	if (!canonical(ctx->rip) || !canonical(ctx->rsp) || !canonical(ctx->cr3) || ctx->cr3 & (PAGE_SIZE - 1) ||
	    ctx->cr3 >= ram || ctx->reserved[0] || ctx->reserved[1] || ctx->reserved[2])
		return -KEEL_EINVAL;
	/* No GDT at all would make the first entry fail; one outside RAM would read nothing real. */
	if (!gdt || gdt >= ram || ram - gdt < gdt_bytes)
		return -KEEL_EINVAL;

	*boot = (struct vcpu_boot_state){
		.cr0 = GUEST_LAYOUT_CR0, .cr3 = ctx->cr3, .cr4 = GUEST_LAYOUT_CR4, .efer = GUEST_LAYOUT_EFER,
		.gdtr_base = gdt, .gdtr_limit = gdt_bytes - 1,
		.code_selector = GUEST_LAYOUT_CS, .data_selector = GUEST_LAYOUT_DS,
	};
	*regs = (struct vcpu_regs){ .rip = ctx->rip, .rsp = ctx->rsp, .rdi = ctx->rdi, .rflags = 0x2 };
	return 0;
}
