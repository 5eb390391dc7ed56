/* disktest.c: the block device test guest: writes a seeded pattern over disk 0 with many requests in flight, flushes, reads it back and verifies (or checks a read-only disk refuses writes, and with probe=1 that bad requests are refused). */
#include "blkfront.h"
#include "cmdline.h"
#include "console.h"
#include "events.h"
#include "guest.h"
#include "hypercall.h"
#include "runtime_setup.h"
#include "shutdown_request.h"
#include "string.h"
#include "timer.h"
#include "trap.h"

#define SECOND_NS      1000000000ull
#define BUFFERS        BLKFRONT_SLOTS
#define BUFFER_SECTORS BLKFRONT_MAX_REQUEST_SECTORS
#define WORDS_PER_SECTOR (KEEL_BLKIF_SECTOR / 8)

/* One buffer per request in flight; each request's data stays in its buffer until collected. */
static uint64_t buffers[BUFFERS][BUFFER_SECTORS * WORDS_PER_SECTOR];
static struct blkfront disk;
static uint64_t seed;

static __attribute__((noreturn)) void finish(bool stay)
{
	/* stay=1 keeps the domain (and its disk) around for a test to look at; dom0's
	 * 'shutdown' still ends it politely. */
	while (stay && !shutdown_requested())
		sleep_ns(SECOND_NS / 5);
	keel_sched_shutdown(KEEL_SHUTDOWN_POWEROFF);
	for (;;)
		;
}

static __attribute__((noreturn)) void fail(bool stay, const char *what, long rc)
{
	gprintf("disktest: FAIL %s (%ld)%s%s\n", what, rc, disk.problem ? ": " : "", disk.problem ? disk.problem : "");
	finish(stay);
}

/* splitmix64's finaliser: every input bit reaches every output bit. */
static uint64_t mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* Word w of sector s: depends on the seed, the sector and the word, never on the domid. */
static uint64_t pattern_word(uint64_t sector, uint32_t w)
{
	return mix(mix(seed ^ 0x9e3779b97f4a7c15ull) + sector * WORDS_PER_SECTOR + w);
}

static void fill_pattern(uint64_t *buf, uint64_t sector, uint32_t nr_sectors)
{
	for (uint32_t s = 0; s < nr_sectors; s++)
		for (uint32_t w = 0; w < WORDS_PER_SECTOR; w++)
			buf[s * WORDS_PER_SECTOR + w] = pattern_word(sector + s, w);
}

/* Sectors that differ from the pattern; the first such is kept in *first_bad. */
static uint32_t count_mismatches(const uint64_t *buf, uint64_t sector, uint32_t nr_sectors, uint64_t *first_bad)
{
	uint32_t bad = 0;
	for (uint32_t s = 0; s < nr_sectors; s++)
		for (uint32_t w = 0; w < WORDS_PER_SECTOR; w++)
			if (buf[s * WORDS_PER_SECTOR + w] != pattern_word(sector + s, w)) {
				if (!bad)
					*first_bad = sector + s;
				bad++;
				break;
			}
	return bad;
}

/*
 * Request sizes vary with the seed (whole disk sectors, 1..BUFFER_SECTORS), so requests
 * of one page, of many, and with a partly used last page all occur.
 */
static uint32_t chunk_at(uint64_t sector, uint64_t left, uint32_t step)
{
	uint32_t n = step * (uint32_t)(1 + mix(seed + sector) % (BUFFER_SECTORS / step));
	return left < n ? (uint32_t)left : n;
}

struct pass_result {
	uint64_t sectors;        /* transferred successfully */
	uint64_t mismatched;     /* READ: sectors that differ from the pattern */
	uint64_t first_bad;
	uint32_t max_in_flight;
	int      first_error;
};

