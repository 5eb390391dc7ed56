/* idt.c: minios's IDT: fatal exception handlers with a clear report, the upcall that drives the scheduler, and the yield gate. */
#include "idt.h"

#include "console.h"
#include "cpu.h"
#include "events.h"
#include "hypercall.h"
#include "idt_gate.h"
#include "thread.h"

#define IDT_ENTRIES 256

static struct idt_gate idt[IDT_ENTRIES] __attribute__((aligned(16)));

extern const uint64_t minios_exception_stubs[32];
extern const char minios_upcall_entry[];
extern const char minios_yield_entry[];

void idt_init(void)
{
	uint16_t cs = read_cs();
	for (unsigned int v = 0; v < 32; v++)
		idt[v] = idt_gate_make(minios_exception_stubs[v], cs, 0);
	/* Interrupt gates: IF is cleared on entry, so the scheduler never nests. */
	idt[EVENTS_UPCALL_VECTOR] = idt_gate_make((uintptr_t)minios_upcall_entry, cs, 0);
	idt[MINIOS_YIELD_VECTOR] = idt_gate_make((uintptr_t)minios_yield_entry, cs, 0);
	struct desc_ptr idtr = { .limit = sizeof(idt) - 1, .base = (uintptr_t)idt };
	lidt(&idtr);
}

static const char *const exception_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow", "#BR bound range",
	"#UD invalid opcode", "#NM device not available", "#DF double fault", "coprocessor overrun",
	"#TS invalid TSS", "#NP segment not present", "#SS stack fault", "#GP general protection",
	"#PF page fault", "reserved 15", "#MF x87 error", "#AC alignment check", "#MC machine check",
	"#XM SIMD exception", "#VE virtualization", "#CP control protection",
};

/* Called by vectors.S with interrupts off; prints what happened and ends the domain as crashed. */
__attribute__((noreturn)) void minios_exception(const struct exception_frame *f);
void minios_exception(const struct exception_frame *f)
{
	uint64_t cr2;
	asm volatile("mov %%cr2, %0" : "=r"(cr2));
	const char *name = f->vector < 32 && exception_names[f->vector] ? exception_names[f->vector] : "exception";
	const struct thread *t = thread_current();
	gprintf("minios: %s (vector %llu, error %#llx) at rip %#llx rsp %#llx in thread '%s'\n", name,
		(unsigned long long)f->vector, (unsigned long long)f->error_code, (unsigned long long)f->rip,
		(unsigned long long)f->rsp, t ? t->name : "?");
	if (f->vector == 14)
		gprintf("minios: page fault address %#llx%s\n", (unsigned long long)cr2,
			thread_is_stack_guard(cr2) ? " (a thread's stack guard page: stack overflow)" : "");
	for (;;)
		keel_sched_shutdown(KEEL_SHUTDOWN_CRASH);
}
