/* gpt.h: finding a GPT partition by its name: protective MBR, header and entry-array checks (UEFI 2.x, 5.3). */
#ifndef DOM0_GPT_H
#define DOM0_GPT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Pure parsing: the disk is read through a callback, so the same code runs on dom0's
 * virtio-blk disks and on crafted images in host unit tests. The GPT's LBAs count the
 * disk's logical blocks (512 or 4096 bytes: the header is at LBA 1, byte 512 or 4096),
 * while the read callback and the partition found always count 512-byte sectors, the unit
 * of every virtio-blk request whatever the block size (virtio 1.x, 5.2.6).
 *
 * Everything on the disk is checked before it is used: the protective MBR (55 aa and a
 * type 0xee entry), the header's signature, size, its own LBA, its CRC32, the entry size
 * and count, the array's place and its CRC32, and each candidate's LBA range against the
 * header's usable area and the disk. A name is 36 UTF-16LE code units, ending at the first
 * zero or at the last unit; it matches a label only if every unit is the label's ASCII
 * byte, so a name with non-ASCII units, or one longer than the label, never matches.
 */

#define GPT_SECTOR          512u
#define GPT_NAME_UNITS      36                 /* UTF-16LE code units in an entry's name */
#define GPT_LABEL_MAX       (GPT_NAME_UNITS + 1)
#define GPT_ENTRIES_MAX     256u               /* more than any tool makes (128 is usual) */
#define GPT_ARRAY_MAX_BYTES (32u * 1024u)      /* the largest entry array read: a buffer this big */

/* Reads 'count' 512-byte sectors from 'lba' into 'buf'; 0 or nonzero on failure. */
typedef int (*gpt_read_fn)(void *ctx, uint64_t lba, void *buf, uint32_t count);

struct gpt_partition {
	uint64_t first_lba;        /* inclusive, in 512-byte sectors (converted from the GPT's blocks) */
	uint64_t last_lba;         /* inclusive */
	uint32_t index;            /* the entry's number, from 0 */
	char name[GPT_LABEL_MAX];  /* ASCII, NUL-terminated */
};

/* The standard CRC32 (IEEE 802.3, reflected, as in zlib and the UEFI spec). */
uint32_t gpt_crc32(const void *data, size_t len);

/*
 * Looks on a disk of 'disk_sectors' sectors for the partition named 'label'. 'buf' is
 * scratch memory of GPT_ARRAY_MAX_BYTES (dom0 passes DMA-able memory, since 'read' fills
 * it). Returns 1 and *out when found, 0 when the disk has a valid GPT without that name,
 * -1 when the disk has no valid GPT (with the reason in 'why').
 */
int gpt_find_partition(gpt_read_fn read, void *ctx, uint64_t disk_sectors, const char *label, void *buf,
		       struct gpt_partition *out, char *why, size_t why_size);

/*
 * The same on a disk whose logical blocks are 'block_size' bytes (a power of two from 512
 * to GPT_ARRAY_MAX_BYTES / 2): the GPT's LBAs and sizes are taken in those blocks, while
 * 'disk_sectors', the reads and *out stay in 512-byte sectors.
 */
int gpt_find_partition_blocks(gpt_read_fn read, void *ctx, uint64_t disk_sectors, uint32_t block_size,
			      const char *label, void *buf, struct gpt_partition *out, char *why, size_t why_size);

#endif
