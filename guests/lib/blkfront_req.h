/* blkfront_req.h: the block frontend's pure bookkeeping (no hypercalls): info checks, request slots and ids, bounce-page pool, building requests, matching responses. */
#ifndef GUEST_BLKFRONT_REQ_H
#define GUEST_BLKFRONT_REQ_H

#include <stdbool.h>
#include <stdint.h>

#include <io/blkif.h>

/*
 * Everything here is plain data manipulation so it builds and is tested on the host
 * (tests/unit/test_blkfront_req.c); blkfront.c adds the ring, grants and events.
 */

#define BLKFRONT_SLOTS              KEEL_BLKIF_RING_SIZE   /* requests in flight at most (B5) */
#define BLKFRONT_POOL_PAGES         64                     /* bounce pages per disk (see blkfront.h) */
#define BLKFRONT_SECTORS_PER_PAGE   (4096u / KEEL_BLKIF_SECTOR)
#define BLKFRONT_MAX_REQUEST_SECTORS (KEEL_BLKIF_MAX_SEGMENTS * BLKFRONT_SECTORS_PER_PAGE)

_Static_assert(BLKFRONT_POOL_PAGES <= 64, "the pool's free map is one 64-bit word");

enum blkfront_slot_state { BLKFRONT_SLOT_FREE, BLKFRONT_SLOT_IN_FLIGHT, BLKFRONT_SLOT_DONE };

/* One request from submission until the caller has collected its completion. */
struct blkfront_slot {
	uint8_t  state;            /* enum blkfront_slot_state */
	uint8_t  op;               /* what was sent: the response must echo it */
	uint8_t  nr_pages;         /* bounce pages held, pool indices in page[] */
	uint8_t  page[KEEL_BLKIF_MAX_SEGMENTS];
	uint32_t generation;       /* makes the id of each use of the slot different */
	uint32_t nr_sectors;
	uint64_t sector;
	void    *buf;              /* READ: where the data goes once it completed */
	uint64_t cookie;           /* the caller's tag, handed back with the completion */
	int      rc;               /* DONE: 0 or a negated KEEL_E* */
};

struct blkfront_slots {
	struct blkfront_slot slot[BLKFRONT_SLOTS];
	uint64_t page_free;        /* bit i set: pool page i is not held by any slot */
	uint32_t in_flight;        /* slots IN_FLIGHT */
	uint32_t next_generation;
	uint8_t  done[BLKFRONT_SLOTS];   /* DONE slots in the order they completed (a FIFO) */
	uint32_t done_head, done_count;
};

/*
 * Checks a copy of the backend's info (never the shared page itself: io/ring.h R4).
 * NULL if it is usable, else what is wrong, for the caller to print.
 */
const char *blkfront_info_problem(const struct keel_blkif_info *info);

/*
 * Whether a READ, WRITE or DISCARD of nr_sectors (512-byte, B1) from 'sector' fits a disk
 * of capacity_sectors whose own sector is sector_size bytes: nonzero, inside the disk
 * without wrapping, and whole disk sectors (B1). 0 or -KEEL_EINVAL.
 */
int blkfront_check_range(uint64_t capacity_sectors, uint32_t sector_size, uint64_t sector, uint64_t nr_sectors);

/* Bounce pages a READ or WRITE of nr_sectors needs (one segment per page, B2). */
uint32_t blkfront_pages_for(uint32_t nr_sectors);

/* Sectors that page p of such a request carries: 8, but fewer in the last page. */
uint32_t blkfront_page_sectors(uint32_t nr_sectors, uint32_t p);

void blkfront_slots_init(struct blkfront_slots *t);

/*
 * Takes a free slot and nr_pages pool pages for a request; the slot is IN_FLIGHT with a
 * fresh generation. The slot index, or -1 when no slot or not enough pages are free (the
 * caller collects completions and tries again). Nothing is taken on failure.
 */
int blkfront_slot_alloc(struct blkfront_slots *t, uint8_t op, uint32_t nr_pages);

/* The request id of slot i's current use: generation above, slot index in the low 8 bits. */
uint64_t blkfront_slot_id(const struct blkfront_slots *t, int i);

/*
 * Fills a READ or WRITE request: nr_sectors (1..BLKFRONT_MAX_REQUEST_SECTORS) from
 * 'sector', one segment per page of grefs[] (page j carries sectors 8j.., starting at its
 * first sector), and zeroes every other field. 0, or -KEEL_EINVAL for a bad count.
 */
int blkfront_build_rw(struct keel_blkif_request *req, uint8_t op, uint64_t id, uint64_t sector,
		      uint32_t nr_sectors, const uint32_t *grefs);

/* A request without segments (FLUSH, DISCARD): everything zero but op, id, sector, count. */
void blkfront_build_plain(struct keel_blkif_request *req, uint8_t op, uint64_t id, uint64_t sector,
			  uint32_t nr_sectors);

/*
 * Matches a response (a copy taken out of the ring) to its request: the id must name an
 * IN_FLIGHT slot with the same generation and op, and the status must be one blkif.h
 * defines. On success the slot becomes DONE (rc 0, -KEEL_EIO for ERROR, -KEEL_ENOSYS for
 * EOPNOTSUPP), joins the completion FIFO, and its index is returned. -1 means the backend
 * answered something it was never asked, twice, or in a way the protocol does not have:
 * the disk is broken (the caller stops using it); the table is left unchanged.
 */
int blkfront_slot_answer(struct blkfront_slots *t, const struct keel_blkif_response *rsp);

/* Every IN_FLIGHT slot becomes DONE with rc (the disk broke: nobody will answer them). */
void blkfront_slots_fail_all(struct blkfront_slots *t, int rc);

/* The oldest DONE slot not yet collected, or -1. It stays DONE until blkfront_slot_free. */
int blkfront_slot_next_done(const struct blkfront_slots *t);

/* Returns a DONE slot (which must be the one next_done gave) and its pages to the free pools. */
void blkfront_slot_free(struct blkfront_slots *t, int i);

#endif
