/* msr_policy.c: the allow-list of model-specific registers a guest may read or write. */
#include "msr_policy.h"

#include "keel/abi.h"

#define MSR_IA32_TSC          0x00000010u
#define MSR_IA32_MTRRCAP      0x000000feu
#define MSR_IA32_MISC_ENABLE  0x000001a0u
#define MSR_IA32_PAT          0x00000277u
#define MSR_IA32_MTRR_DEF     0x000002ffu

/* Each byte of PAT must be a defined memory type: UC, WC, WT, WP, WB or UC-. */
static bool pat_valid(uint64_t pat)
{
	for (int i = 0; i < 8; i++) {
		uint8_t type = (uint8_t)(pat >> (8 * i));
		if (type == 2 || type == 3 || type > 7)
			return false;
	}
	return true;
}

enum msr_action msr_policy_read(const struct msr_state *s, uint32_t msr, uint64_t *value)
{
	switch (msr) {
	case KEEL_MSR_HYPERCALL_PAGE:
		*value = s->hypercall_page;
		return MSR_DONE;
	case MSR_IA32_TSC:
		return MSR_READ_TSC;
	case MSR_IA32_PAT:
		*value = s->pat;
		return MSR_DONE;
	case MSR_IA32_MTRRCAP:     /* no MTRRs: guest memory types come from the hypervisor */
	case MSR_IA32_MTRR_DEF:
		*value = 0;
		return MSR_DONE;
	case MSR_IA32_MISC_ENABLE: /* fast strings only */
		*value = 1;
		return MSR_DONE;
	default:
		return MSR_GP;
	}
}

enum msr_action msr_policy_write(struct msr_state *s, uint32_t msr, uint64_t value, uint64_t ram_bytes,
				 uint64_t *gpa)
{
	switch (msr) {
	case KEEL_MSR_HYPERCALL_PAGE:
		if (value & 0xfff || value >= ram_bytes || ram_bytes - value < 4096)
			return MSR_GP;
		s->hypercall_page = value;
		*gpa = value;
		return MSR_INSTALL_HYPERCALLS;
	case MSR_IA32_PAT:
		if (!pat_valid(value))
			return MSR_GP;
		s->pat = value;
		return MSR_DONE;
	default:
		return MSR_GP;
	}
}
