/* libc_port.c: starting newlib in a guest: the heap and the thread hooks, with defaults for single-threaded guests. */
#include "libc_port.h"

#include "console.h"
#include "hypercall.h"
#include "irq_flags.h"
#include "newlib_heap.h"

static void *one_owner(void)
{
	static char owner;
	return &owner;
}

/* With one thread, a lock held by someone else can only be a lock never released. */
static void cannot_wait(void)
{
	gprintf("libc: a lock is held by another owner in a single-threaded guest\n");
	for (;;)
		keel_sched_shutdown(KEEL_SHUTDOWN_CRASH);
}

/* console_wait_input checks for input with interrupts off itself; it needs them on to block. */
static bool wait_input_blocking(uint64_t deadline_ns)
{
	irq_restore(RFLAGS_IF);
	bool ready = console_wait_input(deadline_ns);
	irq_save();
	return ready;
}

struct libc_threads libc_port_threads = {
	.self = one_owner,
	.yield = cannot_wait,
	.wait_input = wait_input_blocking,
};

void libc_port_init(uint64_t heap_start, uint64_t heap_end, const struct libc_threads *threads)
{
	libc_heap_init(heap_start, heap_end);
	if (!threads)
		return;
	if (threads->self)
		libc_port_threads.self = threads->self;
	if (threads->yield)
		libc_port_threads.yield = threads->yield;
	if (threads->wait_input)
		libc_port_threads.wait_input = threads->wait_input;
}
