/* timer.c: per-vCPU one-shot timers: per-CPU sorted deadline lists, arming, cancelling and firing. */
#include "timer.h"

#include "arch.h"
#include "config.h"
#include "evtchn.h"
#include "keel/event_channel.h"
#include "log.h"
#include "sched.h"
#include "spinlock.h"
#include "vcpu.h"

/*
 * Lock order (evtchn.h has the whole list): a CPU's timer lock is taken before any event
 * channel lock and sched_lock, and never two timer locks at once. Firing happens with the
 * list locked, so timer_cancel() returning means the vCPU is not being fired at.
 */
struct timer_cpu {
	spinlock_t lock;
	struct vcpu *head;          /* earliest deadline first */
	uint64_t next_deadline;     /* head's deadline, or TIMER_NEVER: readable without the lock */
};

static struct timer_cpu timer_cpus[MAX_CPUS] = { [0 ... MAX_CPUS - 1] = { .next_deadline = TIMER_NEVER } };

/* Called with tc->lock held whenever the head may have changed. */
static void note_head(struct timer_cpu *tc)
{
	__atomic_store_n(&tc->next_deadline, tc->head ? tc->head->timer.deadline : TIMER_NEVER, __ATOMIC_RELEASE);
}
static unsigned int armed_total;

unsigned int timer_armed_count(void)
{
	return __atomic_load_n(&armed_total, __ATOMIC_ACQUIRE);
}

static void list_insert(struct timer_cpu *tc, struct vcpu *v)
{
	struct vcpu **p = &tc->head;
	while (*p && (*p)->timer.deadline <= v->timer.deadline)
		p = &(*p)->timer.next;
	v->timer.next = *p;
	*p = v;
}

static void list_remove(struct timer_cpu *tc, struct vcpu *v)
{
	for (struct vcpu **p = &tc->head; *p; p = &(*p)->timer.next) {
		if (*p == v) {
			*p = v->timer.next;
			break;
		}
	}
	v->timer.next = NULL;
}

void timer_cancel(struct vcpu *v)
{
	/* The list may change hands between the check and the lock: re-check under the lock. */
	while (__atomic_load_n(&v->timer.armed, __ATOMIC_ACQUIRE)) {
		unsigned int cpu = __atomic_load_n(&v->timer.cpu, __ATOMIC_RELAXED);
		struct timer_cpu *tc = &timer_cpus[cpu];
		spin_lock(&tc->lock);
		bool here = v->timer.armed && v->timer.cpu == cpu;
		if (here) {
			list_remove(tc, v);
			note_head(tc);
			__atomic_store_n(&v->timer.armed, false, __ATOMIC_RELEASE);
			__atomic_fetch_sub(&armed_total, 1, __ATOMIC_RELEASE);
		}
		spin_unlock(&tc->lock);
		if (here)
			return;
	}
}

/* The timer passed: the event if the vCPU listens for it, and a wake-up either way. */
static void fire(struct vcpu *v)
{
	evtchn_send_virq(v, KEEL_VIRQ_TIMER);
	sched_kick(v);
}

void timer_set(struct vcpu *v, uint64_t deadline)
{
	timer_cancel(v);
	if (!deadline)
		return;
	if (deadline <= arch_time_ns()) {
		fire(v);
		return;
	}
	unsigned int cpu = arch_cpu_id();
	struct timer_cpu *tc = &timer_cpus[cpu];
	spin_lock(&tc->lock);
	v->timer.deadline = deadline;
	v->timer.cpu = cpu;
	list_insert(tc, v);
	note_head(tc);
	__atomic_fetch_add(&armed_total, 1, __ATOMIC_RELEASE);
	__atomic_store_n(&v->timer.armed, true, __ATOMIC_RELEASE);
	spin_unlock(&tc->lock);
}

void timer_run_expired(unsigned int cpu, uint64_t now)
{
	struct timer_cpu *tc = &timer_cpus[cpu];
	/* The common case, without the lock (and without touching a vCPU another CPU may be
	 * freeing); a timer added meanwhile is seen by the next call. */
	if (__atomic_load_n(&tc->next_deadline, __ATOMIC_ACQUIRE) > now)
		return;
	spin_lock(&tc->lock);
	while (tc->head && tc->head->timer.deadline <= now) {
		struct vcpu *v = tc->head;
		tc->head = v->timer.next;
		v->timer.next = NULL;
		__atomic_store_n(&v->timer.armed, false, __ATOMIC_RELEASE);
		__atomic_fetch_sub(&armed_total, 1, __ATOMIC_RELEASE);
		fire(v);
	}
	note_head(tc);
	spin_unlock(&tc->lock);
}

void timer_watchdog(unsigned int self, uint64_t now)
{
	static unsigned int reported;   /* one log line, not one per kick */
	unsigned int cpus = arch_cpus_online();
	for (unsigned int c = 0; c < cpus && c < MAX_CPUS; c++) {
		uint64_t due = __atomic_load_n(&timer_cpus[c].next_deadline, __ATOMIC_ACQUIRE);
		if (c == self || due == TIMER_NEVER || now < due || now - due < TIMER_WATCHDOG_NS)
			continue;
		if (!__atomic_fetch_add(&reported, 1, __ATOMIC_RELAXED))
			pr_warn("timer: CPU %u's timers are %llu ms overdue (a lost interrupt?): kicking it\n", c,
				(unsigned long long)((now - due) / 1000000));
		arch_kick_cpu(c);
	}
}

void timer_arm_cpu(unsigned int cpu, uint64_t now, uint64_t slice_end)
{
	struct timer_cpu *tc = &timer_cpus[cpu];
	arch_timer_arm(timer_interrupt_deadline(__atomic_load_n(&tc->next_deadline, __ATOMIC_ACQUIRE), slice_end, now));
}
