/* console_backend.c: mapping, draining and attaching to domains' consoles (see console_backend.h). */
#include "console_backend.h"

#include <stdio.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include <keel/abi.h>
#include <keel/grant_table.h>
#include <keel/sysctl.h>

#include "cli.h"
#include "console_history.h"
#include "console_ring.h"
#include "control.h"
#include "events.h"
#include "grant.h"
#include "paging.h"
#include "thread.h"
#include "timer.h"
#include "tty.h"

/*
 * Console pages are mapped at the bottom of the grant window, one page per backend slot
 * (slot i at KEEL_GRANT_WINDOW_BASE + i * 4 KiB); other backends use the window above
 * CONSOLE_WINDOW_END.
 */
#define CONSOLE_WINDOW_END (KEEL_GRANT_WINDOW_BASE + CONSOLE_BACKEND_MAX * 4096ull)

/* How often an attached operator's loop looks whether its console went away. */
#define ATTACH_POLL_NS 200000000ull

struct console_backend {
	bool in_use;
	uint32_t domid;
	bool ring_up;                   /* ring mapped and port bound */
	bool broken;                    /* the guest broke rule C2: ring given up */
	struct keel_console_ring *ring; /* in the grant window, slot's page */
	uint32_t map_handle;
	uint32_t port;                  /* our end of the guest's port */
	volatile bool ring_pending;     /* set by the port's handler */
	uint64_t io_pos;                /* next console_io byte to fetch (sysctl CONSOLE_READ) */
	bool attached;
	bool flushing;                  /* a thread is writing the attached output */
	uint64_t attach_pos;            /* history position the operator has seen up to */
	struct console_history history;
};

/* Static: an attached CLI thread may still hold a slot's pointer after disconnect, and only
 * ever finds in_use false there, never freed memory. */
static struct console_backend backends[CONSOLE_BACKEND_MAX];
static struct waitq console_wq = WAITQ_INIT;
static volatile bool io_pending;        /* KEEL_VIRQ_CONSOLE arrived */

static uint64_t slot_gpa(const struct console_backend *cb)
{
	return KEEL_GRANT_WINDOW_BASE + (uint64_t)(cb - backends) * 4096ull;
}
_Static_assert(CONSOLE_WINDOW_END <= KEEL_GRANT_WINDOW_BASE + KEEL_GRANT_WINDOW_SIZE, "slots fit the window");

/* Upcall context: record and wake, nothing else (thread.h). */
static void on_ring_event(uint32_t port, void *arg)
{
	struct console_backend *cb = arg;
	(void)port;
	cb->ring_pending = true;
	waitq_wake_all(&console_wq);
}

static void on_console_virq(uint32_t port, void *arg)
{
	(void)port, (void)arg;
	io_pending = true;
	waitq_wake_all(&console_wq);
}

/* Writes what the attached operator has not seen yet. One writer at a time keeps chunks in order. */
static void flush_attached(struct console_backend *cb)
{
	char buf[256];
	size_t n;
	if (!cb->attached || cb->flushing)
		return;
	cb->flushing = true;
	while (cb->in_use && cb->attached &&
	       (n = console_history_read(&cb->history, &cb->attach_pos, buf, sizeof(buf))) > 0)
		tty_write(buf, n);
	cb->flushing = false;
}

static void ring_down(struct console_backend *cb)
{
	if (!cb->ring_up)
		return;
	cb->ring_up = false;
	events_set_handler(cb->port, NULL, NULL);
	evtchn_close(cb->port);
	grant_unmap(cb->map_handle);
	cb->ring = NULL;
}

static void drain_ring(struct console_backend *cb)
{
	cb->ring_pending = false;
	if (!cb->ring_up)
		return;
	long n = console_ring_drain_out(cb->ring, &cb->history);
	if (n < 0) {
		cli_notice("dom0: domain %u broke its console ring (producer index out of range); console disconnected",
		       cb->domid);
		cb->broken = true;
		ring_down(cb);
		return;
	}
	if (n > 0)
		evtchn_send(cb->port);   /* C1: space freed for a producer that may wait for it */
}

/* What the domain wrote with console_io since the last call, into the same history (C4). */
static void fetch_console_io(struct console_backend *cb)
{
	char buf[512];
	for (;;) {
		struct keel_sysctl op = { .cmd = KEEL_SYSCTL_CONSOLE_READ };
		op.u.console_read.domid = cb->domid;
		op.u.console_read.buf = (uintptr_t)buf;
		op.u.console_read.pos = cb->io_pos;
		op.u.console_read.size = sizeof(buf);
		if (keel_sysctl(&op) != 0)
			return;
		uint64_t got = op.u.console_read.size;
		if (got == 0 || got > sizeof(buf) || op.u.console_read.pos < cb->io_pos)
			return;   /* nothing new, or an answer that makes no sense: never trust a size blindly */
		console_text_sanitize(buf, (size_t)got);
		console_history_append(&cb->history, buf, (size_t)got);
		cb->io_pos = op.u.console_read.pos + got;
	}
}

static bool work_pending(void)
{
	if (io_pending)
		return true;
	for (unsigned i = 0; i < CONSOLE_BACKEND_MAX; i++)
		if (backends[i].in_use && backends[i].ring_pending)
			return true;
	return false;
}

