/* thread.c: dom0's cooperative threads: creation, the run queue, wait queues, sleeping, and the idle loop that blocks the vCPU. */
#include "thread.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "console.h"
#include "fatal.h"
#include "hypercall.h"
#include "irq_flags.h"
#include "timer.h"

/*
 * Every thread runs on its own malloc'd stack and switches only to the scheduler's context
 * (thread_run's loop, on the boot stack), which picks the next one: two switches per hand-
 * over, but one place that decides. Run-queue and wait-queue state is shared with event
 * handlers (waitq_wake_all from the upcall), so it is changed with interrupts disabled,
 * and thread_switch is always entered with interrupts disabled.
 */

#define THREAD_STACK_SIZE (64u * 1024)
/* Written at the lowest words of each stack; a thread that ran off its stack overwrote them. */
#define STACK_CANARY      0x2174736c6565b4b1ull
#define STACK_CANARY_WORDS 4

enum thread_state { THREAD_RUNNABLE, THREAD_WAITING, THREAD_DEAD };

struct thread {
	const char *name;
	void (*fn)(void *arg);
	void *arg;
	uint64_t sp;                  /* saved rsp while not running */
	uint64_t *stack;              /* lowest address, canary first */
	enum thread_state state;
	struct waitq *waiting_on;     /* the queue it is on, or NULL */
	struct thread *next_waiter;
	uint64_t deadline_ns;         /* while waiting: when to give up, 0 = never */
	bool woken;                   /* set by waitq_wake_all, not by a timeout */
	int saved_errno;              /* newlib's errno is global: each thread keeps its own */
	struct thread *next_run;
	struct thread *next_all;
};

void thread_switch(uint64_t *save_sp, uint64_t load_sp);
void thread_entry(void);
_Noreturn void thread_start(void);

static struct thread *all_threads;
static struct thread *run_head, *run_tail;
static struct thread *current;
static uint64_t scheduler_sp;
static void (*idle_poll)(void);
static uint64_t idle_poll_period_ns;


static void runq_push(struct thread *t)
{
	t->next_run = NULL;
	if (run_tail)
		run_tail->next_run = t;
	else
		run_head = t;
	run_tail = t;
}

static struct thread *runq_pop(void)
{
	struct thread *t = run_head;
	if (t) {
		run_head = t->next_run;
		if (!run_head)
			run_tail = NULL;
	}
	return t;
}

static void waitq_unlink(struct waitq *q, struct thread *t)
{
	struct thread *prev = NULL;
	for (struct thread *w = q->head; w; prev = w, w = w->next_waiter) {
		if (w != t)
			continue;
		if (prev)
			prev->next_waiter = w->next_waiter;
		else
			q->head = w->next_waiter;
		if (q->tail == w)
			q->tail = prev;
		break;
	}
	t->next_waiter = NULL;
}

/* A waiting thread becomes runnable, off whatever queue it was on. Interrupts off. */
static void make_runnable(struct thread *t, bool woken)
{
	if (t->state != THREAD_WAITING)
		return;
	if (t->waiting_on)
		waitq_unlink(t->waiting_on, t);
	t->waiting_on = NULL;
	t->woken = woken;
	t->state = THREAD_RUNNABLE;
	runq_push(t);
}

static void check_stack(const struct thread *t)
{
	for (unsigned int i = 0; i < STACK_CANARY_WORDS; i++)
		if (t->stack[i] != STACK_CANARY)
			dom0_fatal("thread '%s' overran its %u-byte stack", t->name, THREAD_STACK_SIZE);
}

/* From a thread, with interrupts off: back to the scheduler until it picks this thread again. */
static void switch_to_scheduler(void)
{
	struct thread *self = current;
	check_stack(self);
	self->saved_errno = errno;
	thread_switch(&self->sp, scheduler_sp);
	errno = self->saved_errno;
}

/* The first C a new thread runs (from thread_entry), on its own stack. */
_Noreturn void thread_start(void)
{
	asm volatile("sti" : : : "memory");
	current->fn(current->arg);
	irq_save();
	current->state = THREAD_DEAD;
	switch_to_scheduler();
	dom0_fatal("a finished thread was resumed");
}

struct thread *thread_create(const char *name, void (*fn)(void *arg), void *arg)
{
	struct thread *t = calloc(1, sizeof(*t));
	uint64_t *stack = malloc(THREAD_STACK_SIZE);
	if (!t || !stack) {
		free(t);
		free(stack);
		return NULL;
	}
	t->name = name;
	t->fn = fn;
	t->arg = arg;
	t->stack = stack;
	for (unsigned int i = 0; i < STACK_CANARY_WORDS; i++)
		stack[i] = STACK_CANARY;

