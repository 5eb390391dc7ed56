/* memmap.c: the physical memory map builder (add, carve, normalize, page-align) over a fixed array. */
#include "memmap.h"

#include <stdbool.h>

#include "string.h"

#define PAGE_MASK ((uint64_t)MEMMAP_PAGE_SIZE - 1)

/* Higher wins an overlap: a range may only ever become more protected, never less. */
static const uint8_t type_priority[BOOT_MEM_TYPE_MAX] = {
	[BOOT_MEM_USABLE]      = 1,
	[BOOT_MEM_RECLAIMABLE] = 2,
	[BOOT_MEM_ACPI_TABLES] = 3,
	[BOOT_MEM_BOOT_INFO]   = 4,
	[BOOT_MEM_MODULE]      = 5,
	[BOOT_MEM_HYPERVISOR]  = 6,
	[BOOT_MEM_FW_RUNTIME]  = 7,
	[BOOT_MEM_ACPI_NVS]    = 8,
	[BOOT_MEM_RESERVED]    = 9,
};
#define PRIORITY_TOP 9

static bool type_valid(uint32_t type)
{
	return type > 0 && type < BOOT_MEM_TYPE_MAX;
}

/* Free memory may only shrink to whole pages; everything else grows to whole pages. */
static bool type_shrinks(uint32_t type)
{
	return type == BOOT_MEM_USABLE || type == BOOT_MEM_RECLAIMABLE;
}

static uint64_t region_end(const struct boot_mem_region *r)
{
	return r->base + r->length;
}

static void remove_at(struct memmap *map, uint32_t i)
{
	map->regions[i] = map->regions[--map->count];
}

static void append(struct memmap *map, uint64_t base, uint64_t end, uint32_t type)
{
	struct boot_mem_region *r = &map->regions[map->count++];
	r->base = base;
	r->length = end - base;
	r->type = type;
	r->reserved = 0;
}

void memmap_init(struct memmap *map, struct boot_mem_region *array, uint32_t capacity)
{
	map->regions = array;
	map->count = 0;
	map->capacity = array ? capacity : 0;
}

void memmap_normalize(struct memmap *map)
{
	/* Insertion sort: the map is small and usually almost sorted already. */
	for (uint32_t i = 1; i < map->count; i++) {
		struct boot_mem_region r = map->regions[i];
		uint32_t j = i;
		while (j > 0 && map->regions[j - 1].base > r.base) {
			map->regions[j] = map->regions[j - 1];
			j--;
		}
		map->regions[j] = r;
	}

	uint32_t out = 0;
	for (uint32_t i = 0; i < map->count; i++) {
		struct boot_mem_region *r = &map->regions[i];
		if (r->length == 0)
			continue;
		if (out > 0) {
			struct boot_mem_region *prev = &map->regions[out - 1];
			if (prev->type == r->type && region_end(prev) == r->base) {
				prev->length += r->length;
				continue;
			}
		}
		map->regions[out++] = *r;
	}
	map->count = out;
}

/* A range of this type that ends exactly at base (left) or starts exactly at end (right). */
static int32_t find_neighbour(const struct memmap *map, uint64_t base, uint64_t end, uint32_t type,
                              bool left)
{
	for (uint32_t i = 0; i < map->count; i++) {
		const struct boot_mem_region *r = &map->regions[i];
		if (r->type == type && (left ? region_end(r) == base : r->base == end))
			return (int32_t)i;
	}
	return -1;
}

/*
 * How many more slots overlaying [base, end) needs: +1 for the new range
 * unless it extends a same-type neighbour, +1 per split, -1 per swallowed range.
 */
static int64_t carve_slots_needed(const struct memmap *map, uint64_t base, uint64_t end,
                                  uint32_t type)
{
	int64_t needed = 1;
	if (find_neighbour(map, base, end, type, true) >= 0 ||
	    find_neighbour(map, base, end, type, false) >= 0)
		needed = 0;
	for (uint32_t i = 0; i < map->count; i++) {
		const struct boot_mem_region *r = &map->regions[i];
		uint64_t r_end = region_end(r);
		if (r->base < base && r_end > end)
			needed++;
		else if (r->base >= base && r_end <= end)
			needed--;
	}
	return needed;
}

/* Places [base, end), which overlaps nothing now, growing a same-type neighbour when one touches it. */
static void place(struct memmap *map, uint64_t base, uint64_t end, uint32_t type)
{
	int32_t left = find_neighbour(map, base, end, type, true);
	int32_t right = find_neighbour(map, base, end, type, false);
	if (left >= 0 && right >= 0) {
		map->regions[left].length += (end - base) + map->regions[right].length;
		remove_at(map, (uint32_t)right);
	} else if (left >= 0) {
		map->regions[left].length += end - base;
	} else if (right >= 0) {
		map->regions[right].base = base;
		map->regions[right].length += end - base;
	} else {
		append(map, base, end, type);
	}
}

static bool range_valid(uint64_t base, uint64_t length, uint32_t type)
{
	return type_valid(type) && length != 0 && base + length > base;
}

enum memmap_status memmap_carve(struct memmap *map, uint64_t base, uint64_t length, uint32_t type)
{
	if (!range_valid(base, length, type))
		return MEMMAP_INVALID;
	uint64_t end = base + length;