static void console_thread(void *arg)
{
	(void)arg;
	for (;;) {
		/* The deadline is a safety net: an event that lands between the check and the wait
		 * is still served within a second. */
		while (!work_pending())
			waitq_wait(&console_wq, time_now_ns() + 1000000000ull);
		bool io = io_pending;
		io_pending = false;
		for (unsigned i = 0; i < CONSOLE_BACKEND_MAX; i++) {
			struct console_backend *cb = &backends[i];
			if (!cb->in_use)
				continue;
			if (cb->ring_pending)
				drain_ring(cb);
			if (io)
				fetch_console_io(cb);
			flush_attached(cb);
		}
	}
}

/*
 * Our page tables must map the slots' part of the grant window. The tables it needs (a
 * page directory at most: the identity map's PDPT covers 64 GiB already) come from the
 * heap, which is identity-mapped RAM like everything else here, so they never collide with
 * what builder_init took from first_free_gpa.
 */
static long map_console_window(void)
{
	void *tables = memalign(4096, 2 * 4096);
	if (!tables)
		return -KEEL_ENOMEM;
	uint64_t next_free = (uintptr_t)tables;
	_Static_assert(CONSOLE_WINDOW_END - KEEL_GRANT_WINDOW_BASE <= PAGE_SIZE_2M, "one 2 MiB page holds the slots");
	if (paging_map_2m(KEEL_GRANT_WINDOW_BASE, KEEL_GRANT_WINDOW_BASE, &next_free)) {
		free(tables);
		return -KEEL_EEXIST;
	}
	/* Whatever paging_map_2m did not use stays allocated: it is one page, once. */
	return 0;
}

long console_backend_init(void)
{
	uint32_t port;
	long rc = map_console_window();
	if (rc)
		return rc;
	rc = evtchn_bind_virq(KEEL_VIRQ_CONSOLE, 0, &port);
	if (rc)
		return rc;
	events_set_handler(port, on_console_virq, NULL);
	evtchn_unmask(port);
	if (!thread_create("console", console_thread, NULL))
		return -KEEL_ENOMEM;
	return 0;
}

struct console_backend *console_backend_connect(uint32_t domid, uint32_t ref, uint32_t guest_port,
						char *err, size_t err_size)
{
	struct console_backend *cb = NULL;
	for (unsigned i = 0; i < CONSOLE_BACKEND_MAX && !cb; i++)
		if (!backends[i].in_use && !backends[i].flushing)
			cb = &backends[i];
	if (!cb) {
		snprintf(err, err_size, "no console slot left (%d in use)", CONSOLE_BACKEND_MAX);
		return NULL;
	}
	memset(cb, 0, sizeof(*cb));
	cb->domid = domid;

	long rc = grant_map(domid, ref, slot_gpa(cb), 0, &cb->map_handle);
	if (rc) {
		snprintf(err, err_size, "console: mapping the ring page failed (%ld)", rc);
		return NULL;
	}
	rc = evtchn_bind_interdomain(domid, guest_port, &cb->port);
	if (rc) {
		grant_unmap(cb->map_handle);
		snprintf(err, err_size, "console: binding its port failed (%ld)", rc);
		return NULL;
	}
	cb->ring = (struct keel_console_ring *)(uintptr_t)slot_gpa(cb);
	cb->ring_up = true;
	cb->in_use = true;
	events_set_handler(cb->port, on_ring_event, cb);
	evtchn_unmask(cb->port);
	return cb;
}

void console_backend_disconnect(struct console_backend *cb)
{
	if (!cb || !cb->in_use)
		return;
	/* The last words of a dying domain (a panic, a crash report) are often the ones wanted. */
	drain_ring(cb);
	fetch_console_io(cb);
	flush_attached(cb);
	ring_down(cb);
	cb->attached = false;
	cb->in_use = false;
}

bool console_backend_broken(const struct console_backend *cb)
{
	return cb->broken;
}

static bool still_serving(const struct console_backend *cb, uint32_t domid)
{
	return cb->in_use && cb->domid == domid;
}

void console_backend_attach(struct console_backend *cb)
{
	uint32_t domid = cb->domid;
	if (cb->attached) {
		printf("error: domain %u's console is already attached\n", domid);
		return;
	}
	cb->attached = true;
	cb->attach_pos = 0;   /* the whole history first */
	/* Output that came before now, then whatever the console thread adds. */
	fetch_console_io(cb);
	flush_attached(cb);
	while (still_serving(cb, domid)) {
		int c = tty_read_byte(time_now_ns() + ATTACH_POLL_NS);
		if (!still_serving(cb, domid))
			break;
		if (c == CONSOLE_DETACH_KEY)
			break;
		if (c >= 0 && cb->ring_up) {
			char byte = (char)c;
			long n = console_ring_push_in(cb->ring, &byte, 1);
			if (n < 0) {
				printf("\ndom0: domain %u broke its console ring (consumer index out of range); console disconnected\n",
				       domid);
				cb->broken = true;
				ring_down(cb);
			} else if (n > 0) {
				evtchn_send(cb->port);
			}
			/* n == 0: the guest is not reading; the keystroke is dropped rather than blocking the CLI. */
		}
		flush_attached(cb);
	}
	if (still_serving(cb, domid))
		cb->attached = false;
	else
		printf("\ndom0: domain %u's console went away\n", domid);
}
