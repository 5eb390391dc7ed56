/* test_gpt.c: dom0/gpt.c on crafted disk images: names, CRCs, ranges, broken headers and arrays. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "gpt_image.h"

#define DISK_SECTORS 2048u
#define NR_ENTRIES   128u
#define ENTRY_SIZE   128u
#define ARRAY_LBA    2u
#define FIRST_USABLE 34u
#define LAST_USABLE  (DISK_SECTORS - 34u)

static uint8_t disk[DISK_SECTORS * GPT_SECTOR];
static uint8_t scratch[GPT_ARRAY_MAX_BYTES];
static int reads_fail;

static const struct gpt_image image = {
	.disk = disk, .block = GPT_SECTOR, .blocks = DISK_SECTORS, .array_lba = ARRAY_LBA,
	.nr_entries = NR_ENTRIES, .entry_size = ENTRY_SIZE,
};

static int read_disk(void *ctx, uint64_t lba, void *buf, uint32_t count)
{
	(void)ctx;
	if (reads_fail || lba + count > DISK_SECTORS)
		return -1;
	memcpy(buf, disk + lba * GPT_SECTOR, (size_t)count * GPT_SECTOR);
	return 0;
}

static uint8_t *header(void)
{
	return gpt_image_header(&image);
}

static uint8_t *entry(unsigned i)
{
	return gpt_image_entry(&image, i);
}

/* Writes a name as UTF-16LE units; at most 36, without a terminator when it fills them all. */
static void set_name_units(unsigned i, const uint16_t *units, size_t n)
{
	uint8_t *name = entry(i) + 56;
	memset(name, 0, GPT_NAME_UNITS * 2);
	for (size_t k = 0; k < n && k < GPT_NAME_UNITS; k++) {
		name[2 * k] = (uint8_t)units[k];
		name[2 * k + 1] = (uint8_t)(units[k] >> 8);
	}
}

static void set_entry(unsigned i, const char *name, uint64_t first, uint64_t last)
{
	uint16_t units[GPT_NAME_UNITS];
	size_t n = strlen(name);
	memset(entry(i), 0, ENTRY_SIZE);
	memset(entry(i), 0xaf, 16);   /* some non-zero type GUID */
	gpt_put64(entry(i) + 32, first);
	gpt_put64(entry(i) + 40, last);
	for (size_t k = 0; k < n && k < GPT_NAME_UNITS; k++)
		units[k] = (uint8_t)name[k];
	set_name_units(i, units, n);
}

static void seal(void)
{
	gpt_image_seal(&image);
}

static int setup(void **state)
{
	(void)state;
	reads_fail = 0;
	gpt_image_init(&image, FIRST_USABLE, LAST_USABLE);
	set_entry(0, "data1", 2048 / 16, 511);
	set_entry(1, "data2", 512, 1023);
	set_entry(3, "ro1", 1024, 1535);
	seal();
	return 0;
}

/* True if 'why' contains 'what' (lib/string.h, which the host tests see, has no strstr). */
static int says(const char *why, const char *what)
{
	size_t n = strlen(what);
	for (; *why; why++)
		if (strncmp(why, what, n) == 0)
			return 1;
	return 0;
}

static int find(const char *label, struct gpt_partition *p, char *why)
{
	return gpt_find_partition(read_disk, NULL, DISK_SECTORS, label, scratch, p, why, 96);
}

static void finds_partitions_by_name(void **state)
{
	struct gpt_partition p;
	char why[96];
	(void)state;
	assert_int_equal(find("data2", &p, why), 1);
	assert_int_equal(p.first_lba, 512);
	assert_int_equal(p.last_lba, 1023);
	assert_int_equal(p.index, 1);
	assert_string_equal(p.name, "data2");
	assert_int_equal(find("ro1", &p, why), 1);
	assert_int_equal(p.index, 3);
	assert_int_equal(find("data1", &p, why), 1);
	assert_int_equal(p.first_lba, 128);
}

static void absent_or_partial_names_do_not_match(void **state)
{
	struct gpt_partition p;
	char why[96];
	(void)state;
	assert_int_equal(find("data3", &p, why), 0);
	assert_int_equal(find("data", &p, why), 0);    /* a prefix of a name */
	assert_int_equal(find("data11", &p, why), 0);  /* a name is a prefix of it */
	assert_int_equal(find("", &p, why), 0);        /* unused entries have empty names */
	assert_int_equal(find("DATA1", &p, why), 0);   /* exact, case-sensitive */
}

static void full_length_name_and_overlong_labels(void **state)
{
	struct gpt_partition p;
	char why[96];
	char full[GPT_NAME_UNITS + 1], longer[GPT_NAME_UNITS + 2];
	(void)state;
	memset(full, 'n', GPT_NAME_UNITS);
	full[GPT_NAME_UNITS] = '\0';
	set_entry(5, full, 1600, 1700);   /* all 36 units used: no terminator on disk */
	seal();
	assert_int_equal(find(full, &p, why), 1);
	assert_int_equal(strlen(p.name), GPT_NAME_UNITS);
	memset(longer, 'n', GPT_NAME_UNITS + 1);
	longer[GPT_NAME_UNITS + 1] = '\0';
	assert_int_equal(find(longer, &p, why), 0);
	full[GPT_NAME_UNITS - 1] = '\0';
	assert_int_equal(find(full, &p, why), 0);   /* 35 of the 36 */
}

