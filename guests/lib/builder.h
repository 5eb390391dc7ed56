/* builder.h: building a domain from an ELF image, from inside a privileged domain (the toolstack's builder). */
#ifndef GUEST_BUILDER_H
#define GUEST_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#include <keel/start_info.h>

struct builder_params {
	const char *name;
	const void *image;        /* the ELF file, in this domain's memory */
	uint64_t image_size;
	uint64_t memory_bytes;    /* RAM, a multiple of 4 KiB, at most the foreign window (1 GiB) */
	uint32_t nr_vcpus;
	const char *cmdline;
};

/* Maps the foreign window into this domain's page tables (once, before anything else here). 0 or -1. */
int builder_init(const struct keel_start_info *si);

/*
 * CREATE, POPULATE, MAP_FOREIGN to copy the segments and write start-info, page tables and
 * GDT exactly as kernel/domain_build.c does (lib/guest_layout.c), then SET_VCPU_CONTEXT for
 * vCPU 0. The domain is left BUILDING: UNPAUSE starts it. Returns 0 and *domid, or a negated
 * KEEL_E* with 'error' naming the step; a half-built domain is destroyed.
 */
long builder_build(const struct builder_params *p, uint32_t *domid, char *error, size_t error_size);

/* Maps 'pages' of a BUILDING domain's RAM from gpa into the window; returns where, or NULL. */
void *builder_map(uint32_t domid, uint64_t gpa, uint64_t pages);
/* Removes what builder_map mapped. */
void builder_unmap(uint32_t domid);

/* The boot module whose file name, without directories and ".elf", is 'name'; NULL if none. */
const struct keel_boot_module *builder_find_module(const struct keel_start_info *si, const char *name);

#endif
