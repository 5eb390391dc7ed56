/* exit.c: handling a vCPU's exits: hypercalls, CPUID, MSRs, port I/O, HLT, hidden features' instructions and fatal events. */
#include "exit.h"

#include "arch.h"
#include "cpuid_policy.h"
#include "dom0_mmio.h"
#include "domain.h"
#include "guest_access.h"
#include "hypercall.h"
#include "insn.h"
#include "log.h"
#include "sched.h"
#include "vcpu.h"

#define VECTOR_UD 6
#define VECTOR_GP 13

/*
 * Steps the guest past the instruction that exited. The backend reports the length when
 * the hardware tells it; otherwise (SVM without NRIP save) it is decoded from the guest's
 * own bytes at RIP, which must be the instruction we expect.
 */
static bool skip_instruction(struct vcpu *v, const struct virt_exit *e, enum insn_kind kind)
{
	unsigned int len = e->insn_len;
	if (!len) {
		uint8_t bytes[INSN_MAX_LENGTH];
		size_t avail = sizeof(bytes);
		/* The instruction may end before a page the guest has not mapped. */
		while (avail && copy_from_guest(v, bytes, v->regs.rip, avail))
			avail--;
		int n = insn_length(bytes, avail, kind);
		if (n < 0) {
			domain_crash(v->domain, "cannot decode the instruction at rip %#llx (%s)",
				     (unsigned long long)v->regs.rip, insn_error_name(n));
			return false;
		}
		len = (unsigned int)n;
	}
	v->regs.rip += len;
	return true;
}

static void inject_gp(struct vcpu *v)
{
	virt->inject_exception(v->arch, VECTOR_GP, true, 0);
}

/*
 * #UD, with RIP still at the instruction (a fault): what a CPU without the feature does.
 * For the instructions that reach here it is what the guest was told: CPUID
 * (cpuid_policy.c) hides MONITOR, XSAVE, VMX and SVM. If the policy ever offers one of
 * them, its exit needs a real handler instead.
 */
static void inject_ud(struct vcpu *v)
{
	virt->inject_exception(v->arch, VECTOR_UD, false, 0);
}

static void handle_cpuid(struct vcpu *v, const struct virt_exit *e)
{
	uint32_t leaf = (uint32_t)v->regs.rax, subleaf = (uint32_t)v->regs.rcx;
	struct cpuid_values r;
	arch_host_cpuid(leaf, subleaf, &r.eax, &r.ebx, &r.ecx, &r.edx);
	cpuid_policy_apply(leaf, subleaf, v->id, v->domain->nr_vcpus, hypercall_features(), &r);
	if (!skip_instruction(v, e, INSN_CPUID))
		return;
	v->regs.rax = r.eax;
	v->regs.rbx = r.ebx;
	v->regs.rcx = r.ecx;
	v->regs.rdx = r.edx;
}

static void handle_rdmsr(struct vcpu *v, const struct virt_exit *e)
{
	uint64_t value = 0;
	switch (msr_policy_read(&v->msrs, (uint32_t)v->regs.rcx, &value)) {
	case MSR_GP:
		inject_gp(v);
		return;
	case MSR_READ_TSC:
		value = arch_read_tsc();
		break;
	default:
		break;
	}
	if (!skip_instruction(v, e, INSN_RDMSR))
		return;
	v->regs.rax = (uint32_t)value;
	v->regs.rdx = value >> 32;
}

static void handle_wrmsr(struct vcpu *v, const struct virt_exit *e)
{
	uint64_t value = (v->regs.rdx << 32) | (uint32_t)v->regs.rax;
	uint64_t gpa;
	switch (msr_policy_write(&v->msrs, (uint32_t)v->regs.rcx, value, v->domain->nr_pages * PAGE_SIZE, &gpa)) {
	case MSR_GP:
		inject_gp(v);
		return;
	case MSR_INSTALL_HYPERCALLS:
		if (hypercall_page_install(v->domain, gpa) < 0) {
			inject_gp(v);
			return;
		}
		break;
	default:
		break;
	}
	skip_instruction(v, e, INSN_WRMSR);
}

static const char *access_name(uint32_t access)
{
	if (access & VIRT_ACCESS_EXEC)
		return "execute";
	return (access & VIRT_ACCESS_WRITE) ? "write" : "read";
}

void vcpu_handle_exit(struct vcpu *v, const struct virt_exit *e)
{
	struct domain *d = v->domain;
	v->exits++;

	switch (e->reason) {
	case VIRT_EXIT_NONE:
		break;
	case VIRT_EXIT_HYPERCALL:
		/* Advance first: a hypercall that ends or blocks the vCPU must not re-execute. */
		if (skip_instruction(v, e, INSN_HYPERCALL))
			v->regs.rax = (uint64_t)hypercall_dispatch(v);
		break;
	case VIRT_EXIT_CPUID:
		handle_cpuid(v, e);
		break;
	case VIRT_EXIT_RDMSR:
		handle_rdmsr(v, e);
		break;
	case VIRT_EXIT_WRMSR:
		handle_wrmsr(v, e);
		break;
	case VIRT_EXIT_IO:
		/* No device model: port I/O is refused (dom0 will get the ports it owns). */
		inject_gp(v);
		break;
	case VIRT_EXIT_HLT:
		if (skip_instruction(v, e, INSN_HLT)) {
			v->blocked_in = "HLT";
			sched_block(v);
		}
		break;
	case VIRT_EXIT_MONITOR:
	case VIRT_EXIT_MWAIT:
	case VIRT_EXIT_XSETBV:
	case VIRT_EXIT_VIRT_INSN:
		inject_ud(v);
		break;
	case VIRT_EXIT_MEM_VIOLATION:
		if (dom0_mmio_fault(d, e->gpa, e->access))
			break;   /* dom0's first touch of device memory: mapped now, the access is retried */
		domain_crash(d, "%s violation: %s of gpa %#llx at rip %#llx", virt->paging_name,
			     access_name(e->access), (unsigned long long)e->gpa, (unsigned long long)v->regs.rip);
		break;
	case VIRT_EXIT_TRIPLE_FAULT:
		domain_crash(d, "triple fault at rip %#llx", (unsigned long long)v->regs.rip);
		break;
	case VIRT_EXIT_ENTRY_FAILED:
		domain_crash(d, "VM entry failed: %s", e->detail ? e->detail : "unknown reason");
		break;
	case VIRT_EXIT_UNHANDLED:
		domain_crash(d, "unhandled %s exit %#llx at rip %#llx", virt->name, (unsigned long long)e->raw,
			     (unsigned long long)v->regs.rip);
		break;
	}
}
