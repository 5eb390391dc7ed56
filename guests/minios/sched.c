/* sched.c: minios's scheduler: the two entries vectors.S calls (upcall, yield), round-robin choice, event and deadline wake-ups, and the timer. */
#include "sched.h"

#include "console.h"
#include "events.h"
#include "hypercall.h"
#include "idt.h"
#include "irq_flags.h"
#include "timer.h"

#define PORT_WORDS (KEEL_EVTCHN_PORTS / 64)

/* guests/lib/events.c: the 2-level scan that calls each fired port's handler (the runtime's own upcall.S calls it too). */
void events_upcall(void);

static struct thread *current;
static uint32_t tick_port = THREAD_NO_PORT;
static volatile bool tick_fired;
static uint64_t preemptions_total;

struct thread *sched_current(void)
{
	return current;
}

void sched_set_current(struct thread *t)
{
	current = t;
}

uint64_t sched_preemptions(void)
{
	return preemptions_total;
}

static void on_tick(uint32_t port, void *arg)
{
	(void)port, (void)arg;
	tick_fired = true;
}

long sched_init(void)
{
	long rc = evtchn_bind_virq(KEEL_VIRQ_TIMER, 0, &tick_port);
	if (!rc)
		events_set_handler(tick_port, on_tick, 0);
	return rc;
}

static bool port_in(const uint64_t *ports, uint32_t port)
{
	return port < KEEL_EVTCHN_PORTS && (ports[port / 64] & (1ull << (port % 64)));
}

/* Wakes the waiters whose port fired or whose deadline passed. */
static void wake_waiters(const uint64_t *fired, uint64_t now)
{
	for (unsigned int i = 0; i < THREAD_MAX; i++) {
		struct thread *t = &threads[i];
		if (t->state != THREAD_WAITING)
			continue;
		if (fired && port_in(fired, t->wait_port)) {
			t->woken_by_event = true;
			t->state = THREAD_RUNNABLE;
		} else if (t->wake_at_ns && now >= t->wake_at_ns) {
			t->state = THREAD_RUNNABLE;
		}
	}
}

/* The next runnable thread after the current one in table order; idle (0) only if there is none. */
static struct thread *pick_next(void)
{
	unsigned int from = (unsigned int)(current - threads);
	for (unsigned int k = 1; k <= THREAD_MAX; k++) {
		unsigned int i = (from + k) % THREAD_MAX;
		if (i != 0 && threads[i].state == THREAD_RUNNABLE)
			return &threads[i];
	}
	return &threads[0];
}

/*
 * Tickless when it can be: the timer is armed for the slice's end only when two or more
 * threads compete for the CPU, and for the earliest deadline of a waiter.
 */
static void arm_timer(uint64_t now)
{
	unsigned int runnable = 0;
	uint64_t next = UINT64_MAX;
	for (unsigned int i = 0; i < THREAD_MAX; i++) {
		if (i > 0 && threads[i].state == THREAD_RUNNABLE)
			runnable++;
		if (threads[i].state == THREAD_WAITING && threads[i].wake_at_ns && threads[i].wake_at_ns < next)
			next = threads[i].wake_at_ns;
	}
	if (runnable >= 2 && now + SCHED_SLICE_NS < next)
		next = now + SCHED_SLICE_NS;
	set_timer(next == UINT64_MAX ? 0 : next);
}

static uint64_t switch_to(struct thread *next, uint64_t now)
{
	if (next != current)
		next->switches_in++;
	current = next;
	arm_timer(now);
	return current->saved_rsp;
}

