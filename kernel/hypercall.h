/* hypercall.h: the hypercall table and the hypercall page (pv-abi/keel/abi.h is the contract). */
#ifndef KEEL_HYPERCALL_H
#define KEEL_HYPERCALL_H

#include <stdint.h>

struct vcpu;
struct domain;

/* Runs the hypercall in v's rax with arguments rdi, rsi, rdx, r10, r8; returns the result. */
int64_t hypercall_dispatch(struct vcpu *v);

/* Writes the vendor's stubs into the guest page at 'gpa'; 0 or -KEEL_EFAULT. */
int hypercall_page_install(struct domain *d, uint64_t gpa);

/* KEEL_FEATURE_* bits this hypervisor offers. */
uint32_t hypercall_features(void);

#endif
