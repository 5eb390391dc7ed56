/* console_history.h: the last 16 KiB a domain's console printed, kept so 'console <dom>' can show what came before. */
#ifndef DOM0_CONSOLE_HISTORY_H
#define DOM0_CONSOLE_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#define CONSOLE_HISTORY_SIZE 16384   /* a power of two: positions map to slots by masking */

/*
 * Bytes are numbered from 0 in the order they were appended; the history keeps the
 * newest CONSOLE_HISTORY_SIZE of them. A reader keeps its own position and asks for
 * what came after it; a reader that fell behind resumes at the oldest byte still kept.
 */
struct console_history {
	uint64_t total;                      /* bytes ever appended */
	char buf[CONSOLE_HISTORY_SIZE];
};

void console_history_append(struct console_history *h, const void *data, size_t len);

/*
 * Copies up to 'size' bytes that follow position *pos into 'out' and advances *pos past
 * them (first moving it to the oldest kept byte if it was older). Returns the count, 0
 * when the reader has everything.
 */
size_t console_history_read(const struct console_history *h, uint64_t *pos, void *out, size_t size);

/*
 * Makes text from a domain's console_io safe for the operator's terminal: control bytes
 * other than newline, carriage return and tab (ESC above all, which could drive the
 * terminal) and DEL become '?', the rule the hypervisor's own log follows. The console
 * ring is the guest's terminal stream and passes through as it is, like `xl console`.
 */
void console_text_sanitize(char *text, size_t len);

#endif
