/* test_vmx_controls.c: unit tests of VMX control and feature selection from captured capability MSR values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/vmcs_fields.h"
#include "vmx/vmx_controls.h"

/*
 * Capability MSRs of real and emulated CPUs. Where each set came from:
 *  - skylake:   Intel Core i7-6700K, as dumped from the real CPU into VirtualBox's CPU database
 *               (src/VBox/VMM/VMMR3/cpus/Intel_Core_i7_6700K.h, MSRs 0x480-0x490).
 *  - haswell, tigerlake, penryn: Bochs 2.7 (Debian 12) with cpu model corei7_haswell_4770,
 *               tigerlake and core2_penryn_t9600, captured by booting Keel with loglevel=debug
 *               (vmx.c prints them as "vmx: basic ... / true ... / proc2 ...").
 */
static const struct vmx_caps skylake = {
	.basic = 0xda040000000004,
	.pin = 0x7f00000016, .proc = 0xfff9fffe0401e172, .exit = 0x1ffffff00036dff, .entry = 0x3ffff000011ff,
	.true_pin = 0x7f00000016, .true_proc = 0xfff9fffe04006172, .true_exit = 0x1ffffff00036dfb,
	.true_entry = 0x3ffff000011fb,
	.proc2 = 0x1ffcff00000000, .ept_vpid = 0xf0106334141,
	.cr0_fixed0 = 0x80000021, .cr0_fixed1 = 0xffffffff, .cr4_fixed0 = 0x2000, .cr4_fixed1 = 0x3727ff,
};

static const struct vmx_caps bochs_haswell = {
	.basic = 0xd810000000002b,
	.pin = 0x7f00000016, .proc = 0xf7f9fffe0401e172, .exit = 0x7fffff00036dff, .entry = 0xffff000011ff,
	.true_pin = 0x7f00000016, .true_proc = 0xf7f9fffe04006172, .true_exit = 0x7fffff00036dfb,
	.true_entry = 0xffff000011fb,
	.proc2 = 0x47fff00000000, .ept_vpid = 0xf0106334141,
	.cr0_fixed0 = 0x80000021, .cr0_fixed1 = 0xffffffff, .cr4_fixed0 = 0x2000, .cr4_fixed1 = 0x1727ff,
};

static const struct vmx_caps bochs_tigerlake = {
	.basic = 0x1d8100000000004,
	.pin = 0x7f00000016, .proc = 0xfff9fffe0401e172, .exit = 0x107fffff00036dff, .entry = 0x10ffff000011ff,
	.true_pin = 0x7f00000016, .true_proc = 0xfff9fffe04006172, .true_exit = 0x107fffff00036dfb,
	.true_entry = 0x10ffff000011fb,
	.proc2 = 0x2977fff00000000, .ept_vpid = 0xf0106b34141,
	.cr0_fixed0 = 0x80000021, .cr0_fixed1 = 0xffffffff, .cr4_fixed0 = 0x2000, .cr4_fixed1 = 0xf72fff,
};

/* VMX without secondary EPT: the CPU Keel must refuse with a clear reason. */
static const struct vmx_caps bochs_penryn = {
	.basic = 0xd810000000002b,
	.pin = 0x3f00000016, .proc = 0xf7f9fffe0401e172, .exit = 0x3ffff00036dff, .entry = 0x3fff000011ff,
	.true_pin = 0x3f00000016, .true_proc = 0xf7f9fffe04006172, .true_exit = 0x3ffff00036dfb,
	.true_entry = 0x3fff000011fb,
	.proc2 = 0x4100000000, .ept_vpid = 0,
	.cr0_fixed0 = 0x80000021, .cr0_fixed1 = 0xffffffff, .cr4_fixed0 = 0x2000, .cr4_fixed1 = 0x467ff,
};

/* Every control value must respect its capability MSR: must-be-one bits set, nothing outside may-be-one. */
static void assert_allowed(uint32_t value, uint64_t cap)
{
	uint32_t must_be_one = (uint32_t)cap, may_be_one = (uint32_t)(cap >> 32);
	assert_int_equal(value & must_be_one, must_be_one);
	assert_int_equal(value & ~may_be_one, 0);
}

