/* sc_console.c: dom0 serves a domU's console device: the ring both ways, CONSOLE_READ after VIRQ_CONSOLE, DEVICE_CHANNEL's errors, and a destroy while the page is mapped. */
#include "testctl.h"

#include <io/console.h>

#include "builder.h"
#include "console.h"
#include "console_ring_index.h"
#include "control.h"
#include "events.h"
#include "grant.h"
#include "string.h"

#define CONSOLE_MEMORY (2ull << 20)
#define RING_GPA       (KEEL_GRANT_WINDOW_BASE + 0x10000)   /* where dom0 maps the domU's console page */
#define WAIT_MS        20000

/* dom0's end of the console: the mapped page, the bound port, and everything read from 'out'. */
struct backend {
	volatile struct keel_console_ring *ring;
	uint32_t port;
	char seen[4096];
	size_t seen_len;
};

/* The first occurrence of 'text' in 'in', or NULL (lib/string has no strstr). */
static const char *find_text(const char *in, const char *text)
{
	size_t n = strlen(text);
	for (; *in; in++)
		if (!strncmp(in, text, n))
			return in;
	return NULL;
}

/* Takes what 'out' holds (C1 and C2 from the consumer's side); false if the indices are broken. */
static bool drain(struct backend *b)
{
	uint32_t cons = b->ring->out_cons;
	int64_t used = console_ring_used(__atomic_load_n(&b->ring->out_prod, __ATOMIC_ACQUIRE), cons,
					 KEEL_CONSOLE_OUT_SIZE);
	if (used < 0)
		return false;
	size_t room = sizeof(b->seen) - 1 - b->seen_len;
	size_t n = (uint64_t)used < room ? (size_t)used : room;
	console_ring_get(b->ring->out, KEEL_CONSOLE_OUT_SIZE, cons, b->seen + b->seen_len, n);
	b->seen_len += n;
	b->seen[b->seen_len] = '\0';
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(&b->ring->out_cons, cons + (uint32_t)n, __ATOMIC_RELEASE);
	if (n)
		evtchn_send(b->port);
	return true;
}

/* Drains until 'text' has been seen (and forgets everything before its end); false on timeout. */
static bool expect_output(struct backend *b, const char *text)
{
	uint64_t end = tc_now_ms() + WAIT_MS;
	do {
		if (!drain(b)) {
			tc_fail("the domU broke out_prod");
			return false;
		}
		const char *at = find_text(b->seen, text);
		if (at) {
			size_t used = (size_t)(at - b->seen) + strlen(text);
			memmove(b->seen, b->seen + used, b->seen_len - used + 1);
			b->seen_len -= used;
			return true;
		}
		if (b->seen_len > sizeof(b->seen) / 2) {   /* keep the tail: the text may straddle a drain */
			memmove(b->seen, b->seen + b->seen_len / 2, b->seen_len - b->seen_len / 2 + 1);
			b->seen_len -= b->seen_len / 2;
		}
		tc_sleep_ms(5);
	} while (tc_now_ms() < end);
	tc_fail("no '%s' on the console ring (it said '%.60s')", text, b->seen);
	return false;
}

/* Types a line into 'in' (C1 as its producer). */
static void type_line(struct backend *b, const char *text)
{
	size_t n = strlen(text);
	uint32_t prod = b->ring->in_prod;
	if (console_ring_free(prod, __atomic_load_n(&b->ring->in_cons, __ATOMIC_ACQUIRE), KEEL_CONSOLE_IN_SIZE) <
	    (int64_t)n) {
		tc_fail("no room in the 'in' ring for '%s'", text);
		return;
	}
	console_ring_put(b->ring->in, KEEL_CONSOLE_IN_SIZE, prod, text, n);
	__atomic_store_n(&b->ring->in_prod, prod + (uint32_t)n, __ATOMIC_RELEASE);
	evtchn_send(b->port);
}

static long device_channel(uint32_t domid, uint64_t gpa)
{
	struct keel_domctl op = { .cmd = KEEL_DOMCTL_DEVICE_CHANNEL, .domid = domid };
	op.u.device_channel.gpa = gpa;
	return keel_domctl(&op);
}

