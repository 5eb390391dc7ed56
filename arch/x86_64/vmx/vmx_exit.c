/* vmx_exit.c: running a vCPU: loading its VMCS on this CPU, entering, and decoding the VM exit into struct virt_exit. */
#include "vmx.h"

#include <stddef.h>

#include "cpu.h"
#include "fmt.h"
#include "gdt.h"
#include "percpu.h"
#include "trap.h"
#include "vmcs_fields.h"
#include "vmx_insn.h"

/* vmx_run.S addresses struct vcpu_regs by these offsets. */

struct descriptor_table_register {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

/*
 * STAR, LSTAR, CSTAR, SFMASK and KERNEL_GS_BASE are passed through (the MSR bitmap), because
 * a guest's SYSCALL and SWAPGS use the hardware copies directly. The hypervisor never uses
 * them itself, so nothing is switched on VM exit: a CPU keeps the values of the last vCPU
 * that ran on it (its msr_owner) and saves them only when a different vCPU comes along.
 */
static void switch_syscall_msrs(struct vmx_cpu *c, struct vcpu_arch *va)
{
	struct vcpu_arch *owner = c->msr_owner;
	if (owner == va)
		return;
	if (owner)
		vmx_syscall_msrs_save(&owner->msrs);
	vmx_syscall_msrs_load(&va->msrs);
	c->msr_owner = va;
}

/* Makes va's VMCS the current one on this CPU; false (with exit filled in) if that cannot be done now. */
static bool load_vmcs(struct vmx_cpu *c, unsigned int self, struct vcpu_arch *va, struct virt_exit *exit)
{
	if (c->current == va)
		return true;
	/*
	 * The scheduler moved it here: its old CPU must let go first. If that CPU does not
	 * answer promptly, return without entering (VIRT_EXIT_NONE) and try again next time.
	 */
	int owner = __atomic_load_n(&va->cpu, __ATOMIC_ACQUIRE);
	if (owner != VMX_NO_CPU && owner != (int)self && !vmx_vmcs_release(va, false))
		return false;
	if (!vmptrld(va->vmcs)) {
		exit->reason = VIRT_EXIT_ENTRY_FAILED;
		exit->detail = "VMPTRLD of the vCPU's VMCS failed";
		return false;
	}
	c->current = va;
	if (va->cpu == VMX_NO_CPU) {
		/* First time on this CPU since the last VMCLEAR: its host state, and no stale VPID entries. */
		vmcs_write_host_cpu_state();
		va->cpu = (int)self;
		va->launched = false;
		if (va->vpid)
			invvpid(vmx_config.invvpid_single ? INVVPID_SINGLE_CONTEXT : INVVPID_ALL_CONTEXT, va->vpid);
	}
	return true;
}

/* A VM exit sets the GDTR and IDTR limits to 0xffff (SDM 27.5.2): put the real ones back. */
static void restore_descriptor_tables(void)
{
	struct cpu *c = this_cpu();
	struct descriptor_table_register gdtr = { sizeof(c->tables.gdt) - 1, (uint64_t)c->tables.gdt };
	__asm__ volatile("lgdt %0" :: "m"(gdtr));
	idt_load();
}

static void entry_failed_detail(struct vcpu_arch *va, struct virt_exit *exit, uint32_t basic, uint64_t qual)
{
	const char *what = basic == EXIT_REASON_INVALID_GUEST_STATE ? "invalid guest state"
			 : basic == EXIT_REASON_MSR_LOADING ? "MSR loading"
			 : basic == EXIT_REASON_MACHINE_CHECK ? "machine-check event" : "unknown cause";
	/* Qualification of a guest-state failure: 2 = PDPTEs, 3 = NMI injection, 4 = VMCS link pointer (SDM 27.8). */
	fmt_snprintf(va->detail, sizeof(va->detail), "VM entry failed: exit reason %u (%s), qualification %#llx",
		     basic, what, (unsigned long long)qual);
	exit->reason = VIRT_EXIT_ENTRY_FAILED;
	exit->detail = va->detail;
}

/* An event whose delivery the exit interrupted must be delivered again by the next entry (SDM 27.2.4). */
static void requeue_interrupted_event(struct vcpu_arch *va)
{
	uint32_t info = (uint32_t)vmcs_read(VMCS_IDT_VECTORING_INFO);
	if (!(info & INTR_INFO_VALID))
		return;
	va->event = info & ~(1u << 12);   /* bit 12 is undefined here and reserved on entry */
	va->event_error = (info & INTR_INFO_DELIVER_ERROR_CODE) ? (uint32_t)vmcs_read(VMCS_IDT_VECTORING_ERROR) : 0;
	va->event_insn_len = (uint32_t)vmcs_read(VMCS_EXIT_INSTRUCTION_LENGTH);
}

static void decode_exit(struct vcpu_arch *va, struct virt_exit *exit)
{
	uint32_t reason = (uint32_t)vmcs_read(VMCS_EXIT_REASON);
	uint32_t basic = reason & EXIT_REASON_BASIC_MASK;
	uint64_t qual = vmcs_read(VMCS_EXIT_QUALIFICATION);

	exit->raw = basic;
	if (reason & EXIT_REASON_ENTRY_FAILURE) {
		entry_failed_detail(va, exit, basic, qual);
		return;
	}
	requeue_interrupted_event(va);

	switch (basic) {
	case EXIT_REASON_EXCEPTION_NMI: {
		uint32_t info = (uint32_t)vmcs_read(VMCS_EXIT_INTERRUPTION_INFO);
		uint32_t type = (info & INTR_INFO_TYPE_MASK) >> INTR_INFO_TYPE_SHIFT;
		if (type == INTR_TYPE_NMI) {
			/*
			 * The NMI was the host's: run the host's NMI handler now. NMIs stay blocked
			 * after such an exit until an IRET, which that handler's return provides.
			 */
			__asm__ volatile("int $2" ::: "memory");
			exit->reason = VIRT_EXIT_NONE;
		} else if ((info & INTR_INFO_VECTOR_MASK) == 18) {
			/* A machine check in the guest is the host's emergency: its #MC handler reports it. */
			__asm__ volatile("int $18" ::: "memory");
			exit->reason = VIRT_EXIT_UNHANDLED;
		} else {
			exit->reason = VIRT_EXIT_UNHANDLED;
		}
		return;
	}
	case EXIT_REASON_EXTERNAL_INTERRUPT:
		/*
		 * The interrupt is still pending in the local APIC (no acknowledge-on-exit): a
		 * one-instruction window lets the host's own IDT take it before returning.
		 */
		__asm__ volatile("sti; nop; cli" ::: "memory");
		exit->reason = VIRT_EXIT_NONE;
		return;
	case EXIT_REASON_PREEMPTION_TIMER:
		exit->reason = VIRT_EXIT_NONE;   /* the slice backstop: the kernel decides who runs next */
		return;
	case EXIT_REASON_INTERRUPT_WINDOW:
		exit->reason = VIRT_EXIT_NONE;   /* the guest can take the upcall now: the next entry injects it */
		return;
	case EXIT_REASON_TRIPLE_FAULT:
		exit->reason = VIRT_EXIT_TRIPLE_FAULT;
		return;
	case EXIT_REASON_CPUID:
		exit->reason = VIRT_EXIT_CPUID;
		break;
	case EXIT_REASON_HLT:
		exit->reason = VIRT_EXIT_HLT;
		break;
	case EXIT_REASON_VMCALL:
		exit->reason = VIRT_EXIT_HYPERCALL;
		break;
	case EXIT_REASON_RDMSR:
		exit->reason = VIRT_EXIT_RDMSR;
		break;
	case EXIT_REASON_WRMSR:
		exit->reason = VIRT_EXIT_WRMSR;
		break;
	case EXIT_REASON_IO_INSTRUCTION:
		exit->reason = VIRT_EXIT_IO;
		exit->io_port = (uint16_t)(qual >> IO_QUAL_PORT_SHIFT);
		exit->io_size = (uint8_t)((qual & IO_QUAL_SIZE_MASK) + 1);
		exit->io_in = qual & IO_QUAL_IN;
		break;
	case EXIT_REASON_MONITOR:
		exit->reason = VIRT_EXIT_MONITOR;
		return;
	case EXIT_REASON_MWAIT:
		exit->reason = VIRT_EXIT_MWAIT;
		return;
	case EXIT_REASON_XSETBV:
		exit->reason = VIRT_EXIT_XSETBV;
		return;
	/* In VMX non-root operation these exit whatever the controls say (VMFUNC, not enabled, is #UD by itself). */
	case EXIT_REASON_VMXON:
	case EXIT_REASON_VMXOFF:
	case EXIT_REASON_VMCLEAR:
	case EXIT_REASON_VMPTRLD:
	case EXIT_REASON_VMPTRST:
	case EXIT_REASON_VMREAD:
	case EXIT_REASON_VMWRITE:
	case EXIT_REASON_VMLAUNCH:
	case EXIT_REASON_VMRESUME:
	case EXIT_REASON_INVEPT:
	case EXIT_REASON_INVVPID:
		exit->reason = VIRT_EXIT_VIRT_INSN;
		return;
	case EXIT_REASON_EPT_VIOLATION:
		exit->reason = VIRT_EXIT_MEM_VIOLATION;
		exit->gpa = vmcs_read(VMCS_GUEST_PHYSICAL_ADDRESS);
		exit->access = ((qual & EPT_QUAL_READ) ? VIRT_ACCESS_READ : 0) |
			       ((qual & EPT_QUAL_WRITE) ? VIRT_ACCESS_WRITE : 0) |
			       ((qual & EPT_QUAL_EXEC) ? VIRT_ACCESS_EXEC : 0);
		return;
	default:
		exit->reason = VIRT_EXIT_UNHANDLED;
		return;
	}
	/* Instruction exits: the kernel advances RIP by this much when it emulates the instruction. */
	exit->insn_len = (uint32_t)vmcs_read(VMCS_EXIT_INSTRUCTION_LENGTH);
}

void vmx_vcpu_run(struct vcpu_arch *va, struct vcpu_regs *regs, struct virt_exit *exit)
{
	unsigned int self = cpu_id();
	struct vmx_cpu *c = &vmx_cpus[self];

	*exit = (struct virt_exit){ .reason = VIRT_EXIT_NONE };
	vmx_serve_release_request(c);
	if (!load_vmcs(c, self, va, exit))
		return;
	switch_syscall_msrs(c, va);

	vmcs_write(VMCS_GUEST_RSP, regs->rsp);
	vmcs_write(VMCS_GUEST_RIP, regs->rip);
	vmcs_write(VMCS_GUEST_RFLAGS, regs->rflags);
	vmx_upcall_before_entry(va, regs);
	if (vmx_config.pin & PIN_PREEMPTION_TIMER)
		vmcs_write(VMCS_PREEMPTION_TIMER_VALUE, vmx_preemption_ticks);
	if (va->event) {
		vmcs_write(VMCS_ENTRY_INTERRUPTION_INFO, va->event);
		vmcs_write(VMCS_ENTRY_EXCEPTION_ERROR, va->event_error);
		vmcs_write(VMCS_ENTRY_INSTRUCTION_LENGTH, va->event_insn_len);
		va->event = 0;
	}
	/* CR2 is not part of the VMCS guest state: it stays in the register across the switch. */
	if (read_cr2() != va->cr2)
		write_cr2(va->cr2);

	/* Announce the entry before looking for flush requests (the other half is in vmx_flush.c). */
	__atomic_store_n(&c->in_guest, true, __ATOMIC_SEQ_CST);
	vmx_flush_pending(c);
	int failed = vmx_enter(regs, va->launched);
	__atomic_store_n(&c->exits, c->exits + 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&c->in_guest, false, __ATOMIC_SEQ_CST);
	restore_descriptor_tables();

	if (failed) {
		/* VMfailValid leaves an error number; VMfailInvalid means no current VMCS at all. */
		exit->reason = VIRT_EXIT_ENTRY_FAILED;
		exit->detail = failed == 2 ? vmx_instruction_error_text((uint32_t)vmcs_read(VMCS_INSTRUCTION_ERROR))
					   : "VMLAUNCH/VMRESUME without a current VMCS";
		/* An interrupted entry delivered nothing: leave the event for the next try. */
		vmcs_write(VMCS_ENTRY_INTERRUPTION_INFO, 0);
		return;
	}
	va->launched = true;
	va->cr2 = read_cr2();
	regs->rsp = vmcs_read(VMCS_GUEST_RSP);
	regs->rip = vmcs_read(VMCS_GUEST_RIP);
	regs->rflags = vmcs_read(VMCS_GUEST_RFLAGS);
	va->cr3 = vmcs_read(VMCS_GUEST_CR3);
	decode_exit(va, exit);
}

void vmx_inject_exception(struct vcpu_arch *va, uint8_t vector, bool has_error, uint32_t error)
{
	/* Written at the next entry, so this works whichever CPU's VMCS is current now. */
	va->event = INTR_INFO_VALID | (INTR_TYPE_HARD_EXCEPTION << INTR_INFO_TYPE_SHIFT) | vector |
		    (has_error ? INTR_INFO_DELIVER_ERROR_CODE : 0);
	va->event_error = has_error ? error : 0;
	va->event_insn_len = 0;
}

uint64_t vmx_guest_cr3(struct vcpu_arch *va)
{
	return va->cr3;
}
