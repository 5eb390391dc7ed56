/* memmap.h: building a sorted, non-overlapping, page-aligned physical memory map in a fixed array. */
#ifndef KEEL_MEMMAP_H
#define KEEL_MEMMAP_H

#include <stddef.h>
#include <stdint.h>

#include <keel/boot_info.h>

#define MEMMAP_PAGE_SIZE 4096u

/* The map lives in the caller's array; nothing is allocated. */
struct memmap {
	struct boot_mem_region *regions;
	uint32_t count;
	uint32_t capacity;
};

enum memmap_status {
	MEMMAP_OK = 0,
	MEMMAP_FULL,              /* capacity exhausted (the map stays valid, see each call) */
	MEMMAP_INVALID,           /* bad type, empty or wrapping range */
};

void memmap_init(struct memmap *map, struct boot_mem_region *array, uint32_t capacity);

/*
 * Adds [base, base+length). Where it overlaps existing ranges the more
 * restrictive type keeps the overlap (usable < reclaimable < ACPI tables <
 * boot info < module < hypervisor < firmware runtime < ACPI NVS < reserved),
 * so conflicting firmware entries can never make reserved memory usable.
 * On MEMMAP_FULL part of the range may have been added.
 */
enum memmap_status memmap_add(struct memmap *map, uint64_t base, uint64_t length, uint32_t type);

/*
 * Marks [base, base+length) as type, replacing whatever was there: the loader
 * carves its hypervisor image, modules and boot info out of loader memory.
 * On MEMMAP_FULL the map is unchanged (though possibly normalized).
 */
enum memmap_status memmap_carve(struct memmap *map, uint64_t base, uint64_t length, uint32_t type);

/* Sorts by base and merges touching ranges of the same type. */
void memmap_normalize(struct memmap *map);

/*
 * Page-aligns every range: usable and reclaimable ranges shrink inward (a
 * partial page is never handed out as free), every other type grows outward
 * (a partial page is never lost from protection); where two growing ranges
 * share a page the more restrictive type gets it. Leaves the map normalized.
 */
enum memmap_status memmap_page_align(struct memmap *map);

/* A short name for messages and tests. */
const char *memmap_type_name(uint32_t type);

#endif
