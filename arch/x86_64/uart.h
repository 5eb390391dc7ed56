/* uart.h: the 16550 serial port the hypervisor logs to. */
#ifndef KEEL_ARCH_UART_H
#define KEEL_ARCH_UART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UART_COM1 0x3f8
#define UART_COM2 0x2f8
#define UART_COM1_IRQ 4   /* their ISA IRQs */
#define UART_COM2_IRQ 3
#define UART_PORTS 8      /* I/O ports each UART decodes */

/* Programs 115200 8N1, FIFOs on, interrupts off; returns false if no UART answers there. */
bool uart_init(uint16_t port);
void uart_write(uint16_t port, const char *s, size_t len);

#endif
