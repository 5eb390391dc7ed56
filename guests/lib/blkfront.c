/* blkfront.c: the block frontend: attach to a start-info disk, bounce-page grants, the request ring (io/ring.h) and blocking waits on the disk's event channel. */
#include "blkfront.h"

#include "devices.h"
#include "events.h"
#include "grant.h"
#include "hypercall.h"
#include "string.h"
#include "timer.h"

#define RFLAGS_IF (1u << 9)

static void on_disk_event(uint32_t port, void *arg)
{
	(void)port;
	struct blkfront *bf = arg;
	bf->events++;   /* responses to take: the waiter looks for itself */
}

/* The backend's info, copied out of the shared page byte by byte before it is checked (R4). */
static void copy_info(struct blkfront *bf)
{
	const volatile uint8_t *from = (const volatile uint8_t *)bf->sring + KEEL_BLKIF_INFO_OFFSET;
	uint8_t *to = (uint8_t *)&bf->info;
	for (size_t i = 0; i < sizeof(bf->info); i++)
		to[i] = from[i];
}

static long grant_pool(struct blkfront *bf)
{
	for (uint32_t i = 0; i < BLKFRONT_POOL_PAGES; i++) {
		uint64_t gpa = (uintptr_t)bf->pool[i];
		long rc = grant_access(gpa, bf->backend_domid, 0, &bf->gref_rw[i]);
		if (!rc) {
			rc = grant_access(gpa, bf->backend_domid, KEEL_GNTF_READONLY, &bf->gref_ro[i]);
			if (rc)
				grant_end(bf->gref_rw[i]);
		}
		if (rc) {
			/* Nobody knows these references yet, so ending them cannot meet a mapping. */
			while (i--) {
				grant_end(bf->gref_rw[i]);
				grant_end(bf->gref_ro[i]);
			}
			return rc;
		}
	}
	return 0;
}

long blkfront_open(const struct keel_start_info *si, uint32_t index, struct blkfront *bf)
{
	memset(bf, 0, sizeof(*bf));
	if (!shared_info) {
		bf->problem = "events are not up (events_init)";
		return -KEEL_EINVAL;
	}
	const struct keel_device *dev = devices_find(si, KEEL_DEVICE_BLOCK, index);
	if (!dev) {
		bf->problem = "start-info lists no such disk";
		return -KEEL_ENODEV;
	}
	struct keel_evtchn_status st;
	if (evtchn_status(dev->port, &st) || st.status != KEEL_EVTCHNSTAT_INTERDOMAIN ||
	    st.remote_dom != dev->backend_domid) {
		bf->problem = "the disk's port is not connected to its backend";
		return -KEEL_ENODEV;
	}
	bf->sring = (struct keel_blkif_sring *)(uintptr_t)dev->ring_gpa;
	bf->port = dev->port;
	bf->backend_domid = dev->backend_domid;
	copy_info(bf);
	bf->problem = blkfront_info_problem(&bf->info);
	if (bf->problem)
		return -KEEL_ENODEV;
	if (keel_blkif_front_init(&bf->ring, bf->sring, KEEL_BLKIF_RING_BYTES)) {
		bf->problem = "the ring holds no entry";
		return -KEEL_ENODEV;
	}
	long rc = grant_pool(bf);
	if (rc) {
		bf->problem = "granting the bounce pages failed";
		return rc;
	}
	blkfront_slots_init(&bf->slots);
	bf->read_only = bf->info.read_only || (dev->flags & KEEL_DEVF_READONLY);
	events_set_handler(bf->port, on_disk_event, bf);
	bf->open = true;
	return 0;
}

uint64_t blkfront_capacity(const struct blkfront *bf)
{
	return bf->info.capacity_sectors;
}

uint32_t blkfront_sector_size(const struct blkfront *bf)
{
	return bf->info.sector_size;
}

bool blkfront_read_only(const struct blkfront *bf)
{
	return bf->read_only;
}

bool blkfront_has_flush(const struct blkfront *bf)
{
	return bf->info.features & KEEL_BLKIF_F_FLUSH;
}

const char *blkfront_name(const struct blkfront *bf)
{
	return bf->info.name;   /* NUL-terminated: checked at open, and a private copy */
}

bool blkfront_broken(const struct blkfront *bf)
{
	return bf->broken;
}

uint32_t blkfront_in_flight(const struct blkfront *bf)
{
	return bf->slots.in_flight + bf->slots.done_count;
}

/*
 * R6 and B5: the backend can no longer be believed. Whatever is in flight fails, the port
 * is masked so a backend that keeps notifying cannot keep this vCPU busy, and the pool is
 * never used again (the backend may still hold it).
 */
static void disk_broken(struct blkfront *bf, const char *why)
{
	if (bf->broken)
		return;
	bf->broken = true;
	bf->problem = why;
	blkfront_slots_fail_all(&bf->slots, -KEEL_EIO);
	evtchn_mask(bf->port);
}

static long usable(const struct blkfront *bf)
{
	if (!bf->open)
		return -KEEL_ENODEV;
	return bf->broken ? -KEEL_EIO : 0;
}

