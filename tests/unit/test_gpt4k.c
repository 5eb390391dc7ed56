/* test_gpt4k.c: dom0/gpt.c on disks with 4096-byte logical blocks: LBAs in blocks, reads and results in 512-byte sectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "gpt_image.h"

#define BLOCK        4096u
#define PER_BLOCK    (BLOCK / GPT_SECTOR)
#define DISK_BLOCKS  512u                      /* 2 MiB */
#define DISK_SECTORS (DISK_BLOCKS * PER_BLOCK)
#define FIRST_USABLE 6u                        /* 16 KiB of entries: blocks 2..5 */
#define LAST_USABLE  (DISK_BLOCKS - 6u)

static uint8_t disk[DISK_BLOCKS * BLOCK];
static uint8_t scratch[GPT_ARRAY_MAX_BYTES];
static unsigned int unaligned_reads;
static const struct gpt_image image = {
	.disk = disk, .block = BLOCK, .blocks = DISK_BLOCKS, .array_lba = 2, .nr_entries = 128, .entry_size = 128,
};

/* Like a virtio-blk device with 4096-byte blocks: 512-byte units, but whole blocks only. */
static int read_disk(void *ctx, uint64_t lba, void *buf, uint32_t count)
{
	(void)ctx;
	if (lba % PER_BLOCK || count % PER_BLOCK) {
		unaligned_reads++;
		return -1;
	}
	if (lba + count > DISK_SECTORS)
		return -1;
	memcpy(buf, disk + lba * GPT_SECTOR, (size_t)count * GPT_SECTOR);
	return 0;
}

static uint8_t *header(void)
{
	return gpt_image_header(&image);   /* LBA 1: the second 4096-byte block */
}

static int setup(void **state)
{
	(void)state;
	unaligned_reads = 0;
	gpt_image_init(&image, FIRST_USABLE, LAST_USABLE);
	gpt_image_set_entry(&image, 0, "data4k", 256, 383);   /* 1 MiB in, 512 KiB */
	gpt_image_set_entry(&image, 1, "tail", 384, LAST_USABLE);
	gpt_image_seal(&image);
	return 0;
}

static int find(const char *label, struct gpt_partition *p, char *why)
{
	return gpt_find_partition_blocks(read_disk, NULL, DISK_SECTORS, BLOCK, label, scratch, p, why, 96);
}

static void partitions_come_back_in_512_byte_sectors(void **state)
{
	struct gpt_partition p;
	char why[96];
	(void)state;
	assert_int_equal(find("data4k", &p, why), 1);
	assert_int_equal(p.first_lba, 256 * PER_BLOCK);
	assert_int_equal(p.last_lba, 384 * PER_BLOCK - 1);   /* the last 512-byte sector of block 383 */
	assert_int_equal(find("tail", &p, why), 1);
	assert_int_equal(p.last_lba, (LAST_USABLE + 1) * PER_BLOCK - 1);
	assert_int_equal(find("nosuch", &p, why), 0);
	assert_int_equal(unaligned_reads, 0);
}

static void read_as_512_the_4k_gpt_is_not_found(void **state)
{
	struct gpt_partition p;
	char why[96];
	(void)state;
	/* Byte 512 holds nothing: a parser that assumed 512-byte blocks sees no header there. */
	assert_int_equal(gpt_find_partition(read_disk, NULL, DISK_SECTORS, "data4k", scratch, &p, why, sizeof(why)), -1);
	assert_string_equal(why, "reading LBA 0-1 failed");   /* two 512-byte sectors: not a whole block */
	assert_int_equal(unaligned_reads, 1);
}

static void usable_area_and_array_are_checked_in_blocks(void **state)
{
	struct gpt_partition p;
	char why[96];
	(void)state;
	/* A last_usable that is fine in 512-byte sectors is past the end in 4096-byte blocks. */
	gpt_put64(header() + 48, DISK_BLOCKS);
	gpt_image_seal(&image);
	assert_int_equal(find("data4k", &p, why), -1);
	assert_string_equal(why, "GPT usable area outside the disk");

	setup(state);
	gpt_put64(header() + 72, DISK_BLOCKS - 3);   /* the 4-block array would run off the disk */
	gpt_image_seal(&image);
	assert_int_equal(find("data4k", &p, why), -1);
	assert_string_equal(why, "GPT entry array outside the disk");

	setup(state);
	gpt_image_set_entry(&image, 0, "data4k", 256, LAST_USABLE + 1);
	gpt_image_seal(&image);
	assert_int_equal(find("data4k", &p, why), -1);
	assert_string_equal(why, "the partition's LBA range is outside the usable area");
}

static void header_crc_covers_header_size_up_to_a_block(void **state)
{
	struct gpt_partition p;
	char why[96];
	(void)state;
	gpt_put32(header() + 12, 600);   /* more than 512 is allowed on a 4096-byte block */
	gpt_image_seal(&image);
	gpt_put32(header() + 16, 0);
	gpt_put32(header() + 16, gpt_crc32(header(), 600));
	assert_int_equal(find("data4k", &p, why), 1);
	gpt_put32(header() + 12, BLOCK + 1);
	gpt_image_seal(&image);
	assert_int_equal(find("data4k", &p, why), -1);
	assert_string_equal(why, "GPT header size out of range");
}

static void odd_block_sizes_and_tiny_disks_are_rejected(void **state)
{
	struct gpt_partition p;
	char why[96];
	(void)state;
	static const uint32_t bad[] = { 0, 256, 1000, 4095, 32768, 65536 };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(gpt_find_partition_blocks(read_disk, NULL, DISK_SECTORS, bad[i], "data4k", scratch, &p,
							   why, sizeof(why)), -1);
		assert_string_equal(why, "unsupported logical block size");
	}
	/* 23 sectors are 2 whole blocks: too small for MBR, header and an array. */
	assert_int_equal(gpt_find_partition_blocks(read_disk, NULL, 23, BLOCK, "data4k", scratch, &p, why, sizeof(why)),
			 -1);
	assert_string_equal(why, "disk too small for a GPT");
	assert_int_equal(unaligned_reads, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(partitions_come_back_in_512_byte_sectors, setup),
		cmocka_unit_test_setup(read_as_512_the_4k_gpt_is_not_found, setup),
		cmocka_unit_test_setup(usable_area_and_array_are_checked_in_blocks, setup),
		cmocka_unit_test_setup(header_crc_covers_header_size_up_to_a_block, setup),
		cmocka_unit_test_setup(odd_block_sizes_and_tiny_disks_are_rejected, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
