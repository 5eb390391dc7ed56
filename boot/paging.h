/* paging.h: the page tables the hypervisor starts on (layout documented in keel/boot_info.h). */
#ifndef KEEL_BOOT_PAGING_H
#define KEEL_BOOT_PAGING_H

#include <efi.h>
#include <stdbool.h>
#include <stdint.h>

#include "hv_image.h"

/*
 * Builds, in EfiLoaderData pages (reclaimable once the hypervisor has its
 * own tables):
 *  - an identity map of [0, identity_top) with 2 MiB pages, read/write/execute;
 *  - the hypervisor image at its link address with 4 KiB pages, writable only
 *    where a PF_W segment lies and, when use_nx, no-execute where no PF_X
 *    segment lies (the caller must then set EFER.NXE before loading CR3).
 * identity_top is rounded up to 2 MiB. Returns the PML4's physical address
 * in *cr3. Prints its own error.
 */
EFI_STATUS paging_build(EFI_BOOT_SERVICES *bs, uint64_t identity_top, const struct hv_image *hv,
                        bool use_nx, uint64_t *cr3);

#endif
