/* demo.h: commands that show minios's kernel working: a busy thread that never yields, and a self-test with a verdict. */
#ifndef MINIOS_DEMO_H
#define MINIOS_DEMO_H

/* Starts a thread that spins for 'seconds' without ever yielding, then reports; 0 or -1 (no thread). */
int demo_spin_start(int seconds);

/*
 * Checks preemption (two threads that never yield both progress while the caller sleeps
 * on a deadline), sleep accuracy, the clocks, malloc and newlib's formatting and parsing.
 * Prints "selftest: PASS ..." or "selftest: FAIL <reasons>".
 */
void demo_selftest(void);

#endif
