/* console_history.c: the console history ring (see console_history.h), over lib/byte_history. */
#include "console_history.h"

#include "byte_history.h"

_Static_assert((CONSOLE_HISTORY_SIZE & (CONSOLE_HISTORY_SIZE - 1)) == 0, "history size is a power of two");

void console_history_append(struct console_history *h, const void *data, size_t len)
{
	byte_history_put(h->buf, CONSOLE_HISTORY_SIZE, &h->total, data, len);
}

size_t console_history_read(const struct console_history *h, uint64_t *pos, void *out, size_t size)
{
	size_t copied = byte_history_read(h->buf, CONSOLE_HISTORY_SIZE, h->total, pos, out, size);
	*pos += copied;   /* this reader's position moves past what it got */
	return copied;
}

void console_text_sanitize(char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f)
			text[i] = '?';
	}
}
