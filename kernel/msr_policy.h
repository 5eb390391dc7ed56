/* msr_policy.h: the allow-list of model-specific registers a guest may read or write. */
#ifndef KEEL_MSR_POLICY_H
#define KEEL_MSR_POLICY_H

#include <stdbool.h>
#include <stdint.h>

/* The per-vCPU values behind the emulated MSRs. */
struct msr_state {
	uint64_t hypercall_page;   /* last value written to KEEL_MSR_HYPERCALL_PAGE */
	uint64_t pat;              /* IA32_PAT as the guest sees it */
};

enum msr_action {
	MSR_GP,                    /* not on the list, or a bad value: inject #GP(0) */
	MSR_DONE,                  /* handled: for reads, *value holds the result */
	MSR_READ_TSC,              /* the caller supplies the guest's TSC */
	MSR_INSTALL_HYPERCALLS,    /* valid hypercall-page GPA in *value: write the stubs there */
};

/* Decides a guest RDMSR. */
enum msr_action msr_policy_read(const struct msr_state *s, uint32_t msr, uint64_t *value);
/*
 * Decides a guest WRMSR of 'value'. 'ram_bytes' bounds the hypercall page. On
 * MSR_INSTALL_HYPERCALLS the state is updated and *gpa is the page to fill.
 */
enum msr_action msr_policy_write(struct msr_state *s, uint32_t msr, uint64_t value, uint64_t ram_bytes,
				 uint64_t *gpa);

#endif
