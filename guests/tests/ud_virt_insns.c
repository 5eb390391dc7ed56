/* ud_virt_insns.c: the guest's own VMX and SVM instructions raise #UD, as on a CPU without them; the domain lives on. */
#include "cpu.h"
#include "ud_expect.h"

const char xtf_test_name[] = "ud_virt_insns";

#define CPUID1_ECX_VMX      (1u << 5)
#define CPUID_EXT1_ECX_SVM  (1u << 2)

/*
 * On Intel (VMX) the VMX instructions exit to the hypervisor, which must answer #UD, and the
 * SVM ones are #UD in the CPU itself; on AMD (SVM) it is the other way round. Every one is
 * run on both, so each backend's exit decoding is covered by one of the two platforms.
 * Memory operands point at scratch memory and register operands are defined, so only the
 * missing feature can make them fail.
 */
static void vmx_instructions(void)
{
	UD_EXPECT("vmxon", "vmxon ud_scratch(%%rip)");
	UD_EXPECT("vmclear", "vmclear ud_scratch(%%rip)");
	UD_EXPECT("vmptrld", "vmptrld ud_scratch(%%rip)");
	UD_EXPECT("vmptrst", "vmptrst ud_scratch(%%rip)");
	UD_EXPECT("vmread", "vmread %%rax, ud_scratch(%%rip)", "a"(0));
	UD_EXPECT("vmwrite", "vmwrite ud_scratch(%%rip), %%rax", "a"(0));
	UD_EXPECT("vmlaunch", "vmlaunch");
	UD_EXPECT("vmresume", "vmresume");
	UD_EXPECT("vmxoff", "vmxoff");
	UD_EXPECT("invept", "invept ud_scratch(%%rip), %%rax", "a"(2));     /* type 2: all contexts */
	UD_EXPECT("invvpid", "invvpid ud_scratch(%%rip), %%rax", "a"(2));
}

static void svm_instructions(void)
{
	UD_EXPECT("vmrun", "vmrun %%rax", "a"(ud_scratch));
	UD_EXPECT("vmload", "vmload %%rax", "a"(ud_scratch));
	UD_EXPECT("vmsave", "vmsave %%rax", "a"(ud_scratch));
	UD_EXPECT("clgi", "clgi");
	UD_EXPECT("stgi", "stgi");
	UD_EXPECT("skinit", "skinit %%eax", "a"(0));
	UD_EXPECT("invlpga", "invlpga %%rax, %%ecx", "a"(ud_scratch), "c"(1));
}

void test_main(const struct keel_start_info *si)
{
	(void)si;
	trap_init(xtf_unhandled_trap);
	if (cpuid(1).ecx & CPUID1_ECX_VMX)
		xtf_failure("CPUID leaf 1 offers VMX");
	if (cpuid(0x80000001).ecx & CPUID_EXT1_ECX_SVM)
		xtf_failure("CPUID leaf 0x80000001 offers SVM");
	vmx_instructions();
	svm_instructions();
}
