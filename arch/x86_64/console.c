/* console.c: binds the hypervisor console to a UART chosen on the command line, until dom0 claims it. */
#include "console.h"

#include "uart.h"

static uint16_t console_port;   /* 0: no console */
static bool claimed;            /* dom0 owns the UART: the log stays in the ring */
static bool forced;             /* a panic: write anyway */

void console_init(enum console_kind kind)
{
	uint16_t port = kind == CONSOLE_COM1 ? UART_COM1 : kind == CONSOLE_COM2 ? UART_COM2 : 0;
	console_port = (port && uart_init(port)) ? port : 0;
}

void console_write(const char *s, size_t len)
{
	if (!console_port)
		return;
	if (__atomic_load_n(&claimed, __ATOMIC_ACQUIRE) && !__atomic_load_n(&forced, __ATOMIC_ACQUIRE))
		return;
	uart_write(console_port, s, len);
}

static uint16_t isa_irq_of(uint16_t port)
{
	return port == UART_COM1 ? UART_COM1_IRQ : UART_COM2_IRQ;
}

int console_claim(uint16_t *base, uint16_t *irq)
{
	if (!console_port)
		return -1;
	*base = console_port;
	*irq = isa_irq_of(console_port);
	__atomic_store_n(&claimed, true, __ATOMIC_RELEASE);
	return 0;
}

bool console_uart_kept(uint16_t *base, uint16_t *irq)
{
	if (!console_port || __atomic_load_n(&claimed, __ATOMIC_ACQUIRE))
		return false;
	*base = console_port;
	*irq = isa_irq_of(console_port);
	return true;
}

void console_force(void)
{
	__atomic_store_n(&forced, true, __ATOMIC_RELEASE);
}
