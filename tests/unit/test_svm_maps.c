/* test_svm_maps.c: unit tests of the SVM MSR and I/O permission maps (what exits, what does not). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "svm/svm.h"

uint64_t mm_direct_map_offset;

static const uint32_t passthrough[] = {
	0xc0000100, 0xc0000101, 0xc0000102,              /* FS_BASE, GS_BASE, KERNEL_GS_BASE */
	0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084,  /* STAR, LSTAR, CSTAR, SFMASK */
	0x174, 0x175, 0x176,                             /* SYSENTER_CS/ESP/EIP */
};

static bool is_passthrough(uint32_t msr)
{
	for (size_t i = 0; i < sizeof passthrough / sizeof passthrough[0]; i++)
		if (passthrough[i] == msr)
			return true;
	return false;
}

static void test_msrpm_exactly_the_vmload_set(void **state)
{
	(void)state;
	uint8_t *map = malloc(SVM_MSRPM_SIZE);
	assert_non_null(map);
	svm_msrpm_build(map);
	const uint32_t bases[] = { 0x00000000, 0xc0000000, 0xc0010000 };
	size_t open = 0;
	for (size_t b = 0; b < 3; b++) {
		for (uint32_t i = 0; i < 0x2000; i++) {
			uint32_t msr = bases[b] + i;
			bool expect = is_passthrough(msr);
			assert_int_equal(svm_msrpm_passes(map, msr, false), expect);
			assert_int_equal(svm_msrpm_passes(map, msr, true), expect);
			open += expect;
		}
	}
	assert_int_equal(open, sizeof passthrough / sizeof passthrough[0]);

	/* EFER (SVME must stay set), PAT, TSC and the APIC base all exit. */
	assert_false(svm_msrpm_passes(map, 0xc0000080, true));
	assert_false(svm_msrpm_passes(map, 0xc0000080, false));
	assert_false(svm_msrpm_passes(map, 0x277, true));
	assert_false(svm_msrpm_passes(map, 0x10, false));
	assert_false(svm_msrpm_passes(map, 0x1b, true));
	/* Outside the three ranges the CPU always exits: so does the helper. */
	assert_false(svm_msrpm_passes(map, 0x40000000, false));
	assert_false(svm_msrpm_passes(map, 0x2000, false));

	/* The exact bits the APM places: FS_BASE is MSR 0x100 of the second block. */
	size_t fs_bit = 0x800 * 8 + 0x100 * 2;
	assert_int_equal(map[fs_bit / 8] & (3u << (fs_bit % 8)), 0);
	/* The unused fourth 2 KiB block stays all-intercept. */
	for (size_t i = 0x1800; i < SVM_MSRPM_SIZE; i++)
		assert_int_equal(map[i], 0xff);
	free(map);
}

static void test_iopm_intercepts_every_port(void **state)
{
	(void)state;
	uint8_t *map = malloc(SVM_IOPM_SIZE);
	assert_non_null(map);
	memset(map, 0, SVM_IOPM_SIZE);
	svm_iopm_build(map);
	for (size_t i = 0; i < SVM_IOPM_SIZE; i++)
		assert_int_equal(map[i], 0xff);
	free(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_msrpm_exactly_the_vmload_set),
		cmocka_unit_test(test_iopm_intercepts_every_port),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
