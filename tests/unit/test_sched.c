/* test_sched.c: the scheduling policy in a simulated machine: fairness, weights, caps, affinity, pause. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "domain.h"
#include "keel/abi.h"
#include "log.h"
#include "sched.h"
#include "sched_internal.h"
#include "vcpu.h"

#define MS 1000000ull

/* ---- the simulated machine ---- */
static unsigned int sim_cpus = 1, sim_current_cpu;
static unsigned int kicks;
struct domain *dom0;
unsigned int arch_cpus_online(void) { return sim_cpus; }
/* The CPUs that may run guests: all simulated ones unless a test leaves some out (an emulator quirk). */
static uint64_t sim_guest_cpus = ~0ull;
uint64_t arch_guest_cpus(void) { return sim_guest_cpus & ((1ull << sim_cpus) - 1); }
const char *arch_guest_cpus_reason(void) { return arch_guest_cpus() == (1ull << sim_cpus) - 1 ? NULL : "test"; }
static unsigned int log_lines;
void log_printf(enum log_level level, const char *fmt, ...) { (void)level, (void)fmt; log_lines++; }
unsigned int arch_cpu_id(void) { return sim_current_cpu; }
void arch_kick_cpu(unsigned int cpu) { (void)cpu; kicks++; }
void arch_delay_us(uint64_t us) { (void)us; }

#define MAX_SIM 8
static struct domain doms[MAX_SIM];
static struct vcpu vcpus[MAX_SIM];
static uint64_t ran_on[MAX_SIM][4];   /* ns each vCPU ran on each CPU */

static struct vcpu *add_vcpu(unsigned int i, uint32_t weight)
{
	struct domain *d = &doms[i];
	struct vcpu *v = &vcpus[i];
	memset(d, 0, sizeof(*d));
	memset(v, 0, sizeof(*v));
	d->id = i + 1;
	d->nr_vcpus = 1;
	d->vcpus[0] = v;
	sched_domain_init(d);
	v->domain = d;
	v->state = VCPU_DOWN;
	sched_vcpu_init(v);
	if (weight != SCHED_WEIGHT_DEFAULT)
		assert_int_equal(sched_set_params(d, weight, 0), 0);
	return v;
}

static int setup(void **state)
{
	(void)state;
	memset(sched_cpus, 0, sizeof(sched_cpus));
	memset(ran_on, 0, sizeof(ran_on));
	sim_guest_cpus = ~0ull;
	return 0;
}

static void boot_sim(unsigned int cpus)
{
	sim_cpus = cpus;
	sched_init(10);
}

/*
 * Runs the machine for 'duration' in 1 ms steps, the way kernel/run.c drives the policy:
 * each CPU picks a vCPU, checks after every "exit" (each ms) whether it must give way, and
 * puts it back. Every vCPU here is a CPU hog: it never blocks.
 */
static void simulate(uint64_t start, uint64_t duration)
{
	struct vcpu *running[4] = { 0 };
	for (uint64_t now = start; now < start + duration; now += MS) {
		for (unsigned int c = 0; c < sim_cpus; c++) {
			sim_current_cpu = c;
			struct vcpu *v = running[c];
			if (v) {
				ran_on[v - vcpus][c] += MS;
				if (v->state != VCPU_RUNNING || sched_should_preempt(c, v, now)) {
					if (v->state == VCPU_RUNNING)
						v->state = VCPU_RUNNABLE;
					bool reap;
					sched_put(c, v, now, &reap);
					assert_false(reap);
					running[c] = NULL;
				} else if (now - v->sched.slice_start_ns >= sched_slice_ns) {
					sched_renew_slice(v, now);
				}
			}
			if (!running[c])
				running[c] = sched_pick(c, now);
		}
	}
	for (unsigned int c = 0; c < sim_cpus; c++) {
		if (running[c]) {
			sim_current_cpu = c;
			running[c]->state = VCPU_RUNNABLE;
			bool reap;
			sched_put(c, running[c], start + duration, &reap);
		}
	}
}

static uint64_t total_ran(unsigned int i)
{
	return ran_on[i][0] + ran_on[i][1] + ran_on[i][2] + ran_on[i][3];
}

