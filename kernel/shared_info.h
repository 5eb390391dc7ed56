/* shared_info.h: each domain's shared-info page (pv-abi/keel/shared_info.h): its frame, its mapping and the time records in it. */
#ifndef KEEL_SHARED_INFO_H
#define KEEL_SHARED_INFO_H

#include <stdbool.h>
#include <stdint.h>

#include "keel/shared_info.h"

struct domain;
struct vcpu;

/*
 * Once the domain has its RAM: allocates the zeroed page, writes the wallclock into it and
 * maps it read-write at the first GPA after the RAM; 0 or -KEEL_ENOMEM (nothing left behind).
 */
int shared_info_attach(struct domain *d);
/* Where the guest finds it (start_info.shared_info_gpa). */
uint64_t shared_info_gpa(const struct domain *d);
/* Frees the page; the domain's second-level tables must already be gone. */
void shared_info_destroy(struct domain *d);

/* Refreshes v's keel_vcpu_time_info (when it starts and whenever it is scheduled). */
void shared_info_update_time(struct vcpu *v);

/*
 * Rule R1 of shared_info.h: is an event pending for vCPU 'vcpu'? Inline so the scheduler
 * can check it when a vCPU blocks without depending on the event-channel code.
 */
static inline bool shared_info_upcall_pending(const struct keel_shared_info *si, unsigned int vcpu)
{
	return si && vcpu < KEEL_MAX_VCPUS &&
	       __atomic_load_n(&si->vcpu_info[vcpu].upcall_pending, __ATOMIC_SEQ_CST);
}

/*
 * The TSC-to-nanoseconds factor in the guest's form: ns = ((ticks << shift) * mul) >> 32,
 * a negative shift being a right shift, and mul in [2^31, 2^32) for the best precision.
 */
void shared_info_tsc_scale(uint64_t tsc_khz, uint32_t *mul, int8_t *shift);

#endif
