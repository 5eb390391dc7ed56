/* switch_floor.c: the bare VMRUN/#VMEXIT loop that sets the floor for a null hypercall on SVM (bench_switch_floor). */
#include "svm/svm.h"

#include "cpu.h"
#include "keel/abi.h"
#include "log.h"
#include "percpu.h"

/* Folded into the usable range by vmcb.c like any other; the TLB rules below keep it apart. */
#define FLOOR_ASID     1
#define VMMCALL_LENGTH 3

/*
 * Runs the throwaway guest under a VMCB built exactly as a real vCPU's is (vmcb.c), but
 * re-enters straight from the #VMEXIT: no exit decoding, no kernel, only what every world
 * switch needs (VMSAVE/VMLOAD of the host's FS/GS/TR state, GPRs, CLGI/STGI: svm_run.S).
 * Called with interrupts disabled; a host interrupt exits the guest (INTR), is taken
 * through a one-instruction window, and counted apart from the round trips.
 */
int svm_switch_floor(const struct vcpu_boot_state *boot, const struct p2m *p2m, uint64_t rip,
		     uint64_t trips, uint64_t *tsc_ticks, uint64_t *other_exits)
{
	struct vcpu_arch *va = svm_vcpu_create(boot, p2m, NULL, FLOOR_ASID);
	if (!va)
		return -KEEL_ENOMEM;
	struct vmcb *v = va->vmcb;
	struct svm_cpu *sc = &svm_cpus[cpu_id()];
	struct vcpu_regs regs = { 0 };
	uint64_t done = 0, other = 0;
	int rc = 0;

	v->save.rip = rip;
	v->save.rsp = 0;
	v->save.rax = 0;
	v->save.rflags = 0x2;           /* IF = 0: only the host's interrupts exit it */
	/* The first entry flushes every ASID (vmcb.c); the guest's few translations then stay. */
	uint64_t start = rdtsc();
	while (done < trips) {
		svm_world_switch(va->vmcb_pa, &regs, sc->host_state_pa);
		v->control.tlb_control = SVM_TLB_NOTHING;
		uint64_t code = v->control.exitcode;
		if (code == SVM_EXIT_VMMCALL) {
			/* No nRIP save under TCG: step over the 3-byte VMMCALL to the jmp back. */
			v->save.rip += VMMCALL_LENGTH;
			done++;
		} else if (code == SVM_EXIT_INTR) {
			__asm__ volatile("sti; nop; cli" ::: "memory");
			other++;
		} else {
			pr_err("bench: switch floor: unexpected #VMEXIT %#llx at rip %#llx\n",
			       (unsigned long long)code, (unsigned long long)v->save.rip);
			rc = -KEEL_EIO;
			break;
		}
	}
	*tsc_ticks = rdtsc() - start;
	*other_exits = other;
	/*
	 * This vCPU id is never used again, so whichever vCPU enters this CPU next flushes
	 * first (vcpu_run.c's TLB policy) and never meets the floor guest's translations.
	 */
	sc->last_vcpu_id = va->id;
	svm_vcpu_destroy(va);
	return rc;
}
