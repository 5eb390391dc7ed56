/* gpt_image.h: crafted GPT disk images in memory, for any logical block size, for the tests of dom0/gpt.c. */
#ifndef TESTS_UNIT_GPT_IMAGE_H
#define TESTS_UNIT_GPT_IMAGE_H

#include <stdint.h>
#include <string.h>

#include "../../dom0/gpt.h"

/*
 * A disk of 'blocks' logical blocks of 'block' bytes at 'disk'. Every LBA written into it
 * counts those blocks, as on a real disk: the header is at byte 'block' (LBA 1).
 */
struct gpt_image {
	uint8_t *disk;
	uint32_t block;
	uint64_t blocks;
	uint64_t array_lba;
	uint32_t nr_entries, entry_size;
};

static inline void gpt_put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void gpt_put64(uint8_t *p, uint64_t v)
{
	gpt_put32(p, (uint32_t)v);
	gpt_put32(p + 4, (uint32_t)(v >> 32));
}

static inline uint8_t *gpt_image_header(const struct gpt_image *g)
{
	return g->disk + g->block;
}

static inline uint8_t *gpt_image_entry(const struct gpt_image *g, unsigned int i)
{
	return g->disk + g->array_lba * g->block + (size_t)i * g->entry_size;
}

/* A used entry (some nonzero type GUID) with an ASCII name. */
static inline void gpt_image_set_entry(const struct gpt_image *g, unsigned int i, const char *name, uint64_t first,
				       uint64_t last)
{
	uint8_t *e = gpt_image_entry(g, i);
	memset(e, 0, g->entry_size);
	memset(e, 0xaf, 16);
	gpt_put64(e + 32, first);
	gpt_put64(e + 40, last);
	for (size_t k = 0; name[k] && k < GPT_NAME_UNITS; k++)
		e[56 + 2 * k] = (uint8_t)name[k];
}

/* Recomputes both CRCs, as a partitioning tool would after editing. */
static inline void gpt_image_seal(const struct gpt_image *g)
{
	uint8_t *h = gpt_image_header(g);
	gpt_put32(h + 88, gpt_crc32(gpt_image_entry(g, 0), (size_t)g->nr_entries * g->entry_size));
	gpt_put32(h + 16, 0);
	gpt_put32(h + 16, gpt_crc32(h, 92));
}

/* Zeroes the disk and writes the protective MBR and a 92-byte header without entries (not sealed). */
static inline void gpt_image_init(const struct gpt_image *g, uint64_t first_usable, uint64_t last_usable)
{
	uint8_t *h = gpt_image_header(g);
	memset(g->disk, 0, (size_t)(g->blocks * g->block));
	g->disk[446 + 4] = 0xee;
	g->disk[510] = 0x55;
	g->disk[511] = 0xaa;
	memcpy(h, "EFI PART", 8);
	gpt_put32(h + 8, 0x00010000);
	gpt_put32(h + 12, 92);
	gpt_put64(h + 24, 1);
	gpt_put64(h + 32, g->blocks - 1);
	gpt_put64(h + 40, first_usable);
	gpt_put64(h + 48, last_usable);
	gpt_put64(h + 72, g->array_lba);
	gpt_put32(h + 80, g->nr_entries);
	gpt_put32(h + 84, g->entry_size);
}

#endif
