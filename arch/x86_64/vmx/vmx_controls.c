/* vmx_controls.c: the control values Keel runs with, computed from capability MSR values alone. */
#include "vmx_controls.h"

#include "vmcs_fields.h"

/*
 * What Keel asks of each control field, and why:
 *  - host interrupts and NMIs always leave the guest (the host keeps its timer and panic NMIs);
 *    the interrupt is not acknowledged on exit, so the host takes it through its own IDT;
 *  - HLT, every port, and every MSR but the few with VMCS fields exit to the vendor-neutral kernel;
 *  - MONITOR and MWAIT exit (the kernel answers #UD, as CPUID hides them): run natively, MWAIT
 *    would park the physical CPU at the guest's will;
 *  - MOV to/from CR8 exits: without a TPR shadow it would reach the physical APIC's TPR, and a
 *    guest raising it could mask the host's timer and keep the CPU for ever;
 *  - EPT (and VPID when offered) give each domain its own address space without shadow paging;
 *  - the guest is 64-bit from its first instruction; EFER and PAT are switched by the CPU.
 * Controls that would make ordinary guest instructions exit where the kernel has no handler
 * (MOV to/from CR3, INVLPG) are unwanted: a CPU that forces them is refused.
 */
static const struct vmx_control_request pin_request = {
	.required = PIN_EXTERNAL_INTERRUPT_EXITING | PIN_NMI_EXITING,
	/* A backstop for the time slice: the guest exits after at most one tick even if the
	 * timer interrupt cannot reach it (Bochs does not exit on it while the guest has IF=0). */
	.optional = PIN_PREEMPTION_TIMER,
};

static const struct vmx_control_request proc_request = {
	/* I/O bitmaps, not unconditional I/O exiting: dom0 reaches its devices' ports directly. */
	.required = PROC_HLT_EXITING | PROC_USE_IO_BITMAPS | PROC_USE_MSR_BITMAPS |
		    PROC_MWAIT_EXITING | PROC_MONITOR_EXITING |
		    PROC_CR8_LOAD_EXITING | PROC_CR8_STORE_EXITING | PROC_ACTIVATE_SECONDARY,
	.unwanted = PROC_CR3_LOAD_EXITING | PROC_CR3_STORE_EXITING | PROC_INVLPG_EXITING,
};

static const struct vmx_control_request proc2_request = {
	.required = PROC2_ENABLE_EPT,
	/* Without these two the instructions raise #UD in the guest; with them they just work. */
	.optional = PROC2_ENABLE_VPID | PROC2_ENABLE_RDTSCP | PROC2_ENABLE_INVPCID,
	.unwanted = PROC2_DESCRIPTOR_TABLE_EXITING | PROC2_WBINVD_EXITING,
};

static const struct vmx_control_request exit_request = {
	.required = EXIT_HOST_ADDRESS_SPACE_SIZE | EXIT_SAVE_EFER | EXIT_LOAD_EFER | EXIT_LOAD_PAT,
	.optional = EXIT_SAVE_DEBUG_CONTROLS,
	.unwanted = EXIT_ACK_INTERRUPT_ON_EXIT,
};

static const struct vmx_control_request entry_request = {
	.required = ENTRY_IA32E_MODE_GUEST | ENTRY_LOAD_EFER | ENTRY_LOAD_PAT,
	.optional = ENTRY_LOAD_DEBUG_CONTROLS,
	.unwanted = ENTRY_SMM | ENTRY_DUAL_MONITOR,
};

enum vmx_control_result vmx_control_adjust(uint64_t cap_msr, const struct vmx_control_request *req,
					   uint32_t *value, uint32_t *bad)
{
	uint32_t must_be_one = (uint32_t)cap_msr;
	uint32_t may_be_one = (uint32_t)(cap_msr >> 32);
	uint32_t v = (req->required | req->optional | must_be_one) & may_be_one;

	*value = v;
	*bad = req->required & ~v;
	if (*bad)
		return VMX_CONTROL_MISSING;
	*bad = req->unwanted & must_be_one;
	if (*bad)
		return VMX_CONTROL_FORCED;
	return VMX_CONTROL_OK;
}

