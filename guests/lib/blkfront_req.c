/* blkfront_req.c: the block frontend's pure bookkeeping: info and range checks, slots and ids, the bounce-page pool, request building, response matching. */
#include "blkfront_req.h"

#include <stddef.h>

#include <keel/abi.h>

#define SLOT_BITS 8
#define SLOT_MASK ((1u << SLOT_BITS) - 1)

_Static_assert(BLKFRONT_SLOTS <= (1u << SLOT_BITS), "a slot index fits the id's low bits");

const char *blkfront_info_problem(const struct keel_blkif_info *info)
{
	if (info->magic != KEEL_BLKIF_INFO_MAGIC)
		return "no backend info (magic)";
	if (info->version != KEEL_BLKIF_VERSION)
		return "unknown protocol version";
	if (info->ring_size != KEEL_BLKIF_RING_SIZE ||
	    keel_blkif_ring_entries(KEEL_BLKIF_RING_BYTES) != KEEL_BLKIF_RING_SIZE)
		return "ring size differs from io/blkif.h";
	if (info->max_segments != KEEL_BLKIF_MAX_SEGMENTS)
		return "max_segments differs from io/blkif.h";
	if (info->sector_size != 512 && info->sector_size != 4096)
		return "sector size is neither 512 nor 4096";
	if (info->capacity_sectors == 0)
		return "empty disk";
	if (info->capacity_sectors % (info->sector_size / KEEL_BLKIF_SECTOR))
		return "capacity is not whole disk sectors";
	if (info->read_only > 1)
		return "read_only is neither 0 nor 1";
	for (size_t i = 0; i < sizeof(info->name); i++)
		if (info->name[i] == '\0')
			return NULL;
	return "name is not NUL-terminated";
}

int blkfront_check_range(uint64_t capacity_sectors, uint32_t sector_size, uint64_t sector, uint64_t nr_sectors)
{
	uint64_t per_disk_sector = sector_size / KEEL_BLKIF_SECTOR;
	if (nr_sectors == 0 || per_disk_sector == 0)
		return -KEEL_EINVAL;
	/* Written so nothing can wrap: sector + nr_sectors <= capacity. */
	if (sector > capacity_sectors || nr_sectors > capacity_sectors - sector)
		return -KEEL_EINVAL;
	if (sector % per_disk_sector || nr_sectors % per_disk_sector)
		return -KEEL_EINVAL;
	return 0;
}

uint32_t blkfront_pages_for(uint32_t nr_sectors)
{
	return (nr_sectors + BLKFRONT_SECTORS_PER_PAGE - 1) / BLKFRONT_SECTORS_PER_PAGE;
}

uint32_t blkfront_page_sectors(uint32_t nr_sectors, uint32_t p)
{
	uint32_t left = nr_sectors - p * BLKFRONT_SECTORS_PER_PAGE;
	return left < BLKFRONT_SECTORS_PER_PAGE ? left : BLKFRONT_SECTORS_PER_PAGE;
}

void blkfront_slots_init(struct blkfront_slots *t)
{
	*t = (struct blkfront_slots){
		.page_free = BLKFRONT_POOL_PAGES == 64 ? ~0ull : (1ull << BLKFRONT_POOL_PAGES) - 1,
		.next_generation = 1,
	};
}

/* Freestanding images link no libgcc, so no __builtin_popcountll: clear the lowest bit until none is left. */
static uint32_t pages_free(uint64_t map)
{
	uint32_t n = 0;
	for (; map; map &= map - 1)
		n++;
	return n;
}

int blkfront_slot_alloc(struct blkfront_slots *t, uint8_t op, uint32_t nr_pages)
{
	if (nr_pages > KEEL_BLKIF_MAX_SEGMENTS || pages_free(t->page_free) < nr_pages)
		return -1;
	int i = 0;
	while (i < BLKFRONT_SLOTS && t->slot[i].state != BLKFRONT_SLOT_FREE)
		i++;
	if (i == BLKFRONT_SLOTS)
		return -1;
	struct blkfront_slot *s = &t->slot[i];
	*s = (struct blkfront_slot){ .state = BLKFRONT_SLOT_IN_FLIGHT, .op = op, .nr_pages = (uint8_t)nr_pages };
	for (uint32_t p = 0; p < nr_pages; p++) {
		unsigned int page = (unsigned int)__builtin_ctzll(t->page_free);
		t->page_free &= ~(1ull << page);
		s->page[p] = (uint8_t)page;
	}
	/* 32 bits of generation: an id comes back only after 2^32 uses of the slot. */
	s->generation = t->next_generation++;
	t->in_flight++;
	return i;
}