/* Waits for the VIRQ, then finds the domU's console_io line in its capture (sysctl.h's pos/size rules). */
static void check_console_read(uint32_t domid, uint32_t virq_port)
{
	uint64_t end = tc_now_ms() + WAIT_MS;
	while (!evtchn_is_pending(virq_port) && tc_now_ms() < end)
		tc_sleep_ms(5);
	if (!evtchn_is_pending(virq_port))
		tc_fail("no KEEL_VIRQ_CONSOLE within %u ms", WAIT_MS);
	static char text[KEEL_CONSOLE_CAPTURE + 1];
	struct keel_sysctl op = { .cmd = KEEL_SYSCTL_CONSOLE_READ };
	op.u.console_read = (struct keel_sysctl_console_read){
		.domid = domid, .buf = (uintptr_t)text, .pos = 0, .size = KEEL_CONSOLE_CAPTURE,
	};
	if (!tc_expect("CONSOLE_READ", keel_sysctl(&op), 0))
		return;
	text[op.u.console_read.size] = '\0';
	if (op.u.console_read.pos != 0 || !find_text(text, "tc-console: early, through console_io\n"))
		tc_fail("CONSOLE_READ from 0 gave pos %llu and '%.60s'", (unsigned long long)op.u.console_read.pos, text);
	/* Reading on from the end finds nothing new: the domU writes its ring from now on. */
	uint64_t next = op.u.console_read.pos + op.u.console_read.size;
	op.u.console_read = (struct keel_sysctl_console_read){ .domid = domid, .buf = (uintptr_t)text, .pos = next + 100,
							       .size = 16 };
	if (tc_expect("CONSOLE_READ past the end", keel_sysctl(&op), 0) &&
	    (op.u.console_read.size != 0 || op.u.console_read.pos != next))
		tc_fail("CONSOLE_READ past the end gave pos %llu size %llu, want pos %llu size 0",
			(unsigned long long)op.u.console_read.pos, (unsigned long long)op.u.console_read.size,
			(unsigned long long)next);
	op.u.console_read = (struct keel_sysctl_console_read){ .domid = 0x7fff, .buf = (uintptr_t)text, .size = 16 };
	tc_expect("CONSOLE_READ of no domain", keel_sysctl(&op), -KEEL_ESRCH);
}

/* "flood" while dom0 does not read: the domU must give up on the full ring and stay alive (C3). */
static void check_full_ring(struct backend *b)
{
	type_line(b, "flood\n");
	uint64_t end = tc_now_ms() + WAIT_MS;
	while (b->ring->out_prod - b->ring->out_cons < KEEL_CONSOLE_OUT_SIZE && tc_now_ms() < end)
		tc_sleep_ms(5);
	if (!tc_expect("bytes in the full 'out' ring", (long)(b->ring->out_prod - b->ring->out_cons),
		       KEEL_CONSOLE_OUT_SIZE))
		return;
	tc_sleep_ms(3 * CONSOLE_FULL_WAIT_MS);   /* longer than the domU's bounded wait */
	b->seen_len = 0;
	b->seen[0] = '\0';
	if (expect_output(b, "tc-console: flood ..................................... line 00\n")) {
		type_line(b, "report\n");
		if (expect_output(b, "tc-console: dropped ") && !strncmp(b->seen, "0\n", 2))
			tc_fail("the domU dropped nothing although its ring stayed full");
	}
}

void sc_console(void)
{
	const struct keel_boot_module *m = builder_find_module(tc_si, "tc-console");
	if (!m) {
		tc_fail("no boot module tc-console");
		return;
	}
	if (builder_map_grant_window() || (!shared_info && events_init(tc_si))) {
		tc_fail("cannot map the grant window or find shared info");
		return;
	}
	struct keel_sysctl_physinfo before;
	sysctl_physinfo(&before);

	struct builder_params p = {
		.name = "console", .image = (const void *)(uintptr_t)m->gpa, .image_size = m->size,
		.memory_bytes = CONSOLE_MEMORY, .nr_vcpus = 1, .cmdline = "",
	};
	struct builder_result r;
	char error[120];
	if (builder_build(&p, &r, error, sizeof(error))) {
		tc_fail("building tc-console: %s", error);
		return;
	}
	tc_expect("console page", (long)r.console_gpa, (long)(CONSOLE_MEMORY - 4096));
	tc_expect("DEVICE_CHANNEL outside RAM", device_channel(r.domid, CONSOLE_MEMORY), -KEEL_EINVAL);
	tc_expect("DEVICE_CHANNEL of a page's middle", device_channel(r.domid, 0x2008), -KEEL_EINVAL);

	struct backend b = { .ring = (volatile struct keel_console_ring *)(uintptr_t)RING_GPA };
	uint32_t handle, virq_port = 0;
	if (!tc_expect("MAP of the console page", grant_map(r.domid, r.console_ref, RING_GPA, 0, &handle), 0) ||
	    !tc_expect("BIND of the console port", evtchn_bind_interdomain(r.domid, r.console_port, &b.port), 0) ||
	    !tc_expect("BIND_VIRQ CONSOLE", evtchn_bind_virq(KEEL_VIRQ_CONSOLE, 0, &virq_port), 0) ||
	    !tc_expect("UNPAUSE", domctl_simple(KEEL_DOMCTL_UNPAUSE, r.domid), 0)) {
		tc_destroy(r.domid);
		return;
	}
	tc_expect("DEVICE_CHANNEL of a running domain", device_channel(r.domid, 0x2000), -KEEL_EINVAL);
	check_console_read(r.domid, virq_port);
	if (expect_output(&b, "tc-console: ring up\n")) {
		type_line(&b, "hello\n");
		if (expect_output(&b, "tc-console: got 'hello'\n"))
			check_full_ring(&b);
	}

	/* Destroyed while dom0 still maps its page: the page outlives it until dom0 unmaps (G6). */
	tc_destroy(r.domid);
	tc_expect("UNMAP after the domU died", grant_unmap(handle), 0);
	tc_expect("CLOSE of the console port", evtchn_close(b.port), 0);
	tc_expect("CLOSE of the VIRQ port", evtchn_close(virq_port), 0);
	struct keel_sysctl_physinfo after;
	sysctl_physinfo(&after);
	tc_expect("grants left behind", after.grants, before.grants);
	tc_expect("ports left behind", after.evtchn_ports, before.evtchn_ports);
}
