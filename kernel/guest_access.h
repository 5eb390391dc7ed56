/* guest_access.h: the only doors from the hypervisor into a guest's memory, fully validated. */
#ifndef KEEL_GUEST_ACCESS_H
#define KEEL_GUEST_ACCESS_H

#include <stddef.h>
#include <stdint.h>

struct vcpu;
struct domain;

/*
 * Copy between hypervisor memory and a guest-virtual range of the vCPU's current address
 * space. Every byte is translated through the guest's page tables and must land in the
 * domain's RAM. Returns 0, or -KEEL_EFAULT with nothing guaranteed about a partial copy.
 */
int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, size_t len);
int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t len);

/* The same for guest-physical ranges (builders, hypercall-page installation). */
int copy_to_guest_phys(struct domain *d, uint64_t gpa, const void *src, size_t len);
int copy_from_guest_phys(struct domain *d, void *dst, uint64_t gpa, size_t len);

#endif
