/* sched_internal.h: what the scheduler policy (sched.c) shares with the run loop (run.c). */
#ifndef KEEL_SCHED_INTERNAL_H
#define KEEL_SCHED_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "spinlock.h"

struct vcpu;

struct sched_cpu {
	struct vcpu *head;          /* runnable vCPUs, least vruntime first */
	unsigned int nr_queued;
	uint64_t min_vruntime;      /* never moves backwards: newcomers start here */
	struct vcpu *current;       /* the vCPU this CPU is running, or NULL */
};

extern spinlock_t sched_lock;
extern struct sched_cpu sched_cpus[MAX_CPUS];
extern uint64_t sched_slice_ns;

/* With sched_lock held. */
struct vcpu *sched_pick(unsigned int cpu, uint64_t now);
int sched_put(unsigned int cpu, struct vcpu *v, uint64_t now, bool *reap);
bool sched_should_preempt(unsigned int cpu, struct vcpu *v, uint64_t now);
/* The running vCPU goes on: charge the slice that ended and start another. */
void sched_renew_slice(struct vcpu *v, uint64_t now);
/* Without the lock. */
void sched_kick_cpu(int cpu);

#endif
