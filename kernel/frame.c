/* frame.c: the physical frame allocator: zoned buddy free lists threaded through the free frames. */
#include "frame.h"

#include "log.h"
#include "spinlock.h"
#include "string.h"

/*
 * Zones keep memory that only some callers can use (below 1 MiB for the AP
 * trampoline, below 4 GiB for 32-bit DMA) from being eaten by callers that do
 * not care: frame_alloc() drains the highest zone first, and frame_alloc_below()
 * at a zone edge is a plain free-list lookup. Buddies never merge across an edge.
 */
enum frame_zone { ZONE_LOW, ZONE_DMA32, ZONE_HIGH, ZONE_COUNT };

static const uint64_t zone_end_pfn[ZONE_COUNT] = {
	[ZONE_LOW]   = FRAME_BELOW_1M >> PAGE_SHIFT,
	[ZONE_DMA32] = FRAME_BELOW_4G >> PAGE_SHIFT,
	[ZONE_HIGH]  = FRAME_PHYS_LIMIT >> PAGE_SHIFT,
};

/*
 * Every added range, sorted and merged with its neighbours, so "was this frame
 * ever handed to us?" is a binary search instead of a second bit per frame. The
 * loader's memory map has at most 512 regions and each is added at most once,
 * so the table cannot overflow without a caller bug.
 */
#define FRAME_MAX_RANGES 512

struct pfn_range {
	uint64_t start;           /* first frame number */
	uint64_t end;             /* one past the last */
};

/*
 * Lives in the first bytes of every free block. Links are physical addresses so
 * the lists stay valid when mm_direct_map_offset changes; the magic catches a
 * write into a free frame (use after free) before it corrupts the lists.
 */
struct free_block {
	uint64_t magic;
	uint64_t order;
	paddr_t  next;
	paddr_t  prev;
};

#define FREE_BLOCK_MAGIC 0x45455246454c454bull /* "KELEFREE" little-endian */

static struct {
	spinlock_t lock;
	bool       ready;
	uint64_t   nr_pfns;       /* frames below max_phys: the bitmap's length */
	paddr_t    bitmap_pa;     /* bit n set: frame n heads a free block */
	paddr_t    meta_end_pa;
	paddr_t    free_head[ZONE_COUNT][FRAME_MAX_ORDER + 1];
	uint64_t   free_frames;   /* written under the lock, read without it */
	uint64_t   total_frames;
	unsigned   nr_ranges;
	struct pfn_range ranges[FRAME_MAX_RANGES];
} fa = { .lock = SPINLOCK_INIT };

/*
 * Misuse is detected before anything is modified, so dropping the lock leaves a
 * consistent allocator: other CPUs keep working until panic stops them, and the
 * host tests can carry on after catching the panic.
 */
#define frame_bug(...) do { spin_unlock(&fa.lock); panic(__VA_ARGS__); } while (0)

static uint64_t block_frames(unsigned order) { return 1ull << order; }

static enum frame_zone zone_of(uint64_t pfn)
{
	if (pfn < zone_end_pfn[ZONE_LOW])
		return ZONE_LOW;
	if (pfn < zone_end_pfn[ZONE_DMA32])
		return ZONE_DMA32;
	return ZONE_HIGH;
}

static uint64_t zone_start_pfn(enum frame_zone zone)
{
	return zone == ZONE_LOW ? 0 : zone_end_pfn[zone - 1];
}

/* ---- the free-head bitmap ---- */

static uint64_t *bitmap(void) { return phys_to_virt(fa.bitmap_pa); }

static bool head_test(uint64_t pfn) { return (bitmap()[pfn / 64] >> (pfn % 64)) & 1; }
static void head_set(uint64_t pfn) { bitmap()[pfn / 64] |= 1ull << (pfn % 64); }
static void head_clear(uint64_t pfn) { bitmap()[pfn / 64] &= ~(1ull << (pfn % 64)); }

