/* ringbench.c: the block ring benchmark guest: on a null disk (disk = null:SIZE), checks zeros, refusals and flush, then streams 4 KiB and 32 KiB requests and prints MB/s and notifications per 1000 requests. */
#include "blkfront.h"
#include "cmdline.h"
#include "console.h"
#include "events.h"
#include "guest.h"
#include "hypercall.h"
#include "runtime_setup.h"
#include "string.h"
#include "timer.h"

/*
 * dom0's null disk does no device I/O (dom0/blkback.h), so what a stream costs here is the
 * ring, the event channel, the backend's checks and grant copies, and the frontend's
 * bounce copies: the path every PV device shares. The clock is shared info's system time.
 *
 * Notifications are counted on this side: "front" is what blkfront sent (a kick that R5
 * said must notify), "back" the backend's notifications that reached us (upcalls on the
 * disk's port; two sent while one is pending arrive as one). dom0's 'block-stats' shows
 * its own count of both.
 *
 * Each stream runs twice: "blocking" waits on the event channel for the first completion,
 * as blkfront's synchronous calls do, so every wait re-arms rsp_event (io/ring.h R5) and
 * costs the backend a notification, and the backend, idle meanwhile, re-arms req_event and
 * costs the next kick one. "polling" never waits: it collects what is ready, refills, and
 * yields the CPU when nothing is, so rsp_event is never re-armed and the backend only has
 * to be woken when it ran out of work: the case R5's suppression is made for.
 *
 * Command line: requests=N per stream (2000), rounds=N of all the streams (1).
 */
#define SECOND_NS        1000000000ull
#define DEFAULT_REQUESTS 2000ull
#define BUFFERS          BLKFRONT_SLOTS
#define BUFFER_BYTES     (BLKFRONT_MAX_REQUEST_SECTORS * KEEL_BLKIF_SECTOR)
#define BAD_GREF         0xfffffff0u   /* far above the 1024 grant references a domain has */

/* One buffer per request in flight: a READ's data lands in its buffer when collected. */
static uint8_t buffers[BUFFERS][BUFFER_BYTES] __attribute__((aligned(4096)));
static struct blkfront disk;

/* ringbench.cfg preserves the domain when it powers off, and with it its disk's counters in dom0. */
static __attribute__((noreturn)) void power_off(void)
{
	keel_sched_shutdown(KEEL_SHUTDOWN_POWEROFF);
	for (;;)
		;
}

static __attribute__((noreturn)) void fail(const char *what, long rc)
{
	gprintf("ringbench: FAIL %s (%ld)%s%s\n", what, rc, disk.problem ? ": " : "", disk.problem ? disk.problem : "");
	power_off();
}

/* KEY=N from the command line into *n (left alone when absent); false if N is not a number. */
static bool number_option(const char *cmdline, const char *key, unsigned long long *n)
{
	char value[24];
	return !cmdline_get(cmdline, key, value, sizeof(value)) || cmdline_parse_u64(value, n);
}

static bool all_zero(const uint8_t *p, uint64_t bytes)
{
	for (uint64_t i = 0; i < bytes; i++)
		if (p[i])
			return false;
	return true;
}

/* Sends 'req' as it is and returns the backend's answer (0, -KEEL_EIO, ...). */
static long answer_to(struct keel_blkif_request req)
{
	long rc = blkfront_submit_raw(&disk, &req, 0);
	if (rc)
		fail("submitting a raw request", rc);
	struct blkfront_done d;
	rc = blkfront_complete(&disk, &d, time_now_ns() + 30 * SECOND_NS);
	if (rc != 1)
		fail("no answer to a raw request", rc);
	return d.rc;
}

/* A one-page READ from 'sector' into pool page 0 through 'gref'. */
static struct keel_blkif_request one_page_read(uint64_t sector, uint32_t gref)
{
	struct keel_blkif_request req = { .op = KEEL_BLKIF_OP_READ, .nr_segments = 1, .sector_number = sector };
	req.seg[0] = (struct keel_blkif_segment){ .gref = gref, .first_sect = 0, .last_sect = 7 };
	return req;
}

