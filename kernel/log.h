/* log.h: the hypervisor log: leveled messages into a ring buffer (for dmesg) and onto the console. */
#ifndef KEEL_LOG_H
#define KEEL_LOG_H

#include <stddef.h>

enum log_level { LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG };

void log_printf(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define pr_err(...)   log_printf(LOG_ERR, __VA_ARGS__)
#define pr_warn(...)  log_printf(LOG_WARN, __VA_ARGS__)
#define pr_info(...)  log_printf(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) log_printf(LOG_DEBUG, __VA_ARGS__)

/* Messages above this level are kept in the ring but not printed (cmdline loglevel=). */
void log_set_console_level(enum log_level level);

/* Copies up to size bytes of the ring, oldest first, starting at byte 'offset' of the
 * retained history; returns the bytes copied. */
size_t log_read(size_t offset, char *buf, size_t size);

/* Stops the console path from taking the log lock (used by panic on a wedged CPU). */
void log_force_unlocked(void);

/* Called from the NMI handler: halts this CPU if a panic is in progress. */
void panic_on_stop_ipi(void);

__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

#endif
