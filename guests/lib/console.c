/* console.c: gprintf and line input: lib/fmt into a line buffer, out through the console ring (C1-C3) or console_io. */
#include "console.h"

#include <io/console.h>

#include "console_ring_index.h"
#include "devices.h"
#include "events.h"
#include "fmt.h"
#include "hypercall.h"
#include "timer.h"

#define RFLAGS_IF (1u << 9)

/* Long enough for any line a guest prints; a longer one simply goes out in pieces. */
static char line[256];
static size_t line_len;

static const struct keel_start_info *start_info;
static enum { RING_UNKNOWN, RING_ON, RING_OFF } ring_state;
static volatile struct keel_console_ring *ring;
static uint32_t ring_port;
static bool input_broken;      /* the backend broke the 'in' indices (C2): no more input */
static bool stalled;           /* the last wait on a full ring timed out, and it is still full */
static uint64_t dropped;
static volatile uint64_t ring_events;

/* Input collected by console_read_line until its newline arrives. */
static char pending[256];
static size_t pending_len;

void console_init(const struct keel_start_info *si)
{
	start_info = si;
}

static void on_ring_event(uint32_t port, void *arg)
{
	(void)port, (void)arg;
	ring_events++;   /* space in 'out' or bytes in 'in': the waiters below look for themselves */
}

/*
 * The ring is used once events are up, and only if the backend bound its end of the port
 * (the builder's contract: it does so before the guest first runs): a ring nobody reads
 * would swallow everything. Decided once.
 */
static bool ring_ready(void)
{
	if (ring_state == RING_UNKNOWN && shared_info && start_info) {
		const struct keel_device *dev = devices_find(start_info, KEEL_DEVICE_CONSOLE, 0);
		struct keel_evtchn_status st;
		ring_state = RING_OFF;
		if (dev && evtchn_status(dev->port, &st) == 0 && st.status == KEEL_EVTCHNSTAT_INTERDOMAIN &&
		    st.remote_dom == dev->backend_domid) {
			ring = (volatile struct keel_console_ring *)(uintptr_t)dev->ring_gpa;
			ring_port = dev->port;
			events_set_handler(ring_port, on_ring_event, 0);
			ring_state = RING_ON;
		}
	}
	return ring_state == RING_ON;
}

bool console_has_ring(void)
{
	return ring_ready();
}

uint64_t console_dropped(void)
{
	return dropped;
}

static bool out_has_room(void)
{
	return console_ring_free(ring->out_prod, __atomic_load_n(&ring->out_cons, __ATOMIC_ACQUIRE),
				 KEEL_CONSOLE_OUT_SIZE) != 0;   /* broken indices count as room: the writer sees them */
}

static bool in_has_bytes(void)
{
	return console_ring_used(__atomic_load_n(&ring->in_prod, __ATOMIC_ACQUIRE), ring->in_cons,
				 KEEL_CONSOLE_IN_SIZE) != 0;
}

/*
 * Waits until ready() or system time passes the deadline; whether ready() held. With
 * interrupts enabled the vCPU blocks on its one-shot timer and the console port (R1 of
 * shared_info.h: interrupts are off while it checks, so no event is lost). With them
 * disabled the caller may be an event handler or inside sleep_ns, whose timer must not be
 * disturbed: then it yields until the deadline instead.
 */
static bool wait_until(bool (*ready)(void), uint64_t deadline)
{
	uint64_t flags;
	asm volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
	bool blocking = flags & RFLAGS_IF;
	bool ok;
	while (!(ok = ready()) && time_now_ns() < deadline) {
		if (blocking) {
			/* Armed on every turn: the timer is one-shot, and our clock (shared info) may
			 * still read a hair before the deadline when the hypervisor's timer fires. */
			set_timer(deadline);
			keel_sched_block();
			asm volatile("sti; nop; cli" : : : "memory");   /* take the upcall that woke us */
		} else {
			keel_sched_yield();
		}
	}
	if (blocking)
		set_timer(0);
	if (flags & RFLAGS_IF)
		asm volatile("sti" : : : "memory");
	return ok;
}

