/* test_pci_config.c: dom0's PCI arithmetic: ECAM and 0xCF8 addresses, BAR decoding from raw register values, capability walks over a fake config space. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../../dom0/pci.h"
#include "../../dom0/pci_config.h"

static void test_ecam_offsets(void **state)
{
	(void)state;
	assert_int_equal(pci_ecam_offset(0, 0, 0, 0), 0);
	assert_int_equal(pci_ecam_offset(0, 1, 0, 0x10), 0x8010);
	assert_int_equal(pci_ecam_offset(0, 0x1f, 3, 0x100), 0xfb100);
	assert_int_equal(pci_ecam_offset(0xff, 0x1f, 7, 0xffc), 0xffffffc);
	assert_int_equal(pci_ecam_offset(256, 0, 0, 0), UINT64_MAX);
	assert_int_equal(pci_ecam_offset(0, 32, 0, 0), UINT64_MAX);
	assert_int_equal(pci_ecam_offset(0, 0, 8, 0), UINT64_MAX);
	assert_int_equal(pci_ecam_offset(0, 0, 0, 4096), UINT64_MAX);
}

static void test_cf8_addresses(void **state)
{
	(void)state;
	assert_int_equal(pci_cf8_address(0, 0, 0, 0), 0x80000000u);
	assert_int_equal(pci_cf8_address(0, 0x1f, 2, 0x3d), 0x8000fa3cu);   /* dword-aligned */
	assert_int_equal(pci_cf8_address(3, 1, 0, 0x10), 0x80030810u);
	assert_int_equal(pci_cf8_address(0, 0, 0, 0x100), 0);                /* extended space: ECAM only */
	assert_int_equal(pci_cf8_address(0, 32, 0, 0), 0);
}

static void test_bar_decoding(void **state)
{
	(void)state;
	struct pci_bar_decoded b;

	/* virtio-blk's legacy I/O BAR: 128 ports at 0x6000, upper bits read back as zero. */
	pci_bar_decode(0x6001, 0x0000ff81, false, 0, 0, &b);
	assert_int_equal(b.base, 0x6000);
	assert_int_equal(b.size, 128);
	assert_int_equal(b.flags, PCI_BAR_IO);
	assert_int_equal(b.registers, 1);

	/* A 32-bit 4 KiB memory BAR. */
	pci_bar_decode(0xc0001000, 0xfffff000, false, 0, 0, &b);
	assert_int_equal(b.base, 0xc0001000);
	assert_int_equal(b.size, 0x1000);
	assert_int_equal(b.flags, 0);

	/* A 64-bit prefetchable 16 KiB BAR above 512 GiB. */
	assert_true(pci_bar_is_64bit(0x0000000c));
	pci_bar_decode(0x0000000c, 0xffffc00c, true, 0xe0, 0xffffffff, &b);
	assert_int_equal(b.base, 0xe000000000ull);
	assert_int_equal(b.size, 0x4000);
	assert_int_equal(b.flags, PCI_BAR_64BIT | PCI_BAR_PREFETCH);
	assert_int_equal(b.registers, 2);

	/* A 64-bit BAR of exactly 4 GiB: no writable bit in the low register. */
	pci_bar_decode(0x0000000c, 0x0000000c, true, 0x10, 0xffffffff, &b);
	assert_int_equal(b.size, 1ull << 32);
	assert_int_equal(b.base, 0x1000000000ull);

	/* Not implemented: nothing writable. A 64-bit one still takes two registers. */
	pci_bar_decode(0, 0, false, 0, 0, &b);
	assert_int_equal(b.size, 0);
	assert_int_equal(b.registers, 1);
	pci_bar_decode(0x4, 0x4, true, 0, 0, &b);
	assert_int_equal(b.size, 0);
	assert_int_equal(b.flags, 0);
	assert_int_equal(b.registers, 2);

	/* A 64-bit BAR in the last register has no upper half: unusable. */
	pci_bar_decode(0xc000000c, 0xffffc00c, false, 0, 0, &b);
	assert_int_equal(b.size, 0);
	assert_int_equal(b.registers, 2);

	/* Header types: device, bridge, CardBus, unknown (multi-function bit ignored). */
	assert_int_equal(pci_bar_count(0x80), 6);
	assert_int_equal(pci_bar_count(1), 2);
	assert_int_equal(pci_bar_count(2), 1);
	assert_int_equal(pci_bar_count(0x7f), 0);
}

static uint8_t space[256];
static unsigned int reads;