/* Places a built request in the next ring slot (R2: there is one, a slot is held per request). */
static void put_request(struct blkfront *bf, const struct keel_blkif_request *req)
{
	struct keel_blkif_request *slot = keel_blkif_front_next_request(&bf->ring);
	*slot = *req;
}

long blkfront_submit(struct blkfront *bf, uint8_t op, uint64_t sector, void *buf, uint32_t nr_sectors,
		     uint64_t cookie)
{
	long rc = usable(bf);
	if (rc)
		return rc;
	const struct keel_blkif_info *info = &bf->info;
	bool rw = op == KEEL_BLKIF_OP_READ || op == KEEL_BLKIF_OP_WRITE;
	if (op == KEEL_BLKIF_OP_FLUSH && !(info->features & KEEL_BLKIF_F_FLUSH))
		return -KEEL_ENOSYS;
	if (op == KEEL_BLKIF_OP_DISCARD && !(info->features & KEEL_BLKIF_F_DISCARD))
		return -KEEL_ENOSYS;
	if (rw && (nr_sectors > BLKFRONT_MAX_REQUEST_SECTORS || !buf))
		return -KEEL_EINVAL;
	if ((rw || op == KEEL_BLKIF_OP_DISCARD) &&
	    blkfront_check_range(info->capacity_sectors, info->sector_size, sector, nr_sectors))
		return -KEEL_EINVAL;
	if (!rw && op != KEEL_BLKIF_OP_FLUSH && op != KEEL_BLKIF_OP_DISCARD)
		return -KEEL_EINVAL;
	if (keel_ring_front_free(&bf->ring) == 0)
		return -KEEL_EAGAIN;
	uint32_t pages = rw ? blkfront_pages_for(nr_sectors) : 0;
	int i = blkfront_slot_alloc(&bf->slots, op, pages);
	if (i < 0)
		return -KEEL_EAGAIN;
	struct blkfront_slot *s = &bf->slots.slot[i];
	s->sector = sector;
	s->nr_sectors = nr_sectors;
	s->cookie = cookie;
	s->buf = op == KEEL_BLKIF_OP_READ ? buf : NULL;

	struct keel_blkif_request req;
	uint64_t id = blkfront_slot_id(&bf->slots, i);
	if (rw) {
		uint32_t grefs[KEEL_BLKIF_MAX_SEGMENTS];
		for (uint32_t p = 0; p < pages; p++) {
			grefs[p] = op == KEEL_BLKIF_OP_READ ? bf->gref_rw[s->page[p]] : bf->gref_ro[s->page[p]];
			if (op == KEEL_BLKIF_OP_WRITE)
				memcpy(bf->pool[s->page[p]], (const uint8_t *)buf + (uint64_t)p * 4096,
				       blkfront_page_sectors(nr_sectors, p) * KEEL_BLKIF_SECTOR);
		}
		blkfront_build_rw(&req, op, id, sector, nr_sectors, grefs);
	} else {
		blkfront_build_plain(&req, op, id, sector, op == KEEL_BLKIF_OP_DISCARD ? nr_sectors : 0);
	}
	put_request(bf, &req);
	return 0;
}

long blkfront_submit_raw(struct blkfront *bf, const struct keel_blkif_request *req, uint64_t cookie)
{
	long rc = usable(bf);
	if (rc)
		return rc;
	if (keel_ring_front_free(&bf->ring) == 0)
		return -KEEL_EAGAIN;
	int i = blkfront_slot_alloc(&bf->slots, req->op, 0);
	if (i < 0)
		return -KEEL_EAGAIN;
	bf->slots.slot[i].cookie = cookie;
	bf->slots.slot[i].sector = req->sector_number;
	struct keel_blkif_request copy = *req;
	copy.id = blkfront_slot_id(&bf->slots, i);
	put_request(bf, &copy);
	return 0;
}

void blkfront_kick(struct blkfront *bf)
{
	if (bf->open && !bf->broken && keel_ring_front_push(&bf->ring)) {
		evtchn_send(bf->port);
		bf->notifications_sent++;
	}
}

/* Takes every response the backend published, matching each to its request (R4, R6, B5). */
static void take_responses(struct blkfront *bf)
{
	if (bf->broken)
		return;
	if (keel_ring_front_poll_responses(&bf->ring) < 0) {
		disk_broken(bf, "the backend broke the ring indices");
		return;
	}
	struct keel_blkif_response rsp;
	while (keel_blkif_front_take_response(&bf->ring, &rsp)) {
		if (blkfront_slot_answer(&bf->slots, &rsp) < 0) {
			disk_broken(bf, "the backend answered a request it was never sent");
			return;
		}
	}
}

/*
 * Blocks until the backend has published something or system time passes the deadline.
 * io/ring.h R5: final_check re-arms rsp_event, then looks once more, so a response that
 * arrives just before the block is never slept through; interrupts are off between that
 * look and BLOCK, and BLOCK returns at once for an event already pending (as in sleep_ns).
 */
