/* test_mmio_policy.c: which machine ranges dom0 may get as uncached device memory: never RAM, firmware, the APICs, or its own guest-physical ranges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "mmio_policy.h"

#define MIB (1ull << 20)
#define GIB (1ull << 30)

/* A q35-like machine with 2 GiB: RAM below 2 GiB, ECAM listed as reserved, firmware flash at the top. */
static const struct boot_mem_region memmap[] = {
	{ 0x0, 0xa0000, BOOT_MEM_USABLE, 0 },
	{ 0x100000, 0x7f000000 - 0x100000, BOOT_MEM_USABLE, 0 },
	{ 0x7f000000, 0x800000, BOOT_MEM_ACPI_NVS, 0 },
	{ 0x7f800000, 0x800000, BOOT_MEM_FW_RUNTIME, 0 },
	{ 0xb0000000, 0x10000000, BOOT_MEM_RESERVED, 0 },
	{ 0xffc00000, 0x400000, BOOT_MEM_RESERVED, 0 },
};
static const struct platform_mmio_range ecam[] = { { 0xb0000000, 0x10000000, "ECAM" } };
static const struct platform_mmio_range kept[] = {
	{ 0xfee00000, MIB, "local APIC / interrupt messages" },
	{ 0xfec00000, 0x1000, "IOAPIC" },
};
static const struct platform_mmio_range gpa_used[] = {
	{ 0x90000000, 0x1000, "dom0's shared-info page" },   /* as for a dom0 of 2304 MiB */
	{ 64 * GIB, GIB, "dom0's grant window" },
	{ 256 * GIB, GIB, "dom0's foreign window" },
};

static uint64_t dom0_ram = 64 * MIB;

static bool ram_overlaps(const void *ctx, uint64_t base, uint64_t size)
{
	(void)ctx, (void)size;
	return base < dom0_ram;
}

static struct mmio_policy policy(void)
{
	return (struct mmio_policy){
		.memmap = memmap, .memmap_count = sizeof(memmap) / sizeof(memmap[0]),
		.ecam = ecam, .ecam_count = 1, .kept = kept, .kept_count = 2,
		.gpa_used = gpa_used, .gpa_used_count = 3, .ram_overlaps = ram_overlaps,
		.phys_limit = 1ull << 40,
	};
}

static void test_device_memory_is_allowed(void **state)
{
	(void)state;
	struct mmio_policy p = policy();
	assert_null(mmio_policy_refuses(&p, 0xc0000000, 2 * MIB));        /* 32-bit BARs */
	assert_null(mmio_policy_refuses(&p, 0xe000000000ull, 2 * MIB));   /* 64-bit BARs */
	assert_null(mmio_policy_refuses(&p, 0xfed00000, 0x1000));         /* the HPET: Keel does not use it */
	/* The ECAM is reserved in the map, and device memory all the same. */
	assert_null(mmio_policy_refuses(&p, 0xb0000000, 0x10000000));
	assert_null(mmio_policy_refuses(&p, 0xbfe00000, 2 * MIB));
}

static void test_ram_and_firmware_are_refused(void **state)
{
	(void)state;
	struct mmio_policy p = policy();
	assert_string_equal(mmio_policy_refuses(&p, 0x7e000000, 0x1000), "RAM or firmware memory in the memory map");
	assert_string_equal(mmio_policy_refuses(&p, 0x7f000000, 0x1000), "RAM or firmware memory in the memory map");
	assert_string_equal(mmio_policy_refuses(&p, 0x7fe00000, 2 * MIB), "RAM or firmware memory in the memory map");
	/* Reserved outside the ECAM (flash), or an ECAM-sized range reaching out of the window. */
	assert_string_equal(mmio_policy_refuses(&p, 0xffe00000, 2 * MIB), "reserved in the memory map");
	assert_string_equal(mmio_policy_refuses(&p, 0xafe00000, 4 * MIB), "reserved in the memory map");
	/* The legacy VGA hole is in no region; one page more is RAM (with a dom0 whose RAM is elsewhere). */
	dom0_ram = 0;
	assert_null(mmio_policy_refuses(&p, 0xa0000, 0x60000));
	assert_string_equal(mmio_policy_refuses(&p, 0xa0000, 0x61000), "RAM or firmware memory in the memory map");
	dom0_ram = 64 * MIB;
}

static void test_hypervisor_devices_are_refused(void **state)
{
	(void)state;
	struct mmio_policy p = policy();
	assert_string_equal(mmio_policy_refuses(&p, 0xfee00000, 0x1000), "local APIC / interrupt messages");
	assert_string_equal(mmio_policy_refuses(&p, 0xfee80000, 0x1000), "local APIC / interrupt messages");
	/* The 2 MiB block around the IOAPIC is refused; the page next to it is not. */
	assert_string_equal(mmio_policy_refuses(&p, 0xfec00000, 2 * MIB), "IOAPIC");
	assert_null(mmio_policy_refuses(&p, 0xfec01000, 0x1000));
}

static void test_dom0_guest_physical_ranges_are_refused(void **state)
{
	(void)state;
	struct mmio_policy p = policy();
	dom0_ram = 4 * GIB;   /* a dom0 so big its RAM's GPAs cover the 32-bit hole */
	assert_string_equal(mmio_policy_refuses(&p, 0xc0000000, 2 * MIB), "dom0's RAM is at those guest-physical addresses");
	dom0_ram = 64 * MIB;
	assert_string_equal(mmio_policy_refuses(&p, 0x90000000, 2 * MIB), "dom0's shared-info page");
	assert_string_equal(mmio_policy_refuses(&p, 64 * GIB + 2 * MIB, 2 * MIB), "dom0's grant window");
	assert_string_equal(mmio_policy_refuses(&p, 256 * GIB, 0x1000), "dom0's foreign window");
	assert_null(mmio_policy_refuses(&p, 65 * GIB, 2 * MIB));   /* right above the grant window */
}

static void test_bad_ranges_are_refused(void **state)
{
	(void)state;
	struct mmio_policy p = policy();
	assert_non_null(mmio_policy_refuses(&p, 1ull << 40, 0x1000));
	assert_non_null(mmio_policy_refuses(&p, (1ull << 40) - 0x1000, 0x2000));
	assert_non_null(mmio_policy_refuses(&p, UINT64_MAX - 0xfff, 0x1000));
	assert_non_null(mmio_policy_refuses(&p, 0xc0000000, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_device_memory_is_allowed),
		cmocka_unit_test(test_ram_and_firmware_are_refused),
		cmocka_unit_test(test_hypervisor_devices_are_refused),
		cmocka_unit_test(test_dom0_guest_physical_ranges_are_refused),
		cmocka_unit_test(test_bad_ranges_are_refused),
	};
	return cmocka_run_group_tests_name("mmio_policy", tests, NULL, NULL);
}
