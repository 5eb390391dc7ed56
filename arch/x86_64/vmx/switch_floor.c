/* switch_floor.c: the bare VMRESUME/VM-exit loop that sets the floor for a null hypercall on VMX (bench_switch_floor). */
#include "vmx.h"

#include "keel/abi.h"
#include "log.h"
#include "vmcs_fields.h"
#include "vmx_insn.h"

/* Any VPID 1..0xffff works: load_vmcs() invalidates a vCPU's VPID when it lands on a CPU. */
#define FLOOR_VPID    0xffff
#define VMCALL_LENGTH 3
#define FIRST_ENTRY_TRIES 1000

/*
 * The VMCS is built and first entered exactly as a real vCPU's (vmcs.c, vmx_vcpu_run), so
 * it meets every VM-entry check the production path meets (SDM 26.2-26.3). The timed loop
 * then re-enters straight from the VM exit: only vmx_run.S's GPR save/restore and one
 * VMWRITE of the guest RIP per trip. Called with interrupts disabled; an external
 * interrupt or a preemption-timer exit is handled and counted apart from the round trips.
 */
int vmx_switch_floor(const struct vcpu_boot_state *boot, const struct p2m *p2m, uint64_t rip,
		     uint64_t trips, uint64_t *tsc_ticks, uint64_t *other_exits)
{
	struct vcpu_arch *va = vmx_vcpu_create(boot, p2m, NULL, FLOOR_VPID);
	if (!va)
		return -KEEL_ENOMEM;
	struct vcpu_regs regs = { .rip = rip, .rflags = 0x2 };
	struct virt_exit exit;
	uint64_t done = 0, other = 0;
	int rc = 0;

	/* VMPTRLD, the host state and VMLAUNCH: the production entry, untimed (retried past host interrupts). */
	int tries = 0;
	do {
		vmx_vcpu_run(va, &regs, &exit);
	} while (exit.reason == VIRT_EXIT_NONE && ++tries < FIRST_ENTRY_TRIES);
	if (exit.reason != VIRT_EXIT_HYPERCALL) {
		pr_err("bench: switch floor: first entry ended with exit %llu (%s)\n", (unsigned long long)exit.raw,
		       exit.reason == VIRT_EXIT_ENTRY_FAILED ? exit.detail : "not VMCALL");
		rc = -KEEL_EIO;
		goto out;
	}

	uint64_t start = rdtsc();
	while (done < trips) {
		/* Past the 3-byte VMCALL to the jmp back; no exit left an event to re-inject. */
		vmcs_write(VMCS_GUEST_RIP, vmcs_read(VMCS_GUEST_RIP) + VMCALL_LENGTH);
		if (vmx_enter(&regs, true)) {
			pr_err("bench: switch floor: VMRESUME failed: %s\n",
			       vmx_instruction_error_text((uint32_t)vmcs_read(VMCS_INSTRUCTION_ERROR)));
			rc = -KEEL_EIO;
			break;
		}
		uint32_t reason = (uint32_t)vmcs_read(VMCS_EXIT_REASON);
		/* An interrupt or the slice timer: re-enter where the guest was, without advancing. */
		while (reason == EXIT_REASON_EXTERNAL_INTERRUPT || reason == EXIT_REASON_PREEMPTION_TIMER) {
			if (reason == EXIT_REASON_EXTERNAL_INTERRUPT)
				__asm__ volatile("sti; nop; cli" ::: "memory");   /* IDTR base is intact */
			else
				vmcs_write(VMCS_PREEMPTION_TIMER_VALUE, vmx_preemption_ticks);
			other++;
			if (vmx_enter(&regs, true)) {
				reason = EXIT_REASON_ENTRY_FAILURE;
				break;
			}
			reason = (uint32_t)vmcs_read(VMCS_EXIT_REASON);
		}
		if (reason != EXIT_REASON_VMCALL) {
			pr_err("bench: switch floor: unexpected VM exit %#x at rip %#llx\n", reason,
			       (unsigned long long)vmcs_read(VMCS_GUEST_RIP));
			rc = -KEEL_EIO;
			break;
		}
		done++;
	}
	*tsc_ticks = rdtsc() - start;
	*other_exits = other;

	/* One more production round trip: it restores the GDTR/IDTR limits the exits set to 0xffff (SDM 27.5.2). */
	regs.rip = vmcs_read(VMCS_GUEST_RIP) + VMCALL_LENGTH;
	vmx_vcpu_run(va, &regs, &exit);
out:
	vmx_vcpu_destroy(va);
	return rc;
}
