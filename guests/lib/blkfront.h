/* blkfront.h: the guest's block device frontend (pv-abi/io/blkif.h): open a disk start-info lists, read, write, flush, synchronously or many requests at once. */
#ifndef GUEST_BLKFRONT_H
#define GUEST_BLKFRONT_H

#include <stdbool.h>
#include <stdint.h>

#include <io/blkif.h>
#include <keel/start_info.h>

#include "blkfront_req.h"

/*
 * Data moves through bounce pages: BLKFRONT_POOL_PAGES pages inside struct blkfront, each
 * granted to the backend once at open, twice over (a read-write grant used by READs, a
 * read-only one used by WRITEs, B2). Why not grant the caller's buffer per request:
 *   - a caller's buffer need not be page- or sector-aligned, nor in RAM the grant call
 *     accepts (a stack, a grant mapping of its own);
 *   - the backend can never reach anything but the pool, so a hostile backend that keeps
 *     a mapping or writes late (G4, G6) only scribbles over bounce pages, and ending a
 *     grant the backend still maps (-KEEL_EBUSY) never strands a caller's buffer;
 *   - two hypercalls per page per request (grant, end) become none; the price is one
 *     memcpy per sector, small beside the backend's work.
 * 64 pages cost 256 KiB per disk and 128 of the domain's 1024 grant references; they hold
 * 8 requests of the largest size (32 KiB) or all 32 ring slots of up to 8 sectors each.
 *
 * The struct is big, so give it static storage: "static struct blkfront disk;". It is
 * used by one vCPU, and the waits use events (events_init) and the one-shot timer
 * (timer_init): call both first, like every other waiting function of the runtime.
 */
struct blkfront {
	uint8_t pool[BLKFRONT_POOL_PAGES][4096];     /* first: page-aligned by the struct's alignment */
	struct keel_blkif_info info;                 /* the backend's info, copied and checked at open */
	struct keel_blkif_sring *sring;              /* the shared page (start-info's ring_gpa) */
	struct keel_ring_front ring;
	struct blkfront_slots slots;
	uint32_t gref_rw[BLKFRONT_POOL_PAGES];       /* pool page i granted read-write (READ) */
	uint32_t gref_ro[BLKFRONT_POOL_PAGES];       /* and read-only (WRITE) */
	uint32_t port;
	uint32_t backend_domid;
	bool     open;
	bool     read_only;                          /* info.read_only or KEEL_DEVF_READONLY */
	bool     broken;                             /* the backend broke the protocol (R6, B5) */
	const char *problem;                         /* why open failed or the disk broke, for printing */
	volatile uint64_t events;                    /* notifications received from the backend */
	uint64_t notifications_sent;                 /* kicks that notified the backend (R5 said so) */
} __attribute__((aligned(4096)));

/* A finished request, handed back by blkfront_complete. */
struct blkfront_done {
	uint64_t cookie;        /* what the submitter passed */
	uint8_t  op;            /* KEEL_BLKIF_OP_* */
	uint64_t sector;
	uint32_t nr_sectors;
	int      rc;            /* 0, -KEEL_EIO (ERROR or a broken disk), -KEEL_ENOSYS (EOPNOTSUPP) */
};

/*
 * How long the synchronous calls wait for the backend: one that answers nothing this long
 * is taken as gone and the disk as broken, so no caller hangs forever. Generous, because
 * everything runs under emulation in the tests.
 */
#define BLKFRONT_SYNC_TIMEOUT_NS (60ull * 1000000000ull)

/*
 * Attaches to disk 'index' of start-info's KEEL_DEVICE_BLOCK devices: the entry must be
 * well-formed (devices.h), its port connected to the backend it names, the info page
 * valid (magic, version, ring size, segments, sector size: blkfront_req.h); then the pool
 * is granted. 0, -KEEL_ENODEV (no such disk, not connected, bad info: see bf->problem),
 * -KEEL_EINVAL (events not up) or the grant call's error.
 */
long blkfront_open(const struct keel_start_info *si, uint32_t index, struct blkfront *bf);

/* The disk's size in 512-byte sectors, its own sector size (512 or 4096), and the rest of its info. */
uint64_t blkfront_capacity(const struct blkfront *bf);
uint32_t blkfront_sector_size(const struct blkfront *bf);
bool blkfront_read_only(const struct blkfront *bf);
bool blkfront_has_flush(const struct blkfront *bf);
const char *blkfront_name(const struct blkfront *bf);
bool blkfront_broken(const struct blkfront *bf);

/*
 * Synchronous I/O of nr_sectors 512-byte sectors (any count: it is split into requests of
 * up to BLKFRONT_MAX_REQUEST_SECTORS, many in flight). On a 4096-byte disk sector and
 * nr_sectors must be multiples of 8 (B1). buf may have any alignment. A WRITE to a
 * read-only disk is sent all the same: the backend is the authority (B6) and answers
 * ERROR, which keeps the refusal testable end to end. 0, -KEEL_EINVAL (range), -KEEL_EIO
 * (the backend failed a request, or the disk is broken), -KEEL_EBUSY (asynchronous
 * requests are in flight: collect them first).
 */
long blkfront_read(struct blkfront *bf, uint64_t sector, void *buf, uint64_t nr_sectors);
long blkfront_write(struct blkfront *bf, uint64_t sector, const void *buf, uint64_t nr_sectors);

/*
 * B3: waits until every completed WRITE is on stable storage. -KEEL_ENOSYS when the
 * backend does not advertise KEEL_BLKIF_F_FLUSH (there is nothing to ask for), else as above.
 */
long blkfront_flush(struct blkfront *bf);

/*
 * Asynchronous I/O. submit fills a ring slot (READ, WRITE: up to
 * BLKFRONT_MAX_REQUEST_SECTORS; FLUSH; DISCARD) but does not publish it, so a batch costs
 * one notification: blkfront_kick publishes, and blkfront_complete kicks first. A WRITE's
 * data is copied at submit; a READ's lands in buf when its completion is collected, so buf
 * must stay valid until then. 0, -KEEL_EAGAIN (all slots or pool pages busy: collect a
 * completion), -KEEL_EINVAL, -KEEL_ENOSYS (op not advertised), -KEEL_EIO (broken).
 */
long blkfront_submit(struct blkfront *bf, uint8_t op, uint64_t sector, void *buf, uint32_t nr_sectors,
		     uint64_t cookie);

/*
 * Sends 'req' as it is (only its id is replaced by the library's), for tests and hostile
 * guests that must reach the backend with requests submit refuses to build. Its
 * completion comes back through blkfront_complete like any other.
 */
long blkfront_submit_raw(struct blkfront *bf, const struct keel_blkif_request *req, uint64_t cookie);

/* Publishes submitted requests and notifies the backend if io/ring.h R5 says so. */
void blkfront_kick(struct blkfront *bf);

/*
 * Collects one completion, oldest first: 1 with *done filled (a READ's data copied to its
 * buf). 0 when nothing is in flight or waiting to be collected. Waits, blocked on the
 * disk's event channel, until system time deadline_ns (0: do not wait at all); -KEEL_EAGAIN
 * when it passed with requests still in flight. A response the backend was never asked
 * for, or broken ring indices, break the disk: every request in flight then completes with
 * -KEEL_EIO, and later submits fail.
 */
long blkfront_complete(struct blkfront *bf, struct blkfront_done *done, uint64_t deadline_ns);

/* Requests submitted and not yet collected. */
uint32_t blkfront_in_flight(const struct blkfront *bf);

#endif
