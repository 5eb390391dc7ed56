/* vcpu_run.c: entering an SVM guest, event re-injection, and the TLB flush policy. */
#include "svm/svm.h"

#include <stddef.h>

#include "cpu.h"
#include "lapic.h"
#include "log.h"
#include "percpu.h"
#include "trap.h"


/*
 * TLB policy. Entries are tagged by ASID, and QEMU TCG (like older CPUs) can only flush
 * every ASID at once. A vCPU's entry flushes its ASID's translations when:
 *   - it has never run, or
 *   - some address space changed since its last flush (p2m_flush bumps one global
 *     generation: changes are rare - unmap, ballooning - so per-p2m tracking buys little), or
 *   - it last ran on another CPU (its guest may have changed its own page tables there and
 *     flushed only that CPU), or
 *   - this CPU last ran another vCPU (which may have used the same ASID: vmcb.c folds
 *     out-of-range ASIDs, and a destroyed domain's ASID may be handed out again).
 * The last rule costs a flush per vCPU switch on a shared CPU; with unique ASIDs it could
 * be relaxed. On TCG it costs nothing extra: QEMU's TLB carries no ASID tags anyway.
 */
static uint64_t flush_generation = 1;

static bool needs_flush(const struct vcpu_arch *va, const struct svm_cpu *sc, int cpu, uint64_t gen)
{
	return va->flushed_gen != gen || va->last_cpu != cpu || sc->last_vcpu_id != va->id;
}

/*
 * Makes every vCPU flush before its next entry, and waits until no CPU is still inside a
 * guest with translations from before: those are kicked out with an IPI. The kick's
 * vector must be handled by the kernel (it only needs to acknowledge the interrupt).
 */
void svm_p2m_flush(struct p2m *p2m, uint16_t asid)
{
	(void)p2m;
	(void)asid;
	uint64_t gen = __atomic_add_fetch(&flush_generation, 1, __ATOMIC_SEQ_CST);
	unsigned int self = cpu_id();
	for (unsigned int i = 0; i < MAX_CPUS; i++) {
		if (i == self || !cpu_data[i].online)
			continue;
		bool kicked = false;
		for (;;) {
			uint64_t in = __atomic_load_n(&svm_cpus[i].in_guest_gen, __ATOMIC_SEQ_CST);
			if (in == 0 || (in != SVM_CPU_ENTERING && in >= gen))
				break;
			if (!kicked && in != SVM_CPU_ENTERING) {
				lapic_send_ipi(cpu_data[i].apic_id, IPI_FIXED, VECTOR_IPI_KICK);
				kicked = true;
			}
			cpu_relax();
		}
	}
}

void svm_inject_exception(struct vcpu_arch *va, uint8_t vector, bool has_error, uint32_t error)
{
	uint64_t event = vector | SVM_EVENT_TYPE_EXCEPTION | SVM_EVENT_VALID;
	if (has_error)
		event |= SVM_EVENT_ERROR_VALID | ((uint64_t)error << SVM_EVENT_ERROR_SHIFT);
	va->vmcb->control.eventinj = event;
}

/*
 * After an exit: an event whose delivery was cut short by the exit (EXITINTINFO valid)
 * is delivered again on the next entry; otherwise whatever was injected has been
 * delivered, and EVENTINJ is cleared so it is not delivered twice.
 */
static void complete_event_injection(struct vmcb_control *c)
{
	if (c->exitintinfo & SVM_EVENT_VALID)
		c->eventinj = c->exitintinfo;
	else
		c->eventinj = 0;
}

/*
 * #AC and #DB exit only so that the host keeps control (vmcb.c); they are the guest's
 * own exceptions and go straight back into it. Returns whether the exit was one of them.
 */
