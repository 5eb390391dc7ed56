/* testctl.h: the test controller's scenarios and the helpers they share. */
#ifndef TESTCTL_H
#define TESTCTL_H

#include <stdbool.h>
#include <stdint.h>

#include <keel/domctl.h>
#include <keel/start_info.h>
#include <keel/sysctl.h>

/*
 * A scenario is one function: it does its work, calls tc_fail() for everything that is
 * wrong, and leaves no domain behind. Adding one is that function plus one line in
 * scenarios.c; the controller prints "testctl: NAME: PASS" or "testctl: NAME: FAIL reasons".
 */
struct scenario {
	const char *name;
	void (*run)(void);
};
extern const struct scenario scenarios[];
extern const unsigned int scenario_count;

/* The scenarios (sc_NAME.c), listed in scenarios.c. */
void sc_domu_domctl(void);
void sc_lifecycle(void);
void sc_leak_1000(void);
void sc_vcpus_4(void);
void sc_scrub(void);
void sc_sched_fair(void);
void sc_sched_weight(void);
void sc_sched_pin(void);
void sc_fpu_exact(void);
void sc_pingpong(void);
void sc_grant_pair(void);
void sc_grant_orphan(void);
void sc_boot_modules(void);   /* prints the module list, for tests/e2e/test_loader_modules.py */
void sc_console(void);
void sc_physdev_ports(void);
void sc_physdev_bind(void);
void sc_physdev_irq(void);   /* claims COM1: prints its own verdict there, and must run last */

/* This domain's start-info and the machine as it was at start-up. */
extern const struct keel_start_info *tc_si;
extern struct keel_sysctl_physinfo tc_phys;

/* Records a failure of the running scenario and carries on. */
void tc_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* tc_fail unless got == want: "what: got X, want Y". Returns whether they matched. */
bool tc_expect(const char *what, long got, long want);

/* Time from the TSC (tc_phys.tsc_khz); sleeping yields the CPU to every other vCPU. */
uint64_t tc_now_ms(void);
void tc_sleep_ms(uint64_t ms);

/*
 * Builds boot module 'module' (e.g. "tc-eperm") as a domain called 'name' and starts it.
 * Returns 0 and *domid, or a negated KEEL_E* after recording why with tc_fail.
 */
long tc_start(const char *module, const char *name, uint64_t memory_bytes, uint32_t nr_vcpus,
	      const char *cmdline, uint32_t *domid);
/* Builds it without starting it (BUILDING); same results. */
long tc_build(const char *module, const char *name, uint64_t memory_bytes, uint32_t nr_vcpus,
	      const char *cmdline, uint32_t *domid);
/* Waits up to timeout_ms for the domain to shut down or crash; fills *info. false on timeout or error. */
bool tc_wait_end(uint32_t domid, uint64_t timeout_ms, struct keel_domctl_info *info);
/* tc_wait_end, then: it must have powered off (anything else is a failure); destroys it either way. */
void tc_expect_poweroff(uint32_t domid, const char *what, uint64_t timeout_ms);
/* Destroys a domain; a failure is recorded. */
void tc_destroy(uint32_t domid);

#endif
