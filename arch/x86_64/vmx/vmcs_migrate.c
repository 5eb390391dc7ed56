/* vmcs_migrate.c: moving a vCPU between CPUs: the CPU its VMCS is active on must VMCLEAR it (SDM 24.11.1). */
#include "vmx.h"

#include "arch.h"
#include "cpu.h"
#include "lapic.h"
#include "percpu.h"
#include "trap.h"
#include "vmx_insn.h"

/*
 * A VMCS stays active on the CPU that last ran it, so a vCPU that comes back resumes with
 * VMRESUME. The processor may keep parts of an active VMCS inside itself, and only that
 * processor's VMCLEAR writes them back, so when the scheduler hands the vCPU to another
 * CPU, this one asks the old CPU through a mailbox and an IPI and waits for the answer.
 * The old CPU also gives back the vCPU's syscall MSRs, which still sit in its registers.
 */
/* How long a vCPU entry waits for the old CPU before giving up for now (see below). */
#define RELEASE_WAIT_NS 1000000ull

static void release_here(struct vmx_cpu *c, struct vcpu_arch *va)
{
	vmclear(va->vmcs);
	if (c->current == va)
		c->current = NULL;
	if (c->msr_owner == va) {
		vmx_syscall_msrs_save(&va->msrs);
		c->msr_owner = NULL;
	}
	va->launched = false;
	/* Last: another CPU that sees this may load the VMCS at once. */
	__atomic_store_n(&va->cpu, VMX_NO_CPU, __ATOMIC_RELEASE);
}

/* Answers a request another CPU left for this one, if any. Runs with interrupts disabled. */
void vmx_serve_release_request(struct vmx_cpu *c)
{
	struct vcpu_arch *va = __atomic_load_n(&c->release_request, __ATOMIC_ACQUIRE);
	if (!va)
		return;
	release_here(c, va);
	__atomic_store_n(&c->release_request, NULL, __ATOMIC_RELEASE);
}

static void release_interrupt(struct trap_frame *frame)
{
	(void)frame;
	vmx_serve_release_request(&vmx_cpus[cpu_id()]);
	lapic_eoi();
}

void vmx_migrate_init(void)
{
	trap_set_handler(VMX_VECTOR_RELEASE, release_interrupt);
}

bool vmx_vmcs_release(struct vcpu_arch *va, bool wait_until_done)
{
	unsigned int self = cpu_id();
	struct vmx_cpu *c = &vmx_cpus[self];
	int owner = __atomic_load_n(&va->cpu, __ATOMIC_ACQUIRE);

	if (owner == VMX_NO_CPU)
		return true;
	if (owner == (int)self) {
		release_here(c, va);
		return true;
	}
	/*
	 * Interrupts are off here, and the other CPU may be waiting for this one too: for
	 * another release (so keep answering this CPU's own mailbox), or in the kernel with
	 * interrupts off for this vCPU to leave this CPU. A bounded wait lets vcpu_run return
	 * without entering in that case; the request stays posted and is answered later.
	 */
	struct vmx_cpu *target = &vmx_cpus[owner];
	uint64_t deadline = arch_time_ns() + RELEASE_WAIT_NS;
	bool posted = __atomic_load_n(&target->release_request, __ATOMIC_ACQUIRE) == va;
	while (!posted) {
		struct vcpu_arch *none = NULL;
		posted = __atomic_compare_exchange_n(&target->release_request, &none, va, false, __ATOMIC_ACQ_REL,
						     __ATOMIC_ACQUIRE);
		if (posted)
			break;
		if (!wait_until_done && arch_time_ns() > deadline)
			return false;
		vmx_serve_release_request(c);
		cpu_relax();
	}
	lapic_send_ipi(cpu_data[owner].apic_id, IPI_FIXED, VMX_VECTOR_RELEASE);
	while (__atomic_load_n(&target->release_request, __ATOMIC_ACQUIRE) == va) {
		if (!wait_until_done && arch_time_ns() > deadline)
			return false;
		vmx_serve_release_request(c);
		cpu_relax();
	}
	return true;
}
