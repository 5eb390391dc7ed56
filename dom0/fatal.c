/* fatal.c: dom0's last words: one line to the operator and to the hypervisor's log, then a crash shutdown. */
#include "fatal.h"

#include <stdarg.h>
#include <stdio.h>

#include "hypercall.h"
#include "tty.h"

_Noreturn void dom0_fatal(const char *fmt, ...)
{
	/* Interrupts stay off: nothing else runs, and tty_write sends by polling the UART. */
	asm volatile("cli" : : : "memory");
	char line[200];
	int n = snprintf(line, sizeof(line), "dom0: fatal: ");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	size_t len = 0;
	while (line[len])
		len++;
	line[len++] = '\n';
	tty_write(line, len);
	/* Once dom0 owns the UART, the hypervisor's log (dmesg) gets its own copy. */
	if (tty_owns_uart())
		keel_console_write(line, len);
	for (;;)
		keel_sched_shutdown(KEEL_SHUTDOWN_CRASH);
}
