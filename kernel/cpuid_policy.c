/* cpuid_policy.c: filtering the host's CPUID answers into a paravirtualized guest's view. */
#include "cpuid_policy.h"

#include "keel/abi.h"

/* Leaf 1 ECX */
#define L1C_MONITOR    (1u << 3)
#define L1C_VMX        (1u << 5)
#define L1C_SMX        (1u << 6)
#define L1C_EST        (1u << 7)
#define L1C_TM2        (1u << 8)
#define L1C_FMA        (1u << 12)
#define L1C_PDCM       (1u << 15)
#define L1C_X2APIC     (1u << 21)
#define L1C_TSC_DEADLINE (1u << 24)
#define L1C_XSAVE      (1u << 26)
#define L1C_OSXSAVE    (1u << 27)
#define L1C_AVX        (1u << 28)
#define L1C_F16C       (1u << 29)
#define L1C_HYPERVISOR (1u << 31)
/* Leaf 1 EDX */
#define L1D_ACPI       (1u << 22)
#define L1D_APIC       (1u << 9)
#define L1D_TM         (1u << 29)
#define L1D_PBE        (1u << 31)
/* Leaf 7 EBX: AVX2 and every AVX-512 bit depend on XSAVE-managed state. */
#define L7B_AVX_MASK   ((1u << 5) | (1u << 16) | (1u << 17) | (1u << 21) | (1u << 26) | (1u << 27) | \
			(1u << 28) | (1u << 30) | (1u << 31))
#define L7C_AVX_MASK   ((1u << 1) | (1u << 6) | (1u << 11) | (1u << 12) | (1u << 14))
/* Leaf 0x80000001 ECX */
#define E1C_SVM        (1u << 2)
#define E1C_EXTAPIC    (1u << 3)
#define E1C_SKINIT     (1u << 12)
#define E1C_PERFCTR    (1u << 23)

void cpuid_policy_apply(uint32_t leaf, uint32_t subleaf, unsigned int vcpu_id, unsigned int nr_vcpus,
			uint32_t features, struct cpuid_values *r)
{
	(void)subleaf;
	switch (leaf) {
	case 0x1:
		r->ecx &= ~(L1C_MONITOR | L1C_VMX | L1C_SMX | L1C_EST | L1C_TM2 | L1C_PDCM | L1C_X2APIC |
			    L1C_TSC_DEADLINE | L1C_XSAVE | L1C_OSXSAVE | L1C_AVX | L1C_FMA | L1C_F16C);
		r->ecx |= L1C_HYPERVISOR;
		r->edx &= ~(L1D_APIC | L1D_ACPI | L1D_TM | L1D_PBE);
		/* EBX[31:24] initial APIC id, [23:16] logical processors per package. */
		r->ebx = (r->ebx & 0x0000ffffu) | ((vcpu_id & 0xffu) << 24) | ((nr_vcpus & 0xffu) << 16);
		break;
	case 0x5:   /* MONITOR/MWAIT */
	case 0x6:   /* thermal and power */
	case 0xa:   /* performance monitoring */
	case 0xb:   /* topology: a PV guest learns its vCPUs from start-info */
	case 0xd:   /* XSAVE state components: hidden until the hypervisor switches them */
	case 0x1f:
		r->eax = r->ebx = r->ecx = r->edx = 0;
		break;
	case 0x7:
		if (subleaf == 0) {
			r->ebx &= ~L7B_AVX_MASK;
			r->ecx &= ~L7C_AVX_MASK;
		} else {
			r->eax = r->ebx = r->ecx = r->edx = 0;
		}
		break;
	case 0x80000001:
		r->ecx &= ~(E1C_SVM | E1C_EXTAPIC | E1C_SKINIT | E1C_PERFCTR);
		break;
	case 0x8000000a:   /* SVM features */
		r->eax = r->ebx = r->ecx = r->edx = 0;
		break;
	case KEEL_CPUID_BASE:
		r->eax = KEEL_CPUID_HYPERCALLS;
		r->ebx = KEEL_CPUID_SIGNATURE_EBX;
		r->ecx = KEEL_CPUID_SIGNATURE_ECX;
		r->edx = KEEL_CPUID_SIGNATURE_EDX;
		break;
	case KEEL_CPUID_VERSION:
		r->eax = KEEL_ABI_VERSION;
		r->ebx = r->ecx = r->edx = 0;
		break;
	case KEEL_CPUID_HYPERCALLS:
		r->eax = 1;
		r->ebx = KEEL_MSR_HYPERCALL_PAGE;
		r->ecx = features;
		r->edx = 0;
		break;
	default:
		/* Other hypervisor-range leaves are Keel's to define: empty for now. */
		if (leaf >= KEEL_CPUID_BASE && leaf <= KEEL_CPUID_BASE + 0xff)
			r->eax = r->ebx = r->ecx = r->edx = 0;
		break;
	}
}
