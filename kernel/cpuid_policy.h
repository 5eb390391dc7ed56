/* cpuid_policy.h: what a guest sees when it executes CPUID. */
#ifndef KEEL_CPUID_POLICY_H
#define KEEL_CPUID_POLICY_H

#include <stdint.h>

struct cpuid_values {
	uint32_t eax, ebx, ecx, edx;
};

/*
 * Turns the host's answer for (leaf, subleaf) into the guest's, in place. Features a
 * paravirtualized guest cannot use or must not see are cleared (VMX, SVM, APIC, x2APIC,
 * MONITOR, XSAVE/AVX until the hypervisor switches that state, performance counters,
 * topology); the hypervisor bit is set; leaves 0x40000000.. describe Keel (pv-abi/keel/abi.h).
 * 'features' is the KEEL_FEATURE_* set of this hypervisor.
 */
void cpuid_policy_apply(uint32_t leaf, uint32_t subleaf, unsigned int vcpu_id, unsigned int nr_vcpus,
			uint32_t features, struct cpuid_values *r);

#endif
