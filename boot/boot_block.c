/* boot_block.c: lays out boot_info, its memory-map array and its module array in one page run. */
#include "boot_block.h"

#include "console.h"
#include "string.h"

#define PAGE_BYTES 4096ull

static uint64_t align_up(uint64_t value, uint64_t alignment)
{
	return (value + alignment - 1) & ~(alignment - 1);
}

EFI_STATUS boot_block_alloc(EFI_BOOT_SERVICES *bs, struct boot_block *block)
{
	uint64_t memmap_offset = align_up(sizeof(struct boot_info), 64);
	uint64_t modules_offset = align_up(memmap_offset +
	                                   BOOT_MEMMAP_MAX * sizeof(struct boot_mem_region), 64);
	uint64_t size = align_up(modules_offset + BOOT_MODULES_MAX * sizeof(struct boot_module),
	                         PAGE_BYTES);

	EFI_PHYSICAL_ADDRESS base = 0;
	EFI_STATUS status = bs->AllocatePages(AllocateAnyPages, EfiLoaderData, size / PAGE_BYTES, &base);
	if (EFI_ERROR(status)) {
		boot_error("out of memory for boot info (%llu bytes)", (unsigned long long)size);
		return status;
	}
	memset((void *)(uintptr_t)base, 0, size);

	block->base = base;
	block->size = size;
	block->info = (struct boot_info *)(uintptr_t)base;
	block->memmap = (struct boot_mem_region *)(uintptr_t)(base + memmap_offset);
	block->modules = (struct boot_module *)(uintptr_t)(base + modules_offset);

	block->info->magic = BOOT_INFO_MAGIC;
	block->info->version = BOOT_INFO_VERSION;
	block->info->size = sizeof(struct boot_info);
	block->info->memmap = base + memmap_offset;
	block->info->modules = base + modules_offset;
	return EFI_SUCCESS;
}
