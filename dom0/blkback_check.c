/* blkback_check.c: B6 request validation and the grant-copy plan of a block request (see blkback_check.h). */
#include "blkback_check.h"

#include <keel/event_channel.h>

#define PAGE_BYTES 4096u

static int check_segments(const struct keel_blkif_request *req, uint32_t *sectors)
{
	uint32_t total = 0;
	if (req->nr_segments < 1 || req->nr_segments > KEEL_BLKIF_MAX_SEGMENTS)
		return KEEL_BLKIF_RSP_ERROR;
	for (unsigned int i = 0; i < req->nr_segments; i++) {
		const struct keel_blkif_segment *s = &req->seg[i];
		if (s->first_sect > s->last_sect || s->last_sect >= PAGE_BYTES / KEEL_BLKIF_SECTOR)
			return KEEL_BLKIF_RSP_ERROR;
		total += (uint32_t)s->last_sect - s->first_sect + 1;
	}
	*sectors = total;
	return KEEL_BLKIF_RSP_OKAY;
}

int blkback_check_request(const struct keel_blkif_request *req, const struct blkback_disk_view *disk,
			  uint32_t *sectors)
{
	*sectors = 0;
	switch (req->op) {
	case KEEL_BLKIF_OP_READ:
	case KEEL_BLKIF_OP_WRITE:
		break;
	case KEEL_BLKIF_OP_FLUSH:
		if (!disk->can_flush)
			return KEEL_BLKIF_RSP_EOPNOTSUPP;
		return req->nr_segments == 0 ? KEEL_BLKIF_RSP_OKAY : KEEL_BLKIF_RSP_ERROR;
	case KEEL_BLKIF_OP_DISCARD:
		return KEEL_BLKIF_RSP_EOPNOTSUPP;   /* never advertised by this backend (B4) */
	default:
		return KEEL_BLKIF_RSP_ERROR;
	}
	uint32_t count;
	if (check_segments(req, &count) != KEEL_BLKIF_RSP_OKAY)
		return KEEL_BLKIF_RSP_ERROR;
	/* Past the end, written so that a huge sector_number cannot wrap around. */
	if (req->sector_number >= disk->capacity_sectors || count > disk->capacity_sectors - req->sector_number)
		return KEEL_BLKIF_RSP_ERROR;
	uint32_t per_block = disk->sector_size / KEEL_BLKIF_SECTOR;   /* B1 */
	if (per_block > 1 && (req->sector_number % per_block || count % per_block))
		return KEEL_BLKIF_RSP_ERROR;
	if (req->op == KEEL_BLKIF_OP_WRITE && disk->read_only)
		return KEEL_BLKIF_RSP_ERROR;
	*sectors = count;
	return KEEL_BLKIF_RSP_OKAY;
}

unsigned int blkback_copy_plan(const struct keel_blkif_request *req, uint32_t guest_domid, uint64_t buffer_gpa,
			       struct keel_gnttab_copy ops[BLKBACK_COPY_OPS_MAX])
{
	unsigned int n = 0;
	uint64_t buffer_pos = 0;   /* bytes of the request before this piece */
	bool to_guest = req->op == KEEL_BLKIF_OP_READ;
	for (unsigned int i = 0; i < req->nr_segments; i++) {
		const struct keel_blkif_segment *s = &req->seg[i];
		uint32_t guest_off = (uint32_t)s->first_sect * KEEL_BLKIF_SECTOR;
		uint32_t left = ((uint32_t)s->last_sect - s->first_sect + 1) * KEEL_BLKIF_SECTOR;
		while (left) {
			/* A piece ends at the end of the segment or of the buffer's current page. */
			uint32_t buf_off = (uint32_t)(buffer_pos % PAGE_BYTES);
			uint32_t len = PAGE_BYTES - buf_off < left ? PAGE_BYTES - buf_off : left;
			struct keel_gnttab_copy_ptr guest = { .domid = guest_domid, .ref = s->gref, .offset = guest_off };
			struct keel_gnttab_copy_ptr own = {
				.domid = KEEL_DOMID_SELF, .gpa = buffer_gpa + buffer_pos - buf_off, .offset = buf_off,
			};
			ops[n++] = (struct keel_gnttab_copy){
				.src = to_guest ? own : guest, .dst = to_guest ? guest : own, .len = len,
			};
			buffer_pos += len;
			guest_off += len;
			left -= len;
		}
	}
	return n;
}
