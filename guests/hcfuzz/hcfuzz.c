/* hcfuzz.c: the hostile guest: N seeded random hypercalls (numbers, sub-commands, structs, pointers), then a report; must never hurt anyone else. */
#include <keel/event_channel.h>
#include <keel/shared_info.h>

#include <stdarg.h>

#include "cmdline.h"
#include "console.h"
#include "cpu.h"
#include "events.h"
#include "fmt.h"
#include "fuzz.h"
#include "guest.h"
#include "hypercall.h"
#include "runtime_setup.h"
#include "smp.h"
#include "timer.h"
#include "trap.h"

#define DEFAULT_COUNT   1000000ull
#define PROGRESS_EVERY  100000ull
#define PARK_STACK_BYTES 4096
#define PARKED_VCPUS    4           /* vCPUs 1..3 get a parking stack; more are never started */

static uint8_t arena[FUZZ_ARENA_BYTES] __attribute__((aligned(4096)));
static uint8_t park_stacks[PARKED_VCPUS][PARK_STACK_BYTES] __attribute__((aligned(16)));

static __attribute__((format(printf, 1, 2))) void report(const char *fmt, ...);

/* File-scope so that give_up() and the exception hook can name the call in progress. */
static struct fuzz state;

static __attribute__((noreturn)) void give_up(const char *what, long rc)
{
	report("hcfuzz: %s failed (%ld) during call %llu (hypercall %u)\n", what, rc, state.call, state.calling);
	keel_sched_shutdown(KEEL_SHUTDOWN_CRASH);
	for (;;)
		;
}

/*
 * What the other vCPUs run between vcpu_op UPs and DOWNs: halt with interrupts off. A fuzzed
 * event bound to this vCPU wakes it; clearing the flag lets it sleep again instead of spinning.
 */
static __attribute__((noreturn)) void park(uint64_t id)
{
	for (;;) {
		__atomic_store_n(&shared_info->vcpu_info[id].upcall_pending, 0, __ATOMIC_SEQ_CST);
		asm volatile("cli; hlt" : : : "memory");
	}
}

long fuzz_start_parked_vcpu(struct fuzz *f, unsigned int id)
{
	(void)f;
	if (id == 0 || id >= PARKED_VCPUS)
		return -KEEL_EINVAL;
	return smp_start_vcpu(id, park, id, park_stacks[id] + PARK_STACK_BYTES);
}

/*
 * The ports open before fuzzing starts (the console device's, the timer's) are the ones hcfuzz
 * needs to report and to wait: CLOSE and BIND_VCPU leave them alone.
 */
static void protect_open_ports(struct fuzz *f)
{
	unsigned int n = 0;
	for (uint32_t port = 1; port < KEEL_EVTCHN_PORTS && n < FUZZ_PROTECTED_PORTS; port++) {
		struct keel_evtchn_status st;
		if (evtchn_status(port, &st) == 0 && st.status != KEEL_EVTCHNSTAT_CLOSED)
			f->protected_ports[n++] = port;
	}
	while (n < FUZZ_PROTECTED_PORTS)
		f->protected_ports[n++] = 0;   /* port 0 is never allocated */
}

/* Weighted toward the hypercalls that exist; one in ten is a number with none behind it. */
static unsigned int pick_number(struct prng *p)
{
	static const struct { unsigned int nr, weight; } table[] = {
		{ KEEL_HC_VERSION, 1 },          { KEEL_HC_FEATURES, 1 },
		{ KEEL_HC_CONSOLE_IO, 5 },       { KEEL_HC_SCHED_OP, 7 },
		{ KEEL_HC_EVENT_CHANNEL_OP, 22 }, { KEEL_HC_SET_TIMER, 6 },
		{ KEEL_HC_VCPU_OP, 8 },          { KEEL_HC_GRANT_TABLE_OP, 20 },
		{ KEEL_HC_DOMCTL, 6 },           { KEEL_HC_SYSCTL, 5 },
		{ KEEL_HC_PHYSDEV_OP, 5 },
	};
	unsigned int total = 0;
	for (unsigned int i = 0; i < sizeof table / sizeof table[0]; i++)
		total += table[i].weight;
	unsigned int r = (unsigned int)prng_below(p, total + 10);
	for (unsigned int i = 0; i < sizeof table / sizeof table[0]; i++) {
		if (r < table[i].weight)
			return table[i].nr;
		r -= table[i].weight;
	}
	return KEEL_HC_PHYSDEV_OP + 1 + (unsigned int)prng_below(p, KEEL_HYPERCALL_MAX - KEEL_HC_PHYSDEV_OP - 1);
}

static long fuzz_one(struct fuzz *f, unsigned int nr)
{
	f->calling = nr;
	switch (nr) {
	case KEEL_HC_CONSOLE_IO:       return fuzz_console_io(f);
	case KEEL_HC_SCHED_OP:         return fuzz_sched_op(f);
	case KEEL_HC_EVENT_CHANNEL_OP: return fuzz_event_channel_op(f);
	case KEEL_HC_SET_TIMER:        return fuzz_set_timer(f);
	case KEEL_HC_VCPU_OP:          return fuzz_vcpu_op(f);
	case KEEL_HC_GRANT_TABLE_OP:   return fuzz_grant_table_op(f);
	case KEEL_HC_DOMCTL:
	case KEEL_HC_SYSCTL:
	case KEEL_HC_PHYSDEV_OP:       return fuzz_privileged(f, nr);
	default:                       return fuzz_unknown(f, nr);
	}
}

