/* emulator_quirks.c: which CPUs may run guests, given the emulator bugs a real CPU does not have. */
#include "arch.h"

#include <stdbool.h>

#include "cpu.h"
#include "string.h"

#define CPUID_HYPERVISOR_BASE 0x40000000u

/*
 * QEMU's TCG names itself in leaf 0x40000000 unless told not to (-cpu ...,tcg-cpuid=off),
 * whether or not it sets CPUID.1:ECX.hypervisor (its qemu64 model does not). A real CPU
 * answers an unused leaf with some other leaf's values, never with this signature.
 */
static bool running_on_qemu_tcg(void)
{
	struct cpuid_regs r = cpuid(CPUID_HYPERVISOR_BASE, 0);
	char signature[12];
	memcpy(signature + 0, &r.ebx, 4);
	memcpy(signature + 4, &r.ecx, 4);
	memcpy(signature + 8, &r.edx, 4);
	return memcmp(signature, "TCGTCGTCGTCG", 12) == 0;
}

/*
 * QEMU 7.2's TCG updates the boot CPU's private flags from other CPUs' threads: each
 * FXRSTOR, XRSTOR, FRSTOR or FLDENV with no pending x87 exception, on any CPU, ends in
 * cpu_clear_ignne(), a plain read-modify-write of first_cpu->env.hflags2 (fpu_helper.c).
 * The same word holds the boot CPU's GIF and its nested-paging flag, which VMRUN, #VMEXIT,
 * CLGI and STGI change on the boot CPU's own thread, so the two race. A lost update leaves
 * nested paging on in host mode (the host's next instruction fetch walks the host's page
 * tables through the guest's NPT: the "NPT violation at the host's RIP after VMRUN"), or
 * GIF clear for good (the boot CPU never takes an interrupt again). The race needs the boot
 * CPU to switch worlds while others run; with it running no guests, it never does.
 */
uint64_t arch_guest_cpus(void)
{
	unsigned int n = arch_cpus_online();
	uint64_t all = n >= 64 ? ~0ull : (1ull << n) - 1;
	if (n > 1 && running_on_qemu_tcg())
		return all & ~1ull;
	return all;
}

const char *arch_guest_cpus_reason(void)
{
	return arch_guest_cpus() & 1 ? NULL :
	       "QEMU TCG: other CPUs' FXRSTOR/XRSTOR race with the boot CPU's SVM flags (QEMU 7.2 cpu_clear_ignne)";
}
