/* domain_build.h: building a domain from an ELF image (the layout is pv-abi/keel/start_info.h). */
#ifndef KEEL_DOMAIN_BUILD_H
#define KEEL_DOMAIN_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct domain;
struct guest_layout;

struct domain_build_params {
	const char *name;
	const void *image;       /* the ELF file, in hypervisor memory */
	size_t image_size;
	uint64_t memory_bytes;   /* RAM, a multiple of 4 KiB */
	unsigned int nr_vcpus;
	const char *cmdline;
	bool privileged;
	uint64_t extra_pages;              /* left unused after the boot stack (guest_layout.h) */
	struct guest_layout *layout_out;   /* if set, receives where everything went */
	/* dom0: RAM in one machine-contiguous run, published as start-info's machine_base with
	 * KEEL_SIF_DMA; if no run that long is free, scattered RAM and the flag clear (logged). */
	bool dma_contiguous;
};

/*
 * Validates the image, creates the domain, gives it memory, copies the segments, writes
 * start-info, page tables, GDT and stack, and creates vCPU 0 ready at the entry point.
 * The domain is left paused. On failure everything is released, *out is NULL, 'error'
 * holds one clear sentence, and a negative KEEL_E* is returned.
 */
int domain_build(const struct domain_build_params *p, struct domain **out, char *error, size_t error_size);

#endif
