/* tty.h: the operator's terminal: dom0's serial port, with blocking reads for threads. */
#ifndef DOM0_TTY_H
#define DOM0_TTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Before tty_init the terminal is the hypervisor's console_io (output only). tty_init
 * claims the hypervisor's UART (physdev CLAIM_CONSOLE), binds its IRQ to an event
 * channel and drives the 16550 by interrupt from then on. newlib's stdout and stderr
 * (write(1|2, ...)) go to tty_write, so printf reaches the operator.
 */

/* 0, or a negated KEEL_E* (the terminal then stays on console_io and tty_read never returns data). */
long tty_init(void);
/* Queues the bytes for the UART, '\n' sent as "\r\n"; waits only while the queue is full. */
void tty_write(const void *buf, size_t len);
/* The next byte the operator typed, or -1 if none came by 'deadline_ns' (0 = wait forever). */
int tty_read_byte(uint64_t deadline_ns);
/* true once the claim succeeded: output goes to the UART, not to console_io. */
bool tty_owns_uart(void);
/* Input bytes lost because the operator typed faster than dom0 read (for 'info'). */
uint64_t tty_dropped_bytes(void);

#endif