/* Undoes what a call may legitimately have done to hcfuzz itself. */
static void repair(struct fuzz *f)
{
	if (f->hypercall_page_touched) {
		/* An OUT field may have landed on a stub: have the hypervisor write the page again. */
		wrmsr(keel_discovery.hypercall_msr, (uintptr_t)hypercall_page);
		f->hypercall_page_touched = false;
	}
	if (f->upcall_touched) {
		struct keel_evtchn_set_upcall up = { .vector = EVENTS_UPCALL_VECTOR };
		long rc = evtchn_op(KEEL_EVTCHNOP_SET_UPCALL, &up);
		if (rc)
			give_up("restoring the upcall vector", rc);
		f->upcall_touched = false;
	}
}

/*
 * Prints a report line with interrupts on, so a full console ring is waited for rather than
 * spun on, and prints it again after a pause if any of it was dropped: the test reads these
 * lines, and dom0 may be slow to drain the ring while hcfuzz floods it with console_io.
 */
static __attribute__((format(printf, 1, 2))) void report(const char *fmt, ...)
{
	/* The hypervisor's log too (dom0's 'dmesg'): a second witness, independent of the ring. */
	char line[160];
	va_list copy;
	va_start(copy, fmt);
	int n = fmt_vsnprintf(line, sizeof line, fmt, copy);
	va_end(copy);
	if (n > 0)
		keel_console_write(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
	asm volatile("sti" : : : "memory");
	for (int tries = 0; tries < 50; tries++) {
		uint64_t dropped = console_dropped();
		va_list ap;
		va_start(ap, fmt);
		gvprintf(fmt, ap);
		va_end(ap);
		if (console_dropped() == dropped)
			break;
		sleep_ns(100000000ull);
	}
	asm volatile("cli" : : : "memory");
}

static unsigned long long cmdline_number(const char *cmdline, const char *key, unsigned long long fallback)
{
	char value[32];
	unsigned long long n;
	if (!cmdline_get(cmdline, key, value, sizeof value))
		return fallback;
	if (!cmdline_parse_u64(value, &n)) {
		gprintf("hcfuzz: %s=%s is not a number; using %llu\n", key, value, fallback);
		return fallback;
	}
	return n;
}

/*
 * Names the call an unexpected exception interrupted, so a crash repeats from the seed alone:
 * into the hypervisor's log directly (interrupts stay off in here), then trap.c's own line and
 * shutdown. The stubs are rewritten first: a broken one may be what faulted, and printing
 * through it would only fault again.
 */
static void exception_hook(const struct trap_frame *frame)
{
	static bool reported;
	if (reported)
		return;   /* faulted while reporting: trap.c's shutdown is all that is left */
	reported = true;
	wrmsr(keel_discovery.hypercall_msr, (uintptr_t)hypercall_page);
	char line[160];
	int n = fmt_snprintf(line, sizeof line,
		"hcfuzz: exception %s at rip %#llx during call %llu (hypercall %u)\n",
		trap_name((int)frame->vector), (unsigned long long)frame->rip, state.call, state.calling);
	if (n > 0)
		keel_console_write(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
	gprintf("%s", line);
}

void guest_main(const struct keel_start_info *si)
{
	/* Interrupts stay off while fuzzing: upcalls on fuzzed ports would only add noise. */
	const char *step;
	long rc = runtime_setup(si, RUNTIME_TIMER, &step);
	if (rc)
		give_up(step, rc);
	/* The hook, without losing the upcall gate events_init added to a copy of trap.c's IDT. */
	struct desc_ptr full;
	asm volatile("sidt %0" : "=m"(full));
	trap_init(exception_hook);
	lidt(&full);

	/* Without seed= a fresh one each boot; it is printed, so any run can be repeated. */
	unsigned long long seed = cmdline_number(si->cmdline, "seed", rdtsc() ^ ((uint64_t)si->domid << 48));
	unsigned long long count = cmdline_number(si->cmdline, "count", DEFAULT_COUNT);
	struct fuzz *f = &state;
	f->prng.state = seed;
	f->domid = si->domid;
	f->nr_vcpus = si->nr_vcpus;
	f->mem_end = si->nr_pages * 4096;
	f->arena = arena;
	protect_open_ports(f);
	report("hcfuzz: seed %llu count %llu (dom%u, %u vCPUs; 'seed=N count=N' on the command line)\n",
		seed, count, si->domid, si->nr_vcpus);
	for (unsigned int id = 1; id < si->nr_vcpus && id < PARKED_VCPUS; id++)
		fuzz_start_parked_vcpu(f, id);

	unsigned long long errors = 0;
	unsigned int nr = 0;
	for (unsigned long long i = 1; i <= count; i++) {
		nr = pick_number(&f->prng);
		f->call = i;
		if (fuzz_one(f, nr) < 0)
			errors++;
		repair(f);
		if (i % PROGRESS_EVERY == 0)
			report("hcfuzz: seed %llu: %llu calls, %llu errors, last nr %u\n", seed, i, errors, nr);
	}
	/* dom0 fetches console_io output (sysctl CONSOLE_READ) after the ring's: let it catch up,
	 * so the done line is the last thing in hcfuzz's console history. */
	asm volatile("sti" : : : "memory");
	sleep_ns(1000000000ull);
	report("hcfuzz: seed %llu: done %llu calls, %llu errors, %llu violations\n", seed, count, errors,
		(unsigned long long)f->violations);
}
