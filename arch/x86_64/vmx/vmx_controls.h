/* vmx_controls.h: choosing VMX control values and features from the capability MSRs (pure, host-testable). */
#ifndef KEEL_VMX_CONTROLS_H
#define KEEL_VMX_CONTROLS_H

#include <stdbool.h>
#include <stdint.h>

/* The capability MSRs as read from one CPU; the TRUE_ ones are 0 when IA32_VMX_BASIC bit 55 is clear. */
struct vmx_caps {
	uint64_t basic;
	uint64_t pin, proc, exit, entry;                   /* 0x481..0x484 */
	uint64_t true_pin, true_proc, true_exit, true_entry; /* 0x48d..0x490 */
	uint64_t proc2;                                    /* 0x48b, 0 if secondary controls are not offered */
	uint64_t ept_vpid;                                 /* 0x48c, 0 if neither EPT nor VPID is offered */
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
};

/* What Keel runs every vCPU with, and what it found out on the way. */
struct vmx_config {
	uint32_t pin, proc, proc2, exit, entry;
	uint32_t revision;      /* VMCS revision identifier for VMXON and every VMCS */
	bool vpid;              /* VPID enabled (INVVPID present too) */
	bool ept_2m;            /* EPT may map 2 MiB pages */
	bool ept_1g;
	bool ept_ad;            /* EPT accessed/dirty flags offered (Keel does not turn them on) */
	bool invept_single;     /* INVEPT single-context; otherwise all-context */
	bool invvpid_single;    /* INVVPID single-context; otherwise all-context */
};

/* What one control field must have, would like, and cannot cope with. */
struct vmx_control_request {
	uint32_t required;      /* Keel cannot work without these */
	uint32_t optional;      /* set when the CPU allows */
	uint32_t unwanted;      /* Keel cannot work if the CPU forces these on */
};

enum vmx_control_result {
	VMX_CONTROL_OK = 0,
	VMX_CONTROL_MISSING = -1,   /* a required bit is not in the allowed-1 half */
	VMX_CONTROL_FORCED = -2,    /* an unwanted bit is in the allowed-0 (must-be-one) half */
};

/*
 * One control field from its capability MSR (SDM A.3-A.5): the low 32 bits are the bits that
 * must be 1, the high 32 bits the bits that may be 1. *value gets what Keel will write;
 * *bad the offending bits on failure.
 */
enum vmx_control_result vmx_control_adjust(uint64_t cap_msr, const struct vmx_control_request *req,
					   uint32_t *value, uint32_t *bad);

/*
 * Every control field and feature Keel uses, from one CPU's capabilities. Returns 0, or a
 * negative error with *why naming the first thing the CPU lacks (a sentence fragment, e.g.
 * "EPT is not offered").
 */
int vmx_config_from_caps(const struct vmx_caps *caps, struct vmx_config *out, const char **why);

/* A control register value made acceptable to VMX (SDM A.7, A.8): fixed-0 bits set, fixed-1 bits kept. */
static inline uint64_t vmx_fixed_cr(uint64_t value, uint64_t fixed0, uint64_t fixed1)
{
	return (value | fixed0) & fixed1;
}

#endif
