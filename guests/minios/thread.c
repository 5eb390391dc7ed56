/* thread.c: creating minios threads: a guarded stack and a first context that looks like a preempted one, so the scheduler starts it like any other. */
#include "thread.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "irq_flags.h"
#include "pagetable.h"
#include "sched.h"

#define PAGE 4096u
#define RFLAGS_RESERVED1 (1u << 1)

struct thread threads[THREAD_MAX];

void thread_init(void)
{
	threads[0] = (struct thread){ .state = THREAD_RUNNABLE, .wait_port = THREAD_NO_PORT };
	strcpy(threads[0].name, "idle");
	sched_set_current(&threads[0]);
}

struct thread *thread_current(void)
{
	return sched_current();
}

/* Where every thread starts: the new context's RIP, with the thread in RDI. */
static __attribute__((noreturn)) void thread_trampoline(struct thread *t)
{
	t->fn(t->arg);
	sched_exit();
}

/* Frees the stacks of threads that ended (never the caller's own: it is running). */
static void reap_dead(void)
{
	for (unsigned int i = 1; i < THREAD_MAX; i++) {
		uint64_t flags = irq_save();
		bool dead = threads[i].state == THREAD_DEAD;
		uint8_t *stack = threads[i].stack;
		if (dead) {
			threads[i].state = THREAD_FREE;
			threads[i].stack = NULL;
		}
		irq_restore(flags);
		if (dead && stack) {
			pagetable_set_guard((uint64_t)(uintptr_t)stack, false);
			free(stack);
		}
	}
}

static uint16_t read_ss(void)
{
	uint16_t ss;
	asm volatile("mov %%ss, %0" : "=r"(ss));
	return ss;
}

struct thread *thread_create(const char *name, void (*fn)(void *), void *arg)
{
	reap_dead();
	uint8_t *stack = memalign(PAGE, THREAD_STACK_SIZE);
	if (!stack)
		return NULL;
	pagetable_set_guard((uint64_t)(uintptr_t)stack, true);

	/* Entered as if called: RSP % 16 == 8 at the first instruction, a zero return address above. */
	uint64_t top = ((uint64_t)(uintptr_t)stack + THREAD_STACK_SIZE) & ~15ull;
	uint64_t entry_rsp = top - 8;
	*(uint64_t *)(uintptr_t)entry_rsp = 0;
	struct switch_frame *f = (struct switch_frame *)(uintptr_t)((entry_rsp - sizeof(*f)) & ~15ull);
	memset(f, 0, sizeof(*f));
	*(uint16_t *)&f->fxsave[0] = 0x037f;     /* FCW: the FNINIT value */
	*(uint32_t *)&f->fxsave[24] = 0x1f80;    /* MXCSR: all SIMD exceptions masked */
	f->rip = (uint64_t)(uintptr_t)thread_trampoline;
	f->cs = read_cs();
	f->rflags = RFLAGS_RESERVED1 | RFLAGS_IF;
	f->rsp = entry_rsp;
	f->ss = read_ss();

	uint64_t flags = irq_save();
	struct thread *t = NULL;
	for (unsigned int i = 1; i < THREAD_MAX && !t; i++)
		if (threads[i].state == THREAD_FREE)
			t = &threads[i];
	if (t) {
		*t = (struct thread){ .saved_rsp = (uint64_t)(uintptr_t)f, .wait_port = THREAD_NO_PORT,
				      .fn = fn, .arg = arg, .stack = stack };
		f->regs.rdi = (uint64_t)(uintptr_t)t;
		snprintf(t->name, sizeof(t->name), "%s", name);
		t->state = THREAD_RUNNABLE;   /* last: from here the scheduler may pick it */
	}
	irq_restore(flags);
	if (!t) {
		pagetable_set_guard((uint64_t)(uintptr_t)stack, false);
		free(stack);
	}
	return t;
}

bool thread_is_stack_guard(uint64_t addr)
{
	for (unsigned int i = 1; i < THREAD_MAX; i++) {
		uint64_t low = (uint64_t)(uintptr_t)threads[i].stack;
		if (threads[i].state != THREAD_FREE && low && addr >= low && addr < low + PAGE)
			return true;
	}
	return false;
}

static const char *state_name(enum thread_state s)
{
	switch (s) {
	case THREAD_RUNNABLE: return "runnable";
	case THREAD_WAITING:  return "waiting";
	case THREAD_DEAD:     return "dead";
	default:              return "free";
	}
}

void thread_print_table(void)
{
	printf("%-3s %-9s %-15s %10s %12s\n", "id", "state", "name", "switches", "preemptions");
	for (unsigned int i = 0; i < THREAD_MAX; i++) {
		/* A copy, so the line is consistent even if the thread changes state meanwhile. */
		uint64_t flags = irq_save();
		struct thread t = threads[i];
		irq_restore(flags);
		if (t.state == THREAD_FREE)
			continue;
		printf("%-3u %-9s %-15s %10llu %12llu%s\n", i, state_name(t.state), t.name,
		       (unsigned long long)t.switches_in, (unsigned long long)t.preemptions,
		       &threads[i] == thread_current() ? " (this one)" : "");
	}
}