/* Whether any frame in [pfn, pfn + count) heads a free block; word-at-a-time. */
static bool any_head_in(uint64_t pfn, uint64_t count)
{
	const uint64_t *words = bitmap();
	while (count) {
		unsigned bit = pfn % 64;
		uint64_t span = 64 - bit < count ? 64 - bit : count;
		uint64_t mask = (span == 64 ? ~0ull : (1ull << span) - 1) << bit;
		if (words[pfn / 64] & mask)
			return true;
		pfn += span;
		count -= span;
	}
	return false;
}

/* ---- intrusive free lists ---- */

static struct free_block *block_at(paddr_t pa) { return phys_to_virt(pa); }

/* The free block headed at pfn, after checking that its header is intact. */
static struct free_block *checked_block(uint64_t pfn)
{
	struct free_block *b = block_at(pfn << PAGE_SHIFT);
	if (b->magic != FREE_BLOCK_MAGIC || b->order > FRAME_MAX_ORDER)
		frame_bug("frame: free block at %#llx corrupted (use after free?)",
			  (unsigned long long)(pfn << PAGE_SHIFT));
	return b;
}

static void count_free(int64_t delta)
{
	__atomic_store_n(&fa.free_frames, fa.free_frames + (uint64_t)delta, __ATOMIC_RELAXED);
}

static void list_push(enum frame_zone zone, unsigned order, uint64_t pfn)
{
	paddr_t pa = pfn << PAGE_SHIFT;
	paddr_t old = fa.free_head[zone][order];
	struct free_block *b = block_at(pa);

	b->magic = FREE_BLOCK_MAGIC;
	b->order = order;
	b->next = old;
	b->prev = FRAME_NONE;
	if (old != FRAME_NONE)
		block_at(old)->prev = pa;
	fa.free_head[zone][order] = pa;
	head_set(pfn);
	count_free((int64_t)block_frames(order));
}

static void list_remove(enum frame_zone zone, unsigned order, uint64_t pfn)
{
	struct free_block *b = checked_block(pfn);

	if (b->prev == FRAME_NONE)
		fa.free_head[zone][order] = b->next;
	else
		block_at(b->prev)->next = b->next;
	if (b->next != FRAME_NONE)
		block_at(b->next)->prev = b->prev;
	/* A stale magic left behind could pass for a free block after a merge. */
	b->magic = 0;
	head_clear(pfn);
	count_free(-(int64_t)block_frames(order));
}

/* Puts a block on the free lists, merging it with its buddy as far as possible. */
static void insert_free(uint64_t pfn, unsigned order)
{
	enum frame_zone zone = zone_of(pfn);

	while (order < FRAME_MAX_ORDER) {
		uint64_t buddy = pfn ^ block_frames(order);
		if (buddy >= fa.nr_pfns || zone_of(buddy) != zone || !head_test(buddy))
			break;
		/* The buddy heads a free block, but it may be a smaller one. */
		if (checked_block(buddy)->order != order)
			break;
		list_remove(zone, order, buddy);
		pfn &= ~block_frames(order);
		order++;
	}
	list_push(zone, order, pfn);
}

/* Takes the free block (pfn, have) off its list, returning the upper halves until order remains. */
static paddr_t take_block(enum frame_zone zone, unsigned order, unsigned have, uint64_t pfn)
{
	list_remove(zone, have, pfn);
	while (have > order) {
		have--;
		/* Its buddy is the part being handed out, so there is nothing to merge with. */
		list_push(zone, have, pfn + block_frames(have));
	}
	return pfn << PAGE_SHIFT;
}

static paddr_t alloc_from_zone(enum frame_zone zone, unsigned order)
{
	for (unsigned have = order; have <= FRAME_MAX_ORDER; have++) {
		paddr_t head = fa.free_head[zone][have];
		if (head != FRAME_NONE)
			return take_block(zone, order, have, head >> PAGE_SHIFT);
	}
	return FRAME_NONE;
}

/*
 * For a zone that straddles the limit: walks the lists for a block whose lowest
 * 2^order frames end at or below the limit. Linear in that zone's free blocks, but
 * only reached for limits that are not zone edges.
 */
