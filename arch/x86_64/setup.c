/* setup.c: bringing the boot CPU and the platform up, and the small arch services kernel/ uses. */
#include "arch.h"

#include "acpi.h"
#include "cpu.h"
#include "ioapic.h"
#include "lapic.h"
#include "layout.h"
#include "log.h"
#include "paging.h"
#include "percpu.h"
#include "platform.h"
#include "power.h"
#include "trap.h"
#include "tsc.h"

/* Until the scheduler arms the timer itself (arch_timer_arm), a tick arrives this often. */
#define TIMER_FIRST_NS 10000000ull
/* The earliest a one-shot is armed ahead: closer deadlines are treated as already due,
 * because an interrupt that lands while it is still being armed helps nobody. */
#define TIMER_MIN_AHEAD_NS 20000ull

struct acpi_info platform_acpi;

void percpu_activate(struct cpu *c)
{
	c->self = c;
	gdt_setup(&c->tables, c->stack_top - CPU_STACK_OFFSET - CPU_STACK_SIZE);
	gdt_load(&c->tables);
	wrmsr(MSR_GS_BASE, (uint64_t)c);
	idt_load();
}

static void timer_interrupt(struct trap_frame *f)
{
	(void)f;
	this_cpu()->timer_ticks++;
	this_cpu()->timer_armed_for = 0;   /* spent, however early or late it came */
	lapic_eoi();
}

static void kick_interrupt(struct trap_frame *f)
{
	/* Nothing to do: being interrupted is the point (leave HLT or the guest). */
	(void)f;
	lapic_eoi();
}

static void stop_interrupt(struct trap_frame *f)
{
	(void)f;
	arch_halt_forever();
}

void cpu_local_init(struct cpu *c)
{
	percpu_activate(c);
	arch_fpu_cpu_init();
	lapic_cpu_init();
	c->apic_id = lapic_id();
	lapic_timer_oneshot_init(VECTOR_TIMER);
	lapic_timer_oneshot_ns(TIMER_FIRST_NS);
}

void arch_timer_arm(uint64_t deadline_ns)
{
	struct cpu *c = this_cpu();
	/* One APIC write per interrupt, not one per guest entry: only an earlier deadline, or
	 * a timer whose interrupt has come (the APIC clock need not agree with the TSC, so it
	 * may come early), needs arming. */
	if (c->timer_armed_for && c->timer_armed_for <= deadline_ns)
		return;
	uint64_t now = arch_time_ns();
	uint64_t ahead = deadline_ns > now + TIMER_MIN_AHEAD_NS ? deadline_ns - now : TIMER_MIN_AHEAD_NS;
	c->timer_armed_for = now + ahead;
	lapic_timer_oneshot_ns(ahead);
}

void arch_boot_cpu_init(const struct boot_info *bi, void (*next)(void))
{
	struct cpu *bsp = &cpu_data[0];

	idt_init();
	paging_init(bi);
	bsp->id = 0;
	bsp->stack_top = paging_map_cpu_slot(0) + CPU_STACK_OFFSET + CPU_STACK_SIZE;
	/* Exceptions from here on are reported with the real tables and IST stacks. */
	percpu_activate(bsp);
	arch_fpu_cpu_init();
	bsp->online = true;
	arch_switch_stack(bsp->stack_top, (void (*)(void *))next, NULL);
}

void arch_platform_init(const struct boot_info *bi)
{
	int rc = acpi_parse(bi->acpi_rsdp, &platform_acpi);
	if (rc != ACPI_OK)
		pr_warn("acpi: tables unusable (error %d); running on one CPU without ACPI power control\n", rc);
	else
		acpi_log_summary(&platform_acpi);
	power_init(rc == ACPI_OK ? &platform_acpi : NULL);

	/* Silence the legacy PICs and every IOAPIC line: the APIC delivers everything from now on. */
	ioapic_init(&platform_acpi);

	tsc_calibrate();
	pr_info("time: TSC %llu.%03llu MHz (%s)\n", (unsigned long long)(tsc_khz() / 1000),
		(unsigned long long)(tsc_khz() % 1000), tsc_source());

	trap_set_handler(VECTOR_TIMER, timer_interrupt);
	trap_set_handler(VECTOR_IPI_STOP, stop_interrupt);
	trap_set_handler(VECTOR_IPI_KICK, kick_interrupt);
	lapic_global_init(platform_acpi.lapic_address);
	lapic_cpu_init();
	lapic_timer_calibrate();
	cpu_data[0].apic_id = lapic_id();
	lapic_timer_oneshot_init(VECTOR_TIMER);
	lapic_timer_oneshot_ns(TIMER_FIRST_NS);
	pr_info("apic: %s mode, one-shot timer\n", lapic_x2apic_mode() ? "x2APIC" : "xAPIC");
}

unsigned int arch_cpu_id(void)
{
	/* GS is set up early, but panic may run before: fall back to 0. */
	return rdmsr(MSR_GS_BASE) ? this_cpu()->id : 0;
}

void arch_irq_disable(void)
{
	irq_disable();
}

void arch_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

void arch_idle(void)
{
	cpu_idle_wait();
}

void arch_stop_other_cpus(void)
{
	if (cpus_online > 1)
		lapic_send_ipi_others(IPI_NMI, 0);
}

void arch_backtrace_here(void)
{
	backtrace_print((uint64_t)__builtin_frame_address(0));
}

void arch_debug_exit(uint8_t code)
{
	power_debug_exit(code);
}

void arch_power_off(void)
{
	power_off();
}

void arch_reboot(void)
{
	power_reboot();
}

void arch_raise_fault(const char *which)
{
	if (!which[0])
		return;
	pr_info("debug: raising %s on purpose (debug_fault=%s)\n", which, which);
	if (which[0] == 'u' && which[1] == 'd')
		__asm__ volatile("ud2");
	else if (which[0] == 'g' && which[1] == 'p') {
		/* A non-canonical address: #GP on every CPU and emulator (unlike a bogus MSR). */
		volatile uint64_t non_canonical = 0x8000000000000000ull;
		(void)*(volatile uint64_t *)non_canonical;
	} else if (which[0] == 'p' && which[1] == 'f') {
		volatile uint64_t unmapped = 0x10;   /* the loader's identity map is gone */
		(void)*(volatile uint64_t *)unmapped;
	}
	else if (which[0] == 'd' && which[1] == 'e') {
		volatile unsigned int zero = 0;
		pr_info("%u\n", 1u / zero);
	} else
		pr_warn("debug: unknown debug_fault '%s' (use ud, gp, pf or de)\n", which);
}

void arch_host_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t *eax, uint32_t *ebx, uint32_t *ecx, uint32_t *edx)
{
	struct cpuid_regs r = cpuid(leaf, subleaf);
	*eax = r.eax;
	*ebx = r.ebx;
	*ecx = r.ecx;
	*edx = r.edx;
}

uint64_t arch_read_tsc(void)
{
	return rdtsc();
}

void arch_kick_other_cpus(void)
{
	if (cpus_online > 1)
		lapic_send_ipi_others(IPI_FIXED, VECTOR_IPI_KICK);
}

uint64_t arch_timer_ticks(void)
{
	return this_cpu()->timer_ticks;
}

unsigned int arch_cpus_online(void)
{
	return cpus_online;
}

void arch_kick_cpu(unsigned int cpu)
{
	if (cpu < MAX_CPUS && cpu_data[cpu].online)
		lapic_send_ipi(cpu_data[cpu].apic_id, IPI_FIXED, VECTOR_IPI_KICK);
}

void arch_delay_us(uint64_t us)
{
	tsc_delay_us(us);
}