static void assert_config_valid(const struct vmx_caps *caps, const struct vmx_config *cfg)
{
	bool t = caps->basic & VMX_BASIC_TRUE_CTLS;
	assert_allowed(cfg->pin, t ? caps->true_pin : caps->pin);
	assert_allowed(cfg->proc, t ? caps->true_proc : caps->proc);
	assert_allowed(cfg->proc2, caps->proc2);
	assert_allowed(cfg->exit, t ? caps->true_exit : caps->exit);
	assert_allowed(cfg->entry, t ? caps->true_entry : caps->entry);

	/* What Keel relies on. */
	assert_true(cfg->pin & PIN_EXTERNAL_INTERRUPT_EXITING);
	assert_true(cfg->pin & PIN_NMI_EXITING);
	assert_true(cfg->proc & PROC_HLT_EXITING);
	assert_true(cfg->proc & PROC_USE_IO_BITMAPS);   /* per-domain port permissions (dom0's devices) */
	assert_true(cfg->proc & PROC_USE_MSR_BITMAPS);
	assert_true(cfg->proc & PROC_MWAIT_EXITING);     /* #UD in the guest, never a parked CPU */
	assert_true(cfg->proc & PROC_MONITOR_EXITING);
	assert_true(cfg->proc & PROC_CR8_LOAD_EXITING);
	assert_true(cfg->proc & PROC_CR8_STORE_EXITING);
	assert_false(cfg->proc & PROC_USE_TPR_SHADOW);
	assert_true(cfg->proc & PROC_ACTIVATE_SECONDARY);
	assert_true(cfg->proc2 & PROC2_ENABLE_EPT);
	assert_false(cfg->proc2 & PROC2_UNRESTRICTED_GUEST);
	assert_true(cfg->exit & EXIT_HOST_ADDRESS_SPACE_SIZE);
	assert_true(cfg->exit & EXIT_SAVE_EFER);
	assert_true(cfg->exit & EXIT_LOAD_EFER);
	assert_true(cfg->exit & EXIT_LOAD_PAT);
	assert_true(cfg->entry & ENTRY_IA32E_MODE_GUEST);
	assert_true(cfg->entry & ENTRY_LOAD_EFER);
	assert_true(cfg->entry & ENTRY_LOAD_PAT);

	/* What Keel must not get: exits it has no handler for, and acknowledged interrupts. */
	assert_false(cfg->proc & (PROC_CR3_LOAD_EXITING | PROC_CR3_STORE_EXITING | PROC_INVLPG_EXITING));
	assert_false(cfg->proc & (PROC_RDTSC_EXITING | PROC_MONITOR_TRAP_FLAG));
	/* The preemption timer (the time-slice backstop) is on exactly when the CPU allows it. */
	assert_int_equal((cfg->pin & PIN_PREEMPTION_TIMER) != 0,
			 ((caps->true_pin ? caps->true_pin : caps->pin) >> 32 & PIN_PREEMPTION_TIMER) != 0);
	assert_false(cfg->exit & EXIT_ACK_INTERRUPT_ON_EXIT);
	assert_int_equal(cfg->vpid, (cfg->proc2 & PROC2_ENABLE_VPID) != 0);
}

static void test_skylake(void **state)
{
	(void)state;
	struct vmx_config cfg;
	const char *why;
	assert_int_equal(vmx_config_from_caps(&skylake, &cfg, &why), 0);
	assert_config_valid(&skylake, &cfg);
	assert_int_equal(cfg.revision, 4);
	/* The exact values, worked out by hand from the MSRs above. */
	assert_int_equal(cfg.pin, 0x5f);   /* 0x1f plus the preemption timer (bit 6) */
	/* I/O bitmaps (bit 25), not unconditional I/O exiting (24); MWAIT (10) and MONITOR (29) exiting. */
	assert_int_equal(cfg.proc, 0xb61865f2);
	assert_int_equal(cfg.proc2, PROC2_ENABLE_EPT | PROC2_ENABLE_VPID | PROC2_ENABLE_RDTSCP | PROC2_ENABLE_INVPCID);
	assert_int_equal(cfg.exit, 0x3b6fff);
	assert_int_equal(cfg.entry, 0xd3ff);
	assert_true(cfg.vpid);
	assert_true(cfg.ept_2m);
	assert_true(cfg.ept_1g);
	assert_true(cfg.ept_ad);
	assert_true(cfg.invept_single);
	assert_true(cfg.invvpid_single);
}

static void test_bochs_haswell(void **state)
{
	(void)state;
	struct vmx_config cfg;
	const char *why;
	assert_int_equal(vmx_config_from_caps(&bochs_haswell, &cfg, &why), 0);
	assert_config_valid(&bochs_haswell, &cfg);
	assert_int_equal(cfg.revision, 0x2b);
	assert_true(cfg.vpid);
	assert_true(cfg.ept_2m);
}

