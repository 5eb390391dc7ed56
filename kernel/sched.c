/* sched.c: the scheduling policy: per-CPU run queues ordered by weighted runtime, caps, affinity. */
#include "sched.h"

#include "arch.h"
#include "domain.h"
#include "irq.h"
#include "keel/abi.h"
#include "log.h"
#include "sched_internal.h"
#include "shared_info.h"
#include "spinlock.h"
#include "vcpu.h"

/*
 * One lock guards every queue and every vCPU's scheduling state. Scheduling decisions are
 * rare next to exits (a hypercall does not take it), so a single lock stays simple and
 * correct; per-CPU locks are a later optimisation if `make bench` shows contention.
 */
spinlock_t sched_lock = SPINLOCK_INIT;
struct sched_cpu sched_cpus[MAX_CPUS];
static unsigned int cpu_count = 1;
static uint64_t cpus_mask = 1;   /* the CPUs that may run guests (arch_guest_cpus) */
uint64_t sched_slice_ns = SCHED_SLICE_MS_DEFAULT * 1000000ull;

void sched_init(unsigned int slice_ms)
{
	sched_slice_ns = (uint64_t)slice_ms * 1000000;
	cpu_count = arch_cpus_online();
	cpus_mask = arch_guest_cpus();
	const char *why = arch_guest_cpus_reason();
	if (why)
		pr_info("sched: guests run on CPUs %#llx of %u: %s\n", (unsigned long long)cpus_mask, cpu_count, why);
}

/* The n-th CPU that may run guests, counting round (spreads vCPUs by id before they first run). */
static unsigned int nth_guest_cpu(unsigned int n)
{
	unsigned int usable = 0;
	for (uint64_t m = cpus_mask; m; m &= m - 1)
		usable++;
	n %= usable;
	for (unsigned int c = 0;; c++)
		if ((cpus_mask >> c) & 1 && n-- == 0)
			return c;
}

void sched_vcpu_init(struct vcpu *v)
{
	v->sched.affinity = ~0ull;
	v->sched.last_cpu = nth_guest_cpu(v->id);
}

void sched_domain_init(struct domain *d)
{
	d->sched.weight = SCHED_WEIGHT_DEFAULT;
}

/* ---- queues (sched_lock held) ---- */

static void queue_insert(struct sched_cpu *q, struct vcpu *v)
{
	struct vcpu **p = &q->head;
	while (*p && (*p)->sched.vruntime <= v->sched.vruntime)
		p = &(*p)->sched.queue_next;
	v->sched.queue_next = *p;
	*p = v;
	v->sched.queued = true;
	v->sched.queue_cpu = (unsigned int)(q - sched_cpus);
	q->nr_queued++;
}

static void queue_remove(struct vcpu *v)
{
	struct sched_cpu *q = &sched_cpus[v->sched.queue_cpu];
	for (struct vcpu **p = &q->head; *p; p = &(*p)->sched.queue_next) {
		if (*p == v) {
			*p = v->sched.queue_next;
			q->nr_queued--;
			break;
		}
	}
	v->sched.queued = false;
}

static bool allowed(const struct vcpu *v, unsigned int cpu)
{
	return v->sched.affinity & cpus_mask & (1ull << cpu);
}

/* Where a vCPU that became runnable should wait: an idle allowed CPU (its last one first),
 * else the allowed CPU with the shortest queue. */
static unsigned int choose_cpu(const struct vcpu *v)
{
	unsigned int last = v->sched.last_cpu;
	if (allowed(v, last) && !sched_cpus[last].current && !sched_cpus[last].nr_queued)
		return last;
	unsigned int best = cpu_count;
	for (unsigned int c = 0; c < cpu_count; c++) {
		if (!allowed(v, c))
			continue;
		if (!sched_cpus[c].current && !sched_cpus[c].nr_queued)
			return c;
		if (best == cpu_count || sched_cpus[c].nr_queued + !!sched_cpus[c].current <
					 sched_cpus[best].nr_queued + !!sched_cpus[best].current)
			best = c;
	}
	return best == cpu_count ? nth_guest_cpu(0) : best;
}

/* Queues v (sched_lock held) and returns the CPU to kick, or -1. 'woken': it was blocked. */
static int make_runnable(struct vcpu *v, bool woken)
{
	v->state = VCPU_RUNNABLE;
	if (v->sched.on_cpu || v->sched.pause_count || v->sched.queued)
		return -1;   /* its CPU queues it on the way out, or unpause does */
	unsigned int cpu = choose_cpu(v);
	struct sched_cpu *q = &sched_cpus[cpu];
	/* A newcomer starts level with the queue, so it neither starves others nor is starved. */
	if (v->sched.vruntime + sched_slice_ns < q->min_vruntime)
		v->sched.vruntime = q->min_vruntime - sched_slice_ns;
	/* A vCPU waking from a block runs next even if its weight left it far ahead (like the
	 * BOOST of Xen's credit scheduler): a mostly idle dom0 answering the operator must not
	 * wait behind CPU hogs of a much larger weight. Hogs never block, so their shares by
	 * weight are untouched; a waker only gains the wait, not CPU time it did not pay for. */
	uint64_t front = q->head ? q->head->sched.vruntime : q->min_vruntime;
	if (woken && v->sched.vruntime >= front)
		v->sched.vruntime = front ? front - 1 : 0;   /* before equals too: the queue is FIFO among them */
	queue_insert(q, v);
	return (int)cpu;
}