/*
 * What a null disk must do besides being fast: writes succeed and are dropped, so reading
 * the same sectors back gives zeros over a buffer that held something else; FLUSH
 * succeeds; requests past the end, straddling it, or naming a grant that does not exist
 * are refused by the backend (they are sent raw: blkfront would refuse the first two itself).
 */
static void check_null_disk(uint64_t capacity)
{
	memset(buffers[0], 0xa5, BUFFER_BYTES);
	long rc = blkfront_write(&disk, 0, buffers[0], BLKFRONT_MAX_REQUEST_SECTORS);
	if (rc)
		fail("writing the null disk", rc);
	rc = blkfront_read(&disk, 0, buffers[0], BLKFRONT_MAX_REQUEST_SECTORS);
	if (rc)
		fail("reading the null disk", rc);
	if (!all_zero(buffers[0], BUFFER_BYTES))
		fail("a read of the null disk gave something other than zeros", 0);
	rc = blkfront_flush(&disk);
	if (rc)
		fail("flushing the null disk", rc);
	gprintf("ringbench: wrote and read back %u bytes: zeros; flush succeeded\n", BUFFER_BYTES);

	struct keel_blkif_request straddling = one_page_read(capacity - 1, disk.gref_rw[0]);
	straddling.seg[0].last_sect = 1;   /* the last sector and one beyond */
	long past_end = answer_to(one_page_read(capacity, disk.gref_rw[0]));
	long across_end = answer_to(straddling);
	long bad_grant = answer_to(one_page_read(0, BAD_GREF));
	gprintf("ringbench: refused: past the end %ld, straddling the end %ld, bad grant %ld\n", past_end, across_end,
		bad_grant);
	if (past_end != -KEEL_EIO || across_end != -KEEL_EIO || bad_grant != -KEEL_EIO)
		fail("a bad request was not refused", 0);
	gprintf("ringbench: checks: PASS\n");
}

struct stream_result {
	uint64_t ns;
	uint64_t front, back;          /* notifications sent by blkfront, received from the backend */
	uint32_t max_in_flight;
};

/*
 * 'count' requests of 'sectors' each, sequential over the disk, kept as many in flight as
 * the ring and blkfront's bounce pool allow: submit until refused, publish them with one
 * kick, wait for (or poll for) the first completion, collect every other that is ready, repeat.
 */
static void stream(uint8_t op, uint32_t sectors, uint64_t count, uint64_t capacity, bool polling,
		   struct stream_result *r)
{
	uint32_t free_buffers[BUFFERS], nr_free = BUFFERS;
	for (uint32_t i = 0; i < BUFFERS; i++)
		free_buffers[i] = i;
	uint64_t span = capacity - capacity % sectors, submitted = 0, completed = 0;
	uint64_t front0 = disk.notifications_sent, back0 = disk.events;
	*r = (struct stream_result){ 0 };
	uint64_t start = time_now_ns();
	while (completed < count) {
		while (submitted < count && nr_free) {
			uint32_t b = free_buffers[nr_free - 1];
			long rc = blkfront_submit(&disk, op, submitted * sectors % span, buffers[b], sectors, b);
			if (rc == -KEEL_EAGAIN)
				break;
			if (rc)
				fail("submit", rc);
			nr_free--;
			submitted++;
		}
		if (blkfront_in_flight(&disk) > r->max_in_flight)
			r->max_in_flight = blkfront_in_flight(&disk);
		struct blkfront_done d;
		uint64_t deadline = time_now_ns() + 30 * SECOND_NS;
		long rc = blkfront_complete(&disk, &d, polling ? 0 : deadline);
		while (polling && rc == -KEEL_EAGAIN && time_now_ns() < deadline) {
			keel_sched_yield();   /* the backend may share this CPU */
			rc = blkfront_complete(&disk, &d, 0);
		}
		if (rc == -KEEL_EAGAIN)
			fail("no answer from the backend in 30 s", rc);
		/* The first completion waited; the others ready with it are collected without waiting. */
		while (rc == 1) {
			if (d.rc)
				fail("a streamed request failed", d.rc);
			free_buffers[nr_free++] = (uint32_t)d.cookie;
			completed++;
			rc = blkfront_complete(&disk, &d, 0);
		}
		if (rc != -KEEL_EAGAIN && rc != 0)
			fail("complete", rc);
	}
	r->ns = time_now_ns() - start;
	r->front = disk.notifications_sent - front0;
	r->back = disk.events - back0;
}

