/* uefi_memmap.h: the firmware memory map: fetching it, ExitBootServices, and translating it for boot_info. */
#ifndef KEEL_BOOT_UEFI_MEMMAP_H
#define KEEL_BOOT_UEFI_MEMMAP_H

#include <efi.h>
#include <stdint.h>

#include "memmap.h"

/* A preallocated buffer for GetMemoryMap, so the final fetch needs no allocation. */
struct uefi_map {
	uint8_t *buffer;
	UINTN buffer_size;
	UINTN map_size;           /* bytes of descriptors from the last fetch */
	UINTN map_key;
	UINTN descriptor_size;
	UINT32 descriptor_version;
};

/* Allocates a generous buffer and fetches the map once. Prints its own error. */
EFI_STATUS uefi_map_prepare(EFI_BOOT_SERVICES *bs, struct uefi_map *map);

/* The end of the highest range in the last fetched map. */
uint64_t uefi_map_top(const struct uefi_map *map);

/*
 * Fetches the final map and exits boot services, retrying when the map key
 * went stale in between (EFI_INVALID_PARAMETER). Allocates nothing. On
 * success no boot service may be called any more. Prints its own error.
 */
EFI_STATUS uefi_exit_boot_services(EFI_BOOT_SERVICES *bs, EFI_HANDLE image, struct uefi_map *map);

/* The boot_info type for a UEFI memory type. */
uint32_t uefi_type_to_boot(UINT32 uefi_type);

/* Adds every descriptor of the last fetched map to out. No firmware calls. */
enum memmap_status uefi_map_translate(const struct uefi_map *map, struct memmap *out);

#endif