static void wait_for_responses(struct blkfront *bf, uint64_t deadline_ns)
{
	uint64_t flags;
	asm volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
	set_timer(deadline_ns);
	while (!bf->broken && keel_ring_front_final_check(&bf->ring, 1) == 0 && time_now_ns() < deadline_ns) {
		keel_sched_block();
		asm volatile("sti; nop; cli" : : : "memory");   /* take the upcall that woke us */
	}
	set_timer(0);
	if (flags & RFLAGS_IF)
		asm volatile("sti" : : : "memory");
}

long blkfront_complete(struct blkfront *bf, struct blkfront_done *done, uint64_t deadline_ns)
{
	if (!bf->open)
		return -KEEL_ENODEV;
	blkfront_kick(bf);
	for (;;) {
		take_responses(bf);
		int i = blkfront_slot_next_done(&bf->slots);
		if (i >= 0) {
			struct blkfront_slot *s = &bf->slots.slot[i];
			*done = (struct blkfront_done){ .cookie = s->cookie, .op = s->op, .sector = s->sector,
							.nr_sectors = s->nr_sectors, .rc = s->rc };
			if (s->rc == 0 && s->op == KEEL_BLKIF_OP_READ && s->buf)
				for (uint32_t p = 0; p < s->nr_pages; p++)
					memcpy((uint8_t *)s->buf + (uint64_t)p * 4096, bf->pool[s->page[p]],
					       blkfront_page_sectors(s->nr_sectors, p) * KEEL_BLKIF_SECTOR);
			blkfront_slot_free(&bf->slots, i);
			return 1;
		}
		if (bf->slots.in_flight == 0)
			return 0;
		if (deadline_ns == 0 || time_now_ns() >= deadline_ns)
			return -KEEL_EAGAIN;
		wait_for_responses(bf, deadline_ns);
	}
}

/*
 * The synchronous calls: as many requests in flight as the slots and pool allow, the first
 * error kept. Every request is collected before returning, so no READ lands in buf later.
 */
static long transfer(struct blkfront *bf, uint8_t op, uint64_t sector, uint8_t *buf, uint64_t nr_sectors)
{
	long rc = usable(bf);
	if (rc)
		return rc;
	if (blkfront_in_flight(bf))
		return -KEEL_EBUSY;
	if (blkfront_check_range(bf->info.capacity_sectors, bf->info.sector_size, sector, nr_sectors))
		return -KEEL_EINVAL;
	uint64_t done_sectors = 0;
	long first_error = 0;
	while (done_sectors < nr_sectors || blkfront_in_flight(bf)) {
		while (done_sectors < nr_sectors && !bf->broken) {
			uint64_t left = nr_sectors - done_sectors;
			uint32_t n = left < BLKFRONT_MAX_REQUEST_SECTORS ? (uint32_t)left : BLKFRONT_MAX_REQUEST_SECTORS;
			long s = blkfront_submit(bf, op, sector + done_sectors, buf + done_sectors * KEEL_BLKIF_SECTOR, n, 0);
			if (s == -KEEL_EAGAIN)
				break;
			if (s) {
				first_error = first_error ? first_error : s;
				done_sectors = nr_sectors;   /* stop submitting; collect what is out */
				break;
			}
			done_sectors += n;
		}
		struct blkfront_done d;
		long c = blkfront_complete(bf, &d, time_now_ns() + BLKFRONT_SYNC_TIMEOUT_NS);
		if (c == -KEEL_EAGAIN) {
			disk_broken(bf, "the backend did not answer in time");
			continue;   /* everything in flight now completes with -KEEL_EIO */
		}
		if (c == 1 && d.rc && !first_error)
			first_error = d.rc;
		if (c == 0 && done_sectors < nr_sectors && !bf->broken) {
			first_error = -KEEL_EIO;   /* nothing in flight, yet nothing could be submitted */
			break;
		}
		if (c == 0 && bf->broken)
			break;
	}
	if (!first_error && bf->broken)
		first_error = -KEEL_EIO;
	return first_error;
}

long blkfront_read(struct blkfront *bf, uint64_t sector, void *buf, uint64_t nr_sectors)
{
	return transfer(bf, KEEL_BLKIF_OP_READ, sector, buf, nr_sectors);
}

long blkfront_write(struct blkfront *bf, uint64_t sector, const void *buf, uint64_t nr_sectors)
{
	/* submit only reads a WRITE's buffer: the cast drops nothing it relies on. */
	return transfer(bf, KEEL_BLKIF_OP_WRITE, sector, (uint8_t *)(uintptr_t)buf, nr_sectors);
}

long blkfront_flush(struct blkfront *bf)
{
	long rc = usable(bf);
	if (rc)
		return rc;
	if (blkfront_in_flight(bf))
		return -KEEL_EBUSY;
	rc = blkfront_submit(bf, KEEL_BLKIF_OP_FLUSH, 0, NULL, 0, 0);
	if (rc)
		return rc;
	struct blkfront_done d;
	long c = blkfront_complete(bf, &d, time_now_ns() + BLKFRONT_SYNC_TIMEOUT_NS);
	if (c == 1)
		return d.rc;
	disk_broken(bf, "the backend did not answer in time");
	blkfront_complete(bf, &d, 0);   /* collect the failed flush */
	return -KEEL_EIO;
}
