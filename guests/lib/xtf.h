/* xtf.h: the XTF-style test framework: one test per guest, one verdict line "xtf: NAME: PASS" or "... FAIL why". */
#ifndef GUEST_XTF_H
#define GUEST_XTF_H

#include <keel/start_info.h>

#include "trap.h"

/* Each test guest defines both. The verdict follows test_main's return. */
extern const char xtf_test_name[];
void test_main(const struct keel_start_info *si);

/* Records a failure and carries on; the verdict line lists every recorded reason. */
void xtf_failure(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Announces a deliberately fatal action: "xtf: NAME: about to ...". The verdict for such a
 * test comes from the hypervisor's log; a test that survives should call xtf_failure.
 */
void xtf_about_to(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* For trap_init(): an unexpected exception becomes a FAIL verdict and a crashed domain. */
void xtf_unhandled_trap(const struct trap_frame *frame);

#endif