static void test_bochs_tigerlake(void **state)
{
	(void)state;
	struct vmx_config cfg;
	const char *why;
	assert_int_equal(vmx_config_from_caps(&bochs_tigerlake, &cfg, &why), 0);
	assert_config_valid(&bochs_tigerlake, &cfg);
	/* Tiger Lake is the model whose VMCS revision differs: it must come from IA32_VMX_BASIC. */
	assert_int_equal(cfg.revision, 0x4);
	assert_true(cfg.vpid);
}

static void test_bochs_penryn_has_no_ept(void **state)
{
	(void)state;
	struct vmx_config cfg;
	const char *why;
	assert_int_not_equal(vmx_config_from_caps(&bochs_penryn, &cfg, &why), 0);
	assert_string_equal(why, "EPT is not offered");
}

/* Without bit 55 the default1 controls cannot be cleared, and CR3 exiting is one of them. */
static void test_no_true_controls_refused(void **state)
{
	(void)state;
	struct vmx_caps caps = skylake;
	caps.basic &= ~VMX_BASIC_TRUE_CTLS;
	caps.true_pin = caps.true_proc = caps.true_exit = caps.true_entry = 0;
	struct vmx_config cfg;
	const char *why;
	assert_int_not_equal(vmx_config_from_caps(&caps, &cfg, &why), 0);
	assert_string_equal(why, "CR3 or INVLPG exiting cannot be turned off");
}

