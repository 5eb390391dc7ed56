/* uefi_memmap.c: GetMemoryMap, ExitBootServices with retries, and the UEFI to boot_info type mapping. */
#include "uefi_memmap.h"

#include <keel/boot_info.h>

#include "console.h"

#define PAGE_BYTES 4096ull
#define EXIT_ATTEMPTS 4
/* Room for growth between the first fetch and the last: allocations add descriptors. */
#define SPARE_DESCRIPTORS 64

static EFI_STATUS fetch(EFI_BOOT_SERVICES *bs, struct uefi_map *map)
{
	map->map_size = map->buffer_size;
	return bs->GetMemoryMap(&map->map_size, (EFI_MEMORY_DESCRIPTOR *)map->buffer, &map->map_key,
	                        &map->descriptor_size, &map->descriptor_version);
}

EFI_STATUS uefi_map_prepare(EFI_BOOT_SERVICES *bs, struct uefi_map *map)
{
	map->buffer = NULL;
	map->buffer_size = 0;
	EFI_STATUS status = fetch(bs, map); /* learns the size only */
	if (status != EFI_BUFFER_TOO_SMALL && EFI_ERROR(status)) {
		boot_error("GetMemoryMap failed (%s 0x%llx)", efi_status_name(status),
		           (unsigned long long)status);
		return status;
	}
	UINTN descriptor = map->descriptor_size ? map->descriptor_size : sizeof(EFI_MEMORY_DESCRIPTOR);
	UINTN want = map->map_size * 2 + SPARE_DESCRIPTORS * descriptor;
	UINTN pages = (want + PAGE_BYTES - 1) / PAGE_BYTES;

	EFI_PHYSICAL_ADDRESS address = 0;
	status = bs->AllocatePages(AllocateAnyPages, EfiLoaderData, pages, &address);
	if (EFI_ERROR(status)) {
		boot_error("out of memory for the memory map (%llu bytes)",
		           (unsigned long long)(pages * PAGE_BYTES));
		return status;
	}
	map->buffer = (uint8_t *)(uintptr_t)address;
	map->buffer_size = pages * PAGE_BYTES;

	status = fetch(bs, map);
	if (EFI_ERROR(status)) {
		boot_error("GetMemoryMap failed (%s 0x%llx)", efi_status_name(status),
		           (unsigned long long)status);
		return status;
	}
	if (map->descriptor_size < sizeof(EFI_MEMORY_DESCRIPTOR)) {
		boot_error("firmware memory descriptors are too small (%llu bytes)",
		           (unsigned long long)map->descriptor_size);
		return EFI_UNSUPPORTED;
	}
	return EFI_SUCCESS;
}

static const EFI_MEMORY_DESCRIPTOR *descriptor_at(const struct uefi_map *map, UINTN i)
{
	return (const EFI_MEMORY_DESCRIPTOR *)(map->buffer + i * map->descriptor_size);
}

static UINTN descriptor_count(const struct uefi_map *map)
{
	return map->descriptor_size ? map->map_size / map->descriptor_size : 0;
}

uint64_t uefi_map_top(const struct uefi_map *map)
{
	uint64_t top = 0;
	for (UINTN i = 0; i < descriptor_count(map); i++) {
		const EFI_MEMORY_DESCRIPTOR *d = descriptor_at(map, i);
		uint64_t end = d->PhysicalStart + d->NumberOfPages * PAGE_BYTES;
		if (end > top && end > d->PhysicalStart)
			top = end;
	}
	return top;
}

EFI_STATUS uefi_exit_boot_services(EFI_BOOT_SERVICES *bs, EFI_HANDLE image, struct uefi_map *map)
{
	EFI_STATUS status = EFI_SUCCESS;
	for (int attempt = 0; attempt < EXIT_ATTEMPTS; attempt++) {
		status = fetch(bs, map);
		if (EFI_ERROR(status))
			break;
		status = bs->ExitBootServices(image, map->map_key);
		if (status != EFI_INVALID_PARAMETER)
			break;
		/* The map changed under us (an event fired): fetch again, allocating nothing. */
	}
	if (EFI_ERROR(status))
		boot_error("ExitBootServices failed (%s 0x%llx)", efi_status_name(status),
		           (unsigned long long)status);
	return status;
}

uint32_t uefi_type_to_boot(UINT32 uefi_type)
{
	switch (uefi_type) {
	case EfiConventionalMemory:
		return BOOT_MEM_USABLE;
	case EfiBootServicesCode:
	case EfiBootServicesData:
	case EfiLoaderCode:
	case EfiLoaderData:
		return BOOT_MEM_RECLAIMABLE;
	case EfiACPIReclaimMemory:
		return BOOT_MEM_ACPI_TABLES;
	case EfiACPIMemoryNVS:
		return BOOT_MEM_ACPI_NVS;
	case EfiRuntimeServicesCode:
	case EfiRuntimeServicesData:
		return BOOT_MEM_FW_RUNTIME;
	default:
		return BOOT_MEM_RESERVED;
	}
}

enum memmap_status uefi_map_translate(const struct uefi_map *map, struct memmap *out)
{
	for (UINTN i = 0; i < descriptor_count(map); i++) {
		const EFI_MEMORY_DESCRIPTOR *d = descriptor_at(map, i);
		if (d->NumberOfPages == 0 || d->NumberOfPages > (UINT64_MAX / PAGE_BYTES))
			continue; /* nothing there, or a length no address space can hold */
		enum memmap_status st = memmap_add(out, d->PhysicalStart, d->NumberOfPages * PAGE_BYTES,
		                                   uefi_type_to_boot(d->Type));
		if (st == MEMMAP_FULL)
			return st;
		/* MEMMAP_INVALID: a descriptor wrapping past 2^64 is firmware garbage; skip it. */
	}
	return MEMMAP_OK;
}