/* vectors.S, on the event upcall (interrupts off): dispatch the events, then maybe switch. */
uint64_t sched_on_upcall(uint64_t rsp);
uint64_t sched_on_upcall(uint64_t rsp)
{
	current->saved_rsp = rsp;
	/* Which ports fired: read before the runtime's dispatch clears their pending bits. */
	uint64_t fired[PORT_WORDS];
	for (unsigned int w = 0; w < PORT_WORDS; w++)
		fired[w] = __atomic_load_n(&shared_info->evtchn_pending[w], __ATOMIC_SEQ_CST) &
			   ~__atomic_load_n(&shared_info->evtchn_mask[w], __ATOMIC_SEQ_CST);
	tick_fired = false;
	events_upcall();
	uint64_t now = time_now_ns();
	wake_waiters(fired, now);
	struct thread *next = current;
	if (tick_fired || current == &threads[0] || current->state != THREAD_RUNNABLE) {
		next = pick_next();
		if (next == &threads[0] && current->state == THREAD_RUNNABLE)
			next = current;   /* nobody else wants the CPU */
		if (tick_fired && next != current && current != &threads[0] && current->state == THREAD_RUNNABLE) {
			current->preemptions++;
			preemptions_total++;
		}
	}
	return switch_to(next, now);
}

/* vectors.S, on `int $MINIOS_YIELD_VECTOR`: the caller gives up the CPU (it may be waiting or dead). */
uint64_t sched_on_yield(uint64_t rsp);
uint64_t sched_on_yield(uint64_t rsp)
{
	current->saved_rsp = rsp;
	uint64_t now = time_now_ns();
	wake_waiters(NULL, now);
	struct thread *next = pick_next();
	if (next == &threads[0] && current->state == THREAD_RUNNABLE)
		next = current;
	return switch_to(next, now);
}

static void enter_scheduler(void)
{
	asm volatile("int %0" : : "i"(MINIOS_YIELD_VECTOR) : "memory");
}

void sched_yield(void)
{
	enter_scheduler();
}

bool sched_wait(uint32_t port, uint64_t deadline_ns)
{
	current->wait_port = port;
	current->wake_at_ns = deadline_ns;
	current->woken_by_event = false;
	current->state = THREAD_WAITING;
	if (current == &threads[0]) {
		/*
		 * The boot context (before it becomes the idle loop: loading the store) has no
		 * thread to hand the CPU to: it blocks the vCPU until the upcall wakes it.
		 */
		arm_timer(time_now_ns());
		while (current->state == THREAD_WAITING) {
			keel_sched_block();   /* returns at once for an event already pending (rule R1) */
			asm volatile("sti; nop; cli" : : : "memory");
		}
	} else {
		enter_scheduler();
	}
	current->wait_port = THREAD_NO_PORT;
	current->wake_at_ns = 0;
	return current->woken_by_event;
}

void sched_sleep_ns(uint64_t ns)
{
	uint64_t deadline = time_now_ns() + ns;
	uint64_t flags = irq_save();
	while (time_now_ns() < deadline)
		sched_wait(THREAD_NO_PORT, deadline);
	irq_restore(flags);
}

void sched_exit(void)
{
	irq_save();
	current->state = THREAD_DEAD;
	enter_scheduler();
	for (;;)   /* a dead thread is never picked again */
		keel_sched_shutdown(KEEL_SHUTDOWN_CRASH);
}

void sched_idle(void)
{
	for (;;) {
		uint64_t flags = irq_save();
		bool others = pick_next() != &threads[0];
		if (!others)
			keel_sched_block();   /* returns at once for an event already pending (rule R1) */
		irq_restore(flags | RFLAGS_IF);
		asm volatile("nop");      /* the upcall lands here and switches to whoever woke */
		if (others)
			sched_yield();
	}
}

void mutex_lock(struct mutex *m)
{
	uint64_t flags = irq_save();
	while (m->owner) {
		irq_restore(flags);
		sched_yield();
		flags = irq_save();
	}
	m->owner = current;
	irq_restore(flags);
}

void mutex_unlock(struct mutex *m)
{
	uint64_t flags = irq_save();
	if (m->owner == current)
		m->owner = NULL;
	irq_restore(flags);
}
