/* console.h: where the hypervisor's log text goes (implemented by arch/: a UART today). */
#ifndef KEEL_CONSOLE_H
#define KEEL_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum console_kind { CONSOLE_COM1, CONSOLE_COM2, CONSOLE_NONE };

void console_init(enum console_kind kind);
void console_write(const char *s, size_t len);

/*
 * physdev CLAIM_CONSOLE: the log stops reaching the UART (the ring keeps everything) and
 * the UART is dom0's. 0 and where it is (also on a repeated claim), or -1 when there is
 * no serial console.
 */
int console_claim(uint16_t *base, uint16_t *irq);
/* The UART the hypervisor still drives (console on, not claimed): true and where it is. */
bool console_uart_kept(uint16_t *base, uint16_t *irq);
/* A panic: from now on the log reaches the UART again, claimed or not. */
void console_force(void);

#endif