	if ((int64_t)map->count + carve_slots_needed(map, base, end, type) > (int64_t)map->capacity) {
		memmap_normalize(map);
		if ((int64_t)map->count + carve_slots_needed(map, base, end, type) >
		    (int64_t)map->capacity)
			return MEMMAP_FULL;
	}

	for (uint32_t i = 0; i < map->count; i++) {
		struct boot_mem_region *r = &map->regions[i];
		uint64_t r_end = region_end(r);
		if (r_end <= base || r->base >= end)
			continue;
		if (r->base >= base && r_end <= end) {
			remove_at(map, i--);
		} else if (r->base < base && r_end > end) {
			r->length = base - r->base;
			append(map, end, r_end, r->type);
		} else if (r->base < base) {
			r->length = base - r->base;
		} else {
			r->base = end;
			r->length = r_end - end;
		}
	}
	place(map, base, end, type);
	return MEMMAP_OK;
}

/* The leftmost range at least as restrictive as priority that overlaps [from, end), or NULL. */
static const struct boot_mem_region *first_dominant(const struct memmap *map, uint64_t from,
                                                    uint64_t end, uint8_t priority)
{
	const struct boot_mem_region *best = NULL;
	for (uint32_t i = 0; i < map->count; i++) {
		const struct boot_mem_region *r = &map->regions[i];
		if (type_priority[r->type] < priority || region_end(r) <= from || r->base >= end)
			continue;
		if (!best || r->base < best->base)
			best = r;
	}
	return best;
}

enum memmap_status memmap_add(struct memmap *map, uint64_t base, uint64_t length, uint32_t type)
{
	if (!range_valid(base, length, type))
		return MEMMAP_INVALID;
	uint64_t end = base + length;
	uint8_t priority = type_priority[type];

	/* Fill only the gaps between ranges that outrank the new one. */
	uint64_t cursor = base;
	while (cursor < end) {
		const struct boot_mem_region *blocker = first_dominant(map, cursor, end, priority);
		uint64_t gap_end = blocker && blocker->base < end ? blocker->base : end;
		uint64_t next = blocker ? region_end(blocker) : end;
		if (gap_end > cursor) {
			enum memmap_status st = memmap_carve(map, cursor, gap_end - cursor, type);
			if (st != MEMMAP_OK)
				return st;
		}
		cursor = next;
	}
	return MEMMAP_OK;
}

static bool region_aligned(const struct boot_mem_region *r)
{
	return (r->base & PAGE_MASK) == 0 && (r->length & PAGE_MASK) == 0;
}

enum memmap_status memmap_page_align(struct memmap *map)
{
	for (uint32_t i = 0; i < map->count; i++) {
		struct boot_mem_region *r = &map->regions[i];
		if (!type_shrinks(r->type))
			continue;
		uint64_t end = region_end(r);
		uint64_t new_base = (r->base + PAGE_MASK) & ~PAGE_MASK;
		uint64_t new_end = end & ~PAGE_MASK;
		if (new_base < r->base || new_end <= new_base) {
			remove_at(map, i--);
			continue;
		}
		r->base = new_base;
		r->length = new_end - new_base;
	}

	/*
	 * Grow the protected types from the most restrictive down. When a type is
	 * processed every more restrictive range is already whole pages, so
	 * re-adding a range's page-rounded span only takes partial pages from
	 * less restrictive ranges, and after merging the range is aligned.
	 */
	for (int priority = PRIORITY_TOP; priority > 0; priority--) {
		for (uint32_t rounds = 0;; rounds++) {
			memmap_normalize(map);
			struct boot_mem_region *todo = NULL;
			for (uint32_t i = 0; i < map->count && !todo; i++) {
				struct boot_mem_region *r = &map->regions[i];
				if (type_priority[r->type] == priority && !type_shrinks(r->type) &&
				    !region_aligned(r))
					todo = r;
			}
			if (!todo)
				break;
			if (rounds > map->capacity)
				return MEMMAP_INVALID; /* cannot happen; refuse rather than spin */
			uint64_t base = todo->base & ~PAGE_MASK;
			uint64_t end = (region_end(todo) + PAGE_MASK) & ~PAGE_MASK;
			if (end < region_end(todo)) {
				/* The last page would end at 2^64, which a range cannot express: drop it. */
				uint64_t last_page = UINT64_MAX & ~PAGE_MASK;
				if (todo->base >= last_page)
					remove_at(map, (uint32_t)(todo - map->regions));
				else
					todo->length = last_page - todo->base;
				continue;
			}
			enum memmap_status st = memmap_add(map, base, end - base, todo->type);
			if (st != MEMMAP_OK)
				return st;
		}
	}
	memmap_normalize(map);
	return MEMMAP_OK;
}

const char *memmap_type_name(uint32_t type)
{
	static const char *const names[BOOT_MEM_TYPE_MAX] = {
		[BOOT_MEM_USABLE]      = "usable",
		[BOOT_MEM_RECLAIMABLE] = "reclaimable",
		[BOOT_MEM_ACPI_TABLES] = "acpi-tables",
		[BOOT_MEM_ACPI_NVS]    = "acpi-nvs",
		[BOOT_MEM_FW_RUNTIME]  = "fw-runtime",
		[BOOT_MEM_RESERVED]    = "reserved",
		[BOOT_MEM_HYPERVISOR]  = "hypervisor",
		[BOOT_MEM_MODULE]      = "module",
		[BOOT_MEM_BOOT_INFO]   = "boot-info",
	};
	return type_valid(type) ? names[type] : "invalid";
}
