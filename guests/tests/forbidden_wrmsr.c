/* forbidden_wrmsr.c: MSRs the guest may not touch raise #GP in the guest instead of reaching the hardware. */
#include "hypercall.h"
#include "insn_safe.h"
#include "xtf.h"

const char xtf_test_name[] = "forbidden_wrmsr";

#define MSR_IA32_APIC_BASE   0x1b
#define MSR_AMD_VM_HSAVE_PA  0xc0010117
/* Inside Keel's range, next to the hypercall-page MSR, but defined by nobody. */
#define MSR_KEEL_UNDEFINED   (KEEL_MSR_HYPERCALL_PAGE + 1)

static void expect_gp(const char *what, int vector)
{
	if (vector != X86_EXC_GP)
		xtf_failure("%s raised %s, want #GP", what, trap_name(vector));
	else if (trap_caught.error_code != 0)
		xtf_failure("%s raised #GP with error code %#llx, want 0", what,
			    (unsigned long long)trap_caught.error_code);
}

void test_main(const struct keel_start_info *si)
{
	trap_init(xtf_unhandled_trap);

	/* The host's APIC and SVM host-save area: if these got through, the hypervisor would be at the guest's mercy. */
	expect_gp("wrmsr IA32_APIC_BASE", wrmsr_safe(MSR_IA32_APIC_BASE, 0xfee00900));
	expect_gp("wrmsr VM_HSAVE_PA", wrmsr_safe(MSR_AMD_VM_HSAVE_PA, 0));

	uint64_t value = 0;
	expect_gp("rdmsr of undefined MSR 0x40000001", rdmsr_safe(MSR_KEEL_UNDEFINED, &value));

	/* abi.h: a hypercall-page GPA that is misaligned or outside memory raises #GP. */
	uint64_t page = (uintptr_t)hypercall_page;
	expect_gp("hypercall MSR with a misaligned GPA", wrmsr_safe(keel_discovery.hypercall_msr, page + 8));
	expect_gp("hypercall MSR with a GPA beyond memory",
		  wrmsr_safe(keel_discovery.hypercall_msr, si->nr_pages * 4096));
	/* ...and the page placed at start-up still works. */
	if (keel_version() != KEEL_ABI_VERSION)
		xtf_failure("hypercalls broken after the rejected hypercall-page writes");
}
