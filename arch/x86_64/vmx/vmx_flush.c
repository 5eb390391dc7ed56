/* vmx_flush.c: dropping cached EPT and VPID translations (INVEPT, INVVPID) here and on the other CPUs. */
#include "vmx.h"

#include "cpu.h"
#include "ept.h"
#include "lapic.h"
#include "percpu.h"
#include "trap.h"
#include "vmx_insn.h"

static void invept_local(uint64_t eptp)
{
	if (vmx_config.invept_single && invept(INVEPT_SINGLE_CONTEXT, eptp))
		return;
	invept(INVEPT_ALL_CONTEXT, 0);
}

static void invvpid_local(uint16_t vpid)
{
	if (!vmx_config.vpid || !vpid)
		return;
	if (vmx_config.invvpid_single && invvpid(INVVPID_SINGLE_CONTEXT, vpid))
		return;
	invvpid(INVVPID_ALL_CONTEXT, 0);
}

void vmx_flush_pending(struct vmx_cpu *c)
{
	if (!__atomic_load_n(&c->ept_flush_pending, __ATOMIC_SEQ_CST))
		return;
	__atomic_store_n(&c->ept_flush_pending, false, __ATOMIC_SEQ_CST);
	/*
	 * All-context: the request does not say which address space, and it is rare. With EPT
	 * on, every guest translation is tagged by EPTP, so this covers every VPID too.
	 */
	invept(INVEPT_ALL_CONTEXT, 0);
}

/*
 * Every other CPU in VMX operation is asked to flush before its next VM entry. One that is
 * in the guest right now is kicked out with an IPI (external-interrupt exiting makes any
 * interrupt exit), and this CPU waits until it has left the guest: after that, its next
 * entry flushes first, so no stale translation of this p2m can be used once this returns.
 * The order of "set pending, then read in_guest" here and "set in_guest, then read pending"
 * in vmx_vcpu_run() guarantees one side sees the other.
 */
void vmx_p2m_flush(struct p2m *p2m, uint16_t asid)
{
	unsigned int self = cpu_id();
	uint64_t seen_exits[MAX_CPUS];

	invept_local(ept_pointer(p2m));
	invvpid_local(asid);

	for (unsigned int i = 0; i < MAX_CPUS; i++) {
		struct vmx_cpu *c = &vmx_cpus[i];
		seen_exits[i] = 0;
		if (i == self || !c->vmxon_region)
			continue;
		__atomic_store_n(&c->ept_flush_pending, true, __ATOMIC_SEQ_CST);
		seen_exits[i] = __atomic_load_n(&c->exits, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&c->in_guest, __ATOMIC_SEQ_CST))
			lapic_send_ipi(cpu_data[i].apic_id, IPI_FIXED, VECTOR_IPI_KICK);
	}
	for (unsigned int i = 0; i < MAX_CPUS; i++) {
		struct vmx_cpu *c = &vmx_cpus[i];
		if (i == self || !c->vmxon_region)
			continue;
		while (__atomic_load_n(&c->in_guest, __ATOMIC_SEQ_CST) &&
		       __atomic_load_n(&c->exits, __ATOMIC_SEQ_CST) == seen_exits[i])
			cpu_relax();
	}
}

/*
 * Translations are tagged with the EPTP, i.e. the root's address: a later domain whose root
 * lands on the same page must not find this one's. So every CPU forgets them before the
 * tables are freed.
 */
void vmx_p2m_destroy(struct p2m *p2m)
{
	if (!p2m->root)
		return;
	vmx_p2m_flush(p2m, 0);
	ept_destroy(p2m);
}
