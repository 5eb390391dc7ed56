/* cpuid_leaves.c: CPUID shows Keel's leaves and the hypervisor bit, and hides the hardware's virtualization. */
#include "cpu.h"
#include "hypercall.h"
#include "xtf.h"

const char xtf_test_name[] = "cpuid_leaves";

#define CPUID1_ECX_VMX         (1u << 5)
#define CPUID1_ECX_HYPERVISOR  (1u << 31)
#define CPUID_EXT1_ECX_SVM     (1u << 2)

void test_main(const struct keel_start_info *si)
{
	struct cpuid_regs base = cpuid(KEEL_CPUID_BASE);
	if (base.ebx != KEEL_CPUID_SIGNATURE_EBX || base.ecx != KEEL_CPUID_SIGNATURE_ECX ||
	    base.edx != KEEL_CPUID_SIGNATURE_EDX)
		xtf_failure("0x40000000 signature %#x %#x %#x", base.ebx, base.ecx, base.edx);
	if (base.eax != KEEL_CPUID_HYPERCALLS)
		xtf_failure("0x40000000 max leaf %#x, want %#x", base.eax, KEEL_CPUID_HYPERCALLS);

	uint32_t version = cpuid(KEEL_CPUID_VERSION).eax;
	if (version != KEEL_ABI_VERSION)
		xtf_failure("0x40000001 version %#x, want %#x", version, KEEL_ABI_VERSION);
	if (si->abi_version != KEEL_ABI_VERSION)
		xtf_failure("start-info abi_version %#x, want %#x", si->abi_version, KEEL_ABI_VERSION);
	if (keel_version() != KEEL_ABI_VERSION)
		xtf_failure("version hypercall %#lx, want %#x", keel_version(), KEEL_ABI_VERSION);

	struct cpuid_regs hc = cpuid(KEEL_CPUID_HYPERCALLS);
	if (hc.eax != 1)
		xtf_failure("0x40000002 hypercall pages %u, want 1", hc.eax);
	if (hc.ebx != KEEL_MSR_HYPERCALL_PAGE)
		xtf_failure("0x40000002 MSR %#x, want %#x", hc.ebx, KEEL_MSR_HYPERCALL_PAGE);
	uint32_t needed = KEEL_FEATURE_CONSOLE_IO | KEEL_FEATURE_SCHED_OP;
	if ((hc.ecx & needed) != needed)
		xtf_failure("0x40000002 features %#x lack %#x", hc.ecx, needed & ~hc.ecx);
	if (keel_features() != (long)hc.ecx)
		xtf_failure("features hypercall %#lx, CPUID says %#x", keel_features(), hc.ecx);

	/* A guest must know it is virtualized, and must not be offered VMX or SVM it cannot use. */
	uint32_t ecx1 = cpuid(1).ecx;
	if (!(ecx1 & CPUID1_ECX_HYPERVISOR))
		xtf_failure("CPUID.1:ECX[31] (hypervisor) clear");
	if (ecx1 & CPUID1_ECX_VMX)
		xtf_failure("CPUID.1:ECX[5] (VMX) set");
	uint32_t max_ext = cpuid(0x80000000).eax;
	if (max_ext >= 0x80000001 && (cpuid(0x80000001).ecx & CPUID_EXT1_ECX_SVM))
		xtf_failure("CPUID.80000001:ECX[2] (SVM) set");
}