static uint8_t fake_read8(const void *ctx, uint16_t offset)
{
	(void)ctx;
	reads++;
	return offset < sizeof(space) ? space[offset] : 0xff;
}

static void cap(uint8_t at, uint8_t id, uint8_t next)
{
	space[at] = id;
	space[at + 1] = next;
}

static void test_capability_walk(void **state)
{
	(void)state;
	uint8_t list[PCI_CAP_MAX];
	memset(space, 0, sizeof(space));
	space[PCI_CAP_POINTER] = 0x98 | 0x3;   /* reserved low bits set: ignored */
	cap(0x98, 0x11, 0x84);
	cap(0x84, 0x09, 0x70);
	cap(0x70, 0x09, 0x00);
	assert_int_equal(pci_cap_list(fake_read8, NULL, PCI_STATUS_CAP_LIST, list), 3);
	assert_int_equal(list[0], 0x98);
	assert_int_equal(list[2], 0x70);
	assert_int_equal(pci_cap_find(fake_read8, NULL, PCI_STATUS_CAP_LIST, 0x09, 0), 0x84);
	assert_int_equal(pci_cap_find(fake_read8, NULL, PCI_STATUS_CAP_LIST, 0x09, 0x84), 0x70);
	assert_int_equal(pci_cap_find(fake_read8, NULL, PCI_STATUS_CAP_LIST, 0x09, 0x70), 0);
	assert_int_equal(pci_cap_find(fake_read8, NULL, PCI_STATUS_CAP_LIST, 0x05, 0), 0);
	/* 'after' that is not in the list finds nothing. */
	assert_int_equal(pci_cap_find(fake_read8, NULL, PCI_STATUS_CAP_LIST, 0x09, 0x90), 0);
	/* No capability-list bit in status: no list at all. */
	assert_int_equal(pci_cap_list(fake_read8, NULL, 0, list), 0);
}

static void test_hostile_capability_lists_end(void **state)
{
	(void)state;
	uint8_t list[PCI_CAP_MAX];

	/* A loop back to the first entry. */
	memset(space, 0, sizeof(space));
	space[PCI_CAP_POINTER] = 0x40;
	cap(0x40, 0x05, 0x50);
	cap(0x50, 0x11, 0x40);
	assert_int_equal(pci_cap_list(fake_read8, NULL, PCI_STATUS_CAP_LIST, list), 2);
	assert_int_equal(pci_cap_find(fake_read8, NULL, PCI_STATUS_CAP_LIST, 0x10, 0), 0);

	/* An entry pointing at itself. */
	cap(0x50, 0x11, 0x50);
	assert_int_equal(pci_cap_list(fake_read8, NULL, PCI_STATUS_CAP_LIST, list), 2);

	/* A pointer into the header ends the list. */
	cap(0x50, 0x11, 0x10);
	assert_int_equal(pci_cap_list(fake_read8, NULL, PCI_STATUS_CAP_LIST, list), 2);

	/* Every dword a capability, each pointing on, the last back to the first: bounded. */
	memset(space, 0, sizeof(space));
	space[PCI_CAP_POINTER] = 0x40;
	for (unsigned int at = 0x40; at < 0x100; at += 4)
		cap((uint8_t)at, 0x09, (uint8_t)(at + 4 < 0x100 ? at + 4 : 0x40));
	reads = 0;
	assert_int_equal(pci_cap_list(fake_read8, NULL, PCI_STATUS_CAP_LIST, list), PCI_CAP_MAX);
	assert_true(reads <= PCI_CAP_MAX + 1);
	assert_int_equal(pci_cap_find(fake_read8, NULL, PCI_STATUS_CAP_LIST, 0x01, 0), 0);

	/* All ones (a function that vanished): 0xfc points at 0xfc forever. */
	memset(space, 0xff, sizeof(space));
	assert_int_equal(pci_cap_list(fake_read8, NULL, PCI_STATUS_CAP_LIST, list), 1);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(pci_class_name(0x06, 0x00), "Host bridge");
	assert_string_equal(pci_class_name(0x01, 0x00), "SCSI storage controller");
	assert_null(pci_class_name(0x12, 0x34));
	assert_string_equal(pci_cap_name(0x11), "MSI-X");
	assert_null(pci_cap_name(0xee));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ecam_offsets),
		cmocka_unit_test(test_cf8_addresses),
		cmocka_unit_test(test_bar_decoding),
		cmocka_unit_test(test_capability_walk),
		cmocka_unit_test(test_hostile_capability_lists_end),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests_name("pci_config", tests, NULL, NULL);
}
