/* hypercall.c: Keel discovery through CPUID and placement of the hypercall page through its MSR. */
#include "hypercall.h"

#include "cpu.h"

struct keel_discovery keel_discovery;

enum hypercall_init_error hypercall_init(void)
{
	struct keel_discovery *d = &keel_discovery;

	struct cpuid_regs base = cpuid(KEEL_CPUID_BASE);
	if (base.ebx != KEEL_CPUID_SIGNATURE_EBX || base.ecx != KEEL_CPUID_SIGNATURE_ECX ||
	    base.edx != KEEL_CPUID_SIGNATURE_EDX)
		return HYPERCALL_INIT_NOT_KEEL;
	d->max_leaf = base.eax;
	if (d->max_leaf < KEEL_CPUID_HYPERCALLS)
		return HYPERCALL_INIT_TOO_FEW_LEAVES;

	/* Same major version (compatible), and at least the minor we were built for (nothing we use is missing). */
	d->version = cpuid(KEEL_CPUID_VERSION).eax;
	if (d->version >> 16 != KEEL_ABI_VERSION_MAJOR || (d->version & 0xffff) < KEEL_ABI_VERSION_MINOR)
		return HYPERCALL_INIT_WRONG_VERSION;

	struct cpuid_regs hc = cpuid(KEEL_CPUID_HYPERCALLS);
	d->hypercall_pages = hc.eax;
	d->hypercall_msr = hc.ebx;
	d->features = hc.ecx;
	/* One page holds every hypercall this runtime knows; more pages would only add later ones. */
	if (d->hypercall_pages < 1)
		return HYPERCALL_INIT_NO_PAGES;

	/* Guests run identity-mapped, so the page's address is its GPA. */
	wrmsr(d->hypercall_msr, (uintptr_t)hypercall_page);
	return HYPERCALL_INIT_OK;
}
