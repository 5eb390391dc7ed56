/* boot_block.h: the single allocation holding struct boot_info and the arrays it points at. */
#ifndef KEEL_BOOT_BOOT_BLOCK_H
#define KEEL_BOOT_BOOT_BLOCK_H

#include <efi.h>
#include <stdint.h>

#include <keel/boot_info.h>

struct boot_block {
	uint64_t base;                     /* physical, page-aligned */
	uint64_t size;                     /* bytes, whole pages */
	struct boot_info *info;
	struct boot_mem_region *memmap;    /* BOOT_MEMMAP_MAX entries */
	struct boot_module *modules;       /* BOOT_MODULES_MAX entries */
};

/*
 * Allocates and zeroes the block, and fills the boot_info header (magic,
 * version, size, array pointers). Prints its own error.
 */
EFI_STATUS boot_block_alloc(EFI_BOOT_SERVICES *bs, struct boot_block *block);

#endif