static paddr_t alloc_from_zone_below(enum frame_zone zone, unsigned order, uint64_t limit_pfn)
{
	for (unsigned have = order; have <= FRAME_MAX_ORDER; have++) {
		for (paddr_t pa = fa.free_head[zone][have]; pa != FRAME_NONE; pa = block_at(pa)->next) {
			uint64_t pfn = pa >> PAGE_SHIFT;
			checked_block(pfn);
			if (pfn + block_frames(order) <= limit_pfn)
				return take_block(zone, order, have, pfn);
		}
	}
	return FRAME_NONE;
}

/* ---- the table of added ranges ---- */

/* Index of the first range that ends after pfn (nr_ranges if none). */
static unsigned range_search(uint64_t pfn)
{
	unsigned lo = 0, hi = fa.nr_ranges;
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		if (fa.ranges[mid].end <= pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool range_covers(uint64_t pfn, uint64_t count)
{
	unsigned i = range_search(pfn);
	return i < fa.nr_ranges && fa.ranges[i].start <= pfn && pfn + count <= fa.ranges[i].end;
}

/* Records [start, end); returns why it cannot (without changing anything) or NULL. */
static const char *range_insert(uint64_t start, uint64_t end)
{
	unsigned i = range_search(start);
	bool joins_prev = i > 0 && fa.ranges[i - 1].end == start;
	bool joins_next = i < fa.nr_ranges && fa.ranges[i].start == end;

	if (i < fa.nr_ranges && fa.ranges[i].start < end)
		return "overlaps memory already added";
	if (joins_prev && joins_next) {
		fa.ranges[i - 1].end = fa.ranges[i].end;
		memmove(&fa.ranges[i], &fa.ranges[i + 1], (fa.nr_ranges - i - 1) * sizeof(fa.ranges[0]));
		fa.nr_ranges--;
	} else if (joins_prev) {
		fa.ranges[i - 1].end = end;
	} else if (joins_next) {
		fa.ranges[i].start = start;
	} else {
		if (fa.nr_ranges == FRAME_MAX_RANGES)
			return "too many discontiguous ranges";
		memmove(&fa.ranges[i + 1], &fa.ranges[i], (fa.nr_ranges - i) * sizeof(fa.ranges[0]));
		fa.ranges[i] = (struct pfn_range){ .start = start, .end = end };
		fa.nr_ranges++;
	}
	return NULL;
}

/* ---- the interface ---- */

static uint64_t pfns_below(paddr_t max_phys)
{
	if (max_phys > FRAME_PHYS_LIMIT)
		max_phys = FRAME_PHYS_LIMIT;
	return max_phys >> PAGE_SHIFT;
}

size_t frame_meta_size(paddr_t max_phys)
{
	/* Whole 64-bit words, so the bitmap scans never touch a partial word's neighbour. */
	return (size_t)(ALIGN_UP(pfns_below(max_phys), 64) / 8);
}

void frame_init(paddr_t max_phys, void *meta)
{
	if (!meta)
		panic("frame_init: no metadata storage");
	if (max_phys > FRAME_PHYS_LIMIT)
		panic("frame_init: max_phys %#llx beyond the 52-bit physical limit",
		      (unsigned long long)max_phys);

	size_t meta_bytes = frame_meta_size(max_phys);
	memset(meta, 0, meta_bytes);

	spin_lock(&fa.lock);
	fa.nr_pfns = pfns_below(max_phys);
	fa.bitmap_pa = virt_to_phys(meta);
	fa.meta_end_pa = fa.bitmap_pa + meta_bytes;
	for (unsigned zone = 0; zone < ZONE_COUNT; zone++)
		for (unsigned order = 0; order <= FRAME_MAX_ORDER; order++)
			fa.free_head[zone][order] = FRAME_NONE;
	__atomic_store_n(&fa.free_frames, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&fa.total_frames, 0, __ATOMIC_RELAXED);
	fa.nr_ranges = 0;
	fa.ready = true;
	spin_unlock(&fa.lock);
}

void frame_add_range(paddr_t base, uint64_t len)
{
	if (len == 0 || base >= FRAME_PHYS_LIMIT)
		return;
	paddr_t end = base + len;
	if (end < base || end > FRAME_PHYS_LIMIT)
		end = FRAME_PHYS_LIMIT;

	uint64_t start_pfn = ALIGN_UP(base, PAGE_SIZE) >> PAGE_SHIFT;
	uint64_t end_pfn = end >> PAGE_SHIFT;

	spin_lock(&fa.lock);
	if (!fa.ready)
		frame_bug("frame_add_range before frame_init");
	if (end_pfn > fa.nr_pfns)
		end_pfn = fa.nr_pfns;
	if (start_pfn >= end_pfn) {
		spin_unlock(&fa.lock);
		return;
	}
	paddr_t start_pa = start_pfn << PAGE_SHIFT, end_pa = end_pfn << PAGE_SHIFT;
	if (start_pa < fa.meta_end_pa && fa.bitmap_pa < end_pa)
		frame_bug("frame_add_range: [%#llx, %#llx) overlaps the allocator's own metadata",
			  (unsigned long long)start_pa, (unsigned long long)end_pa);
	const char *why = range_insert(start_pfn, end_pfn);
	if (why)
		frame_bug("frame_add_range: [%#llx, %#llx) %s",
			  (unsigned long long)start_pa, (unsigned long long)end_pa, why);

	__atomic_store_n(&fa.total_frames, fa.total_frames + (end_pfn - start_pfn), __ATOMIC_RELAXED);
	/* Carve the range into the largest aligned blocks that stay inside it and inside one zone. */
	for (uint64_t pfn = start_pfn; pfn < end_pfn;) {
		unsigned order = FRAME_MAX_ORDER;
		while (order > 0 && ((pfn & (block_frames(order) - 1)) ||
				     pfn + block_frames(order) > end_pfn ||
				     zone_of(pfn) != zone_of(pfn + block_frames(order) - 1)))
			order--;
		insert_free(pfn, order);
		pfn += block_frames(order);
	}
	spin_unlock(&fa.lock);
}

paddr_t frame_alloc_below(unsigned order, paddr_t limit)
{
	if (order > FRAME_MAX_ORDER)
		return FRAME_NONE;
	uint64_t limit_pfn = pfns_below(limit);
	paddr_t pa = FRAME_NONE;

	spin_lock(&fa.lock);
	if (!fa.ready) {
		spin_unlock(&fa.lock);
		return FRAME_NONE;
	}
	/* Highest zone first: the low zones are the scarce ones. */
	for (int zone = ZONE_COUNT - 1; zone >= 0 && pa == FRAME_NONE; zone--) {
		if (zone_start_pfn(zone) >= limit_pfn)
			continue;
		if (zone_end_pfn[zone] <= limit_pfn)
			pa = alloc_from_zone(zone, order);
		else
			pa = alloc_from_zone_below(zone, order, limit_pfn);
	}
	spin_unlock(&fa.lock);
	return pa;
}

paddr_t frame_alloc(unsigned order)
{
	return frame_alloc_below(order, FRAME_PHYS_LIMIT);
}

paddr_t frame_alloc_zeroed(unsigned order)
{
	paddr_t pa = frame_alloc(order);
	if (pa != FRAME_NONE)
		memset(phys_to_virt(pa), 0, PAGE_SIZE << order);
	return pa;
}

/* Whether a whole max-order block starts free at pfn. */
static bool max_block_free_at(uint64_t pfn)
{
	return pfn < fa.nr_pfns && head_test(pfn) && checked_block(pfn)->order == FRAME_MAX_ORDER;
}

/*
 * Takes 'blocks' max-order blocks in a row, starting at a free one of 'zone' that has
 * enough free successors (all inside the zone too, if 'within_zone').
 */
static paddr_t take_run(enum frame_zone zone, bool within_zone, uint64_t blocks, uint64_t frames)
{
	const uint64_t step = block_frames(FRAME_MAX_ORDER);
	for (paddr_t pa = fa.free_head[zone][FRAME_MAX_ORDER]; pa != FRAME_NONE; pa = block_at(pa)->next) {
		uint64_t first = pa >> PAGE_SHIFT;
		uint64_t n = 1;
		while (n < blocks && max_block_free_at(first + n * step) && (!within_zone || zone_of(first + n * step) == zone))
			n++;
		if (n < blocks)
			continue;
		for (uint64_t i = 0; i < blocks; i++)
			list_remove(zone_of(first + i * step), FRAME_MAX_ORDER, first + i * step);
		/* The unused tail goes back as the largest aligned blocks that fit. */
		uint64_t end = first + blocks * step;
		for (uint64_t pfn = first + frames; pfn < end;) {
			unsigned order = FRAME_MAX_ORDER;
			while (order > 0 && ((pfn & (block_frames(order) - 1)) || pfn + block_frames(order) > end))
				order--;
			insert_free(pfn, order);
			pfn += block_frames(order);
		}
		return first << PAGE_SHIFT;
	}
	return FRAME_NONE;
}

paddr_t frame_alloc_contiguous(uint64_t frames)
{
	if (frames == 0 || frames > (FRAME_PHYS_LIMIT >> PAGE_SHIFT))
		return FRAME_NONE;
	uint64_t blocks = (frames + block_frames(FRAME_MAX_ORDER) - 1) / block_frames(FRAME_MAX_ORDER);
	paddr_t pa = FRAME_NONE;
	spin_lock(&fa.lock);
	/* All below 4 GiB first, where devices with 32-bit DMA reach it; then above; then across the edge. */
	if (fa.ready)
		pa = take_run(ZONE_DMA32, true, blocks, frames);
	if (fa.ready && pa == FRAME_NONE)
		pa = take_run(ZONE_HIGH, true, blocks, frames);
	if (fa.ready && pa == FRAME_NONE)
		pa = take_run(ZONE_DMA32, false, blocks, frames);
	spin_unlock(&fa.lock);
	return pa;
}

/* Whether some free block headed below pfn is large enough to cover it. */
static bool inside_larger_free_block(uint64_t pfn, unsigned order)
{
	for (unsigned larger = order + 1; larger <= FRAME_MAX_ORDER; larger++) {
		uint64_t head = pfn & ~(block_frames(larger) - 1);
		if (head != pfn && head_test(head) && head + block_frames(checked_block(head)->order) > pfn)
			return true;
	}
	return false;
}

void frame_free(paddr_t pa, unsigned order)
{
	if (order > FRAME_MAX_ORDER)
		panic("frame_free(%#llx): order %u out of range", (unsigned long long)pa, order);
	if (pa & ((PAGE_SIZE << order) - 1))
		panic("frame_free(%#llx): not aligned to order %u", (unsigned long long)pa, order);

	uint64_t pfn = pa >> PAGE_SHIFT;
	uint64_t count = block_frames(order);

	spin_lock(&fa.lock);
	if (!fa.ready || pfn + count > fa.nr_pfns || !range_covers(pfn, count))
		frame_bug("frame_free(%#llx, %u): memory never given to the allocator",
			  (unsigned long long)pa, order);
	if (zone_of(pfn) != zone_of(pfn + count - 1))
		frame_bug("frame_free(%#llx, %u): spans a zone edge, so it was never one block",
			  (unsigned long long)pa, order);
	if (any_head_in(pfn, count) || inside_larger_free_block(pfn, order))
		frame_bug("frame_free(%#llx, %u): double free (already free in whole or part)",
			  (unsigned long long)pa, order);
	insert_free(pfn, order);
	spin_unlock(&fa.lock);
}

bool frame_is_managed(paddr_t pa)
{
	if (pa >= FRAME_PHYS_LIMIT)
		return false;
	spin_lock(&fa.lock);
	bool managed = fa.ready && range_covers(pa >> PAGE_SHIFT, 1);
	spin_unlock(&fa.lock);
	return managed;
}

uint64_t frame_free_count(void)
{
	return __atomic_load_n(&fa.free_frames, __ATOMIC_RELAXED);
}

uint64_t frame_total_count(void)
{
	return __atomic_load_n(&fa.total_frames, __ATOMIC_RELAXED);
}