/* Each missing EPT requirement is named. */
static void test_ept_requirements(void **state)
{
	(void)state;
	static const struct { uint64_t clear; const char *why; } cases[] = {
		{ EPT_CAP_WALK_4, "EPT has no 4-level page walk" },
		{ EPT_CAP_MEMTYPE_WB, "EPT cannot use write-back memory" },
		{ EPT_CAP_INVEPT, "INVEPT (all-context) is not offered" },
		{ EPT_CAP_INVEPT_ALL, "INVEPT (all-context) is not offered" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vmx_caps caps = skylake;
		caps.ept_vpid &= ~cases[i].clear;
		struct vmx_config cfg;
		const char *why;
		assert_int_not_equal(vmx_config_from_caps(&caps, &cfg, &why), 0);
		assert_string_equal(why, cases[i].why);
	}

	struct vmx_caps caps = skylake;
	caps.proc2 &= ~((uint64_t)PROC2_ENABLE_EPT << 32);
	struct vmx_config cfg;
	const char *why;
	assert_int_not_equal(vmx_config_from_caps(&caps, &cfg, &why), 0);
	assert_string_equal(why, "EPT is not offered");
}

/* Optional features fall away quietly: no 2 MiB pages, no single-context INVEPT, no VPID. */
static void test_optional_features(void **state)
{
	(void)state;
	struct vmx_caps caps = skylake;
	caps.ept_vpid &= ~(EPT_CAP_2M_PAGES | EPT_CAP_1G_PAGES | EPT_CAP_AD_BITS | EPT_CAP_INVEPT_SINGLE);
	struct vmx_config cfg;
	const char *why;
	assert_int_equal(vmx_config_from_caps(&caps, &cfg, &why), 0);
	assert_false(cfg.ept_2m);
	assert_false(cfg.ept_1g);
	assert_false(cfg.ept_ad);
	assert_false(cfg.invept_single);
	assert_true(cfg.vpid);

	/* VPID without INVVPID would leave stale translations behind: it is turned off. */
	caps = skylake;
	caps.ept_vpid &= ~VPID_CAP_INVVPID;
	assert_int_equal(vmx_config_from_caps(&caps, &cfg, &why), 0);
	assert_false(cfg.vpid);
	assert_false(cfg.proc2 & PROC2_ENABLE_VPID);
	assert_config_valid(&caps, &cfg);

	caps = skylake;
	caps.proc2 &= ~((uint64_t)PROC2_ENABLE_VPID << 32);
	assert_int_equal(vmx_config_from_caps(&caps, &cfg, &why), 0);
	assert_false(cfg.vpid);
	assert_false(cfg.invvpid_single);

	/* No preemption timer: still usable (the timer interrupt alone ends slices). */
	caps = skylake;
	caps.pin &= ~((uint64_t)PIN_PREEMPTION_TIMER << 32);
	caps.true_pin &= ~((uint64_t)PIN_PREEMPTION_TIMER << 32);
	assert_int_equal(vmx_config_from_caps(&caps, &cfg, &why), 0);
	assert_false(cfg.pin & PIN_PREEMPTION_TIMER);
	assert_config_valid(&caps, &cfg);
}

static void test_required_controls_missing(void **state)
{
	(void)state;
	struct vmx_config cfg;
	const char *why;

	struct vmx_caps caps = skylake;
	caps.true_pin &= ~((uint64_t)PIN_NMI_EXITING << 32);
	assert_int_not_equal(vmx_config_from_caps(&caps, &cfg, &why), 0);
	assert_string_equal(why, "external-interrupt or NMI exiting is not offered");

	caps = skylake;
	caps.true_exit &= ~((uint64_t)EXIT_LOAD_EFER << 32);
	assert_int_not_equal(vmx_config_from_caps(&caps, &cfg, &why), 0);
	assert_string_equal(why, "a 64-bit host with EFER and PAT switching is not offered");

	caps = skylake;
	caps.true_entry &= ~((uint64_t)ENTRY_LOAD_PAT << 32);
	assert_int_not_equal(vmx_config_from_caps(&caps, &cfg, &why), 0);
	assert_string_equal(why, "a 64-bit guest with EFER and PAT loading is not offered");

	caps = skylake;
	caps.true_exit |= EXIT_ACK_INTERRUPT_ON_EXIT;   /* a CPU that forces it on */
	assert_int_not_equal(vmx_config_from_caps(&caps, &cfg, &why), 0);
	assert_string_equal(why, "acknowledge-interrupt-on-exit cannot be turned off");
}

/* The adjust rule on its own: (wanted | must-be-one) & may-be-one, and which bits are at fault. */
static void test_control_adjust(void **state)
{
	(void)state;
	const struct vmx_control_request req = { .required = 0x9, .optional = 0x30, .unwanted = 0x100 };
	uint32_t value, bad;

	/* must-be-one 0x2, may-be-one 0xff: optional 0x30 granted. */
	assert_int_equal(vmx_control_adjust(0x000000ff00000002ull, &req, &value, &bad), VMX_CONTROL_OK);
	assert_int_equal(value, 0x3b);

	/* may-be-one lacks 0x20 (optional: dropped) and 0x8 (required: refused). */
	assert_int_equal(vmx_control_adjust(0x000000d700000002ull, &req, &value, &bad), VMX_CONTROL_MISSING);
	assert_int_equal(bad, 0x8);

	assert_int_equal(vmx_control_adjust(0x000000df00000002ull, &req, &value, &bad), VMX_CONTROL_OK);
	assert_int_equal(value, 0x1b);

	/* An unwanted bit in the must-be-one half. */
	assert_int_equal(vmx_control_adjust(0x000001ff00000102ull, &req, &value, &bad), VMX_CONTROL_FORCED);
	assert_int_equal(bad, 0x100);
}

static void test_fixed_cr(void **state)
{
	(void)state;
	/* A guest's CR0 = PE|MP|ET|NE|WP|PG is already acceptable; CR4 = PAE gains VMXE. */
	assert_int_equal(vmx_fixed_cr(0x80010033, skylake.cr0_fixed0, skylake.cr0_fixed1), 0x80010033);
	assert_int_equal(vmx_fixed_cr(0x20, skylake.cr4_fixed0, skylake.cr4_fixed1), 0x2020);
	/* Bits outside fixed1 are dropped (CR4 bit 22, PKS, is not offered by this Skylake). */
	assert_int_equal(vmx_fixed_cr(0x400020, skylake.cr4_fixed0, skylake.cr4_fixed1), 0x2020);
	/* Real mode is not an option without unrestricted guest: PE and PG come back. */
	assert_int_equal(vmx_fixed_cr(0x10, skylake.cr0_fixed0, skylake.cr0_fixed1), 0x80000031);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_skylake),
		cmocka_unit_test(test_bochs_haswell),
		cmocka_unit_test(test_bochs_tigerlake),
		cmocka_unit_test(test_bochs_penryn_has_no_ept),
		cmocka_unit_test(test_no_true_controls_refused),
		cmocka_unit_test(test_ept_requirements),
		cmocka_unit_test(test_optional_features),
		cmocka_unit_test(test_required_controls_missing),
		cmocka_unit_test(test_control_adjust),
		cmocka_unit_test(test_fixed_cr),
	};
	return cmocka_run_group_tests_name("vmx_controls", tests, NULL, NULL);
}
