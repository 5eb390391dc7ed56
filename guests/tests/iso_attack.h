/* iso_attack.h: the isolation suite's bookkeeping: every attack attempt is checked against its documented outcome and counted. */
#ifndef GUEST_ISO_ATTACK_H
#define GUEST_ISO_ATTACK_H

#include <stdint.h>

#include "console.h"
#include "trap.h"
#include "xtf.h"

/*
 * Each attack guest counts what it tried and how many of those were refused exactly as
 * documented; iso_report prints both ("iso: NAME: N attempts, M refused as documented")
 * just before the XTF verdict, and tests/e2e/test_isolation.py checks N == M > 0.
 */
static unsigned long iso_attempts, iso_refused;

/* One attempt whose return value must be 'want' (a negated KEEL_E*, or a documented value). */
static inline void iso_expect(const char *what, long got, long want)
{
	iso_attempts++;
	if (got == want)
		iso_refused++;
	else
		xtf_failure("%s returned %ld, want %ld", what, got, want);
}

/* One attempt that must raise #GP (for a privileged instruction: it never reached the hardware). */
static inline void iso_expect_gp(const char *what, int vector)
{
	iso_attempts++;
	if (vector == X86_EXC_GP)
		iso_refused++;
	else
		xtf_failure("%s raised %s, want #GP", what, trap_name(vector));
}

static inline void iso_report(void)
{
	gprintf("iso: %s: %lu attempts, %lu refused as documented\n", xtf_test_name, iso_attempts, iso_refused);
}

#endif