static void kick(int cpu)
{
	if (cpu >= 0 && (unsigned int)cpu != arch_cpu_id())
		arch_kick_cpu((unsigned int)cpu);
}

void sched_wake(struct vcpu *v)
{
	unsigned long flags = irq_save();
	spin_lock(&sched_lock);
	int cpu = -1;
	if (v->state == VCPU_DOWN || v->state == VCPU_BLOCKED)
		cpu = make_runnable(v, v->state == VCPU_BLOCKED);
	spin_unlock(&sched_lock);
	irq_restore(flags);
	kick(cpu);
}

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

void sched_block(struct vcpu *v)
{
	transition(v, VCPU_RUNNING, VCPU_BLOCKED);
	/*
	 * Rule R1 of pv-abi/keel/shared_info.h: blocked first, then look for an event. A sender
	 * either finds the vCPU blocked and wakes it (sched_kick), or set upcall_pending before
	 * this load (its atomics and ours are sequentially consistent): no wake-up is lost.
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (shared_info_upcall_pending(v->domain->shared_info, v->id))
		transition(v, VCPU_BLOCKED, VCPU_RUNNING);
}

void sched_kick(struct vcpu *v)
{
	unsigned long flags = irq_save();
	spin_lock(&sched_lock);
	int cpu = -1;
	if (v->state == VCPU_BLOCKED)
		cpu = make_runnable(v, true);
	else if (v->state == VCPU_RUNNING && v->sched.on_cpu)
		cpu = (int)v->sched.last_cpu;   /* in the guest there: an exit makes it see the event */
	spin_unlock(&sched_lock);
	irq_restore(flags);
	kick(cpu);
}

void sched_yield_vcpu(struct vcpu *v)
{
	transition(v, VCPU_RUNNING, VCPU_RUNNABLE);
}

void sched_kill(struct vcpu *v)
{
	unsigned long flags = irq_save();
	spin_lock(&sched_lock);
	if (v->sched.queued)
		queue_remove(v);
	int cpu = v->sched.on_cpu ? (int)v->sched.last_cpu : -1;
	v->state = VCPU_DEAD;
	spin_unlock(&sched_lock);
	irq_restore(flags);
	kick(cpu);   /* its CPU leaves the guest at the interrupt and notices */
}

void sched_vcpu_pause(struct vcpu *v)
{
	unsigned long flags = irq_save();
	spin_lock(&sched_lock);
	v->sched.pause_count++;
	if (v->sched.queued)
		queue_remove(v);
	bool self = v->sched.on_cpu && v->sched.last_cpu == arch_cpu_id();
	spin_unlock(&sched_lock);
	irq_restore(flags);
	if (self)
		return;   /* it stops when the current exit is handled */
	/* Wait for its CPU to let go; kicking makes a CPU in guest mode exit promptly. */
	while (__atomic_load_n(&v->sched.on_cpu, __ATOMIC_ACQUIRE)) {
		kick((int)__atomic_load_n(&v->sched.last_cpu, __ATOMIC_RELAXED));
		arch_delay_us(20);
	}
}

void sched_vcpu_unpause(struct vcpu *v)
{
	unsigned long flags = irq_save();
	spin_lock(&sched_lock);
	int cpu = -1;
	if (v->sched.pause_count && --v->sched.pause_count == 0 && v->state == VCPU_RUNNABLE)
		cpu = make_runnable(v, false);
	spin_unlock(&sched_lock);
	irq_restore(flags);
	kick(cpu);
}

int sched_set_affinity(struct vcpu *v, uint64_t cpumask)
{
	if (!(cpumask & cpus_mask))
		return -KEEL_EINVAL;
	unsigned long flags = irq_save();
	spin_lock(&sched_lock);
	v->sched.affinity = cpumask;
	int cpu = -1;
	/* A queued vCPU on a CPU it may no longer use moves now; a running one at its next switch. */
	if (v->sched.queued && !allowed(v, v->sched.queue_cpu)) {
		queue_remove(v);
		cpu = make_runnable(v, false);
	}
	bool running_elsewhere = v->sched.on_cpu && !allowed(v, v->sched.last_cpu);
	spin_unlock(&sched_lock);
	irq_restore(flags);
	kick(cpu);
	if (running_elsewhere)
		kick((int)v->sched.last_cpu);
	return 0;
}

