/* sched.c: a shared FIFO run queue and the per-CPU loop that runs vCPUs and handles their exits. */
#include "sched.h"

#include "arch.h"
#include "domain.h"
#include "exit.h"
#include "irq.h"
#include "log.h"
#include "spinlock.h"
#include "vcpu.h"

/*
 * Every vCPU state change happens under sched_lock. A vCPU is in the queue only when it
 * is RUNNABLE and not on a CPU; a wake-up that arrives while its CPU is still leaving it
 * only changes the state, and that CPU queues it on the way out (no double queueing).
 */
static spinlock_t sched_lock = SPINLOCK_INIT;
static struct vcpu *queue_head, *queue_tail;
static unsigned int vcpus_on_cpu;

static void enqueue(struct vcpu *v)
{
	v->run_next = NULL;
	if (queue_tail)
		queue_tail->run_next = v;
	else
		queue_head = v;
	queue_tail = v;
}

static struct vcpu *dequeue(void)
{
	struct vcpu *v = queue_head;
	if (v) {
		queue_head = v->run_next;
		if (!queue_head)
			queue_tail = NULL;
	}
	return v;
}

static void unlink(struct vcpu *v)
{
	for (struct vcpu **p = &queue_head, *prev = NULL; *p; prev = *p, p = &(*p)->run_next) {
		if (*p == v) {
			*p = v->run_next;
			if (queue_tail == v)
				queue_tail = prev;
			return;
		}
	}
}

/* Moves v from 'from' to 'to' if it is in 'from'; returns whether it did. */
static bool transition(struct vcpu *v, enum vcpu_state from, enum vcpu_state to)
{
	unsigned long flags = irq_save();
	spin_lock(&sched_lock);
	bool done = v->state == from;
	if (done)
		v->state = to;
	spin_unlock(&sched_lock);
	irq_restore(flags);
	return done;
}

void sched_wake(struct vcpu *v)
{
	unsigned long flags = irq_save();
	spin_lock(&sched_lock);
	bool queued = false;
	if (v->state == VCPU_DOWN || v->state == VCPU_BLOCKED) {
		v->state = VCPU_RUNNABLE;
		if (!v->on_cpu) {
			enqueue(v);
			queued = true;
		}
	}
	spin_unlock(&sched_lock);
	irq_restore(flags);
	if (queued)
		arch_kick_other_cpus();
}

void sched_block(struct vcpu *v)
{
	transition(v, VCPU_RUNNING, VCPU_BLOCKED);
}

void sched_yield(struct vcpu *v)
{
	transition(v, VCPU_RUNNING, VCPU_RUNNABLE);
}

void sched_kill(struct vcpu *v)
{
	unsigned long flags = irq_save();
	spin_lock(&sched_lock);
	if (v->state == VCPU_RUNNABLE && !v->on_cpu)
		unlink(v);
	bool elsewhere = v->on_cpu;
	v->state = VCPU_DEAD;
	spin_unlock(&sched_lock);
	irq_restore(flags);
	if (elsewhere)
		arch_kick_other_cpus();   /* its CPU leaves the guest at the interrupt and notices */
}

bool sched_quiescent(void)
{
	unsigned long flags = irq_save();
	spin_lock(&sched_lock);
	bool idle = !queue_head && !vcpus_on_cpu;
	spin_unlock(&sched_lock);
	irq_restore(flags);
	return idle;
}

/* Runs v until it blocks, yields, dies or its time slice (one timer tick) ends. */
static void vcpu_run_slice(struct vcpu *v)
{
	uint64_t start_tick = arch_timer_ticks();
	struct virt_exit exit;

	while (__atomic_load_n(&v->state, __ATOMIC_ACQUIRE) == VCPU_RUNNING) {
		virt->vcpu_run(v->arch, &v->regs, &exit);
		/* Let the host take the interrupt that caused the exit (timer tick, kick). */
		irq_window();
		vcpu_handle_exit(v, &exit);
		if (arch_timer_ticks() != start_tick && __atomic_load_n(&queue_head, __ATOMIC_ACQUIRE))
			sched_yield(v);   /* others are waiting: take turns */
	}
}

/* Takes v off this CPU: back in the queue if it is still runnable, reaped if its domain ended. */
static void vcpu_leave_cpu(struct vcpu *v)
{
	spin_lock(&sched_lock);
	v->on_cpu = false;
	vcpus_on_cpu--;
	if (v->state == VCPU_RUNNABLE)
		enqueue(v);
	spin_unlock(&sched_lock);

	if (v->state == VCPU_DEAD)
		domain_vcpu_gone(v->domain);
}

void sched_run(void)
{
	for (;;) {
		irq_disable();
		spin_lock(&sched_lock);
		struct vcpu *v = dequeue();
		if (v) {
			v->state = VCPU_RUNNING;
			v->on_cpu = true;
			vcpus_on_cpu++;
		}
		spin_unlock(&sched_lock);

		if (!v) {
			sched_idle_hook();
			arch_idle();
			continue;
		}
		vcpu_run_slice(v);
		vcpu_leave_cpu(v);
	}
}
