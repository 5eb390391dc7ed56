/* vcpu.h: a virtual CPU: its registers, hardware state handle and scheduling state. */
#ifndef KEEL_VCPU_H
#define KEEL_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "msr_policy.h"
#include "sched.h"
#include "timer.h"
#include "virt.h"

struct domain;

enum vcpu_state {
	VCPU_DOWN,       /* not started (or brought down) */
	VCPU_RUNNABLE,   /* waiting in a run queue */
	VCPU_RUNNING,    /* on a physical CPU now */
	VCPU_BLOCKED,    /* waiting for an event (HLT, sched_op block) */
	VCPU_DEAD,       /* its domain has ended */
};

struct vcpu {
	struct domain *domain;
	unsigned int id;
	enum vcpu_state state;
	struct vcpu_regs regs;
	struct vcpu_arch *arch;     /* VMCS / VMCB, owned by the backend */
	uint16_t asid;
	struct msr_state msrs;         /* the emulated MSRs (msr_policy.h) */
	uint64_t exits;                /* statistics */
	const char *blocked_in;        /* what it blocked in, for reports: "HLT", "sched_op block" */
	uint64_t serial;               /* unique for the hypervisor's lifetime */
	void *fpu_state;               /* x87/SSE/AVX registers while it is not on a CPU */
	struct sched_vcpu sched;
	bool up;                       /* has a start context and is not brought down (vcpu_op) */
	struct vcpu_timer timer;       /* its set_timer deadline (timer.h) */
};

/* Creates vCPU 'id' of 'd' with the given start state; it stays VCPU_DOWN. */
struct vcpu *vcpu_create(struct domain *d, unsigned int id, const struct vcpu_boot_state *boot,
			 const struct vcpu_regs *regs, int *error);
void vcpu_destroy(struct vcpu *v);
/* CPU time charged to the vCPU so far, including the slice it may be running right now. */
uint64_t vcpu_cpu_time_ns(const struct vcpu *v);
/* Gives a vCPU that is on no CPU a fresh start state (vcpu_op UP after DOWN); 0 or -KEEL_ENOMEM. */
int vcpu_reset(struct vcpu *v, const struct vcpu_boot_state *boot, const struct vcpu_regs *regs);

#endif
