/* console.c: gprintf: lib/fmt into a line buffer that is written out through console_io. */
#include "console.h"

#include <stddef.h>

#include "fmt.h"
#include "hypercall.h"

/* Long enough for any line a guest prints; a longer one simply goes out in pieces. */
static char line[256];
static size_t line_len;

static void flush(void)
{
	if (line_len) {
		keel_console_write(line, line_len);
		line_len = 0;
	}
}

static void put_char(void *ctx, char c)
{
	(void)ctx;
	line[line_len++] = c;
	if (c == '\n' || line_len == sizeof line)
		flush();
}

int gvprintf(const char *fmt, va_list ap)
{
	int n = fmt_vformat(put_char, NULL, fmt, ap);
	flush();
	return n;
}

int gprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = gvprintf(fmt, ap);
	va_end(ap);
	return n;
}
