/* victim.c: fills its free RAM with a seeded pattern and rechecks every word once a second: proof that no other domain wrote into it. */
#include "cmdline.h"
#include "console.h"
#include "devices.h"
#include "events.h"
#include "guest.h"
#include "hypercall.h"
#include "runtime_setup.h"
#include "shutdown_request.h"
#include "timer.h"
#include "trap.h"

#include "../hcfuzz/prng.h"

#define SECOND_NS 1000000000ull
#define DEFAULT_SEED 0x76696374696dull   /* "victim" */

static __attribute__((noreturn)) void give_up(const char *what, long rc)
{
	gprintf("victim: %s failed (%ld)\n", what, rc);
	keel_sched_shutdown(KEEL_SHUTDOWN_CRASH);
	for (;;)
		;
}

/* Each word is a hash of (seed, its address): a word moved, swapped or zeroed shows up too. */
static inline uint64_t pattern_word(uint64_t seed, uint64_t addr)
{
	return prng_mix(seed ^ addr);
}

struct region {
	uint64_t *start, *end;
	uint64_t seed;
	uint64_t sum;   /* the sum of every word, for the report line */
};

static void fill(struct region *r)
{
	uint64_t sum = 0;
	for (uint64_t *w = r->start; w < r->end; w++) {
		*w = pattern_word(r->seed, (uintptr_t)w);
		sum += *w;
	}
	r->sum = sum;
}

/* The first word that differs, or NULL; the sum must match too (it always does if every word does). */
static const volatile uint64_t *check(const struct region *r, uint64_t *got_sum)
{
	uint64_t sum = 0;
	for (const volatile uint64_t *w = r->start; w < r->end; w++) {
		uint64_t v = *w;
		if (v != pattern_word(r->seed, (uintptr_t)w))
			return w;
		sum += v;
	}
	*got_sum = sum;
	return 0;
}

/* One check and its report line; false after a failure. */
static bool check_and_report(const struct region *r, unsigned long long n, const char *suffix)
{
	uint64_t sum = 0;
	const volatile uint64_t *bad = check(r, &sum);
	if (bad) {
		gprintf("victim: FAIL after %llu checks: word at %#llx is %#llx, want %#llx\n", n,
			(unsigned long long)(uintptr_t)bad, (unsigned long long)*bad,
			(unsigned long long)pattern_word(r->seed, (uintptr_t)bad));
		return false;
	}
	if (sum != r->sum) {
		gprintf("victim: FAIL after %llu checks: sum %#llx, want %#llx\n", n,
			(unsigned long long)sum, (unsigned long long)r->sum);
		return false;
	}
	gprintf("victim: %llu checks, pattern intact%s\n", n, suffix);
	return true;
}

void guest_main(const struct keel_start_info *si)
{
	const char *step;
	long rc = runtime_setup(si, RUNTIME_TIMER | RUNTIME_SHUTDOWN, &step);
	if (rc)
		give_up(step, rc);
	asm volatile("sti");

	char value[32];
	unsigned long long seed = DEFAULT_SEED;
	if (cmdline_get(si->cmdline, "seed", value, sizeof value) && !cmdline_parse_u64(value, &seed))
		gprintf("victim: seed=%s is not a number; using %#llx\n", value, seed = DEFAULT_SEED);

	/* All the free RAM: from the builder's first free page up to the console ring. */
	struct region r = {
		.start = (uint64_t *)(uintptr_t)si->first_free_gpa,
		.end = (uint64_t *)(uintptr_t)devices_free_end(si),
		.seed = seed,
	};
	fill(&r);
	gprintf("victim: pattern in %#llx-%#llx (%llu KiB of %llu), seed %#llx, sum %#llx\n",
		(unsigned long long)(uintptr_t)r.start, (unsigned long long)(uintptr_t)r.end,
		(unsigned long long)((r.end - r.start) * 8 / 1024), (unsigned long long)si->nr_pages * 4,
		seed, (unsigned long long)r.sum);

	unsigned long long checks = 0;
	uint64_t next = time_now_ns() + SECOND_NS;
	for (;;) {
		console_wait_input(next);
		char line[64];
		while (console_read_line(line, sizeof line))
			;   /* typed input means nothing here */
		if (shutdown_requested()) {
			/* The last word on the matter: one more check before powering off. */
			if (check_and_report(&r, ++checks, " (final)"))
				keel_sched_shutdown(KEEL_SHUTDOWN_POWEROFF);
			keel_sched_shutdown(KEEL_SHUTDOWN_CRASH);
		}
		uint64_t now = time_now_ns();
		if (now < next)
			continue;
		if (!check_and_report(&r, ++checks, ""))
			keel_sched_shutdown(KEEL_SHUTDOWN_CRASH);
		next += SECOND_NS;
		if (next <= time_now_ns())
			next = time_now_ns() + SECOND_NS;   /* a slow check or a busy host: skip, never burst */
	}
}
