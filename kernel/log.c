/* log.c: the hypervisor log: a ring buffer of everything said, echoed to the console by level. */
#include "log.h"

#include <stdarg.h>
#include <stdbool.h>

#include "console.h"
#include "fmt.h"
#include "irq.h"
#include "spinlock.h"

#define LOG_RING_SIZE (64 * 1024)   /* power of two: indices wrap with a mask */
#define LOG_LINE_MAX  512

static char ring[LOG_RING_SIZE];
static uint64_t ring_head;          /* total bytes ever written; the ring keeps the newest */
static spinlock_t log_lock = SPINLOCK_INIT;
static enum log_level console_level = LOG_INFO;
static volatile bool lock_bypass;

void log_set_console_level(enum log_level level)
{
	console_level = level;
}

void log_force_unlocked(void)
{
	lock_bypass = true;
}

static void ring_append(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ring[(ring_head + i) & (LOG_RING_SIZE - 1)] = s[i];
	ring_head += n;
}

static void log_emit(enum log_level level, const char *line, size_t len)
{
	unsigned long flags = irq_save();
	bool locked = !lock_bypass;
	if (locked)
		spin_lock(&log_lock);
	ring_append(line, len);
	if (level <= console_level)
		console_write(line, len);
	if (locked)
		spin_unlock(&log_lock);
	irq_restore(flags);
}

void log_printf(enum log_level level, const char *fmt, ...)
{
	char line[LOG_LINE_MAX];
	va_list ap;
	va_start(ap, fmt);
	int n = fmt_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	size_t len = (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
	log_emit(level, line, len);
}

size_t log_read(size_t offset, char *buf, size_t size)
{
	unsigned long flags = irq_save();
	spin_lock(&log_lock);
	uint64_t oldest = ring_head > LOG_RING_SIZE ? ring_head - LOG_RING_SIZE : 0;
	uint64_t start = oldest + offset;
	size_t n = 0;
	while (n < size && start + n < ring_head) {
		buf[n] = ring[(start + n) & (LOG_RING_SIZE - 1)];
		n++;
	}
	spin_unlock(&log_lock);
	irq_restore(flags);
	return n;
}
