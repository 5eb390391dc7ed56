/* test_elf64.c: unit tests of ELF64 validation on images built here, valid and broken. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <elf.h>
#include <cmocka.h>

#include "elf64.h"

#define BASE 0xffffffff80000000ull

/* A two-segment image like linker.ld makes: text (RX) then data+bss (RW). */
struct image {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[4];
	unsigned char payload[0x2000];
};

static struct image img;
static struct elf64_image out;
static char error[200];

static const struct elf64_limits top_2g = {
	.vaddr_min = BASE, .vaddr_max = UINT64_MAX, .max_segments = 8,
};

static void build_valid(void)
{
	memset(&img, 0, sizeof img);
	memcpy(img.eh.e_ident, ELFMAG, SELFMAG);
	img.eh.e_ident[EI_CLASS] = ELFCLASS64;
	img.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	img.eh.e_ident[EI_VERSION] = EV_CURRENT;
	img.eh.e_type = ET_EXEC;
	img.eh.e_machine = EM_X86_64;
	img.eh.e_version = EV_CURRENT;
	img.eh.e_entry = BASE + 0x10;
	img.eh.e_phoff = offsetof(struct image, ph);
	img.eh.e_ehsize = sizeof(Elf64_Ehdr);
	img.eh.e_phentsize = sizeof(Elf64_Phdr);
	img.eh.e_phnum = 3;

	img.ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X,
		.p_offset = offsetof(struct image, payload), .p_vaddr = BASE,
		.p_filesz = 0x1000, .p_memsz = 0x1000, .p_align = 0x1000 };
	img.ph[1] = (Elf64_Phdr){ .p_type = PT_GNU_STACK, .p_flags = PF_R | PF_W };
	img.ph[2] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W,
		.p_offset = offsetof(struct image, payload) + 0x1000, .p_vaddr = BASE + 0x1000,
		.p_filesz = 0x800, .p_memsz = 0x3000, .p_align = 0x1000 };
}

static int validate_len(size_t len)
{
	memset(error, 'X', sizeof error);
	return elf64_validate(&img, len, &top_2g, &out, error, sizeof error);
}

static int validate(void)
{
	return validate_len(sizeof img);
}

static void expect_error(const char *message)
{
	assert_int_equal(validate(), -1);
	assert_string_equal(error, message);
}

static void test_valid_image(void **state)
{
	(void)state;
	build_valid();
	assert_int_equal(validate(), 0);
	assert_string_equal(error, "");
	assert_int_equal(out.entry, BASE + 0x10);
	assert_int_equal(out.segment_count, 2);
	assert_int_equal(out.vaddr_low, BASE);
	assert_int_equal(out.vaddr_high, BASE + 0x4000);
	assert_int_equal(out.segments[0].flags, ELF64_PF_R | ELF64_PF_X);
	assert_int_equal(out.segments[1].vaddr, BASE + 0x1000);
	assert_int_equal(out.segments[1].filesz, 0x800);
	assert_int_equal(out.segments[1].memsz, 0x3000);
	assert_int_equal(out.segments[1].offset, offsetof(struct image, payload) + 0x1000);
}

/* Every prefix of a valid file is rejected with a message, never read past. */
static void test_truncated_everywhere(void **state)
{
	(void)state;
	build_valid();
	for (size_t len = 0; len < offsetof(struct image, payload) + 0x1800; len++) {
		unsigned char *copy = malloc(len ? len : 1);
		memcpy(copy, &img, len);
		memset(error, 'X', sizeof error);
		int rc = elf64_validate(copy, len, &top_2g, &out, error, sizeof error);
		free(copy);
		assert_int_equal(rc, -1);
		assert_true(strnlen(error, sizeof error) > 0 && strnlen(error, sizeof error) < sizeof error);
		if (len < sizeof(Elf64_Ehdr))
			assert_memory_equal(error, "truncated file", 14);
	}
	assert_int_equal(validate_len(offsetof(struct image, payload) + 0x1800), 0);
	assert_int_equal(validate_len(20), -1);
	assert_string_equal(error, "truncated file (20 bytes, the ELF header alone is 64)");
	assert_int_equal(validate_len(100), -1);
	assert_string_equal(error, "program headers outside the file");
}

static void test_identity_errors(void **state)
{
	(void)state;
	build_valid();
	img.eh.e_ident[1] = 'X';
	expect_error("not an ELF64 x86-64 executable (bad magic)");
	build_valid();
	assert_int_equal(validate_len(2), -1); /* matching prefix: only too short */
	assert_memory_equal(error, "truncated file", 14);

	build_valid();
	img.eh.e_ident[EI_CLASS] = ELFCLASS32;
	expect_error("not an ELF64 x86-64 executable (class 1, not 64-bit)");
	build_valid();
	img.eh.e_ident[EI_DATA] = ELFDATA2MSB;
	expect_error("not an ELF64 x86-64 executable (not little-endian)");
	build_valid();
	img.eh.e_version = 7;
	expect_error("not an ELF64 x86-64 executable (unknown ELF version)");
	build_valid();
	img.eh.e_machine = EM_AARCH64;
	expect_error("not an ELF64 x86-64 executable (machine 183, not x86-64)");
	build_valid();
	img.eh.e_type = ET_DYN;
	expect_error("not an ELF64 x86-64 executable (type 3, not ET_EXEC)");
	build_valid();
	img.eh.e_phentsize = 32;
	expect_error("bad program header size 32 (expected 56)");
}

