/* fatal.h: dom0's last words: one line to the operator and to the hypervisor's log, then a crash shutdown. */
#ifndef DOM0_FATAL_H
#define DOM0_FATAL_H

/* For broken invariants only (a corrupted stack, a wait outside a thread); never returns. */
_Noreturn void dom0_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
