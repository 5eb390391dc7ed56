/* console.h: printf-style output for guests, line-buffered and written through the console_io hypercall. */
#ifndef GUEST_CONSOLE_H
#define GUEST_CONSOLE_H

#include <stdarg.h>

/*
 * Formats with lib/fmt (the same conversions as the hypervisor's printf). Output goes out
 * at every newline, when the line buffer is full, and at the end of each call, so nothing
 * lingers in the guest if it dies right after. Not reentrant: guests are single-vCPU.
 */
int gprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int gvprintf(const char *fmt, va_list ap);

#endif
