/* blkback.h: dom0's block backend: guests' virtual disks (io/blkif.h) served from GPT partitions of its virtio-blk disks. */
#ifndef DOM0_BLKBACK_H
#define DOM0_BLKBACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gpt.h"

/*
 * A guest's virtual disk is one GPT partition (gpt.h) of one of dom0's virtio-blk disks,
 * found by its name. For each, blkback maps the ring page the builder granted into dom0's
 * grant window (slots above the console backend's), binds the guest's port, writes
 * keel_blkif_info, and from then on the "blkback" thread serves the ring: every request is
 * copied out, checked (blkif.h B6, blkback_check.h), moved between the guest's grants and a
 * DMA buffer with one batched grant COPY, and done on the disk at the partition's offset.
 * A broken ring (io/ring.h R6) disconnects that disk only: the page is unmapped, the port
 * closed, and one line goes to the operator's console and to the hypervisor's log (dmesg).
 * The slot stays listed (state "disconnected") until the domain goes.
 *
 * A null disk ("null:SIZE", domcfg.h) is served the same way, checks and grant copies
 * included, but with no device behind it: READs return zeros, WRITEs are dropped, FLUSH
 * succeeds. It isolates the ring, grants and events for measurement (`make bench`).
 */

#define BLKBACK_MAX 32   /* virtual disks served at once */
#define BLKBACK_NULL_DISK 0xffffffffu   /* the 'disk' of a null disk: no virtio-blk disk */

struct blkback;

/* A disk's state as 'block-list' shows it. */
struct blkback_status {
	uint32_t domid;
	unsigned int disk;            /* virtio-blk disk number */
	char label[GPT_LABEL_MAX];
	uint64_t first_lba;
	uint64_t sectors;
	bool read_only;
	uint64_t requests;            /* answered so far */
	uint64_t errors;              /* answered with an error status */
	uint64_t events_in;           /* notifications received from the frontend (upcalls on the port) */
	uint64_t events_out;          /* notifications sent to the frontend */
	bool null_disk;               /* null:SIZE: label is "null:SIZE", disk is BLKBACK_NULL_DISK */
	const char *state;            /* "connected" or "disconnected" */
};

/* Allocates the bounce buffer and starts the thread. Once, after console_backend_init. 0 or -KEEL_E*. */
long blkback_init(void);

/*
 * The partition named 'label' on any virtio-blk disk (the first disk that has it). 0, or
 * -KEEL_ENOENT with "no partition labelled 'X' on any disk" in 'err'. A "null:SIZE" label
 * gives a partition of that size at sector 0 of BLKBACK_NULL_DISK (-KEEL_EINVAL if bad).
 */
long blkback_find_partition(const char *label, unsigned int *disk, struct gpt_partition *part, char *err,
			    size_t err_size);

/*
 * The live domain already using partition (disk, first_lba) in a way that conflicts with a
 * new user (either side writable); true with its id in *domid.
 */
bool blkback_partition_busy(unsigned int disk, uint64_t first_lba, bool read_only, uint32_t *domid);

/*
 * Serves domain 'domid' (still BUILDING): maps grant 'ref', binds 'guest_port', fills the
 * info. NULL with one line in 'err' if that fails; nothing is left mapped or bound then.
 */
struct blkback *blkback_connect(uint32_t domid, uint32_t ref, uint32_t guest_port, unsigned int disk,
				const struct gpt_partition *part, bool read_only, char *err, size_t err_size);

/* Stops serving (after the request in progress, if any) and frees the slot. Pointer invalid afterwards. */
void blkback_disconnect(struct blkback *bb);

/* Walks the slots in use: index 0, 1, ...; false after the last. */
bool blkback_status(unsigned int *cursor, struct blkback_status *out);

#endif