int sched_set_params(struct domain *d, uint32_t weight, uint32_t cap)
{
	if (weight == 0 || weight > SCHED_WEIGHT_MAX || cap > 100 * d->nr_vcpus)
		return -KEEL_EINVAL;
	unsigned long flags = irq_save();
	spin_lock(&sched_lock);
	d->sched.weight = weight;
	d->sched.cap = cap;
	spin_unlock(&sched_lock);
	irq_restore(flags);
	return 0;
}

bool sched_quiescent(void)
{
	unsigned long flags = irq_save();
	spin_lock(&sched_lock);
	bool idle = true;
	for (unsigned int c = 0; c < cpu_count; c++)
		if (sched_cpus[c].current || sched_cpus[c].nr_queued)
			idle = false;
	spin_unlock(&sched_lock);
	irq_restore(flags);
	return idle;
}

/* ---- picking and accounting (called by the run loop, sched_lock held) ---- */

/* True if the domain has used up its cap for this period (and rolls the period over).
 * 'running' is time not yet charged (the current slice of the vCPU asking). */
static bool over_cap(struct domain *d, uint64_t now, uint64_t running)
{
	if (!d->sched.cap)
		return false;
	if (now - d->sched.cap_period_start_ns >= SCHED_CAP_PERIOD_NS) {
		d->sched.cap_period_start_ns = now;
		d->sched.cap_used_ns = 0;
		running = 0;
	}
	return (d->sched.cap_used_ns + running) * 100 >= (uint64_t)d->sched.cap * SCHED_CAP_PERIOD_NS;
}

/* Charges the time since the slice began: real time, weighted time, and the cap budget. */
static void charge(struct vcpu *v, uint64_t now)
{
	uint64_t ran = now - v->sched.slice_start_ns;
	v->sched.runtime_ns += ran;
	v->sched.vruntime += ran * SCHED_WEIGHT_DEFAULT / v->domain->sched.weight;
	v->domain->sched.cap_used_ns += ran;
	v->sched.slice_start_ns = now;
}

void sched_renew_slice(struct vcpu *v, uint64_t now)
{
	charge(v, now);
}

static struct vcpu *first_eligible(struct sched_cpu *q, unsigned int cpu, uint64_t now)
{
	for (struct vcpu *v = q->head; v; v = v->sched.queue_next)
		if (allowed(v, cpu) && !over_cap(v->domain, now, 0))
			return v;
	return NULL;
}

struct vcpu *sched_pick(unsigned int cpu, uint64_t now)
{
	struct sched_cpu *q = &sched_cpus[cpu];
	struct vcpu *v = first_eligible(q, cpu, now);
	if (!v) {
		/* Idle: take the most deserving vCPU from the busiest queue that may run here. */
		unsigned int busiest = cpu;
		for (unsigned int c = 0; c < cpu_count; c++)
			if (c != cpu && sched_cpus[c].nr_queued > sched_cpus[busiest].nr_queued)
				busiest = c;
		if (busiest != cpu)
			v = first_eligible(&sched_cpus[busiest], cpu, now);
	}
	if (!v)
		return NULL;
	queue_remove(v);
	v->state = VCPU_RUNNING;
	v->sched.on_cpu = true;
	v->sched.last_cpu = cpu;
	v->sched.slice_start_ns = now;
	q->current = v;
	return v;
}

/*
 * A dead vCPU left its CPU: if it was the last of its domain on any CPU and nobody else will
 * reap the domain (no dom0 yet), claim the teardown for the caller. Deciding under
 * sched_lock means exactly one CPU frees the domain, after every CPU has let go of it.
 */
static bool claim_reap(struct domain *d)
{
	if (dom0 || d->reaping)
		return false;
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		if (d->vcpus[i] && d->vcpus[i]->sched.on_cpu)
			return false;
	d->reaping = true;
	return true;
}

/* Charges the time v ran and puts it back where it belongs; returns the CPU to kick or -1.
 * Sets *reap when the caller must free v's domain (claim_reap). */
int sched_put(unsigned int cpu, struct vcpu *v, uint64_t now, bool *reap)
{
	struct sched_cpu *q = &sched_cpus[cpu];
	charge(v, now);
	uint64_t least = v->sched.vruntime;
	if (q->head && q->head->sched.vruntime < least)
		least = q->head->sched.vruntime;
	if (least > q->min_vruntime)
		q->min_vruntime = least;
	q->current = NULL;
	v->sched.on_cpu = false;
	*reap = v->state == VCPU_DEAD && claim_reap(v->domain);
	return v->state == VCPU_RUNNABLE ? make_runnable(v, false) : -1;
}

/* Should the running vCPU give way? Paused, moved, over its cap, or its slice is over and
 * someone else may run here. */
bool sched_should_preempt(unsigned int cpu, struct vcpu *v, uint64_t now)
{
	if (v->sched.pause_count || !allowed(v, cpu) || over_cap(v->domain, now, now - v->sched.slice_start_ns))
		return true;
	if (now - v->sched.slice_start_ns < sched_slice_ns)
		return false;
	return first_eligible(&sched_cpus[cpu], cpu, now) != NULL;
}

void sched_kick_cpu(int cpu)
{
	kick(cpu);
}
