/* ring_bench.c: `make bench`: Keel's io/ring.h against ck_ring and Xen's io/ring.h, two threads, 64- and 512-byte messages, one markdown table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream_ck.h"
#include "stream_keel.h"
#include "stream_xen.h"

STREAM_KEEL_DEFINE(keel64, msg64)
STREAM_KEEL_DEFINE(keel512, msg512)
STREAM_XEN_DEFINE(xen64, msg64)
STREAM_XEN_DEFINE(xen512, msg512)
STREAM_CK_DEFINE(ck64, msg64)
STREAM_CK_DEFINE(ck512, msg512)

/* Every ring gets 16 pages: 512 slots of 64 bytes, 64 of 512 bytes (the shared header costs a slot's worth). */
#define BENCH_RING_BYTES  (16 * KEEL_RING_PAGE_SIZE)
#define BENCH_MAX_RUNS    15

enum ring_kind { RING_KEEL, RING_CK, RING_XEN, RING_KINDS };
static const char *const ring_names[RING_KINDS] = { "Keel io/ring.h", "ck_ring (SPSC)", "Xen io/ring.h" };

struct size_case {
	unsigned int bytes;
	uint64_t messages;   /* per run */
};

struct samples {
	double rate[BENCH_MAX_RUNS];      /* messages/s */
	double ns[BENCH_MAX_RUNS];        /* ns per message */
	double notify[BENCH_MAX_RUNS];    /* per 1000 messages */
	int n;
};

static int run_once(enum ring_kind kind, unsigned int bytes, uint64_t count, struct stream_result *r)
{
	uint32_t slots = keel_ring_entries(BENCH_RING_BYTES, bytes);
	switch (kind) {
	case RING_KEEL:
		return bytes == 64 ? keel64_stream_run(count, BENCH_RING_BYTES, 0, r)
				   : keel512_stream_run(count, BENCH_RING_BYTES, 0, r);
	case RING_CK:
		return bytes == 64 ? ck64_ck_stream_run(count, slots, r) : ck512_ck_stream_run(count, slots, r);
	case RING_XEN:
		return bytes == 64 ? xen64_xen_stream_run(count, BENCH_RING_BYTES, r)
				   : xen512_xen_stream_run(count, BENCH_RING_BYTES, r);
	default:
		return -1;
	}
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Sorts in place; returns the median. */
static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), compare_doubles);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void print_table(FILE *out, const struct size_case *cases, int ncases, struct samples s[][RING_KINDS], int runs)
{
	fprintf(out, "| message | ring | messages/s min / median / max | ns per message min / median / max | "
		     "notifications per 1000 messages min / median / max | median messages/s vs Keel |\n");
	fprintf(out, "|---|---|---|---|---|---|\n");
	for (int c = 0; c < ncases; c++) {
		double keel_rate = 0;
		for (int k = 0; k < RING_KINDS; k++) {
			struct samples *x = &s[c][k];
			double rate = median(x->rate, x->n), ns = median(x->ns, x->n), nt = median(x->notify, x->n);
			if (k == RING_KEEL)
				keel_rate = rate;
			fprintf(out, "| %u B | %s | %.2fM / %.2fM / %.2fM | %.1f / %.1f / %.1f | %.2f / %.2f / %.2f | %.2f |\n",
				cases[c].bytes, ring_names[k], x->rate[0] / 1e6, rate / 1e6, x->rate[x->n - 1] / 1e6,
				x->ns[0], ns, x->ns[x->n - 1], x->notify[0], nt, x->notify[x->n - 1],
				keel_rate > 0 ? rate / keel_rate : 0);
		}
	}
	fprintf(out, "\n%d runs of each; %llu messages of 64 B and %llu of 512 B per run; "
		     "a %u-byte ring (%u and %u slots).\n",
		runs, (unsigned long long)cases[0].messages, (unsigned long long)cases[1].messages,
		BENCH_RING_BYTES, keel_ring_entries(BENCH_RING_BYTES, 64), keel_ring_entries(BENCH_RING_BYTES, 512));
}

int main(int argc, char **argv)
{
	int runs = 5;
	const char *table_path = NULL;
	double scale = 1.0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
			runs = atoi(argv[++i]);
		else if (strcmp(argv[i], "--table") == 0 && i + 1 < argc)
			table_path = argv[++i];
		else if (strcmp(argv[i], "--scale") == 0 && i + 1 < argc)
			scale = atof(argv[++i]);
		else {
			fprintf(stderr, "usage: %s [--runs N (1-%d)] [--scale F] [--table FILE]\n", argv[0], BENCH_MAX_RUNS);
			return 2;
		}
	}
	if (runs < 1 || runs > BENCH_MAX_RUNS || scale <= 0) {
		fprintf(stderr, "ring_bench: --runs must be 1-%d and --scale positive\n", BENCH_MAX_RUNS);
		return 2;
	}
	struct size_case cases[] = {
		{ 64, (uint64_t)(4e6 * scale) },
		{ 512, (uint64_t)(1e6 * scale) },
	};
	enum { NCASES = sizeof(cases) / sizeof(cases[0]) };
	static struct samples s[NCASES][RING_KINDS];
	int failed = 0;

	/* Runs interleave the rings, so a burst of load elsewhere on the machine hits all of them. */
	for (int run = 0; run < runs; run++) {
		for (int c = 0; c < NCASES; c++) {
			for (int k = 0; k < RING_KINDS; k++) {
				struct stream_result r = { 0 };
				if (run_once(k, cases[c].bytes, cases[c].messages, &r) < 0 || r.protocol_error ||
				    r.bad_messages || r.lost_wakeups || r.sum_sent != r.sum_received) {
					fprintf(stderr, "ring_bench: %s, %u B: run failed (bad %llu, protocol error %d)\n",
						ring_names[k], cases[c].bytes, (unsigned long long)r.bad_messages,
						r.protocol_error);
					failed = 1;
					continue;
				}
				struct samples *x = &s[c][k];
				x->rate[x->n] = (double)r.messages / r.seconds;
				x->ns[x->n] = r.seconds * 1e9 / (double)r.messages;
				x->notify[x->n] = (double)r.notifications * 1000.0 / (double)r.messages;
				x->n++;
				fprintf(stderr, "  run %d: %-15s %3u B  %6.1f ns/msg  %7.2f notifications/1000\n", run + 1,
					ring_names[k], cases[c].bytes, x->ns[x->n - 1], x->notify[x->n - 1]);
			}
		}
	}
	if (failed)
		return 1;
	print_table(stdout, cases, NCASES, s, runs);
	if (table_path != NULL) {
		FILE *f = fopen(table_path, "w");
		if (f == NULL) {
			perror(table_path);
			return 1;
		}
		print_table(f, cases, NCASES, s, runs);
		fclose(f);
	}
	return 0;
}
