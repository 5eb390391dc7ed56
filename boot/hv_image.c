/* hv_image.c: the hypervisor ELF: validate with lib/elf64, copy segments, zero bss, contiguous block. */
#include "hv_image.h"

#include "console.h"
#include "esp_file.h"
#include "string.h"

#define PAGE_BYTES   4096ull
#define HV_FILE_MAX  (256ull << 20)   /* a sanity bound, far above any real image */
#define HV_SPAN_MAX  (1ull << 30)     /* the loader maps the image with 4 KiB pages */

/*
 * AllocatePages cannot ask for alignment, so over-allocate by 2 MiB and give
 * the unaligned head and tail back.
 */
static EFI_STATUS allocate_aligned(EFI_BOOT_SERVICES *bs, uint64_t size, uint64_t *base)
{
	uint64_t pages = size / PAGE_BYTES;
	uint64_t slack = HV_ALIGN / PAGE_BYTES;
	EFI_PHYSICAL_ADDRESS raw = 0;
	EFI_STATUS status = bs->AllocatePages(AllocateAnyPages, EfiLoaderData, pages + slack, &raw);
	if (EFI_ERROR(status))
		return status;
	uint64_t aligned = (raw + HV_ALIGN - 1) & ~(HV_ALIGN - 1);
	uint64_t head = (aligned - raw) / PAGE_BYTES;
	uint64_t tail = slack - head;
	if (head)
		bs->FreePages(raw, head);
	if (tail)
		bs->FreePages(aligned + size, tail);
	*base = aligned;
	return EFI_SUCCESS;
}

EFI_STATUS hv_image_load(EFI_BOOT_SERVICES *bs, EFI_FILE_HANDLE root, const char *path,
                         struct hv_image *hv)
{
	memset(hv, 0, sizeof *hv);
	void *file = NULL;
	uint64_t file_size = 0;
	EFI_STATUS status = esp_read_file(bs, root, path, ESP_INTO_POOL, HV_FILE_MAX, &file, &file_size);
	if (EFI_ERROR(status))
		return status;

	const struct elf64_limits limits = {
		.vaddr_min = HV_VIRT_MIN,
		.vaddr_max = UINT64_MAX,
		.max_segments = ELF64_SEGMENTS_MAX,
	};
	char why[160];
	if (elf64_validate(file, file_size, &limits, &hv->elf, why, sizeof why) != 0) {
		boot_error("%s: %s", path, why);
		esp_free_file(bs, ESP_INTO_POOL, file, file_size);
		return EFI_LOAD_ERROR;
	}

	hv->virt_base = hv->elf.vaddr_low & ~(PAGE_BYTES - 1);
	uint64_t end = (hv->elf.vaddr_high + PAGE_BYTES - 1) & ~(PAGE_BYTES - 1);
	if (end < hv->elf.vaddr_high || end - hv->virt_base > HV_SPAN_MAX) {
		boot_error("%s: image spans 0x%llx-0x%llx, more than the %llu MiB the loader maps",
		           path, (unsigned long long)hv->elf.vaddr_low,
		           (unsigned long long)hv->elf.vaddr_high, (unsigned long long)(HV_SPAN_MAX >> 20));
		esp_free_file(bs, ESP_INTO_POOL, file, file_size);
		return EFI_LOAD_ERROR;
	}
	hv->size = end - hv->virt_base;
	hv->entry = hv->elf.entry;

	status = allocate_aligned(bs, hv->size, &hv->phys_base);
	if (EFI_ERROR(status)) {
		boot_error("out of memory loading %s (%llu bytes)", path, (unsigned long long)hv->size);
		esp_free_file(bs, ESP_INTO_POOL, file, file_size);
		return status;
	}

	/* Zero everything first: that is bss, and any gap between segments. */
	uint8_t *block = (uint8_t *)(uintptr_t)hv->phys_base;
	memset(block, 0, hv->size);
	for (unsigned i = 0; i < hv->elf.segment_count; i++) {
		const struct elf64_segment *seg = &hv->elf.segments[i];
		memcpy(block + (seg->vaddr - hv->virt_base), (const uint8_t *)file + seg->offset,
		       seg->filesz);
	}
	esp_free_file(bs, ESP_INTO_POOL, file, file_size);
	return EFI_SUCCESS;
}
