/* console_capture.c: a domain's console_io history as a byte ring with a free-running count (console_capture.h). */
#include "console_capture.h"

#include "byte_history.h"

_Static_assert((KEEL_CONSOLE_CAPTURE & (KEEL_CONSOLE_CAPTURE - 1)) == 0, "the capture ring size is a power of two");

void console_capture_put(struct console_capture *c, const char *s, size_t n)
{
	byte_history_put(c->buf, KEEL_CONSOLE_CAPTURE, &c->written, s, n);
}

size_t console_capture_read(const struct console_capture *c, uint64_t *pos, char *dst, size_t len)
{
	return byte_history_read(c->buf, KEEL_CONSOLE_CAPTURE, c->written, pos, dst, len);
}
