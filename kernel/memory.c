/* memory.c: turning the loader's memory map into the frame allocator's pool, and RAM totals. */
#include "memory.h"

#include "frame.h"
#include "log.h"
#include "mm.h"

static uint64_t total_bytes;

static const struct boot_mem_region *regions(const struct boot_info *bi)
{
	return phys_to_virt(bi->memmap);
}

static bool counts_as_ram(uint32_t type)
{
	return type == BOOT_MEM_USABLE || type == BOOT_MEM_RECLAIMABLE || type == BOOT_MEM_HYPERVISOR ||
	       type == BOOT_MEM_MODULE || type == BOOT_MEM_BOOT_INFO || type == BOOT_MEM_ACPI_TABLES;
}

/* The allocator's metadata needs a home before any allocator exists: take it from the map. */
static paddr_t carve_metadata(const struct boot_info *bi, uint64_t size)
{
	const struct boot_mem_region *map = regions(bi);
	for (uint32_t i = 0; i < bi->memmap_count; i++) {
		/* Stay above 1 MiB: low memory is scarce and the AP trampoline needs a page there. */
		paddr_t base = map[i].base < (1ull << 20) ? (1ull << 20) : map[i].base;
		paddr_t end = map[i].base + map[i].length;
		if (map[i].type == BOOT_MEM_USABLE && base < end && end - base >= size)
			return base;
	}
	panic("memory: no room for %llu bytes of frame metadata", (unsigned long long)size);
}

void memory_init(const struct boot_info *bi)
{
	const struct boot_mem_region *map = regions(bi);
	paddr_t top = 0;

	if (bi->memmap_count == 0 || bi->memmap_count > BOOT_MEMMAP_MAX)
		panic("memory: the loader passed %u memory regions", bi->memmap_count);
	for (uint32_t i = 0; i < bi->memmap_count; i++) {
		uint32_t t = map[i].type;
		if (counts_as_ram(t))
			total_bytes += map[i].length;
		if ((t == BOOT_MEM_USABLE || t == BOOT_MEM_RECLAIMABLE) && map[i].base + map[i].length > top)
			top = map[i].base + map[i].length;
	}

	uint64_t meta_size = ALIGN_UP(frame_meta_size(top), PAGE_SIZE);
	paddr_t meta = carve_metadata(bi, meta_size);
	frame_init(top, phys_to_virt(meta));

	for (uint32_t i = 0; i < bi->memmap_count; i++) {
		if (map[i].type != BOOT_MEM_USABLE)
			continue;
		paddr_t base = map[i].base, end = base + map[i].length;
		if (meta >= base && meta < end) {
			frame_add_range(base, meta - base);
			frame_add_range(meta + meta_size, end - (meta + meta_size));
		} else {
			frame_add_range(base, end - base);
		}
	}
}

void memory_reclaim_boot(const struct boot_info *bi)
{
	const struct boot_mem_region *map = regions(bi);
	uint64_t reclaimed = 0;
	for (uint32_t i = 0; i < bi->memmap_count; i++) {
		if (map[i].type == BOOT_MEM_RECLAIMABLE) {
			frame_add_range(map[i].base, map[i].length);
			reclaimed += map[i].length;
		}
	}
	pr_info("memory: reclaimed %llu KiB of firmware boot memory\n", (unsigned long long)(reclaimed >> 10));
}

uint64_t memory_total_bytes(void)
{
	return total_bytes;
}