/* "X.YZ": value * 100 as an integer, printed with two decimals. */
static void print_rate(const char *label, const char *mode, uint32_t sectors, uint64_t count,
		       const struct stream_result *r)
{
	uint64_t ns = r->ns ? r->ns : 1, bytes = count * sectors * KEEL_BLKIF_SECTOR;
	uint64_t mb_centi = bytes * 100 * 1000 / ns;             /* bytes/ns * 1000 = MB/s (10^6 bytes) */
	uint64_t per_s = count * SECOND_NS / ns;
	uint64_t per_mille_tenths = ((r->front + r->back) * 10000 + count / 2) / count;
	gprintf("ringbench: %u KiB %s %s: %llu.%02llu MB/s, %llu requests/s, %llu.%llu notifications per 1000 requests "
		"(front %llu, back %llu; %llu requests, up to %u in flight)\n",
		sectors / 2, label, mode, (unsigned long long)(mb_centi / 100), (unsigned long long)(mb_centi % 100),
		(unsigned long long)per_s, (unsigned long long)(per_mille_tenths / 10),
		(unsigned long long)(per_mille_tenths % 10), (unsigned long long)r->front, (unsigned long long)r->back,
		(unsigned long long)count, r->max_in_flight);
}

void guest_main(const struct keel_start_info *si)
{
	const char *setup_step;
	long rc = runtime_setup(si, RUNTIME_TIMER, &setup_step);
	if (rc)
		fail(setup_step, rc);
	asm volatile("sti");

	unsigned long long count = DEFAULT_REQUESTS, rounds = 1;
	if (!number_option(si->cmdline, "requests", &count) || !number_option(si->cmdline, "rounds", &rounds))
		fail("bad requests= or rounds= on the command line", 0);
	rc = blkfront_open(si, 0, &disk);
	if (rc)
		fail("opening disk 0", rc);
	uint64_t capacity = blkfront_capacity(&disk);
	gprintf("ringbench: disk 0 '%s': %llu sectors, %s\n", blkfront_name(&disk), (unsigned long long)capacity,
		blkfront_read_only(&disk) ? "read-only" : "read-write");
	if (strncmp(blkfront_name(&disk), "null:", 5) != 0 || blkfront_read_only(&disk) ||
	    blkfront_sector_size(&disk) != KEEL_BLKIF_SECTOR || capacity < BLKFRONT_MAX_REQUEST_SECTORS || count == 0)
		fail("needs a read-write null disk of at least 32 KiB (disk = null:SIZE) and requests > 0", 0);

	check_null_disk(capacity);

	static const uint32_t sizes[] = { BLKFRONT_SECTORS_PER_PAGE, BLKFRONT_MAX_REQUEST_SECTORS };
	static const uint8_t ops[] = { KEEL_BLKIF_OP_READ, KEEL_BLKIF_OP_WRITE };
	for (uint64_t round = 0; round < rounds; round++)
		for (unsigned int s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
			for (unsigned int o = 0; o < sizeof(ops) / sizeof(ops[0]); o++)
				for (int polling = 0; polling <= 1; polling++) {
					struct stream_result r;
					stream(ops[o], sizes[s], count, capacity, polling, &r);
					print_rate(ops[o] == KEEL_BLKIF_OP_READ ? "read" : "write",
						   polling ? "polling" : "blocking", sizes[s], count, &r);
				}
	gprintf("ringbench: done: %llu notifications sent, %llu received in all\n",
		(unsigned long long)disk.notifications_sent, (unsigned long long)disk.events);
	power_off();
}
