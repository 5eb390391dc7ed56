/* idt.c: the interrupt descriptor table, exception reporting and interrupt dispatch. */
#include "trap.h"
#include "lapic.h"

#include "console.h"
#include "cpu.h"
#include "gdt.h"
#include "idt_gate.h"
#include "layout.h"
#include "log.h"
#include "percpu.h"

extern const uint64_t trap_stub_table[256];

static struct idt_gate idt[256] __attribute__((aligned(16)));
static irq_handler_fn irq_handlers[256];

static const char *const exception_names[32] = {
	[0] = "#DE divide error",          [1] = "#DB debug",
	[2] = "NMI",                       [3] = "#BP breakpoint",
	[4] = "#OF overflow",              [5] = "#BR bound range",
	[6] = "#UD invalid opcode",        [7] = "#NM device not available",
	[8] = "#DF double fault",          [10] = "#TS invalid TSS",
	[11] = "#NP segment not present",  [12] = "#SS stack fault",
	[13] = "#GP general protection",   [14] = "#PF page fault",
	[16] = "#MF x87 error",            [17] = "#AC alignment check",
	[18] = "#MC machine check",        [19] = "#XM SIMD error",
	[20] = "#VE virtualization",       [21] = "#CP control protection",
	[29] = "#VC VMM communication",    [30] = "#SX security",
};

static void set_gate(uint8_t vector, uint64_t handler, uint8_t ist)
{
	idt[vector] = idt_gate_make(handler, GDT_KERNEL_CS, ist);
}

void idt_init(void)
{
	for (int v = 0; v < 256; v++)
		set_gate(v, trap_stub_table[v], 0);
	/* These may arrive on a broken stack, so they get known-good ones. */
	set_gate(8, trap_stub_table[8], IST_DF);
	set_gate(2, trap_stub_table[2], IST_NMI);
	set_gate(18, trap_stub_table[18], IST_MC);
}

void idt_load(void)
{
	struct { uint16_t limit; uint64_t base; } __attribute__((packed)) p = { sizeof(idt) - 1, (uint64_t)idt };
	__asm__ volatile("lidt %0" :: "m"(p));
}

void trap_set_handler(uint8_t vector, irq_handler_fn fn)
{
	irq_handlers[vector] = fn;
}

static bool plausible_frame(uint64_t rbp)
{
	/* Frames live on a guarded per-CPU stack or the boot stack in the image. */
	return (rbp & 7) == 0 && rbp >= STACK_AREA_BASE;
}

void backtrace_print(uint64_t rbp)
{
	pr_err("backtrace:\n");
	for (int depth = 0; depth < 16 && rbp && plausible_frame(rbp); depth++) {
		const uint64_t *frame = (const uint64_t *)rbp;
		uint64_t ret = frame[1];
		if (ret < 0xffffffff80000000ull)
			break;
		pr_err("  [%d] %#018llx\n", depth, (unsigned long long)ret);
		if (frame[0] <= rbp)  /* stacks grow down, so callers' frames sit higher */
			break;
		rbp = frame[0];
	}
}

void trap_dump(const struct trap_frame *f)
{
	const char *name = f->vector < 32 && exception_names[f->vector] ? exception_names[f->vector] : "reserved";
	pr_err("*** CPU %u: EXCEPTION %s (vector %llu) error code %#llx\n", cpu_id(), name,
	       (unsigned long long)f->vector, (unsigned long long)f->error_code);
	pr_err("RIP=%#018llx CS=%#06llx RFLAGS=%#010llx RSP=%#018llx SS=%#06llx\n",
	       (unsigned long long)f->rip, (unsigned long long)f->cs, (unsigned long long)f->rflags,
	       (unsigned long long)f->rsp, (unsigned long long)f->ss);
	pr_err("RAX=%#018llx RBX=%#018llx RCX=%#018llx RDX=%#018llx\n",
	       (unsigned long long)f->rax, (unsigned long long)f->rbx, (unsigned long long)f->rcx,
	       (unsigned long long)f->rdx);
	pr_err("RSI=%#018llx RDI=%#018llx RBP=%#018llx R8 =%#018llx\n",
	       (unsigned long long)f->rsi, (unsigned long long)f->rdi, (unsigned long long)f->rbp,
	       (unsigned long long)f->r8);
	pr_err("R9 =%#018llx R10=%#018llx R11=%#018llx R12=%#018llx\n",
	       (unsigned long long)f->r9, (unsigned long long)f->r10, (unsigned long long)f->r11,
	       (unsigned long long)f->r12);
	pr_err("R13=%#018llx R14=%#018llx R15=%#018llx\n",
	       (unsigned long long)f->r13, (unsigned long long)f->r14, (unsigned long long)f->r15);
	pr_err("CR0=%#018llx CR2=%#018llx CR3=%#018llx CR4=%#018llx\n",
	       (unsigned long long)read_cr0(), (unsigned long long)read_cr2(),
	       (unsigned long long)read_cr3(), (unsigned long long)read_cr4());
	backtrace_print(f->rbp);
}


/* Called from traps.S with interrupts disabled. */
void trap_dispatch(struct trap_frame *f);
void trap_dispatch(struct trap_frame *f)
{
	uint64_t v = f->vector;

	if (v == 2) {
		/* NMI: the only one we send is panic's "stop everything". */
		panic_on_stop_ipi();
	}
	if (v < 32) {
		console_force();   /* the report must reach the UART even if dom0 claimed it */
		trap_dump(f);
		panic("unhandled exception %llu in the hypervisor", (unsigned long long)v);
	}
	if (irq_handlers[v]) {
		irq_handlers[v](f);
		return;
	}
	pr_warn("cpu %u: unexpected interrupt vector %llu\n", cpu_id(), (unsigned long long)v);
	if (v != VECTOR_SPURIOUS)   /* the spurious vector must not be acknowledged */
		lapic_eoi();
}
