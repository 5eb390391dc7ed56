/* sched.h: which vCPU runs on which physical CPU, and when (a shared FIFO run queue for now). */
#ifndef KEEL_SCHED_H
#define KEEL_SCHED_H

#include <stdbool.h>

struct vcpu;

/* Makes a down or blocked vCPU runnable and wakes an idle CPU to take it. */
void sched_wake(struct vcpu *v);
/* The running vCPU waits for an event; its CPU picks another one. */
void sched_block(struct vcpu *v);
/* The running vCPU goes to the back of the queue. */
void sched_yield(struct vcpu *v);
/* The vCPU's domain has ended: it never runs again (a CPU running it stops at its next exit). */
void sched_kill(struct vcpu *v);

/* Each CPU's loop: run vCPUs, handle their exits, halt when there is nothing to do. */
__attribute__((noreturn)) void sched_run(void);

/* True when no vCPU is runnable or running anywhere. */
bool sched_quiescent(void);

/* Called by an idle CPU before it halts (kernel/main.c decides what idleness means at boot). */
void sched_idle_hook(void);

#endif
