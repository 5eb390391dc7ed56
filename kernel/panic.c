/* panic.c: stopping the whole machine on an unrecoverable hypervisor error. */
#include <stdarg.h>
#include <stdbool.h>

#include "arch.h"
#include "console.h"
#include "fmt.h"
#include "log.h"
#include "options.h"

static volatile bool panicking;

void panic(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	arch_irq_disable();
	if (__atomic_exchange_n(&panicking, true, __ATOMIC_SEQ_CST))
		arch_halt_forever();   /* another CPU is already reporting */

	arch_stop_other_cpus();
	/* The lock holder may be one of the CPUs just stopped. */
	log_force_unlocked();
	/* Even when dom0 has claimed the UART, the report must reach it. */
	console_force();

	va_start(ap, fmt);
	fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_err("panic: cpu %u: %s\n", arch_cpu_id(), msg);
	arch_backtrace_here();
	pr_err("panic: system halted\n");
	if (boot_options.test_exit)
		arch_debug_exit(KEEL_EXIT_PANIC);
	arch_halt_forever();
}

void panic_on_stop_ipi(void)
{
	if (panicking)
		arch_halt_forever();
	pr_warn("cpu %u: unexpected NMI ignored\n", arch_cpu_id());
}
