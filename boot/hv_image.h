/* hv_image.h: loading the hypervisor ELF into one 2 MiB-aligned physical block. */
#ifndef KEEL_BOOT_HV_IMAGE_H
#define KEEL_BOOT_HV_IMAGE_H

#include <efi.h>
#include <stdint.h>

#include "elf64.h"

/* linker.ld links the hypervisor into the top 2 GiB of the address space. */
#define HV_VIRT_MIN 0xffffffff80000000ull
#define HV_ALIGN    0x200000ull

struct hv_image {
	uint64_t phys_base;       /* 2 MiB aligned */
	uint64_t virt_base;       /* page-aligned lowest vaddr */
	uint64_t size;            /* page-aligned span from virt_base */
	uint64_t entry;
	struct elf64_image elf;   /* the segments, for per-page permissions */
};

/* Reads, validates, places and zero-fills the image. Prints its own error. */
EFI_STATUS hv_image_load(EFI_BOOT_SERVICES *bs, EFI_FILE_HANDLE root, const char *path,
                         struct hv_image *hv);

#endif
