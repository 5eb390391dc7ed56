/* ud_xsetbv.c: XSETBV raises #UD (CPUID hides XSAVE), also after the guest set CR4.OSXSAVE where the CPU lets it. */
#include "console.h"
#include "cpu.h"
#include "ud_expect.h"

const char xtf_test_name[] = "ud_xsetbv";

#define CPUID1_ECX_XSAVE   (1u << 26)
#define CR4_OSXSAVE        (1ull << 18)
#define XCR0_X87_SSE       0x3u
/* "GenuineIntel" in CPUID leaf 0's EBX, EDX, ECX. */
#define INTEL_EBX 0x756e6547u
#define INTEL_EDX 0x49656e69u
#define INTEL_ECX 0x6c65746eu

static uint64_t read_cr4(void)
{
	uint64_t cr4;
	asm volatile("mov %%cr4, %0" : "=r"(cr4));
	return cr4;
}

/* Returns the vector raised, or TRAP_NONE. */
static int write_cr4_safe(uint64_t cr4)
{
	trap_expect();
	asm volatile("1: mov %0, %%cr4\n2:\n\t" TRAP_EXTABLE(1b, 2b) : : "r"(cr4) : "memory");
	return trap_caught.vector;
}

static bool on_intel(void)
{
	struct cpuid_regs r = cpuid(0);
	return r.ebx == INTEL_EBX && r.edx == INTEL_EDX && r.ecx == INTEL_ECX;
}

void test_main(const struct keel_start_info *si)
{
	(void)si;
	trap_init(xtf_unhandled_trap);
	if (cpuid(1).ecx & CPUID1_ECX_XSAVE)
		xtf_failure("CPUID leaf 1 offers XSAVE");

	/* CR4.OSXSAVE clear: the CPU itself refuses XSETBV, before any exit. */
	UD_EXPECT("xsetbv with CR4.OSXSAVE clear", "xsetbv", "a"(XCR0_X87_SSE), "c"(0), "d"(0));

	/*
	 * Under VMX, CR4.OSXSAVE is the guest's own bit and the hardware takes it whatever CPUID
	 * says; XSETBV then exits unconditionally, and the hypervisor must answer #UD rather than
	 * let the guest change XCR0. (Under SVM the guest's CR4 writes reach the CPU unchecked
	 * too, but QEMU's TCG answers a bit its CPU model lacks with #VMEXIT(INVALID) instead of
	 * #GP, which ends the domain: so this half runs on Intel only.)
	 */
	if (!on_intel())
		return;
	uint64_t cr4 = read_cr4();
	int vector = write_cr4_safe(cr4 | CR4_OSXSAVE);
	if (vector == X86_EXC_GP) {
		gprintf("xtf: %s: this CPU refuses CR4.OSXSAVE\n", xtf_test_name);
		return;
	}
	if (vector != TRAP_NONE) {
		xtf_failure("setting CR4.OSXSAVE raised %s, want #GP or nothing", trap_name(vector));
		return;
	}
	UD_EXPECT("xsetbv with CR4.OSXSAVE set", "xsetbv", "a"(XCR0_X87_SSE), "c"(0), "d"(0));
	if (write_cr4_safe(cr4) != TRAP_NONE)
		xtf_failure("cannot clear CR4.OSXSAVE again");
}