/* Writes (or reads and checks) [0, span) with up to BUFFERS requests in flight. */
static void run_pass(uint8_t op, uint64_t span, uint32_t step, bool stay, struct pass_result *r)
{
	uint32_t free_buffers[BUFFERS], nr_free = BUFFERS;
	for (uint32_t i = 0; i < BUFFERS; i++)
		free_buffers[i] = i;
	*r = (struct pass_result){ 0 };
	uint64_t next = 0;
	while (next < span || blkfront_in_flight(&disk)) {
		if (shutdown_requested()) {
			gprintf("disktest: asked to shut down in the middle; stopping\n");
			finish(false);
		}
		while (next < span && nr_free && !r->first_error) {
			uint32_t n = chunk_at(next, span - next, step);
			uint32_t b = free_buffers[nr_free - 1];
			if (op == KEEL_BLKIF_OP_WRITE)
				fill_pattern(buffers[b], next, n);
			long rc = blkfront_submit(&disk, op, next, buffers[b], n, b);
			if (rc == -KEEL_EAGAIN)
				break;   /* the pool is busy: collect a completion first */
			if (rc)
				fail(stay, "submit", rc);
			nr_free--;
			next += n;
		}
		if (blkfront_in_flight(&disk) > r->max_in_flight)
			r->max_in_flight = blkfront_in_flight(&disk);
		if (r->first_error && !blkfront_in_flight(&disk))
			break;
		struct blkfront_done d;
		long c = blkfront_complete(&disk, &d, time_now_ns() + 30 * SECOND_NS);
		if (c == -KEEL_EAGAIN)
			fail(stay, "no answer from the backend in 30 s", c);
		if (c != 1)
			fail(stay, "complete", c);
		free_buffers[nr_free++] = (uint32_t)d.cookie;
		if (d.rc) {
			if (!r->first_error)
				r->first_error = d.rc;
			continue;
		}
		r->sectors += d.nr_sectors;
		if (op == KEEL_BLKIF_OP_READ) {
			uint64_t bad_at = 0;
			uint32_t bad = count_mismatches(buffers[d.cookie], d.sector, d.nr_sectors, &bad_at);
			if (bad && (!r->mismatched || bad_at < r->first_bad))
				r->first_bad = bad_at;
			r->mismatched += bad;
		}
	}
}

/* A READ (or WRITE) of 'nr_pages' whole pool pages, sent as it is. */
static struct keel_blkif_request raw_request(uint8_t op, uint64_t sector, uint8_t nr_pages)
{
	struct keel_blkif_request req = { .op = op, .nr_segments = nr_pages, .sector_number = sector };
	for (uint8_t i = 0; i < nr_pages; i++)
		req.seg[i] = (struct keel_blkif_segment){
			.gref = op == KEEL_BLKIF_OP_READ ? disk.gref_rw[i] : disk.gref_ro[i], .first_sect = 0, .last_sect = 7,
		};
	return req;
}

/* Sends one request blkfront_submit would refuse to build; the backend must answer ERROR (B1, B6). */
static void expect_refused(const char *what, const struct keel_blkif_request *req, bool stay)
{
	long rc = blkfront_submit_raw(&disk, req, 0);
	if (rc)
		fail(stay, what, rc);
	struct blkfront_done d;
	rc = blkfront_complete(&disk, &d, time_now_ns() + 30 * SECOND_NS);
	if (rc != 1)
		fail(stay, "no answer to a bad request", rc);
	if (d.rc != -KEEL_EIO) {
		gprintf("disktest: the backend answered %d to %s\n", d.rc, what);
		fail(stay, "a bad request was not refused", d.rc);
	}
}

/*
 * probe=1: requests past the end, straddling it and, on a disk with 4096-byte sectors, not
 * on a 4096-byte boundary (start or length), each refused. Every one counts as an error in
 * dom0's 'block-list', so it is asked for on the command line only.
 */
static void probe_bad_requests(uint64_t capacity, uint32_t step, bool stay)
{
	uint32_t refused = 0;
	struct keel_blkif_request req = raw_request(KEEL_BLKIF_OP_READ, capacity, 1);
	expect_refused("a READ at the capacity", &req, stay);
	refused++;
	req = raw_request(KEEL_BLKIF_OP_WRITE, capacity - step, 2);   /* its last disk sector and one more */
	expect_refused("a WRITE straddling the end", &req, stay);
	refused++;
	if (step > 1) {
		req = raw_request(KEEL_BLKIF_OP_READ, 1, 1);   /* 4096 bytes, starting 512 bytes in */
		expect_refused("a READ not starting on a disk sector", &req, stay);
		refused++;
		req = raw_request(KEEL_BLKIF_OP_WRITE, step, 1);
		req.seg[0].last_sect = 0;                    /* 512 bytes: part of a disk sector */
		expect_refused("a WRITE of part of a disk sector", &req, stay);
		refused++;
	}
	gprintf("disktest: %u bad requests refused (past the end%s): PASS\n", refused,
		step > 1 ? ", not whole disk sectors" : "");
}

