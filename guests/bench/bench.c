/* bench.c: the null-hypercall benchmark guest: times KEEL_HC_VERSION round trips and prints rate lines. */
#include "cmdline.h"
#include "console.h"
#include "cpu.h"
#include "guest.h"
#include "hypercall.h"
#include "runtime_setup.h"
#include "timer.h"

/*
 * The null hypercall is version (number 0): it goes through the whole path a real call
 * takes (VM exit, the kernel's exit handling, the hypercall table, the result in RAX, the
 * RIP advance, the scheduler's check for something better to run, VM entry) and does
 * nothing itself. An unknown number would skip the table's call; sched_op yield would
 * add the scheduler's queue work.
 */
#define DEFAULT_CALLS   100000ull
#define DEFAULT_ROUNDS  5ull
#define SAMPLES         255          /* odd: the median is one sample */
#define NOPS            1000

static uint64_t samples[SAMPLES];

static void sort(uint64_t *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

static unsigned long long option(const char *cmdline, const char *key, unsigned long long fallback)
{
	char value[24];
	unsigned long long n;
	if (cmdline_get(cmdline, key, value, sizeof(value)) && cmdline_parse_u64(value, &n) && n > 0)
		return n;
	return fallback;
}

static bool null_call(void)
{
	return keel_version() == KEEL_ABI_VERSION;
}

/* One timed batch: wall time from shared info's clock, ticks from the TSC. */
static bool rate_round(unsigned long long round, unsigned long long calls)
{
	uint64_t t0 = time_now_ns(), c0 = rdtsc();
	for (unsigned long long i = 0; i < calls; i++)
		if (!null_call())
			return false;
	uint64_t c1 = rdtsc(), t1 = time_now_ns();
	uint64_t ns = t1 - t0 ? t1 - t0 : 1, centi = (c1 - c0) * 100 / calls;
	gprintf("bench: null hypercall: round %llu: %llu calls in %llu us, %llu per second, %llu.%02llu TSC ticks each\n",
		round, calls, (unsigned long long)(ns / 1000), (unsigned long long)(calls * 1000000000ull / ns),
		(unsigned long long)(centi / 100), (unsigned long long)(centi % 100));
	return true;
}

static void print_spread(const char *what)
{
	sort(samples, SAMPLES);
	gprintf("bench: ticks: %s: min %llu median %llu max %llu over %d samples\n", what,
		(unsigned long long)samples[0], (unsigned long long)samples[SAMPLES / 2],
		(unsigned long long)samples[SAMPLES - 1], SAMPLES);
}

/*
 * TSC deltas around single calls. Under Bochs with clock sync=none the TSC advances a
 * fixed amount per instruction, so these are instruction counts once the empty pair and
 * the nop ruler below are known (docs/performance.md explains the arithmetic). Each
 * sequence is written out in assembly so that the instructions between the two RDTSCs are
 * exactly: one MOV, then nothing / 1,000 NOPs / the call of hypercall 0 (CALL into the
 * hypercall page, whose stub is MOV $0, VMCALL, RET).
 */
#define TIMED(between, ...)                                                             \
	({                                                                              \
		uint32_t lo0, lo1, hi;                                                  \
		asm volatile("rdtsc\n\tmov %%eax, %[lo0]\n\t" between "\n\trdtsc"           \
			     : [lo0] "=&r"(lo0), "=a"(lo1), "=&d"(hi)                   \
			     : __VA_ARGS__                                              \
			     : "rcx", "r11", "memory");                                 \
		(void)hi;                                                               \
		(uint64_t)(uint32_t)(lo1 - lo0);                                        \
	})

static bool tick_samples(void)
{
	uint64_t stub = hypercall_stub(KEEL_HC_VERSION);
	for (int i = 0; i < SAMPLES; i++)
		samples[i] = TIMED("", "r"(stub));
	print_spread("empty");
	for (int i = 0; i < SAMPLES; i++)
		samples[i] = TIMED(".rept 1000\n\tnop\n\t.endr", "r"(stub));
	_Static_assert(NOPS == 1000, "the .rept count above");
	print_spread("1000 nops");
	for (int i = 0; i < SAMPLES; i++)
		samples[i] = TIMED("call *%[stub]", [stub] "r"(stub));
	print_spread("null hypercall");
	/* The timed calls' results went unchecked in the asm: check that version still answers. */
	return null_call();
}

void guest_main(const struct keel_start_info *si)
{
	const char *failed = "";
	long rc = runtime_setup(si, 0, &failed);
	if (rc) {
		gprintf("bench: FAIL: %s returned %ld\n", failed, rc);
		return;
	}
	char cmdline[sizeof si->cmdline + 1];
	for (size_t i = 0; i < sizeof si->cmdline; i++)
		cmdline[i] = si->cmdline[i];
	cmdline[sizeof si->cmdline] = '\0';
	unsigned long long calls = option(cmdline, "calls", DEFAULT_CALLS);
	unsigned long long rounds = option(cmdline, "rounds", DEFAULT_ROUNDS);

	/* Warm up: the first calls fault in translations in the emulator's caches. */
	bool ok = true;
	for (int i = 0; i < 1000 && ok; i++)
		ok = null_call();
	for (unsigned long long r = 1; r <= rounds && ok; r++)
		ok = rate_round(r, calls);
	ok = ok && tick_samples();
	gprintf(ok ? "bench: done\n" : "bench: FAIL: version returned the wrong value\n");
}
