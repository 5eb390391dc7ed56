/* cpuinfo.c: identifying the CPU and detecting (not yet enabling) VMX or SVM. */
#include "arch.h"

#include "cpu.h"
#include "string.h"

#define MSR_VMX_BASIC           0x480
#define MSR_VMX_PROCBASED_CTLS  0x482
#define MSR_VMX_PROCBASED_CTLS2 0x48b
#define MSR_VM_CR               0xc0010114

#define FEATURE_CONTROL_LOCKED       (1u << 0)
#define FEATURE_CONTROL_VMX_OUTSIDE  (1u << 2)
#define VM_CR_SVMDIS                 (1u << 4)

static const char *detect_vmx(void)
{
	uint64_t fc = rdmsr(MSR_FEATURE_CONTROL);
	if ((fc & FEATURE_CONTROL_LOCKED) && !(fc & FEATURE_CONTROL_VMX_OUTSIDE))
		return "VMX disabled by firmware";
	/* EPT is a secondary control: usable only if the CPU allows activating those at all. */
	uint64_t procbased = rdmsr(MSR_VMX_PROCBASED_CTLS);
	if (!(procbased >> 32 & (1u << 31)))
		return "VMX present (no EPT)";
	uint64_t secondary = rdmsr(MSR_VMX_PROCBASED_CTLS2);
	return (secondary >> 32 & (1u << 1)) ? "VMX present (EPT)" : "VMX present (no EPT)";
}

static const char *detect_svm(void)
{
	if (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS)
		return "SVM disabled by firmware";
	if (cpuid(0x80000000, 0).eax < 0x8000000a)
		return "SVM present (no NPT)";
	return (cpuid(0x8000000a, 0).edx & 1) ? "SVM present (NPT)" : "SVM present (no NPT)";
}

void arch_describe_cpu(struct arch_cpu_description *d)
{
	struct cpuid_regs r = cpuid(0, 0);
	memcpy(d->vendor + 0, &r.ebx, 4);
	memcpy(d->vendor + 4, &r.edx, 4);
	memcpy(d->vendor + 8, &r.ecx, 4);
	d->vendor[12] = '\0';

	struct cpuid_regs id = cpuid(1, 0);
	unsigned int base_family = (id.eax >> 8) & 0xf;
	d->family = base_family + (base_family == 0xf ? (id.eax >> 20) & 0xff : 0);
	d->model = (id.eax >> 4) & 0xf;
	if (base_family == 0x6 || base_family == 0xf)
		d->model |= ((id.eax >> 16) & 0xf) << 4;
	d->stepping = id.eax & 0xf;

	d->brand[0] = '\0';
	uint32_t max_ext = cpuid(0x80000000, 0).eax;
	if (max_ext >= 0x80000004) {
		for (uint32_t i = 0; i < 3; i++) {
			r = cpuid(0x80000002 + i, 0);
			memcpy(d->brand + 16 * i + 0, &r.eax, 4);
			memcpy(d->brand + 16 * i + 4, &r.ebx, 4);
			memcpy(d->brand + 16 * i + 8, &r.ecx, 4);
			memcpy(d->brand + 16 * i + 12, &r.edx, 4);
		}
		d->brand[48] = '\0';
		/* Brand strings are often padded with leading spaces. */
		size_t lead = 0;
		while (d->brand[lead] == ' ')
			lead++;
		memmove(d->brand, d->brand + lead, strlen(d->brand + lead) + 1);
		size_t len = strlen(d->brand);
		while (len && d->brand[len - 1] == ' ')
			d->brand[--len] = '\0';
	}

	if (id.ecx & (1u << 5))
		d->virt = detect_vmx();
	else if (max_ext >= 0x80000001 && (cpuid(0x80000001, 0).ecx & (1u << 2)))
		d->virt = detect_svm();
	else
		d->virt = "none";
}
