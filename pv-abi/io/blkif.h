/*
 * io/blkif.h: the block device protocol: a guest's virtual disk served by a backend (dom0's blkback).
 *
 * ---------------------------------------------------------------------------------
 * Finding the device
 * ---------------------------------------------------------------------------------
 * The builder lists each virtual disk in the guest's start-info (start_info.h, devices[])
 * as a KEEL_DEVICE_BLOCK entry: ring_gpa is one page of the guest's RAM, shared with the
 * backend (backend_domid) through a grant the builder made (domctl DEVICE_CHANNEL), and
 * 'port' is the guest's end of an event channel already connected to the backend.
 * flags has KEEL_DEVF_READONLY for a read-only disk. 'index' numbers the guest's disks.
 * There is no directory service: everything a frontend needs is in start-info and in
 * the page itself.
 *
 * ---------------------------------------------------------------------------------
 * The page
 * ---------------------------------------------------------------------------------
 *     offset  size  contents
 *          0  3584  the request/response ring (io/ring.h, KEEL_RING_DEFINE(keel_blkif, ...)
 *                   over KEEL_BLKIF_RING_BYTES): KEEL_BLKIF_RING_SIZE (32) slots
 *       3584   512  struct keel_blkif_info, written by the backend before the guest runs,
 *                   read-only for the frontend afterwards
 * The builder initialises the ring header (io/ring.h rule R1) and the backend fills the
 * info before the domain is unpaused; the frontend only attaches (keel_blkif_front_init).
 *
 * ---------------------------------------------------------------------------------
 * Requests (rules numbered for code and tests)
 * ---------------------------------------------------------------------------------
 *  B1. Sectors are always 512 bytes in this protocol ('sector_number', 'first_sect',
 *      'last_sect', 'nr_sectors'), whatever the disk's own sector size. On a disk with
 *      info.sector_size 4096, every request must start and end on a 4096-byte boundary,
 *      or it gets KEEL_BLKIF_RSP_ERROR.
 *  B2. READ and WRITE carry 1..KEEL_BLKIF_MAX_SEGMENTS segments. A segment names a page
 *      the frontend granted to the backend (grant_table.h; read-write for READ, read-only
 *      is enough for WRITE) and the 512-byte sectors first_sect..last_sect (inclusive,
 *      0..7) of it. Segments are consecutive on the disk: the request covers
 *      sum(last_sect - first_sect + 1) sectors starting at sector_number.
 *  B3. FLUSH (no segments) completes after every WRITE completed before it is on stable
 *      storage. Only if info.features has KEEL_BLKIF_F_FLUSH.
 *  B4. DISCARD (no segments) tells the backend 'nr_sectors' from 'sector_number' are
 *      unused; their contents become unspecified. Only if info.features has
 *      KEEL_BLKIF_F_DISCARD. An operation the backend did not advertise gets
 *      KEEL_BLKIF_RSP_EOPNOTSUPP.
 *  B5. Every request gets exactly one response with the request's 'id' (the frontend's
 *      own tag, echoed untouched), in any order. Up to KEEL_BLKIF_RING_SIZE requests may
 *      be outstanding (io/ring.h R2).
 *  B6. The backend checks everything: the op, the segment count and sector ranges, the
 *      range against info.capacity_sectors, a WRITE or DISCARD to a read-only disk
 *      (KEEL_BLKIF_RSP_ERROR), and every grant reference (a bad one fails that request
 *      with KEEL_BLKIF_RSP_ERROR). Broken ring indices (io/ring.h R6) are a protocol
 *      error: the backend disconnects the disk, logs one line, and serves that guest no
 *      more; other guests are not affected.
 *  B7. The frontend notifies the port when io/ring.h R5 says so; so does the backend.
 *
 * Layouts: all little-endian, fixed-width, naturally aligned; sizes are asserted below.
 */
#ifndef KEEL_PV_IO_BLKIF_H
#define KEEL_PV_IO_BLKIF_H

#include <stdint.h>

#include "io/ring.h"

