/* sched.h: which vCPU runs on which physical CPU, and when (weighted fair share, caps, affinity). */
#ifndef KEEL_SCHED_H
#define KEEL_SCHED_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;
struct domain;

#define SCHED_WEIGHT_DEFAULT   256
#define SCHED_WEIGHT_MAX       65535
#define SCHED_SLICE_MS_DEFAULT 10   /* cmdline sched_slice_ms= (1..1000) */
#define SCHED_CAP_PERIOD_NS    100000000ull  /* caps are enforced per 100 ms */

/*
 * The policy, in one paragraph: every vCPU accumulates virtual runtime, its real runtime
 * scaled by SCHED_WEIGHT_DEFAULT / its domain's weight, and each CPU runs the runnable
 * vCPU with the least. So over time CPU shares follow the weights. A domain with a cap
 * may use at most cap% of one CPU per SCHED_CAP_PERIOD_NS; beyond that its vCPUs wait
 * for the next period. A vCPU runs only on CPUs in its affinity mask. A vCPU that wakes
 * goes to an idle allowed CPU if there is one (the CPU it last ran on first), and an idle
 * CPU takes work from the busiest other queue, so load spreads across CPUs.
 */

/* Makes a down or blocked vCPU runnable and gets a CPU to run it. */
void sched_wake(struct vcpu *v);
/* The running vCPU waits for an event; it stays running if one is pending (rule R1 of shared_info.h). */
void sched_block(struct vcpu *v);
/* An event is pending for v: wakes it if it is blocked, interrupts its CPU if it is in the guest elsewhere. */
void sched_kick(struct vcpu *v);
/* The running vCPU lets others run first (not sched_yield: libc has that name, and host tests link libc). */
void sched_yield_vcpu(struct vcpu *v);
/* The vCPU's domain has ended: it never runs again (a CPU running it stops at its next exit). */
void sched_kill(struct vcpu *v);

/*
 * Pausing nests. When sched_vcpu_pause() returns, v is off every CPU and runs no more
 * until the matching unpause (a vCPU pausing itself stops at the end of the current exit).
 */
void sched_vcpu_pause(struct vcpu *v);
void sched_vcpu_unpause(struct vcpu *v);

/* 0, or -KEEL_EINVAL for an empty mask or one with no CPU online. */
int sched_set_affinity(struct vcpu *v, uint64_t cpumask);
/* weight 1..SCHED_WEIGHT_MAX, cap 0 (none) or 1..100 * nr_vcpus; 0 or -KEEL_EINVAL. */
int sched_set_params(struct domain *d, uint32_t weight, uint32_t cap);

/* Per-vCPU scheduler state embedded in struct vcpu. */
struct sched_vcpu {
	uint64_t vruntime;        /* weighted runtime: smaller runs first */
	uint64_t runtime_ns;      /* real time on a CPU, for top and accounting */
	uint64_t affinity;        /* bit n: may run on CPU n */
	uint64_t slice_start_ns;  /* when the current slice began */
	unsigned int pause_count;
	unsigned int queue_cpu;   /* the queue it sits in, when queued */
	unsigned int last_cpu;    /* the CPU it last ran on */
	bool queued;
	bool on_cpu;              /* a physical CPU is running it or leaving it */
	struct vcpu *queue_next;
};

/* Per-domain scheduler state embedded in struct domain. */
struct sched_domain {
	uint32_t weight;
	uint32_t cap;             /* percent of one CPU, 0 = none */
	uint64_t cap_period_start_ns;
	uint64_t cap_used_ns;
};

/* After SMP bring-up: the CPUs to schedule on and the time slice. */
void sched_init(unsigned int slice_ms);
void sched_vcpu_init(struct vcpu *v);
void sched_domain_init(struct domain *d);

/* Each CPU's loop: run vCPUs, handle their exits, halt when there is nothing to do. */
__attribute__((noreturn)) void sched_run(void);

/* True when no vCPU is runnable or running anywhere. */
bool sched_quiescent(void);

/* Called by an idle CPU before it halts (kernel/main.c decides what idleness means at boot). */
void sched_idle_hook(void);

#endif
