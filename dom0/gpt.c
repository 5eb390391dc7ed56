/* gpt.c: finding a GPT partition by name, with every header field and both CRC32s checked (see gpt.h). */
#include "gpt.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define GPT_SIGNATURE       "EFI PART"
#define GPT_HEADER_MIN      92u     /* the fields defined by UEFI 2.x */
#define GPT_ENTRY_MIN       128u
#define MBR_TYPE_PROTECTIVE 0xee

/* Little-endian loads: the on-disk structures are packed and unaligned reads are not assumed. */
static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

uint32_t gpt_crc32(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t crc = 0xffffffffu;
	while (len--) {
		crc ^= *p++;
		for (int bit = 0; bit < 8; bit++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

struct gpt_header {
	uint64_t first_usable, last_usable;
	uint64_t entries_lba;
	uint32_t nr_entries, entry_size, entries_crc;
};

static int reject(char *why, size_t why_size, const char *reason)
{
	snprintf(why, why_size, "%s", reason);
	return -1;
}

/* Sector 0: a protective MBR says "this is a GPT disk" to tools that know only MBR. */
static bool protective_mbr(const uint8_t *mbr)
{
	if (mbr[510] != 0x55 || mbr[511] != 0xaa)
		return false;
	for (int i = 0; i < 4; i++)
		if (mbr[446 + i * 16 + 4] == MBR_TYPE_PROTECTIVE)
			return true;
	return false;
}

/* 'disk_blocks' and every LBA here count the disk's logical blocks of 'block_size' bytes. */
static int parse_header(uint8_t *sector, uint64_t disk_blocks, uint32_t block_size, struct gpt_header *h, char *why,
			size_t why_size)
{
	if (memcmp(sector, GPT_SIGNATURE, 8) != 0)
		return reject(why, why_size, "no GPT signature at LBA 1");
	uint32_t header_size = le32(sector + 12);
	if (header_size < GPT_HEADER_MIN || header_size > block_size)
		return reject(why, why_size, "GPT header size out of range");
	uint32_t stored_crc = le32(sector + 16);
	memset(sector + 16, 0, 4);   /* the CRC covers the header with its own CRC field zero */
	if (gpt_crc32(sector, header_size) != stored_crc)
		return reject(why, why_size, "GPT header CRC32 mismatch");
	if (le64(sector + 24) != 1)
		return reject(why, why_size, "GPT header does not say it is at LBA 1");
	h->first_usable = le64(sector + 40);
	h->last_usable = le64(sector + 48);
	h->entries_lba = le64(sector + 72);
	h->nr_entries = le32(sector + 80);
	h->entry_size = le32(sector + 84);
	h->entries_crc = le32(sector + 88);
	if (h->first_usable > h->last_usable || h->last_usable >= disk_blocks)
		return reject(why, why_size, "GPT usable area outside the disk");
	if (h->entry_size < GPT_ENTRY_MIN || h->entry_size % GPT_ENTRY_MIN || h->entry_size > GPT_SECTOR)
		return reject(why, why_size, "GPT entry size not a multiple of 128 up to 512");
	if (h->nr_entries == 0 || h->nr_entries > GPT_ENTRIES_MAX ||
	    (uint64_t)h->nr_entries * h->entry_size > GPT_ARRAY_MAX_BYTES)
		return reject(why, why_size, "GPT entry count out of range");
	/* Read in whole blocks; rounded up, it still fits the buffer: GPT_ARRAY_MAX_BYTES is a
	 * multiple of every block size accepted. */
	uint64_t array_blocks = ((uint64_t)h->nr_entries * h->entry_size + block_size - 1) / block_size;
	if (h->entries_lba < 2 || h->entries_lba >= disk_blocks || array_blocks > disk_blocks - h->entries_lba)
		return reject(why, why_size, "GPT entry array outside the disk");
	return 0;
}

/* Copies an entry's name to ASCII; false if a unit is not ASCII (such a name never matches). */
static bool ascii_name(const uint8_t *units, char out[GPT_LABEL_MAX])
{
	int n = 0;
	for (; n < GPT_NAME_UNITS; n++) {
		uint16_t u = (uint16_t)(units[2 * n] | units[2 * n + 1] << 8);
		if (u == 0)
			break;
		if (u >= 0x80 || u < 0x20)
			return false;
		out[n] = (char)u;
	}
	out[n] = '\0';
	return true;
}

static bool all_zero(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

int gpt_find_partition_blocks(gpt_read_fn read, void *ctx, uint64_t disk_sectors, uint32_t block_size,
			      const char *label, void *buf, struct gpt_partition *out, char *why, size_t why_size)
{
	uint8_t *b = buf;
	struct gpt_header h;

	/* LBA 0 and 1 are read together into 'buf', so two blocks must fit it. */
	if (block_size < GPT_SECTOR || block_size & (block_size - 1) || 2 * block_size > GPT_ARRAY_MAX_BYTES)
		return reject(why, why_size, "unsupported logical block size");
	uint32_t per_block = block_size / GPT_SECTOR;   /* the read callback counts 512-byte sectors */
	uint64_t disk_blocks = disk_sectors / per_block;
	if (disk_blocks < 3)
		return reject(why, why_size, "disk too small for a GPT");
	if (read(ctx, 0, b, 2 * per_block))
		return reject(why, why_size, "reading LBA 0-1 failed");
	if (!protective_mbr(b))
		return reject(why, why_size, "no protective MBR");
	if (parse_header(b + block_size, disk_blocks, block_size, &h, why, why_size))
		return -1;

	uint32_t array_bytes = h.nr_entries * h.entry_size;
	uint32_t array_blocks = (array_bytes + block_size - 1) / block_size;
	if (read(ctx, h.entries_lba * per_block, b, array_blocks * per_block))
		return reject(why, why_size, "reading the GPT entry array failed");
	if (gpt_crc32(b, array_bytes) != h.entries_crc)
		return reject(why, why_size, "GPT entry array CRC32 mismatch");

	for (uint32_t i = 0; i < h.nr_entries; i++) {
		const uint8_t *e = b + (size_t)i * h.entry_size;
		char name[GPT_LABEL_MAX];
		if (all_zero(e, 16))   /* type GUID zero: an unused entry */
			continue;
		if (!ascii_name(e + 56, name) || strcmp(name, label) != 0)
			continue;
		uint64_t first = le64(e + 32), last = le64(e + 40);
		if (first > last || first < h.first_usable || last > h.last_usable)
			return reject(why, why_size, "the partition's LBA range is outside the usable area");
		/* Back to 512-byte sectors; last_usable < disk_blocks, so nothing overflows. */
		*out = (struct gpt_partition){
			.first_lba = first * per_block, .last_lba = (last + 1) * per_block - 1, .index = i,
		};
		memcpy(out->name, name, sizeof(name));
		return 1;
	}
	return 0;
}

int gpt_find_partition(gpt_read_fn read, void *ctx, uint64_t disk_sectors, const char *label, void *buf,
		       struct gpt_partition *out, char *why, size_t why_size)
{
	return gpt_find_partition_blocks(read, ctx, disk_sectors, GPT_SECTOR, label, buf, out, why, why_size);
}