	/*
	 * The frame thread_switch pops, lowest first: MXCSR and x87 control word, r15, r14,
	 * r13, r12, rbx, rbp, return address. Its top is 16-byte aligned, as thread_entry wants.
	 */
	uint64_t top = ((uint64_t)(uintptr_t)stack + THREAD_STACK_SIZE) & ~15ull;
	uint64_t *frame = (uint64_t *)(uintptr_t)top - 8;
	frame[0] = 0x1f80u | (0x037full << 32);   /* MXCSR: all masked; FCW: the fninit value */
	for (unsigned int i = 1; i < 7; i++)
		frame[i] = 0;
	frame[7] = (uint64_t)(uintptr_t)thread_entry;
	t->sp = (uint64_t)(uintptr_t)frame;

	uint64_t flags = irq_save();
	t->next_all = all_threads;
	all_threads = t;
	t->state = THREAD_RUNNABLE;
	runq_push(t);
	irq_restore(flags);
	return t;
}

bool thread_can_wait(void)
{
	return current && irq_enabled();
}

/*
 * Waiting with interrupts off is allowed (tty.c checks a condition and waits without a
 * window for its interrupt to slip through); waiting outside a thread is a bug.
 */
static void require_thread(const char *what)
{
	if (!current)
		dom0_fatal("%s outside a thread", what);
}

void thread_yield(void)
{
	require_thread("thread_yield");
	uint64_t flags = irq_save();
	runq_push(current);
	switch_to_scheduler();
	irq_restore(flags);
}

bool waitq_wait(struct waitq *q, uint64_t deadline_ns)
{
	require_thread("waitq_wait");
	uint64_t flags = irq_save();
	struct thread *self = current;
	self->state = THREAD_WAITING;
	self->deadline_ns = deadline_ns;
	self->woken = false;
	self->waiting_on = q;
	self->next_waiter = NULL;
	if (q) {
		if (q->tail)
			q->tail->next_waiter = self;
		else
			q->head = self;
		q->tail = self;
	}
	switch_to_scheduler();
	self->deadline_ns = 0;
	bool woken = self->woken;
	irq_restore(flags);
	return woken;
}

void waitq_wake_all(struct waitq *q)
{
	uint64_t flags = irq_save();
	while (q->head)
		make_runnable(q->head, true);
	irq_restore(flags);
}

void thread_sleep_ns(uint64_t ns)
{
	uint64_t deadline = time_now_ns() + ns;
	/* Nothing wakes a NULL queue, so each return is the deadline passing. */
	do
		waitq_wait(NULL, deadline);
	while (time_now_ns() < deadline);
}

struct thread *thread_self(void)
{
	return current;
}

const char *thread_name(void)
{
	return current ? current->name : "main";
}

void thread_set_idle_poll(void (*poll)(void), uint64_t period_ns)
{
	idle_poll = poll;
	idle_poll_period_ns = period_ns;
}

/* Wakes every waiter whose deadline has passed; returns the earliest one still ahead (0 = none). */
static uint64_t expire_deadlines(uint64_t now)
{
	uint64_t earliest = 0;
	for (struct thread *t = all_threads; t; t = t->next_all) {
		if (t->state != THREAD_WAITING || !t->deadline_ns)
			continue;
		if (t->deadline_ns <= now)
			make_runnable(t, false);
		else if (!earliest || t->deadline_ns < earliest)
			earliest = t->deadline_ns;
	}
	return earliest;
}

static void reap(struct thread *dead)
{
	for (struct thread **p = &all_threads; *p; p = &(*p)->next_all) {
		if (*p == dead) {
			*p = dead->next_all;
			break;
		}
	}
	free(dead->stack);
	free(dead);
}

/*
 * Nothing is runnable: block the vCPU until an event or the earliest deadline. Interrupts
 * are off from the run-queue check to BLOCK, so an event that arrives in between leaves the
 * upcall pending and BLOCK returns at once (sched.h): no wake-up is lost. The short
 * interrupt window after it lets the upcall run the handlers that make threads runnable.
 */
static void idle(uint64_t earliest_deadline)
{
	uint64_t deadline = earliest_deadline;
	if (idle_poll) {
		idle_poll();
		if (run_head)
			return;
		uint64_t next_poll = time_now_ns() + idle_poll_period_ns;
		if (!deadline || next_poll < deadline)
			deadline = next_poll;
	}
	if (deadline)
		set_timer(deadline);
	keel_sched_block();
	asm volatile("sti; nop; cli" : : : "memory");
}

_Noreturn void thread_run(void)
{
	irq_save();
	for (;;) {
		uint64_t earliest = expire_deadlines(time_now_ns());
		struct thread *t = runq_pop();
		if (!t) {
			idle(earliest);
			continue;
		}
		check_stack(t);
		current = t;
		thread_switch(&scheduler_sp, t->sp);
		current = NULL;
		check_stack(t);
		if (t->state == THREAD_DEAD)
			reap(t);
	}
}