static bool reflect_guest_exception(struct vmcb_control *c)
{
	uint64_t code = c->exitcode;
	if (code == SVM_EXIT_EXCEPTION_BASE + X86_VECTOR_AC) {
		c->eventinj = X86_VECTOR_AC | SVM_EVENT_TYPE_EXCEPTION | SVM_EVENT_VALID |
			      SVM_EVENT_ERROR_VALID | ((c->exitinfo1 & 0xffffffffull) << SVM_EVENT_ERROR_SHIFT);
		return true;
	}
	if (code == SVM_EXIT_EXCEPTION_BASE + X86_VECTOR_DB) {
		c->eventinj = X86_VECTOR_DB | SVM_EVENT_TYPE_EXCEPTION | SVM_EVENT_VALID;
		return true;
	}
	return false;
}

/* svm_run.S: the instruction after VMRUN, which VMRUN records as the host's RIP. */
extern const char svm_vmrun_resume[];

/*
 * After an exit the VMCB must hold the guest's state, never the host's. If the CPU left
 * nested paging on after a #VMEXIT (as QEMU 7.2's TCG did on the boot CPU, see
 * emulator_quirks.c), the host's next fetch faults "in the guest" and the VMCB receives the
 * host's registers: entering it again would run the host's code and page tables as this
 * guest. Stop with the facts instead of a baffling NPT fault.
 */
static void check_exit_state(const struct vcpu_arch *va, int cpu)
{
	const struct vmcb *v = va->vmcb;
	if (v->save.rip != (uintptr_t)svm_vmrun_resume)
		return;
	panic("svm: CPU %d: VMCB %#llx holds the host's state after exit %#llx (info %#llx %#llx, "
	      "intinfo %#llx, cr3 %#llx); hsave %#llx",
	      cpu, (unsigned long long)va->vmcb_pa, (unsigned long long)v->control.exitcode,
	      (unsigned long long)v->control.exitinfo1, (unsigned long long)v->control.exitinfo2,
	      (unsigned long long)v->control.exitintinfo, (unsigned long long)v->save.cr3,
	      (unsigned long long)svm_cpus[cpu].hsave_pa);
}

void svm_vcpu_run(struct vcpu_arch *va, struct vcpu_regs *regs, struct virt_exit *exit)
{
	struct vmcb *v = va->vmcb;
	int cpu = (int)cpu_id();
	struct svm_cpu *sc = &svm_cpus[cpu];

	v->save.rax = regs->rax;
	v->save.rsp = regs->rsp;
	v->save.rip = regs->rip;
	v->save.rflags = regs->rflags;

	/* Announce the entry before reading the generation (pairs with svm_p2m_flush). */
	__atomic_store_n(&sc->in_guest_gen, SVM_CPU_ENTERING, __ATOMIC_SEQ_CST);
	uint64_t gen = __atomic_load_n(&flush_generation, __ATOMIC_SEQ_CST);
	if (needs_flush(va, sc, cpu, gen)) {
		v->control.tlb_control = svm_caps.flush_by_asid ? SVM_TLB_FLUSH_ASID : SVM_TLB_FLUSH_ALL;
		va->flushed_gen = gen;
		va->last_cpu = cpu;
		sc->last_vcpu_id = va->id;
	} else {
		v->control.tlb_control = SVM_TLB_NOTHING;
	}
	__atomic_store_n(&sc->in_guest_gen, gen, __ATOMIC_SEQ_CST);

	svm_world_switch(va->vmcb_pa, regs, sc->host_state_pa);
	check_exit_state(va, cpu);

	__atomic_store_n(&sc->in_guest_gen, 0, __ATOMIC_RELEASE);
	regs->rax = v->save.rax;
	regs->rsp = v->save.rsp;
	regs->rip = v->save.rip;
	regs->rflags = v->save.rflags;

	complete_event_injection(&v->control);
	svm_decode_exit(v, &svm_caps, exit);

	if (exit->reason == VIRT_EXIT_UNHANDLED && !(v->control.exitintinfo & SVM_EVENT_VALID) &&
	    reflect_guest_exception(&v->control))
		exit->reason = VIRT_EXIT_NONE;

	/*
	 * A physical interrupt is still pending in the local APIC (the exit did not
	 * acknowledge it): open a one-instruction window so the host's handler takes it now.
	 */
	if (v->control.exitcode == SVM_EXIT_INTR)
		__asm__ volatile("sti; nop; cli" ::: "memory");
}