static void test_program_header_table(void **state)
{
	(void)state;
	build_valid();
	img.eh.e_phnum = 0;
	expect_error("no PT_LOAD segment");
	build_valid();
	img.ph[0].p_type = PT_NOTE;
	img.ph[2].p_type = PT_NULL;
	expect_error("no PT_LOAD segment");
	build_valid();
	img.eh.e_phoff = sizeof img - 2 * sizeof(Elf64_Phdr);
	expect_error("program headers outside the file");
	build_valid();
	img.eh.e_phoff = UINT64_MAX - 8; /* offset + size wraps */
	expect_error("program headers outside the file");
	build_valid();
	img.eh.e_phnum = 0xffff;
	expect_error("program headers outside the file");
}

static void test_segment_file_ranges(void **state)
{
	(void)state;
	build_valid();
	img.ph[2].p_filesz = 0x4000;
	expect_error("segment 2: file size 0x4000 exceeds memory size 0x3000");
	build_valid();
	img.ph[2].p_offset = sizeof img - 0x10;
	char want[128];
	snprintf(want, sizeof want, "segment 2: file range 0x%zx+0x800 outside the file (%zu bytes)",
	         sizeof img - 0x10, sizeof img);
	expect_error(want);
	build_valid();
	img.ph[0].p_offset = UINT64_MAX - 0x10; /* offset + filesz wraps */
	assert_int_equal(validate(), -1);
	assert_memory_equal(error, "segment 0: file range", 21);
	build_valid();
	img.ph[2].p_memsz = 0; /* an empty PT_LOAD must not carry file bytes */
	expect_error("segment 2: file size 0x800 exceeds memory size 0");
	img.ph[2].p_filesz = 0; /* ... and is otherwise ignored */
	assert_int_equal(validate(), 0);
	assert_int_equal(out.segment_count, 1);
}

static void test_address_ranges(void **state)
{
	(void)state;
	build_valid();
	img.ph[2].p_vaddr = UINT64_MAX - 0x1000; /* vaddr + memsz wraps */
	expect_error("segment 2: address overflow (0xffffffffffffefff+0x3000)");
	build_valid();
	img.ph[0].p_vaddr = 0x100000;
	img.eh.e_entry = 0x100010;
	expect_error("segment 0: 0x100000-0x100fff outside the allowed range "
	             "0xffffffff80000000-0xffffffffffffffff");
	build_valid();
	const struct elf64_limits narrow = { .vaddr_min = BASE, .vaddr_max = BASE + 0x3fff,
	                                     .max_segments = 8 };
	assert_int_equal(elf64_validate(&img, sizeof img, &narrow, &out, error, sizeof error), 0);
	const struct elf64_limits narrower = { .vaddr_min = BASE, .vaddr_max = BASE + 0x3ffe,
	                                       .max_segments = 8 };
	assert_int_equal(elf64_validate(&img, sizeof img, &narrower, &out, error, sizeof error), -1);
	assert_memory_equal(error, "segment 2: 0xffffffff80001000-0xffffffff80003fff outside", 56);
}

static void test_overlap_and_count(void **state)
{
	(void)state;
	build_valid();
	img.ph[2].p_vaddr = BASE + 0xfff;
	expect_error("segments overlap (0xffffffff80000000-0xffffffff80000fff and "
	             "0xffffffff80000fff-0xffffffff80003ffe)");
	build_valid();
	img.ph[1] = img.ph[0]; /* the same range twice */
	expect_error("segments overlap (0xffffffff80000000-0xffffffff80000fff and "
	             "0xffffffff80000000-0xffffffff80000fff)");
	build_valid();
	const struct elf64_limits one = { .vaddr_min = BASE, .vaddr_max = UINT64_MAX, .max_segments = 1 };
	assert_int_equal(elf64_validate(&img, sizeof img, &one, &out, error, sizeof error), -1);
	assert_string_equal(error, "too many PT_LOAD segments (max 1)");
	const struct elf64_limits bad = { .vaddr_min = 2, .vaddr_max = 1, .max_segments = 1 };
	assert_int_equal(elf64_validate(&img, sizeof img, &bad, &out, error, sizeof error), -1);
	assert_string_equal(error, "invalid limits");
}

static void test_entry_point(void **state)
{
	(void)state;
	build_valid();
	img.eh.e_entry = BASE + 0x1000; /* in the RW data segment */
	expect_error("entry point 0xffffffff80001000 not inside an executable segment");
	img.eh.e_entry = BASE + 0x4000; /* past everything */
	expect_error("entry point 0xffffffff80004000 not inside an executable segment");
	img.eh.e_entry = BASE + 0xfff; /* last byte of text */
	assert_int_equal(validate(), 0);
}

/* Random corruption of header bytes never crashes and always explains itself. */
static void test_random_corruption(void **state)
{
	(void)state;
	srand(777);
	for (int round = 0; round < 20000; round++) {
		build_valid();
		unsigned char *bytes = (unsigned char *)&img;
		int flips = 1 + rand() % 4;
		for (int i = 0; i < flips; i++)
			bytes[(size_t)rand() % offsetof(struct image, payload)] = (unsigned char)rand();
		memset(error, 'X', sizeof error);
		int rc = elf64_validate(&img, sizeof img, &top_2g, &out, error, sizeof error);
		if (rc == 0) {
			assert_true(out.segment_count >= 1);
			assert_true(out.entry >= out.vaddr_low && out.entry < out.vaddr_high);
		} else {
			assert_int_equal(rc, -1);
			assert_true(strnlen(error, sizeof error) > 0 && strnlen(error, sizeof error) < sizeof error);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_image),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_identity_errors),
		cmocka_unit_test(test_program_header_table),
		cmocka_unit_test(test_segment_file_ranges),
		cmocka_unit_test(test_address_ranges),
		cmocka_unit_test(test_overlap_and_count),
		cmocka_unit_test(test_entry_point),
		cmocka_unit_test(test_random_corruption),
	};
	return cmocka_run_group_tests_name("elf64", tests, NULL, NULL);
}
