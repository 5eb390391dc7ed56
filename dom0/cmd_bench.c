/* cmd_bench.c: the CLI's 'bench' command: domain lifecycle latencies and memory per domain, timed inside dom0 for `make bench`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <keel/domctl.h>
#include <keel/sysctl.h>

#include "cli.h"
#include "cli_args.h"
#include "control.h"
#include "domains.h"
#include "thread.h"
#include "timer.h"

/*
 * Every domain comes from config/domains/bench-life.cfg: hello in 2 MiB, preserved when it
 * powers off. hello writes its first console line right after start-up and powers off two
 * lines later, so "create -> ended" bounds "create -> first console line" from above by
 * two console writes and a shutdown.
 */
#define BENCH_DOMAIN     "bench-life"
#define SAMPLES_MAX      1000
#define WAIT_END_NS      5000000000ull   /* hello ends within milliseconds; 5 s means it hung */
#define ERR_MAX          200
#define POLL_NS          20000ull        /* how often wait_ended looks */
#define WALK_MAX_DOMAINS 4096            /* bounds the GETINFO walk, as 'list' does */

static uint64_t samples[4][SAMPLES_MAX];   /* static: dom0's threads have small stacks */

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* "bench: WHAT: min A median B max C us over N": the line tests/bench/ parses. */
static void print_spread(const char *what, uint64_t *ns, size_t n)
{
	qsort(ns, n, sizeof(*ns), compare_u64);
	printf("bench: %s: min %llu median %llu max %llu us over %zu\n", what,
	       (unsigned long long)(ns[0] / 1000), (unsigned long long)(ns[n / 2] / 1000),
	       (unsigned long long)(ns[n - 1] / 1000), n);
}

static bool create_bench_domain(uint32_t *domid)
{
	char err[ERR_MAX];
	if (domains_create(BENCH_DOMAIN, NULL, 0, domid, err, sizeof(err))) {
		cli_error("create %s: %s", BENCH_DOMAIN, err);
		return false;
	}
	return true;
}

static bool destroy_domain(uint32_t domid)
{
	char err[ERR_MAX];
	if (domains_destroy(domid, err, sizeof(err))) {
		cli_error("destroy %u: %s", domid, err);
		return false;
	}
	return true;
}

/* Waits (letting the guest run) until the domain has powered off and been preserved. */
static bool wait_ended(uint32_t domid)
{
	uint64_t deadline = time_now_ns() + WAIT_END_NS;
	for (;;) {
		struct managed_domain *m = domains_find(domid);
		if (m && m->state == MANAGED_PRESERVED)
			return true;
		if (!m || time_now_ns() > deadline) {
			cli_error("domain %u did not power off within %llu s", domid,
				  (unsigned long long)(WAIT_END_NS / 1000000000ull));
			return false;
		}
		/* Sleep, not yield: dom0's vCPU must block so that the guest gets the CPU at once. */
		thread_sleep_ns(POLL_NS);
	}
}

/* 'list' as the operator runs it, output included. */
static uint64_t time_list(void)
{
	const struct cli_command *list = cli_find_command("list");
	char name[] = "list";
	char *argv[] = { name, NULL };
	uint64_t t0 = time_now_ns();
	list->run(1, argv);
	return time_now_ns() - t0;
}

static int bench_lifecycle(uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		uint32_t domid;
		uint64_t t0 = time_now_ns();
		if (!create_bench_domain(&domid))
			return 1;
		uint64_t t1 = time_now_ns();
		if (!wait_ended(domid))
			return 1;
		uint64_t t2 = time_now_ns();
		samples[2][i] = time_list();
		uint64_t t3 = time_now_ns();
		if (!destroy_domain(domid))
			return 1;
		samples[0][i] = t1 - t0;
		samples[1][i] = t2 - t0;
		samples[3][i] = time_now_ns() - t3;
	}
	print_spread("create", samples[0], n);
	print_spread("create to powered off", samples[1], n);
	print_spread("list", samples[2], n);
	print_spread("destroy", samples[3], n);
	return 0;
}

/* Creates and destroys n domains one after another: does the n-th create cost what the first did? */
static int bench_cycles(uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		uint32_t domid;
		uint64_t t0 = time_now_ns();
		if (!create_bench_domain(&domid))
			return 1;
		samples[0][i] = time_now_ns() - t0;
		if (!destroy_domain(domid))
			return 1;
	}
	printf("bench: cycles: create 1st %llu us, %lluth %llu us\n", (unsigned long long)(samples[0][0] / 1000),
	       (unsigned long long)n, (unsigned long long)(samples[0][n - 1] / 1000));
	uint64_t head = 0, tail = 0, k = n < 20 ? 1 : n / 20;
	for (uint64_t i = 0; i < k; i++) {
		head += samples[0][i];
		tail += samples[0][n - k + i];
	}
	printf("bench: cycles: create mean of first %llu %llu us, of last %llu %llu us\n", (unsigned long long)k,
	       (unsigned long long)(head / k / 1000), (unsigned long long)k, (unsigned long long)(tail / k / 1000));
	print_spread("cycles create", samples[0], n);
	return 0;
}