/* C1 and C3: as much as fits, a notify, and a bounded wait when the ring is full. */
static void ring_write(const char *s, size_t n)
{
	while (n) {
		uint32_t prod = ring->out_prod;
		int64_t room = console_ring_free(prod, __atomic_load_n(&ring->out_cons, __ATOMIC_ACQUIRE),
						 KEEL_CONSOLE_OUT_SIZE);
		if (room < 0) {
			/* The backend broke out_cons: nothing written here would be read right. */
			ring_state = RING_OFF;
			keel_console_write(s, n);
			return;
		}
		if (room == 0) {
			if (stalled || !wait_until(out_has_room, time_now_ns() + CONSOLE_FULL_WAIT_MS * 1000000ull)) {
				stalled = true;
				dropped += n;
				return;
			}
			continue;
		}
		stalled = false;
		size_t chunk = (uint64_t)room < n ? (size_t)room : n;
		console_ring_put(ring->out, KEEL_CONSOLE_OUT_SIZE, prod, s, chunk);
		__atomic_store_n(&ring->out_prod, prod + (uint32_t)chunk, __ATOMIC_RELEASE);   /* bytes before index */
		evtchn_send(ring_port);
		s += chunk;
		n -= chunk;
	}
}

static void flush(void)
{
	if (!line_len)
		return;
	if (ring_ready())
		ring_write(line, line_len);
	else
		keel_console_write(line, line_len);
	line_len = 0;
}

static void put_char(void *ctx, char c)
{
	(void)ctx;
	line[line_len++] = c;
	if (c == '\n' || line_len == sizeof line)
		flush();
}

int gvprintf(const char *fmt, va_list ap)
{
	int n = fmt_vformat(put_char, NULL, fmt, ap);
	flush();
	return n;
}

int gprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = gvprintf(fmt, ap);
	va_end(ap);
	return n;
}

int console_read(char *buf, size_t len)
{
	if (!ring_ready() || input_broken)
		return -1;
	uint32_t cons = ring->in_cons;
	int64_t used = console_ring_used(__atomic_load_n(&ring->in_prod, __ATOMIC_ACQUIRE), cons, KEEL_CONSOLE_IN_SIZE);
	if (used < 0) {
		input_broken = true;   /* C2: never trust the backend's index */
		return -1;
	}
	size_t n = (uint64_t)used < len ? (size_t)used : len;
	if (!n)
		return 0;
	console_ring_get(ring->in, KEEL_CONSOLE_IN_SIZE, cons, buf, n);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);   /* the bytes are read before the space is handed back */
	__atomic_store_n(&ring->in_cons, cons + (uint32_t)n, __ATOMIC_RELEASE);
	evtchn_send(ring_port);   /* the backend may be waiting for room */
	return (int)n;
}

/* Moves the first line (or piece of at most max bytes) of 'pending' into out; false if there is none yet. */
static bool take_line(char *out, size_t max)
{
	for (size_t i = 0; i < pending_len; i++) {
		bool ended = pending[i] == '\n' || pending[i] == '\r';
		if (!ended && i + 1 < max && i + 1 < sizeof pending)
			continue;
		size_t len = ended ? i : i + 1;
		for (size_t j = 0; j < len; j++)
			out[j] = pending[j];
		out[len] = '\0';
		for (size_t j = i + 1; j < pending_len; j++)
			pending[j - (i + 1)] = pending[j];
		pending_len -= i + 1;
		return true;
	}
	return false;
}

bool console_read_line(char *out, size_t size)
{
	if (size < 2)
		return false;
	for (;;) {
		while (take_line(out, size - 1))
			if (out[0])
				return true;   /* empty lines (and the '\n' of a "\r\n") are skipped */
		int n = console_read(pending + pending_len, sizeof pending - pending_len);
		if (n <= 0)
			return false;
		pending_len += (size_t)n;
	}
}

static bool never(void)
{
	return false;
}

bool console_wait_input(uint64_t deadline_ns)
{
	if (!shared_info)
		return false;   /* no events, no time: nothing to wait with */
	if (!ring_ready() || input_broken) {
		wait_until(never, deadline_ns);
		return false;
	}
	return wait_until(in_has_bytes, deadline_ns);
}
