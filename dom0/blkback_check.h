/* blkback_check.h: the block backend's pure request logic: B6 validation and the grant-copy plan of one request. */
#ifndef DOM0_BLKBACK_CHECK_H
#define DOM0_BLKBACK_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include <io/blkif.h>
#include <keel/grant_table.h>

/* What the backend knows about the disk it serves a request against. */
struct blkback_disk_view {
	uint64_t capacity_sectors;   /* 512-byte sectors (B1) */
	uint32_t sector_size;        /* 512 or 4096 */
	bool read_only;
	bool can_flush;              /* KEEL_BLKIF_F_FLUSH advertised */
};

/*
 * Checks a request already copied out of the ring (io/ring.h R4) against B1-B4 and B6.
 * Returns KEEL_BLKIF_RSP_OKAY with *sectors (the 512-byte sectors it moves; 0 for FLUSH)
 * when it may be served, or the status to answer with: KEEL_BLKIF_RSP_EOPNOTSUPP for an
 * operation not advertised (DISCARD, FLUSH without the feature), KEEL_BLKIF_RSP_ERROR for
 * everything else (unknown op, segment count, sector ranges, past the capacity, misaligned
 * on a 4096-byte disk, WRITE to a read-only disk). Grant references are checked later, by
 * the COPY itself.
 */
int blkback_check_request(const struct keel_blkif_request *req, const struct blkback_disk_view *disk,
			  uint32_t *sectors);

/* Copies one request can need: each segment may cross one page boundary of the bounce buffer. */
#define BLKBACK_COPY_OPS_MAX (2 * KEEL_BLKIF_MAX_SEGMENTS)

/*
 * The grant COPY operations that move a checked READ or WRITE between the guest's
 * segments and 'buffer_gpa' (page-aligned, contiguous, this domain's own memory): for a
 * WRITE from the guest's grants into the buffer, for a READ from the buffer into them.
 * Returns how many entries of 'ops' it filled.
 */
unsigned int blkback_copy_plan(const struct keel_blkif_request *req, uint32_t guest_domid, uint64_t buffer_gpa,
			       struct keel_gnttab_copy ops[BLKBACK_COPY_OPS_MAX]);

#endif
