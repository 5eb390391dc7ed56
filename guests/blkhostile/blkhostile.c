/* blkhostile.c: a guest that attacks its block backend (pv-abi/io/blkif.h B6): bad grants, bad segments, sectors past the end, unknown ops, then a wild req_prod; then it idles. */
#include "blkfront.h"
#include "cmdline.h"
#include "console.h"
#include "events.h"
#include "grant.h"
#include "guest.h"
#include "hypercall.h"
#include "runtime_setup.h"
#include "shutdown_request.h"
#include "timer.h"
#include "trap.h"

#define SECOND_NS 1000000000ull

static struct blkfront disk;
static uint64_t rng_state;

/* xorshift64*: reproducible from the seed on the command line. */
static uint64_t random64(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static __attribute__((noreturn)) void idle(void)
{
	/* Quietly alive, so a test can check the backend dropped only this guest. */
	while (!shutdown_requested())
		sleep_ns(SECOND_NS / 5);
	gprintf("blkhostile: asked to shut down; goodbye\n");
	keel_sched_shutdown(KEEL_SHUTDOWN_POWEROFF);
	for (;;)
		;
}

static const char *status_name(int rc)
{
	switch (rc) {
	case 0:
		return "OKAY";
	case -KEEL_EIO:
		return "ERROR";
	case -KEEL_ENOSYS:
		return "EOPNOTSUPP";
	default:
		return "?";
	}
}

/* Sends one request as it is and reports the backend's answer, or its silence. */
static void attack(const char *what, const struct keel_blkif_request *req)
{
	static uint64_t sent;
	uint64_t cookie = ++sent;
	long rc = blkfront_submit_raw(&disk, req, cookie);
	if (rc) {
		gprintf("blkhostile: %s: not sent (%ld)\n", what, rc);
		return;
	}
	/* A late answer to an earlier attack may come first: it is skipped, not misreported. */
	struct blkfront_done d;
	uint64_t deadline = time_now_ns() + 5 * SECOND_NS;
	while ((rc = blkfront_complete(&disk, &d, deadline)) == 1 && d.cookie != cookie)
		;
	if (rc == 1)
		gprintf("blkhostile: %s: backend answered %s\n", what, status_name(d.rc));
	else
		gprintf("blkhostile: %s: no answer (%ld)%s\n", what, rc, blkfront_broken(&disk) ? ", disk broken" : "");
}

/* A READ of one segment: page 0 of the pool unless told otherwise. */
static struct keel_blkif_request one_segment(uint64_t sector, uint32_t gref, uint8_t first, uint8_t last)
{
	struct keel_blkif_request req = { .op = KEEL_BLKIF_OP_READ, .nr_segments = 1, .sector_number = sector };
	req.seg[0] = (struct keel_blkif_segment){ .gref = gref, .first_sect = first, .last_sect = last };
	return req;
}

void guest_main(const struct keel_start_info *si)
{
	const char *step;
	long rc = runtime_setup(si, RUNTIME_TIMER | RUNTIME_SHUTDOWN, &step);
	if (rc) {
		gprintf("blkhostile: setting up events failed: %s (%ld)\n", step, rc);
		keel_sched_shutdown(KEEL_SHUTDOWN_CRASH);
	}
	asm volatile("sti");

	char value[24];
	unsigned long long seed = 1;
	if (cmdline_get(si->cmdline, "seed", value, sizeof(value)) && !cmdline_parse_u64(value, &seed))
		seed = 1;
	rng_state = seed ? seed : 1;   /* xorshift's state must not be 0 */
	gprintf("blkhostile: seed %llu\n", seed);

	rc = blkfront_open(si, 0, &disk);
	if (rc) {
		gprintf("blkhostile: no disk 0 (%ld): %s\n", rc, disk.problem ? disk.problem : "?");
		idle();
	}
	uint64_t capacity = blkfront_capacity(&disk);
	uint32_t good = disk.gref_rw[0];
	gprintf("blkhostile: disk '%s', %llu sectors\n", blkfront_name(&disk), (unsigned long long)capacity);

	/* Grants: references never made, then one made out for reading only but used for a READ. */
	struct keel_blkif_request req = one_segment(0, (uint32_t)(KEEL_GRANT_MAX_REFS + random64() % 100000), 0, 7);
	attack("grant ref beyond the table", &req);
	req = one_segment(0, (uint32_t)random64(), 0, 7);
	attack("random grant ref", &req);
	req = one_segment(0, disk.gref_ro[0], 0, 7);
	attack("read into a read-only grant", &req);

	/* Segments: ranges outside the page or backwards, and impossible segment counts. */
	req = one_segment(0, good, 5, 3);
	attack("segment last_sect < first_sect", &req);
	req = one_segment(0, good, 0, (uint8_t)(8 + random64() % 248));
	attack("segment last_sect past the page", &req);
	req = one_segment(0, good, 0, 7);
	req.nr_segments = 0;
	attack("READ with no segments", &req);
	req.nr_segments = (uint8_t)(KEEL_BLKIF_MAX_SEGMENTS + 1 + random64() % (255 - KEEL_BLKIF_MAX_SEGMENTS));
	attack("READ with too many segments", &req);

	/* Sectors: just past the end, straddling it, and wrapping 2^64. */
	req = one_segment(capacity, good, 0, 0);
	attack("sector == capacity", &req);
	req = one_segment(capacity - 1, good, 0, 7);
	attack("range straddling the end", &req);
	req = one_segment(UINT64_MAX - 3, good, 0, 7);
	attack("sector wrapping 2^64", &req);
	req = (struct keel_blkif_request){ .op = KEEL_BLKIF_OP_DISCARD, .sector_number = random64(),
					   .nr_sectors = UINT32_MAX };
	attack("DISCARD far past the end", &req);

	/* Ops the protocol does not have. */
	req = one_segment(0, good, 0, 7);
	req.op = (uint8_t)(KEEL_BLKIF_OP_DISCARD + 1 + random64() % (255 - KEEL_BLKIF_OP_DISCARD));
	attack("unknown op", &req);

	/* The ring itself (R6): more requests published than the ring has slots, then a notify. */
	uint32_t wild = (uint32_t)(disk.ring.req_pushed + KEEL_BLKIF_RING_SIZE + 1 + random64() % 0x7fff0000u);
	__atomic_store_n(&disk.sring->header.req_prod, wild, __ATOMIC_RELEASE);
	evtchn_send(disk.port);
	gprintf("blkhostile: published req_prod %u (%u requests really sent); idling\n", wild, disk.ring.req_pushed);
	idle();
}
