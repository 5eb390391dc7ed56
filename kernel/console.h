/* console.h: where the hypervisor's log text goes (implemented by arch/: a UART today). */
#ifndef KEEL_CONSOLE_H
#define KEEL_CONSOLE_H

#include <stddef.h>

enum console_kind { CONSOLE_COM1, CONSOLE_COM2, CONSOLE_NONE };

void console_init(enum console_kind kind);
void console_write(const char *s, size_t len);

#endif