static void non_ascii_names_never_match(void **state)
{
	struct gpt_partition p;
	char why[96];
	const uint16_t units[] = { 'd', 'a', 't', 'a', 0x0131 /* dotless i */ };
	const uint16_t high[] = { 'd' | 0x100, 'a', 't', 'a', '1' };   /* low byte alone would say "data1" */
	(void)state;
	set_entry(0, "x", 128, 511);
	set_name_units(0, high, 5);
	set_entry(6, "y", 1800, 1900);
	set_name_units(6, units, 5);
	seal();
	assert_int_equal(find("data1", &p, why), 0);
	assert_int_equal(find("datai", &p, why), 0);
}

static void header_crc_mismatch_is_rejected(void **state)
{
	struct gpt_partition p;
	char why[96];
	(void)state;
	header()[48] ^= 1;   /* last usable LBA changed after sealing */
	assert_int_equal(find("data1", &p, why), -1);
	assert_true(says(why, "header CRC32"));
}

static void array_crc_mismatch_is_rejected(void **state)
{
	struct gpt_partition p;
	char why[96];
	(void)state;
	entry(1)[32] ^= 0x80;   /* data2's first LBA moved without a new array CRC */
	assert_int_equal(find("data2", &p, why), -1);
	assert_true(says(why, "array CRC32"));
}

static void bad_mbr_signature_and_fields_are_rejected(void **state)
{
	struct gpt_partition p;
	char why[96];
	(void)state;
	disk[446 + 4] = 0x83;
	assert_int_equal(find("data1", &p, why), -1);
	assert_true(says(why, "protective MBR"));
	setup(NULL);
	header()[0] = 'X';
	seal();
	assert_int_equal(find("data1", &p, why), -1);
	assert_true(says(why, "signature"));
	setup(NULL);
	gpt_put32(header() + 80, 100000);   /* an entry count no buffer could hold */
	seal();
	assert_int_equal(find("data1", &p, why), -1);
	assert_true(says(why, "entry count"));
	setup(NULL);
	gpt_put32(header() + 84, 100);   /* not a multiple of 128 */
	seal();
	assert_int_equal(find("data1", &p, why), -1);
	setup(NULL);
	gpt_put32(header() + 12, 4096);   /* a header bigger than its sector */
	seal();
	assert_int_equal(find("data1", &p, why), -1);
	setup(NULL);
	gpt_put64(header() + 72, DISK_SECTORS - 4);   /* the array runs off the disk's end */
	seal();
	assert_int_equal(find("data1", &p, why), -1);
	setup(NULL);
	gpt_put64(header() + 48, DISK_SECTORS + 5);   /* usable area past the disk */
	seal();
	assert_int_equal(find("data1", &p, why), -1);
}

static void partition_range_outside_usable_area_is_rejected(void **state)
{
	struct gpt_partition p;
	char why[96];
	(void)state;
	set_entry(1, "data2", 512, LAST_USABLE + 1);
	seal();
	assert_int_equal(find("data2", &p, why), -1);
	set_entry(1, "data2", 900, 800);   /* runs backwards */
	seal();
	assert_int_equal(find("data2", &p, why), -1);
	set_entry(1, "data2", 10, 800);    /* overlaps the entry array */
	seal();
	assert_int_equal(find("data2", &p, why), -1);
}

static void read_errors_and_tiny_disks_are_rejected(void **state)
{
	struct gpt_partition p;
	char why[96];
	(void)state;
	reads_fail = 1;
	assert_int_equal(find("data1", &p, why), -1);
	reads_fail = 0;
	assert_int_equal(gpt_find_partition(read_disk, NULL, 2, "data1", scratch, &p, why, sizeof(why)), -1);
}

static void crc32_known_value(void **state)
{
	(void)state;
	assert_int_equal(gpt_crc32("123456789", 9), 0xcbf43926u);   /* the CRC-32 check value */
	assert_int_equal(gpt_crc32("", 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(crc32_known_value),
		cmocka_unit_test_setup(finds_partitions_by_name, setup),
		cmocka_unit_test_setup(absent_or_partial_names_do_not_match, setup),
		cmocka_unit_test_setup(full_length_name_and_overlong_labels, setup),
		cmocka_unit_test_setup(non_ascii_names_never_match, setup),
		cmocka_unit_test_setup(header_crc_mismatch_is_rejected, setup),
		cmocka_unit_test_setup(array_crc_mismatch_is_rejected, setup),
		cmocka_unit_test_setup(bad_mbr_signature_and_fields_are_rejected, setup),
		cmocka_unit_test_setup(partition_range_outside_usable_area_is_rejected, setup),
		cmocka_unit_test_setup(read_errors_and_tiny_disks_are_rejected, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
