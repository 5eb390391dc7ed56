/* console.c: binds the hypervisor console to a UART chosen on the command line. */
#include "console.h"

#include "uart.h"

static uint16_t console_port;   /* 0: no console */

void console_init(enum console_kind kind)
{
	uint16_t port = kind == CONSOLE_COM1 ? UART_COM1 : kind == CONSOLE_COM2 ? UART_COM2 : 0;
	console_port = (port && uart_init(port)) ? port : 0;
}

void console_write(const char *s, size_t len)
{
	if (console_port)
		uart_write(console_port, s, len);
}
