/* fmt.h: freestanding printf-style formatting, shared by the hypervisor, dom0 and guests. */
#ifndef KEEL_FMT_H
#define KEEL_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* Receives each output character in turn. */
typedef void (*fmt_sink_fn)(void *ctx, char c);

/*
 * Supports the C99 conversions d i u x X o c s p %, the flags - 0 + space #,
 * width and precision (numbers or '*'), and the length modifiers hh h l ll z j t.
 * Floating point is deliberately absent: the hypervisor has no FPU state.
 * Returns the number of characters produced.
 */
int fmt_vformat(fmt_sink_fn sink, void *ctx, const char *fmt, va_list ap);

/* Like the C functions: always NUL-terminates when size > 0, returns the untruncated length. */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
