/* builder.h: building a domain from an ELF image, from inside a privileged domain (the toolstack's builder). */
#ifndef GUEST_BUILDER_H
#define GUEST_BUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <keel/start_info.h>

#define BUILDER_BLOCK_MAX 4   /* block devices per domain (start-info has 8 device slots, 1 is the console) */

/* One virtual disk (io/blkif.h) the builder sets up for the backend to serve. */
struct builder_block {
	bool read_only;           /* KEEL_DEVF_READONLY in its start-info entry */
};

struct builder_params {
	const char *name;
	const void *image;        /* the ELF file, in this domain's memory */
	uint64_t image_size;
	uint64_t memory_bytes;    /* RAM, a multiple of 4 KiB, at most the foreign window (1 GiB) */
	uint32_t nr_vcpus;
	const char *cmdline;
	const struct builder_block *blocks;   /* nr_blocks entries, or NULL */
	uint32_t nr_blocks;                   /* 0..BUILDER_BLOCK_MAX */
};

/* A block device as built: what the backend needs to map its page and bind its port. */
struct builder_block_result {
	uint32_t ref;             /* the guest's grant of the ring page to this domain: MAP it */
	uint32_t port;            /* the guest's port, unbound for this domain: BIND_INTERDOMAIN it */
	uint64_t gpa;             /* where the page is in the guest */
};

/* What builder_build made: the domain, and its console device for the backend (dom0) to serve. */
struct builder_result {
	uint32_t domid;
	uint32_t console_ref;     /* the guest's grant of its console page to this domain: MAP it */
	uint32_t console_port;    /* the guest's port, unbound for this domain: BIND_INTERDOMAIN it */
	uint32_t pad;
	uint64_t console_gpa;     /* where the page is in the guest (the top page of its RAM) */
	uint32_t nr_blocks;       /* as asked for in builder_params */
	struct builder_block_result blocks[BUILDER_BLOCK_MAX];
};

/* Maps the foreign window into this domain's page tables (once, before anything else here). 0 or -1. */
int builder_init(const struct keel_start_info *si);

/*
 * Maps the grant window (grant_table.h) into this domain's page tables too, taking table
 * pages from the same free memory as builder_init, so a backend can MAP its guests' device
 * pages there. Needs builder_init first; later calls do nothing. 0 or -1.
 */
int builder_map_grant_window(void);

/*
 * CREATE, POPULATE, then the console device: DEVICE_CHANNEL for the top page of the guest's
 * RAM (listed in start-info's devices[] as KEEL_DEVICE_CONSOLE index 0, served by this
 * domain), then one DEVICE_CHANNEL per block device for the pages right below it (block i
 * at the console page - (i + 1) * 4 KiB, its ring header initialised per io/blkif.h and
 * listed as KEEL_DEVICE_BLOCK index i), then MAP_FOREIGN to copy the segments and write start-info, page tables and GDT
 * exactly as kernel/domain_build.c does (lib/guest_layout.c), then SET_VCPU_CONTEXT for
 * vCPU 0. The domain is left BUILDING: the backend maps the console page and binds its port,
 * then UNPAUSE starts it. Returns 0 and *out, or a negated KEEL_E* with 'error' naming the
 * step; a half-built domain is destroyed.
 */
long builder_build(const struct builder_params *p, struct builder_result *out, char *error, size_t error_size);

/* Maps 'pages' of a BUILDING domain's RAM from gpa into the window; returns where, or NULL. */
void *builder_map(uint32_t domid, uint64_t gpa, uint64_t pages);
/* Removes what builder_map mapped. */
void builder_unmap(uint32_t domid);

/* The boot module whose file name, without directories and ".elf", is 'name'; NULL if none. */
const struct keel_boot_module *builder_find_module(const struct keel_start_info *si, const char *name);

#endif