static void test_equal_weights_share_one_cpu(void **state)
{
	(void)state;
	boot_sim(1);
	for (unsigned int i = 0; i < 3; i++)
		sched_wake(add_vcpu(i, SCHED_WEIGHT_DEFAULT));
	simulate(0, 3000 * MS);
	for (unsigned int i = 0; i < 3; i++) {
		/* 1000 ms each, within 5%: no hog starves another. */
		assert_true(total_ran(i) >= 950 * MS);
		assert_true(total_ran(i) <= 1050 * MS);
	}
}

static void test_weights_two_to_one(void **state)
{
	(void)state;
	boot_sim(1);
	sched_wake(add_vcpu(0, 512));
	sched_wake(add_vcpu(1, 256));
	simulate(0, 3000 * MS);
	double ratio = (double)total_ran(0) / (double)total_ran(1);
	assert_true(ratio > 1.8 && ratio < 2.2);   /* 2:1 within +-10% */
}

/* dom0 at the default weight beside hogs of the largest weight: once it wakes it runs next,
 * though its weight put its runtime far ahead of theirs (the liveness rule in sched.c). */
static void test_woken_light_vcpu_runs_before_heavy_hogs(void **state)
{
	(void)state;
	boot_sim(1);
	sched_wake(add_vcpu(0, 65535));
	sched_wake(add_vcpu(1, 65535));
	simulate(0, 500 * MS);
	struct vcpu *light = add_vcpu(2, SCHED_WEIGHT_DEFAULT);
	light->sched.vruntime = vcpus[0].sched.vruntime + 1000 * sched_slice_ns;   /* far ahead */
	light->state = VCPU_BLOCKED;
	sched_wake(light);
	assert_ptr_equal(sched_pick(0, 500 * MS), light);
	/* The hogs still share the CPU by weight afterwards: the boost is one wake's worth. */
	light->state = VCPU_RUNNABLE;
	bool reap;
	sched_put(0, light, 501 * MS, &reap);
	uint64_t before = total_ran(2);
	simulate(501 * MS, 500 * MS);
	assert_true(total_ran(2) - before <= 10 * MS);   /* weight 256 of 131326: a sliver */
}

static void test_newcomer_is_not_starved_nor_starving(void **state)
{
	(void)state;
	boot_sim(1);
	sched_wake(add_vcpu(0, SCHED_WEIGHT_DEFAULT));
	simulate(0, 2000 * MS);   /* vCPU 0 builds up a large vruntime alone */
	sched_wake(add_vcpu(1, SCHED_WEIGHT_DEFAULT));
	uint64_t before = total_ran(0);
	simulate(2000 * MS, 1000 * MS);
	uint64_t old_share = total_ran(0) - before, new_share = total_ran(1);
	assert_true(new_share >= 400 * MS && old_share >= 400 * MS);
}

static void test_affinity_is_respected_and_load_spreads(void **state)
{
	(void)state;
	boot_sim(4);
	struct vcpu *pinned = add_vcpu(0, SCHED_WEIGHT_DEFAULT);
	assert_int_equal(sched_set_affinity(pinned, 1u << 2), 0);
	sched_wake(pinned);
	for (unsigned int i = 1; i < 4; i++)
		sched_wake(add_vcpu(i, SCHED_WEIGHT_DEFAULT));
	simulate(0, 1000 * MS);
	assert_int_equal(ran_on[0][0] + ran_on[0][1] + ran_on[0][3], 0);
	assert_true(ran_on[0][2] >= 990 * MS);
	/* Four hogs on four CPUs: each runs (almost) all the time. */
	for (unsigned int i = 1; i < 4; i++)
		assert_true(total_ran(i) >= 950 * MS);
	/* An affinity without any online CPU is refused and changes nothing. */
	assert_int_equal(sched_set_affinity(pinned, 1ull << 40), -KEEL_EINVAL);
	assert_int_equal(pinned->sched.affinity, 1u << 2);
}

/* A CPU the architecture keeps from guests (an emulator quirk) never runs one, however
 * the load falls, and an affinity naming only that CPU is refused. */
static void test_cpu_kept_from_guests_never_runs_one(void **state)
{
	(void)state;
	sim_guest_cpus = ~1ull;   /* CPU 0 out */
	log_lines = 0;
	boot_sim(3);
	assert_int_equal(log_lines, 1);   /* the boot log says why */
	for (unsigned int i = 0; i < 4; i++)
		sched_wake(add_vcpu(i, SCHED_WEIGHT_DEFAULT));
	simulate(0, 1000 * MS);
	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(ran_on[i][0], 0);
		assert_true(total_ran(i) >= 450 * MS);   /* four hogs share the two others fairly */
	}
	assert_int_equal(sched_set_affinity(&vcpus[0], 1u << 0), -KEEL_EINVAL);
	assert_int_equal(sched_set_affinity(&vcpus[0], 3u), 0);   /* CPUs 0 and 1: it runs on 1 */
	simulate(1000 * MS, 200 * MS);
	assert_int_equal(ran_on[0][0], 0);
}