uint64_t blkfront_slot_id(const struct blkfront_slots *t, int i)
{
	return (uint64_t)t->slot[i].generation << SLOT_BITS | (uint64_t)i;
}

int blkfront_build_rw(struct keel_blkif_request *req, uint8_t op, uint64_t id, uint64_t sector,
		      uint32_t nr_sectors, const uint32_t *grefs)
{
	if (nr_sectors == 0 || nr_sectors > BLKFRONT_MAX_REQUEST_SECTORS)
		return -KEEL_EINVAL;
	*req = (struct keel_blkif_request){ .op = op, .id = id, .sector_number = sector };
	uint32_t pages = blkfront_pages_for(nr_sectors);
	req->nr_segments = (uint8_t)pages;
	for (uint32_t p = 0; p < pages; p++) {
		req->seg[p] = (struct keel_blkif_segment){
			.gref = grefs[p], .first_sect = 0, .last_sect = (uint8_t)(blkfront_page_sectors(nr_sectors, p) - 1) };
	}
	return 0;
}

void blkfront_build_plain(struct keel_blkif_request *req, uint8_t op, uint64_t id, uint64_t sector,
			  uint32_t nr_sectors)
{
	*req = (struct keel_blkif_request){ .op = op, .id = id, .sector_number = sector, .nr_sectors = nr_sectors };
}

static int status_rc(int16_t status, bool *known)
{
	*known = true;
	switch (status) {
	case KEEL_BLKIF_RSP_OKAY:
		return 0;
	case KEEL_BLKIF_RSP_ERROR:
		return -KEEL_EIO;
	case KEEL_BLKIF_RSP_EOPNOTSUPP:
		return -KEEL_ENOSYS;
	default:
		*known = false;
		return -KEEL_EIO;
	}
}

int blkfront_slot_answer(struct blkfront_slots *t, const struct keel_blkif_response *rsp)
{
	uint64_t index = rsp->id & SLOT_MASK;
	uint64_t generation = rsp->id >> SLOT_BITS;
	if (index >= BLKFRONT_SLOTS)
		return -1;
	struct blkfront_slot *s = &t->slot[index];
	bool known;
	int rc = status_rc(rsp->status, &known);
	if (s->state != BLKFRONT_SLOT_IN_FLIGHT || generation != s->generation || rsp->op != s->op || !known)
		return -1;
	s->state = BLKFRONT_SLOT_DONE;
	s->rc = rc;
	t->in_flight--;
	t->done[(t->done_head + t->done_count++) % BLKFRONT_SLOTS] = (uint8_t)index;
	return (int)index;
}

void blkfront_slots_fail_all(struct blkfront_slots *t, int rc)
{
	for (int i = 0; i < BLKFRONT_SLOTS; i++) {
		struct blkfront_slot *s = &t->slot[i];
		if (s->state != BLKFRONT_SLOT_IN_FLIGHT)
			continue;
		s->state = BLKFRONT_SLOT_DONE;
		s->rc = rc;
		t->in_flight--;
		t->done[(t->done_head + t->done_count++) % BLKFRONT_SLOTS] = (uint8_t)i;
	}
}

int blkfront_slot_next_done(const struct blkfront_slots *t)
{
	return t->done_count ? t->done[t->done_head] : -1;
}

void blkfront_slot_free(struct blkfront_slots *t, int i)
{
	if (blkfront_slot_next_done(t) != i)
		return;   /* only the FIFO's head is collected: anything else is a caller bug */
	struct blkfront_slot *s = &t->slot[i];
	for (uint32_t p = 0; p < s->nr_pages; p++)
		t->page_free |= 1ull << s->page[p];
	*s = (struct blkfront_slot){ .state = BLKFRONT_SLOT_FREE };
	t->done_head = (t->done_head + 1) % BLKFRONT_SLOTS;
	t->done_count--;
}
