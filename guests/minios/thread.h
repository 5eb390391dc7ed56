/* thread.h: minios's threads: a table of contexts with their own stacks, and the saved-context layout the switch path uses. */
#ifndef MINIOS_THREAD_H
#define MINIOS_THREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "idt.h"

#define THREAD_MAX        16
#define THREAD_NAME_MAX   16
#define THREAD_STACK_SIZE (64 * 1024)   /* printf with long long and floats wants a few KiB; room to spare */
#define THREAD_NO_PORT    UINT32_MAX

/* A suspended context: exactly what vectors.S's switch entry leaves at RSP. */
struct switch_frame {
	uint8_t fxsave[512];
	struct gpr_regs regs;
	uint64_t rip, cs, rflags, rsp, ss;
};
_Static_assert(sizeof(struct switch_frame) == 512 + 15 * 8 + 5 * 8, "matches vectors.S");

enum thread_state {
	THREAD_FREE,        /* an unused table slot */
	THREAD_RUNNABLE,    /* running or ready to */
	THREAD_WAITING,     /* in sched_wait: for an event port, a deadline, or both */
	THREAD_DEAD,        /* returned; its stack is freed by the next thread_create */
};

struct thread {
	uint64_t saved_rsp;            /* its struct switch_frame while it is not running */
	enum thread_state state;
	char name[THREAD_NAME_MAX];
	uint32_t wait_port;            /* THREAD_NO_PORT, or the event port it waits for */
	uint64_t wake_at_ns;           /* 0, or the system time that ends its wait */
	bool woken_by_event;           /* how the last wait ended */
	void (*fn)(void *);
	void *arg;
	uint8_t *stack;                /* lowest byte; its first page is an unmapped guard */
	uint64_t switches_in;          /* times the scheduler resumed it */
	uint64_t preemptions;          /* times the timer took the CPU from it while it could run */
};

/* Thread 0 is the boot context, which becomes the idle loop: no stack of its own to free. */
extern struct thread threads[THREAD_MAX];

/* Sets up thread 0 for the running (boot) context. */
void thread_init(void);

/*
 * Starts fn(arg) on a new thread with a THREAD_STACK_SIZE stack (malloc'd, its lowest page
 * unmapped as a guard). It first runs when the scheduler picks it; when fn returns the
 * thread ends. The thread, or NULL (table full, no memory).
 */
struct thread *thread_create(const char *name, void (*fn)(void *), void *arg);

/* The running thread (NULL before thread_init). */
struct thread *thread_current(void);

/* Whether addr lies in some thread's stack guard page. */
bool thread_is_stack_guard(uint64_t addr);

/* One line per thread for the shell: id, state, name, switches, preemptions. */
void thread_print_table(void);

#endif
