/* trap.c: builds the exception IDT and decides, per exception, between a fixup and the unhandled path. */
#include "trap.h"

#include <stddef.h>

#include "console.h"
#include "cpu.h"
#include "idt_gate.h"
#include "hypercall.h"

/*
 * This file is compiled with -mgeneral-regs-only (mk/guests.mk): the handler interrupts
 * code that may hold live values in XMM registers, and saves only the general ones.
 */


struct extable_entry {
	uint64_t fault_rip;
	uint64_t fixup_rip;
};

extern const uint64_t trap_stubs[X86_EXC_COUNT];                 /* idt.S */
extern const struct extable_entry __extable_start[], __extable_end[];   /* guest.ld */

volatile struct trap_caught trap_caught = { .vector = TRAP_NONE };

static struct idt_gate idt[X86_EXC_COUNT] __attribute__((aligned(16)));
static trap_unhandled_fn unhandled_hook;

void trap_dispatch(struct trap_frame *frame);

const char *trap_name(int vector)
{
	static const char *const names[X86_EXC_COUNT] = {
		"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#CSO", "#TS", "#NP",
		"#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "#22", "#23",
		"#24", "#25", "#26", "#27", "#HV", "#VC", "#SX", "#31",
	};
	if (vector == TRAP_NONE)
		return "none";
	if (vector < 0 || vector >= X86_EXC_COUNT)
		return "?";
	return names[vector];
}

void trap_init(trap_unhandled_fn unhandled)
{
	uint16_t cs = read_cs();
	unhandled_hook = unhandled;
	for (int v = 0; v < X86_EXC_COUNT; v++) {
		idt[v] = idt_gate_make(trap_stubs[v], cs, 0);
	}
	struct desc_ptr idtr = { .limit = sizeof idt - 1, .base = (uintptr_t)idt };
	lidt(&idtr);
}

static void print_and_crash(const struct trap_frame *f)
{
	gprintf("guest: unhandled exception %s (vector %llu, error %#llx) at rip %#llx, rsp %#llx\n",
		trap_name((int)f->vector), (unsigned long long)f->vector,
		(unsigned long long)f->error_code, (unsigned long long)f->rip,
		(unsigned long long)f->rsp);
	keel_sched_shutdown(KEEL_SHUTDOWN_CRASH);
}

/* Called by idt.S with the saved state; returning resumes at frame->rip. */
void trap_dispatch(struct trap_frame *frame)
{
	for (const struct extable_entry *e = __extable_start; e < __extable_end; e++) {
		if (e->fault_rip == frame->rip) {
			trap_caught.vector = (int)frame->vector;
			trap_caught.error_code = frame->error_code;
			trap_caught.rip = frame->rip;
			frame->rip = e->fixup_rip;
			return;
		}
	}
	if (unhandled_hook)
		unhandled_hook(frame);
	print_and_crash(frame);
	/* Only a failed shutdown gets here: nothing sensible is left to run. */
	for (;;)
		asm volatile("cli; hlt");
}