static void test_repinning_moves_a_vcpu(void **state)
{
	(void)state;
	boot_sim(2);
	struct vcpu *v = add_vcpu(0, SCHED_WEIGHT_DEFAULT);
	sched_set_affinity(v, 1u << 0);
	sched_wake(v);
	simulate(0, 100 * MS);
	assert_int_equal(ran_on[0][1], 0);
	assert_int_equal(sched_set_affinity(v, 1u << 1), 0);
	simulate(100 * MS, 100 * MS);
	assert_true(ran_on[0][1] >= 90 * MS);
	assert_true(ran_on[0][0] <= 102 * MS);
}

static void test_cap_limits_share(void **state)
{
	(void)state;
	boot_sim(1);
	struct vcpu *capped = add_vcpu(0, SCHED_WEIGHT_DEFAULT);
	assert_int_equal(sched_set_params(capped->domain, SCHED_WEIGHT_DEFAULT, 25), 0);
	sched_wake(capped);
	simulate(0, 1000 * MS);
	/* Alone on the CPU it still gets only ~25% (a slice of slack per period). */
	assert_true(total_ran(0) <= 300 * MS);
	assert_true(total_ran(0) >= 200 * MS);
	assert_int_equal(sched_set_params(capped->domain, 0, 0), -KEEL_EINVAL);
	assert_int_equal(sched_set_params(capped->domain, 256, 101), -KEEL_EINVAL);
}

static void test_pause_and_unpause(void **state)
{
	(void)state;
	boot_sim(1);
	struct vcpu *a = add_vcpu(0, SCHED_WEIGHT_DEFAULT), *b = add_vcpu(1, SCHED_WEIGHT_DEFAULT);
	sched_wake(a);
	sched_wake(b);
	sched_vcpu_pause(a);
	simulate(0, 500 * MS);
	assert_int_equal(total_ran(0), 0);
	assert_true(total_ran(1) >= 490 * MS);
	sched_vcpu_pause(a);   /* pauses nest */
	sched_vcpu_unpause(a);
	simulate(500 * MS, 200 * MS);
	assert_int_equal(total_ran(0), 0);
	sched_vcpu_unpause(a);
	simulate(700 * MS, 1000 * MS);
	assert_true(total_ran(0) >= 400 * MS);
}

static void test_blocked_and_dead_vcpus_never_run(void **state)
{
	(void)state;
	boot_sim(2);
	struct vcpu *a = add_vcpu(0, SCHED_WEIGHT_DEFAULT), *b = add_vcpu(1, SCHED_WEIGHT_DEFAULT);
	sched_wake(a);
	sched_wake(b);
	sched_kill(b);
	assert_int_equal(b->state, VCPU_DEAD);
	sched_wake(b);   /* a dead vCPU cannot be woken */
	assert_int_equal(b->state, VCPU_DEAD);
	simulate(0, 100 * MS);
	assert_int_equal(total_ran(1), 0);
	assert_true(sched_quiescent() == false || total_ran(0) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_equal_weights_share_one_cpu, setup),
		cmocka_unit_test_setup(test_weights_two_to_one, setup),
		cmocka_unit_test_setup(test_newcomer_is_not_starved_nor_starving, setup),
		cmocka_unit_test_setup(test_woken_light_vcpu_runs_before_heavy_hogs, setup),
		cmocka_unit_test_setup(test_affinity_is_respected_and_load_spreads, setup),
		cmocka_unit_test_setup(test_repinning_moves_a_vcpu, setup),
		cmocka_unit_test_setup(test_cpu_kept_from_guests_never_runs_one, setup),
		cmocka_unit_test_setup(test_cap_limits_share, setup),
		cmocka_unit_test_setup(test_pause_and_unpause, setup),
		cmocka_unit_test_setup(test_blocked_and_dead_vcpus_never_run, setup),
	};
	return cmocka_run_group_tests_name("scheduler", tests, NULL, NULL);
}