static bool adjust(uint64_t cap_msr, const struct vmx_control_request *req, uint32_t *value,
		   const char *missing, const char *forced, const char **why)
{
	uint32_t bad;
	switch (vmx_control_adjust(cap_msr, req, value, &bad)) {
	case VMX_CONTROL_OK:
		return true;
	case VMX_CONTROL_MISSING:
		*why = missing;
		return false;
	case VMX_CONTROL_FORCED:
		*why = forced;
		return false;
	}
	return false;
}

int vmx_config_from_caps(const struct vmx_caps *c, struct vmx_config *out, const char **why)
{
	bool true_ctls = c->basic & VMX_BASIC_TRUE_CTLS;
	*out = (struct vmx_config){ .revision = (uint32_t)(c->basic & VMX_BASIC_REVISION_MASK) };
	*why = "";

	/* With bit 55 the TRUE_ MSRs are authoritative, including the default1 bits they may clear (A.2). */
	if (!adjust(true_ctls ? c->true_pin : c->pin, &pin_request, &out->pin,
		    "external-interrupt or NMI exiting is not offered", "a pin-based control is forced on", why))
		return -1;
	if (!adjust(true_ctls ? c->true_proc : c->proc, &proc_request, &out->proc,
		    "secondary controls, HLT, CR8, I/O or MSR-bitmap exiting are not offered",
		    "CR3 or INVLPG exiting cannot be turned off", why))
		return -1;
	/* IA32_VMX_PROCBASED_CTLS2 exists only when secondary controls may be 1 (A.3.3). */
	if (!adjust(c->proc2, &proc2_request, &out->proc2, "EPT is not offered",
		    "descriptor-table or WBINVD exiting cannot be turned off", why))
		return -1;
	if (!adjust(true_ctls ? c->true_exit : c->exit, &exit_request, &out->exit,
		    "a 64-bit host with EFER and PAT switching is not offered",
		    "acknowledge-interrupt-on-exit cannot be turned off", why))
		return -1;
	if (!adjust(true_ctls ? c->true_entry : c->entry, &entry_request, &out->entry,
		    "a 64-bit guest with EFER and PAT loading is not offered", "entry to SMM is forced on", why))
		return -1;

	uint64_t cap = c->ept_vpid;
	if (!(cap & EPT_CAP_WALK_4)) {
		*why = "EPT has no 4-level page walk";
		return -1;
	}
	if (!(cap & EPT_CAP_MEMTYPE_WB)) {
		*why = "EPT cannot use write-back memory";
		return -1;
	}
	/* All-context is what a CPU uses to honour another CPU's flush request (vmx_flush.c). */
	if (!(cap & EPT_CAP_INVEPT) || !(cap & EPT_CAP_INVEPT_ALL)) {
		*why = "INVEPT (all-context) is not offered";
		return -1;
	}
	out->ept_2m = cap & EPT_CAP_2M_PAGES;
	out->ept_1g = cap & EPT_CAP_1G_PAGES;
	out->ept_ad = cap & EPT_CAP_AD_BITS;
	out->invept_single = cap & EPT_CAP_INVEPT_SINGLE;

	/* VPID is worth having only with a way to flush it; otherwise run without (every entry flushes). */
	bool invvpid = (cap & VPID_CAP_INVVPID) && (cap & (VPID_CAP_INVVPID_SINGLE | VPID_CAP_INVVPID_ALL));
	if (!(out->proc2 & PROC2_ENABLE_VPID) || !invvpid)
		out->proc2 &= ~PROC2_ENABLE_VPID;
	out->vpid = out->proc2 & PROC2_ENABLE_VPID;
	out->invvpid_single = out->vpid && (cap & VPID_CAP_INVVPID_SINGLE);
	return 0;
}