/* A read-only disk: a write must fail and reads must work. */
static void test_read_only(uint64_t span, uint32_t step, bool stay)
{
	uint32_t n = step;
	long rc = blkfront_write(&disk, 0, buffers[0], n);
	if (rc == 0)
		fail(stay, "a write to the read-only disk succeeded", rc);
	struct pass_result r;
	run_pass(KEEL_BLKIF_OP_READ, span, step, stay, &r);
	if (r.first_error || r.sectors != span)
		fail(stay, "reading the read-only disk", r.first_error);
	gprintf("disktest: write refused (%ld), read %llu sectors\n", rc, (unsigned long long)r.sectors);
	gprintf("disktest: read-only disk refused the write: PASS\n");
	finish(stay);
}

static unsigned long long cmdline_number(const struct keel_start_info *si, const char *key, unsigned long long def)
{
	char value[24];
	unsigned long long n;
	if (!cmdline_get(si->cmdline, key, value, sizeof(value)))
		return def;
	if (!cmdline_parse_u64(value, &n)) {
		gprintf("disktest: FAIL bad %s='%s'\n", key, value);
		finish(false);
	}
	return n;
}

void guest_main(const struct keel_start_info *si)
{
	const char *setup_step;
	long rc = runtime_setup(si, RUNTIME_TIMER | RUNTIME_SHUTDOWN, &setup_step);
	if (rc)
		fail(false, setup_step, rc);
	asm volatile("sti");

	seed = cmdline_number(si, "seed", 1);
	bool stay = cmdline_number(si, "stay", 0) != 0;
	rc = blkfront_open(si, 0, &disk);
	if (rc)
		fail(stay, "opening disk 0", rc);
	uint64_t capacity = blkfront_capacity(&disk);
	uint32_t step = blkfront_sector_size(&disk) / KEEL_BLKIF_SECTOR;
	gprintf("disktest: seed %llu, disk 0 '%s': %llu sectors (%llu KiB), %u-byte sectors, %s, flush %s\n",
		(unsigned long long)seed, blkfront_name(&disk), (unsigned long long)capacity,
		(unsigned long long)(capacity / 2), blkfront_sector_size(&disk),
		blkfront_read_only(&disk) ? "read-only" : "read-write", blkfront_has_flush(&disk) ? "yes" : "no");

	uint64_t span = cmdline_number(si, "sectors", capacity);
	if (span > capacity)
		span = capacity;
	span -= span % step;
	if (span == 0)
		fail(stay, "nothing to test: sectors rounds to 0", 0);
	if (cmdline_number(si, "probe", 0))
		probe_bad_requests(capacity, step, stay);
	if (blkfront_read_only(&disk))
		test_read_only(span, step, stay);

	struct pass_result w, r;
	run_pass(KEEL_BLKIF_OP_WRITE, span, step, stay, &w);
	if (w.first_error)
		fail(stay, "a write failed", w.first_error);
	rc = blkfront_flush(&disk);
	if (rc == -KEEL_ENOSYS)
		gprintf("disktest: the backend offers no flush; writes are complete when answered\n");
	else if (rc)
		fail(stay, "flush", rc);
	run_pass(KEEL_BLKIF_OP_READ, span, step, stay, &r);
	if (r.first_error)
		fail(stay, "a read failed", r.first_error);
	gprintf("disktest: up to %u requests in flight writing, %u reading\n", w.max_in_flight, r.max_in_flight);
	if (r.mismatched || w.sectors != span || r.sectors != span)
		gprintf("disktest: wrote %llu sectors, read back %llu, %llu differ (first at sector %llu): FAIL\n",
			(unsigned long long)w.sectors, (unsigned long long)r.sectors,
			(unsigned long long)r.mismatched, (unsigned long long)r.first_bad);
	else
		gprintf("disktest: wrote %llu sectors, read back %llu, all match: PASS\n",
			(unsigned long long)w.sectors, (unsigned long long)r.sectors);
	finish(stay);
}
