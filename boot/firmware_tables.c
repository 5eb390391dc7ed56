/* firmware_tables.c: finding the ACPI RSDP in the configuration table and the GOP framebuffer. */
#include "firmware_tables.h"

#include <stdbool.h>

#include "string.h"

static EFI_GUID acpi20_guid = ACPI_20_TABLE_GUID;
static EFI_GUID acpi10_guid = ACPI_TABLE_GUID;
static EFI_GUID gop_guid = EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID;

#define RSDP_V1_LENGTH 20
#define RSDP_V2_MIN_LENGTH 36

static uint8_t byte_sum(const uint8_t *p, uint32_t len)
{
	uint8_t sum = 0;
	while (len--)
		sum = (uint8_t)(sum + *p++);
	return sum;
}

/* A table pointer is only handed on if it really is an RSDP with good checksums. */
static bool rsdp_valid(const uint8_t *rsdp, bool want_v2)
{
	if (!rsdp || memcmp(rsdp, "RSD PTR ", 8) != 0 || byte_sum(rsdp, RSDP_V1_LENGTH) != 0)
		return false;
	if (!want_v2)
		return true;
	uint8_t revision = rsdp[15];
	uint32_t length;
	memcpy(&length, rsdp + 20, sizeof length);
	return revision >= 2 && length >= RSDP_V2_MIN_LENGTH && length <= 4096 &&
	       byte_sum(rsdp, length) == 0;
}

static uint64_t find_table(EFI_SYSTEM_TABLE *st, EFI_GUID *guid, bool want_v2)
{
	for (UINTN i = 0; i < st->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *entry = &st->ConfigurationTable[i];
		if (memcmp(&entry->VendorGuid, guid, sizeof *guid) == 0 &&
		    rsdp_valid(entry->VendorTable, want_v2))
			return (uint64_t)(uintptr_t)entry->VendorTable;
	}
	return 0;
}

uint64_t find_acpi_rsdp(EFI_SYSTEM_TABLE *st)
{
	if (!st->ConfigurationTable)
		return 0;
	uint64_t rsdp = find_table(st, &acpi20_guid, true);
	return rsdp ? rsdp : find_table(st, &acpi10_guid, false);
}

void find_framebuffer(EFI_BOOT_SERVICES *bs, struct boot_framebuffer *fb)
{
	memset(fb, 0, sizeof *fb);
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop = NULL;
	if (EFI_ERROR(bs->LocateProtocol(&gop_guid, NULL, (void **)&gop)) || !gop || !gop->Mode ||
	    !gop->Mode->Info)
		return;
	const EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *info = gop->Mode->Info;
	/* Blt-only modes have no linear framebuffer to hand over. */
	if (info->PixelFormat >= PixelBltOnly || gop->Mode->FrameBufferBase == 0)
		return;
	fb->base = gop->Mode->FrameBufferBase;
	fb->size = gop->Mode->FrameBufferSize;
	fb->width = info->HorizontalResolution;
	fb->height = info->VerticalResolution;
	fb->pixels_per_line = info->PixelsPerScanLine;
	fb->format = (uint32_t)info->PixelFormat;
}