#define KEEL_BLKIF_OP_READ     0
#define KEEL_BLKIF_OP_WRITE    1
#define KEEL_BLKIF_OP_FLUSH    2
#define KEEL_BLKIF_OP_DISCARD  3

#define KEEL_BLKIF_MAX_SEGMENTS 8                 /* 32 KiB per request */
#define KEEL_BLKIF_SECTOR       512u
#define KEEL_BLKIF_RING_BYTES   3584u
#define KEEL_BLKIF_INFO_OFFSET  3584u

/* Response status. */
#define KEEL_BLKIF_RSP_OKAY        0
#define KEEL_BLKIF_RSP_ERROR      (-1)
#define KEEL_BLKIF_RSP_EOPNOTSUPP (-2)

/* Layout: 8 bytes. */
struct keel_blkif_segment {
	uint32_t gref;          /* a grant of the frontend, made out to the backend */
	uint8_t  first_sect;    /* first 512-byte sector of the page used, 0..7 */
	uint8_t  last_sect;     /* last one, first_sect..7 */
	uint16_t pad;           /* zero */
};

/* Layout: 96 bytes. */
struct keel_blkif_request {
	uint8_t  op;            /* KEEL_BLKIF_OP_* */
	uint8_t  nr_segments;   /* READ/WRITE: 1..KEEL_BLKIF_MAX_SEGMENTS; else 0 */
	uint16_t pad0;
	uint32_t nr_sectors;    /* DISCARD only: how many sectors */
	uint64_t id;            /* echoed in the response */
	uint64_t sector_number; /* in 512-byte sectors (B1) */
	uint64_t pad1;
	struct keel_blkif_segment seg[KEEL_BLKIF_MAX_SEGMENTS];
};

/* Layout: 16 bytes. */
struct keel_blkif_response {
	uint64_t id;            /* the request's id */
	uint8_t  op;            /* the request's op */
	uint8_t  pad0;
	int16_t  status;        /* KEEL_BLKIF_RSP_* */
	uint32_t pad1;
};

_Static_assert(sizeof(struct keel_blkif_segment) == 8, "blkif segment is 8 bytes");
_Static_assert(sizeof(struct keel_blkif_request) == 96, "blkif request is 96 bytes");
_Static_assert(sizeof(struct keel_blkif_response) == 16, "blkif response is 16 bytes");

KEEL_RING_DEFINE(keel_blkif, struct keel_blkif_request, struct keel_blkif_response)

#define KEEL_BLKIF_RING_SIZE 32   /* keel_blkif_ring_entries(KEEL_BLKIF_RING_BYTES) */

/* Feature bits in keel_blkif_info.features. */
#define KEEL_BLKIF_F_FLUSH     (1u << 0)
#define KEEL_BLKIF_F_DISCARD   (1u << 1)

#define KEEL_BLKIF_INFO_MAGIC  0x46494b4cu   /* "LKIF" little-endian */
#define KEEL_BLKIF_VERSION     1

/* Layout: 64 bytes at KEEL_BLKIF_INFO_OFFSET; the rest of the page is zero. */
struct keel_blkif_info {
	uint32_t magic;             /* KEEL_BLKIF_INFO_MAGIC once the backend is ready */
	uint32_t version;           /* KEEL_BLKIF_VERSION */
	uint64_t capacity_sectors;  /* the disk's size in 512-byte sectors, whole disk sectors (B1) */
	uint32_t sector_size;       /* the disk's own: 512 or 4096 (B1) */
	uint32_t features;          /* KEEL_BLKIF_F_* */
	uint32_t read_only;         /* 1: WRITE and DISCARD fail */
	uint32_t max_segments;      /* KEEL_BLKIF_MAX_SEGMENTS */
	uint32_t ring_size;         /* KEEL_BLKIF_RING_SIZE */
	uint32_t pad0;
	char     name[24];          /* what the disk is, e.g. "part:kvstore", NUL-terminated */
};

_Static_assert(sizeof(struct keel_blkif_info) == 64, "blkif info is 64 bytes");

#endif
