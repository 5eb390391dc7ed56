/* uart.c: a polled 16550 driver for the hypervisor's own console (dom0 drives the others). */
#include "uart.h"

#include "cpu.h"

enum {
	REG_DATA = 0, REG_IER = 1, REG_FCR = 2, REG_LCR = 3, REG_MCR = 4, REG_LSR = 5, REG_SCR = 7,
	LCR_DLAB = 0x80, LCR_8N1 = 0x03,
	LSR_THR_EMPTY = 0x20,
};

bool uart_init(uint16_t port)
{
	/* The scratch register round-trips only if a UART is really there. */
	outb(port + REG_SCR, 0x5a);
	if (inb(port + REG_SCR) != 0x5a)
		return false;
	outb(port + REG_IER, 0);
	outb(port + REG_LCR, LCR_DLAB);
	outb(port + REG_DATA, 1);          /* divisor 1: 115200 baud */
	outb(port + REG_IER, 0);
	outb(port + REG_LCR, LCR_8N1);
	outb(port + REG_FCR, 0x07);        /* enable and clear FIFOs */
	outb(port + REG_MCR, 0x03);        /* DTR, RTS */
	return true;
}

static void uart_putc(uint16_t port, char c)
{
	/* Bounded wait: a wedged or absent UART must not hang the hypervisor. */
	for (int spins = 0; spins < 100000; spins++) {
		if (inb(port + REG_LSR) & LSR_THR_EMPTY)
			break;
		cpu_relax();
	}
	outb(port + REG_DATA, (uint8_t)c);
}

void uart_write(uint16_t port, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			uart_putc(port, '\r');
		uart_putc(port, s[i]);
	}
}
