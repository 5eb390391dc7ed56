/* vmx_upcall.c: delivering the event-channel upcall on VMX: entry injection when the guest can take it, else interrupt-window exiting. */
#include "vmx.h"

#include "vmcs_fields.h"
#include "vmx_insn.h"

#define RFLAGS_IF                (1ull << 9)
#define BLOCKING_BY_STI          (1u << 0)   /* guest interruptibility state (SDM 24.4.2) */
#define BLOCKING_BY_MOV_SS       (1u << 1)

/* Recorded here and acted on at the entry, when the vCPU's VMCS is current on the CPU. */
void vmx_set_upcall(struct vcpu_arch *va, uint8_t vector, bool pending)
{
	va->upcall_vector = pending ? vector : 0;
}

static bool window_exiting_offered(void)
{
	/* The allowed-1 half is the same in the TRUE and the plain capability MSR (SDM A.3.2). */
	return (vmx_caps.proc >> 32) & PROC_INTERRUPT_WINDOW_EXITING;
}

static void set_window_exiting(struct vcpu_arch *va, bool on)
{
	if (va->upcall_window == on || (on && !window_exiting_offered()))
		return;
	uint64_t proc = vmcs_read(VMCS_PROC_CONTROLS);
	vmcs_write(VMCS_PROC_CONTROLS, on ? proc | PROC_INTERRUPT_WINDOW_EXITING : proc & ~PROC_INTERRUPT_WINDOW_EXITING);
	va->upcall_window = on;
}

/*
 * An external interrupt may be injected only if the guest could take one right now
 * (SDM 26.3.1.5: RFLAGS.IF = 1, no blocking by STI or MOV SS) and no other event is queued
 * for this entry. Otherwise interrupt-window exiting makes the guest exit the moment it
 * becomes interruptible (EXIT_REASON_INTERRUPT_WINDOW, an exit with nothing to do), and the
 * kernel, still finding the upcall due, gets here again. Without that control the upcall
 * waits for the next exit of any kind (at most one timer tick).
 */
void vmx_upcall_before_entry(struct vcpu_arch *va, const struct vcpu_regs *regs)
{
	uint8_t vector = va->upcall_vector;
	bool inject = false;
	if (vector && !va->event && (regs->rflags & RFLAGS_IF)) {
		uint32_t blocking = (uint32_t)vmcs_read(VMCS_GUEST_INTERRUPTIBILITY);
		inject = !(blocking & (BLOCKING_BY_STI | BLOCKING_BY_MOV_SS));
	}
	if (inject) {
		va->event = INTR_INFO_VALID | (INTR_TYPE_EXTERNAL << INTR_INFO_TYPE_SHIFT) | vector;
		va->event_error = 0;
		va->event_insn_len = 0;
		va->upcall_vector = 0;   /* once: the kernel asks again if the guest has not handled it */
	}
	set_window_exiting(va, vector && !inject);
}
