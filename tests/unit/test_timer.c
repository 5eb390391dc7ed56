/* test_timer.c: per-CPU timer lists on a simulated machine: firing in order, cancelling, and the lost-interrupt watchdog. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch.h"
#include "log.h"
#include "timer.h"
#include "vcpu.h"

/* ---- the simulated machine ---- */
static uint64_t sim_now;
static unsigned int sim_cpu, sim_cpus = 4;
static unsigned int kicks[8], virqs_sent, wakes, log_lines;

uint64_t arch_time_ns(void) { return sim_now; }
unsigned int arch_cpu_id(void) { return sim_cpu; }
unsigned int arch_cpus_online(void) { return sim_cpus; }
void arch_timer_arm(uint64_t deadline_ns) { (void)deadline_ns; }
void arch_kick_cpu(unsigned int cpu) { kicks[cpu]++; }
bool evtchn_send_virq(struct vcpu *v, unsigned int virq) { (void)v, (void)virq; virqs_sent++; return true; }
void sched_kick(struct vcpu *v) { (void)v; wakes++; }
void log_printf(enum log_level level, const char *fmt, ...) { (void)level, (void)fmt; log_lines++; }

static struct vcpu vcpus[3];

static int setup(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < 3; i++)
		timer_cancel(&vcpus[i]);   /* every test starts with empty lists */
	memset(vcpus, 0, sizeof(vcpus));
	memset(kicks, 0, sizeof(kicks));
	virqs_sent = wakes = 0;
	sim_now = 1000000000ull;
	return 0;
}

/* Arms v's timer from CPU 'cpu', as its set_timer hypercall would there. */
static void arm(struct vcpu *v, unsigned int cpu, uint64_t deadline)
{
	sim_cpu = cpu;
	timer_set(v, deadline);
}

static void test_fires_in_deadline_order_on_its_cpu(void **state)
{
	(void)state;
	arm(&vcpus[0], 1, sim_now + 3000);
	arm(&vcpus[1], 1, sim_now + 1000);
	arm(&vcpus[2], 2, sim_now + 1000);
	assert_int_equal(timer_armed_count(), 3);
	sim_now += 2000;
	timer_run_expired(1, sim_now);   /* only vCPU 1's is due on CPU 1 */
	assert_int_equal(wakes, 1);
	assert_false(vcpus[1].timer.armed);
	assert_true(vcpus[0].timer.armed);
	assert_true(vcpus[2].timer.armed);   /* CPU 2's list is CPU 2's to run */
	sim_now += 2000;
	timer_run_expired(1, sim_now);
	assert_int_equal(wakes, 2);
	timer_cancel(&vcpus[2]);
	timer_run_expired(2, sim_now);
	assert_int_equal(wakes, 2);
	assert_int_equal(timer_armed_count(), 0);
}

static void test_past_deadline_fires_at_once_and_zero_cancels(void **state)
{
	(void)state;
	arm(&vcpus[0], 1, sim_now - 1);
	assert_int_equal(wakes, 1);
	assert_int_equal(virqs_sent, 1);
	assert_false(vcpus[0].timer.armed);
	arm(&vcpus[0], 1, sim_now + 5000);
	arm(&vcpus[0], 1, 0);
	assert_false(vcpus[0].timer.armed);
	assert_int_equal(timer_armed_count(), 0);
}

/* A CPU that stopped running its timers (a lost interrupt) is kicked by the others, once
 * its first timer is TIMER_WATCHDOG_NS late; not before, not itself, not an empty list. */
static void test_watchdog_kicks_a_cpu_whose_timers_are_overdue(void **state)
{
	(void)state;
	arm(&vcpus[0], 3, sim_now + 1000);
	arm(&vcpus[1], 2, sim_now + 50 * TIMER_WATCHDOG_NS);
	log_lines = 0;
	sim_now += 1000 + TIMER_WATCHDOG_NS - 1;
	timer_watchdog(0, sim_now);
	assert_int_equal(kicks[3], 0);   /* late, but within the slack */
	sim_now += 2;
	timer_watchdog(0, sim_now);
	assert_int_equal(kicks[3], 1);
	assert_int_equal(kicks[2], 0);   /* not due yet */
	assert_int_equal(kicks[1], 0);   /* nothing armed */
	assert_int_equal(log_lines, 1);
	timer_watchdog(3, sim_now);      /* a CPU never kicks itself: it runs its own list */
	assert_int_equal(kicks[3], 1);
	timer_watchdog(1, sim_now);
	assert_int_equal(kicks[3], 2);
	assert_int_equal(log_lines, 1);  /* reported once */
	timer_run_expired(3, sim_now);   /* the kicked CPU catches up */
	timer_watchdog(0, sim_now);
	assert_int_equal(kicks[3], 2);
	assert_int_equal(wakes, 1);
	timer_cancel(&vcpus[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_fires_in_deadline_order_on_its_cpu, setup),
		cmocka_unit_test_setup(test_past_deadline_fires_at_once_and_zero_cancels, setup),
		cmocka_unit_test_setup(test_watchdog_kicks_a_cpu_whose_timers_are_overdue, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
