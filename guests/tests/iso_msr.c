/* iso_msr.c: isolation attack: RDMSR/WRMSR of the host's control MSRs (EFER, VM_HSAVE_PA, VM_CR, APIC_BASE, ...) raise #GP, guest-owned ones stay the guest's, writes change nothing. */
#include "cpu.h"
#include "hypercall.h"
#include "insn_safe.h"
#include "iso_attack.h"

const char xtf_test_name[] = "iso_msr";

#define MSR_TSC            0x10u
#define MSR_APIC_BASE      0x1bu
#define MSR_SYSENTER_CS    0x174u
#define MSR_SYSENTER_ESP   0x175u
#define MSR_SYSENTER_EIP   0x176u
#define MSR_EFER           0xc0000080u
#define MSR_VM_CR          0xc0010114u
#define MSR_VM_HSAVE_PA    0xc0010117u
#define MSR_FEATURE_CTRL   0x3au      /* VMX on/off lock (Intel) */
#define MSR_VMX_BASIC      0x480u
#define MSR_SMBASE         0x9eu
#define MSR_DEBUGCTL       0x1d9u
#define MSR_PERF_CTL0      0xc0010000u
#define MSR_X2APIC_ICR     0x830u     /* sends IPIs to host CPUs in x2APIC mode */
#define MSR_SPEC_CTRL      0x48u
#define MSR_PRED_CMD       0x49u

/* Host-owned: both RDMSR and WRMSR must raise #GP (msr_policy.c: everything not allowed). */
static const struct { uint32_t msr; uint64_t value; const char *name; } host_msrs[] = {
	{ MSR_EFER, 0, "EFER" },  /* clearing LME/SVME on the host would kill it */
	{ MSR_VM_HSAVE_PA, 0, "VM_HSAVE_PA" },
	{ MSR_VM_CR, 1ull << 4, "VM_CR (SVMDIS)" },
	{ MSR_APIC_BASE, 0, "APIC_BASE (disable)" },
	{ MSR_FEATURE_CTRL, 0, "FEATURE_CONTROL" },
	{ MSR_VMX_BASIC, 0, "VMX_BASIC" },
	{ MSR_SMBASE, 0, "SMBASE" },
	{ MSR_DEBUGCTL, 1, "DEBUGCTL" },
	{ MSR_PERF_CTL0, 1ull << 22, "PERF_CTL0" },
	{ MSR_X2APIC_ICR, 0xc4500, "x2APIC ICR (INIT to all)" },
	{ MSR_SPEC_CTRL, 1, "SPEC_CTRL" },
	{ MSR_PRED_CMD, 1, "PRED_CMD" },
	{ 0xc0011029u, ~0ull, "DE_CFG" },
	{ 0x12345678u, 1, "undefined 0x12345678" },
	{ 0xffffffffu, 1, "undefined 0xffffffff" },
	{ KEEL_MSR_HYPERCALL_PAGE + 2, 1, "Keel range, undefined" },
};


void test_main(const struct keel_start_info *si)
{
	(void)si;
	trap_init(xtf_unhandled_trap);

	for (unsigned int i = 0; i < sizeof host_msrs / sizeof host_msrs[0]; i++) {
		uint64_t v = 0x5a5a5a5a5a5a5a5aull;
		iso_expect_gp(host_msrs[i].name, rdmsr_safe(host_msrs[i].msr, &v));
		iso_expect("a faulting RDMSR left its value", v == 0x5a5a5a5a5a5a5a5aull, 1);
		iso_expect_gp(host_msrs[i].name, wrmsr_safe(host_msrs[i].msr, host_msrs[i].value));
		iso_expect_gp(host_msrs[i].name, wrmsr_safe(host_msrs[i].msr, ~0ull));
	}

	/* The TSC: reading is documented (the host's TSC), writing is #GP and moves nothing. */
	uint64_t tsc = 0;
	iso_expect("RDMSR TSC", rdmsr_safe(MSR_TSC, &tsc), TRAP_NONE);
	iso_expect_gp("WRMSR TSC", wrmsr_safe(MSR_TSC, 0));
	iso_expect("TSC after the refused write", rdtsc() >= tsc, 1);

	/* SYSENTER_*: guest-owned state (saved per vCPU); what the guest writes it reads back. */
	static const uint32_t own[] = { MSR_SYSENTER_CS, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP };
	for (unsigned int i = 0; i < sizeof own / sizeof own[0]; i++) {
		uint64_t want = 0xffffffff81000000ull + i * 8, got = 0;
		if (own[i] == MSR_SYSENTER_CS)
			want = 0x10;
		iso_expect("WRMSR SYSENTER", wrmsr_safe(own[i], want), TRAP_NONE);
		iso_expect("RDMSR SYSENTER", rdmsr_safe(own[i], &got), TRAP_NONE);
		iso_expect("SYSENTER reads back", got == want, 1);
	}

	/* Writes had no effect: still in long mode with paging, hypercalls work (SVM's VMRUN needs EFER.SVME on the host). */
	uint64_t efer_probe = 0;
	iso_expect_gp("EFER read after the writes", rdmsr_safe(MSR_EFER, &efer_probe));
	iso_expect("hypercalls after the refused writes", keel_version(), KEEL_ABI_VERSION);
	iso_report();
}