static bool free_pages(uint64_t *pages)
{
	struct keel_sysctl_physinfo p;
	long rc = sysctl_physinfo(&p);
	if (rc) {
		cli_error("sysctl PHYSINFO failed: %s", cli_error_name(rc));
		return false;
	}
	*pages = p.free_pages;
	return true;
}

/*
 * Creates bench domains until one fails (or n exist), then destroys them all. Free frames
 * before and after give the memory per domain; its guest RAM is the config's 2 MiB, the
 * rest is what the hypervisor and dom0's backends spend on it.
 */
static int bench_fill(uint64_t n)
{
	static uint32_t ids[SAMPLES_MAX];
	uint64_t before, after = 0, count = 0;
	if (!free_pages(&before))
		return 1;
	char err[ERR_MAX] = "", name[32];
	const char *overrides[] = { name };
	uint64_t ram = 0;
	while (count < n) {
		snprintf(name, sizeof(name), "name=bench-fill-%llu", (unsigned long long)count);
		if (domains_create(BENCH_DOMAIN, overrides, 1, &ids[count], err, sizeof(err)))
			break;
		struct managed_domain *m = domains_find(ids[count]);
		ram += m ? m->cfg.memory_bytes : 0;
		count++;
	}
	bool ok = free_pages(&after);
	for (uint64_t i = 0; i < count; i++)
		ok = destroy_domain(ids[i]) && ok;
	printf("bench: fill: %llu domains%s%s\n", (unsigned long long)count, err[0] ? "; the next failed: " : "", err);
	if (!ok || !count)
		return 1;
	uint64_t used = (before - after) * 4096;
	printf("bench: fill: %llu bytes per domain, %llu of them beyond its RAM; free pages %llu before, %llu with them\n",
	       (unsigned long long)(used / count), (unsigned long long)((used - ram) / count),
	       (unsigned long long)before, (unsigned long long)after);
	return 0;
}

/*
 * The frames the hypervisor holds for itself: every managed frame that is neither free nor
 * a domain's RAM (page tables, VMCBs/VMCSs, heap, per-CPU stacks, each domain's overhead).
 * Its image and the frame allocator's metadata lie outside the managed frames.
 */
static int bench_memory(void)
{
	struct keel_sysctl_physinfo p;
	long rc = sysctl_physinfo(&p);
	if (rc) {
		cli_error("sysctl PHYSINFO failed: %s", cli_error_name(rc));
		return 1;
	}
	uint64_t domain_pages = 0, domains = 0;
	struct keel_domctl op = { .domid = 0 };
	/* GETINFO answers for the first domain at or above domid, as 'list' walks them. */
	for (uint32_t next = 0; domains < WALK_MAX_DOMAINS; next = op.domid + 1, domains++) {
		op = (struct keel_domctl){ .cmd = KEEL_DOMCTL_GETINFO, .domid = next };
		if (keel_domctl(&op))
			break;
		domain_pages += op.u.info.nr_pages;
	}
	printf("bench: memory: %llu pages managed, %llu free, %llu RAM of %llu domains, %llu held by the hypervisor\n",
	       (unsigned long long)p.total_pages, (unsigned long long)p.free_pages,
	       (unsigned long long)domain_pages, (unsigned long long)domains,
	       (unsigned long long)(p.total_pages - p.free_pages - domain_pages));
	return 0;
}

static int cmd_bench(int argc, char **argv)
{
	if (argc < 2 || argc > 3)
		return cli_usage_error(argv[0]);
	uint64_t n = 0;
	bool fill = strcmp(argv[1], "fill") == 0;
	if (argc == 3 && !cli_number_arg("count", argv[2], fill ? 1 : 2, SAMPLES_MAX, &n))
		return 1;
	if (strcmp(argv[1], "lifecycle") == 0)
		return bench_lifecycle(n ? n : 20);
	if (strcmp(argv[1], "cycles") == 0)
		return bench_cycles(n ? n : 1000);
	if (fill)
		return bench_fill(n ? n : SAMPLES_MAX);
	if (strcmp(argv[1], "memory") == 0 && argc == 2)
		return bench_memory();
	return cli_usage_error(argv[0]);
}

const struct cli_command cmd_bench_commands[] = {
	{ "bench", "bench lifecycle|cycles|fill [count] | bench memory", "time domain lifecycle operations (make bench)",
	  "  lifecycle [N]  N x (create, wait for power-off, list, destroy) of bench-life: min/median/max\n"
	  "  cycles [N]     N x (create, destroy): the first create against the N-th (default 1000)\n"
	  "  fill [N]       create bench-life domains until one fails (at most N), then destroy them all\n"
	  "  memory         pages managed, free, domains' RAM, and the rest: what the hypervisor holds",
	  cmd_bench },
	{ 0 },
};
