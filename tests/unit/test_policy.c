/* test_policy.c: unit tests of the guest CPUID view and the MSR allow-list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cpuid_policy.h"
#include "keel/abi.h"
#include "msr_policy.h"

/* Leaf-1 values of a real CPU (an Intel Skylake with VMX, APIC, x2APIC, XSAVE, AVX). */
static const struct cpuid_values skylake_leaf1 = { 0x000506e3, 0x03100800, 0x7ffafbbf, 0xbfebfbff };
/* 0x80000001 of an AMD Zen with SVM. */
static const struct cpuid_values zen_ext1 = { 0x00800f12, 0x20000000, 0x35c233ff, 0x2fd3fbff };

static void test_leaf1_masks_virtualization_and_apic(void **state)
{
	(void)state;
	struct cpuid_values r = skylake_leaf1;
	cpuid_policy_apply(1, 0, 2, 4, KEEL_FEATURE_CONSOLE_IO, &r);
	assert_int_equal(r.ecx & (1u << 5), 0);          /* VMX */
	assert_int_equal(r.ecx & (1u << 21), 0);         /* x2APIC */
	assert_int_equal(r.ecx & (1u << 26), 0);         /* XSAVE */
	assert_int_equal(r.ecx & (1u << 28), 0);         /* AVX */
	assert_int_equal(r.ecx & (1u << 3), 0);          /* MONITOR */
	assert_int_not_equal(r.ecx & (1u << 31), 0);     /* hypervisor present */
	assert_int_equal(r.edx & (1u << 9), 0);          /* APIC */
	assert_int_not_equal(r.edx & (1u << 25), 0);     /* SSE passes through */
	assert_int_not_equal(r.edx & (1u << 26), 0);     /* SSE2 passes through */
	assert_int_not_equal(r.ecx & (1u << 0), 0);      /* SSE3 passes through */
	assert_int_equal(r.ebx >> 24, 2);                /* initial APIC id = vCPU id */
	assert_int_equal((r.ebx >> 16) & 0xff, 4);       /* logical processors = vCPUs */
	assert_int_equal(r.eax, skylake_leaf1.eax);      /* family/model/stepping kept */
}

static void test_extended_leaf_masks_svm(void **state)
{
	(void)state;
	struct cpuid_values r = zen_ext1;
	cpuid_policy_apply(0x80000001, 0, 0, 1, 0, &r);
	assert_int_equal(r.ecx & (1u << 2), 0);
	assert_int_not_equal(r.edx & (1u << 29), 0);     /* long mode stays */
	r = (struct cpuid_values){ 0x1, 0x8000, 0, 0x1bfbff };
	cpuid_policy_apply(0x8000000a, 0, 0, 1, 0, &r);
	assert_int_equal(r.eax | r.ebx | r.ecx | r.edx, 0);
}

static void test_keel_leaves(void **state)
{
	(void)state;
	struct cpuid_values r = { 0xdead, 0xbeef, 0xf00d, 0xcafe };
	cpuid_policy_apply(KEEL_CPUID_BASE, 0, 0, 1, 0, &r);
	assert_int_equal(r.eax, KEEL_CPUID_HYPERCALLS);
	assert_memory_equal(&r.ebx, "Keel", 4);
	assert_memory_equal(&r.ecx, "Keel", 4);
	assert_memory_equal(&r.edx, "Keel", 4);

	cpuid_policy_apply(KEEL_CPUID_VERSION, 0, 0, 1, 0, &r);
	assert_int_equal(r.eax, KEEL_ABI_VERSION);

	cpuid_policy_apply(KEEL_CPUID_HYPERCALLS, 0, 0, 1, KEEL_FEATURE_SCHED_OP, &r);
	assert_int_equal(r.eax, 1);
	assert_int_equal(r.ebx, KEEL_MSR_HYPERCALL_PAGE);
	assert_int_equal(r.ecx, KEEL_FEATURE_SCHED_OP);

	/* Undefined Keel leaves are empty, not the host's (another hypervisor's) values. */
	r = (struct cpuid_values){ 1, 2, 3, 4 };
	cpuid_policy_apply(KEEL_CPUID_BASE + 0x10, 0, 0, 1, 0, &r);
	assert_int_equal(r.eax | r.ebx | r.ecx | r.edx, 0);
}

static void test_hidden_leaves_and_avx(void **state)
{
	(void)state;
	static const uint32_t hidden[] = { 0x5, 0x6, 0xa, 0xb, 0xd, 0x1f };
	for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++) {
		struct cpuid_values r = { 7, 7, 7, 7 };
		cpuid_policy_apply(hidden[i], 0, 0, 1, 0, &r);
		assert_int_equal(r.eax | r.ebx | r.ecx | r.edx, 0);
	}
	struct cpuid_values r = { 0, 0xffffffff, 0xffffffff, 0 };
	cpuid_policy_apply(7, 0, 0, 1, 0, &r);
	assert_int_equal(r.ebx & (1u << 5), 0);          /* AVX2 */
	assert_int_equal(r.ebx & (1u << 16), 0);         /* AVX-512F */
	assert_int_not_equal(r.ebx & (1u << 0), 0);      /* FSGSBASE stays */
	/* Ordinary leaves pass through untouched. */
	r = (struct cpuid_values){ 0x16, 0x756e6547, 0x6c65746e, 0x49656e69 };
	struct cpuid_values before = r;
	cpuid_policy_apply(0, 0, 0, 1, 0, &r);
	assert_memory_equal(&r, &before, sizeof(r));
}

static void test_msr_reads(void **state)
{
	(void)state;
	struct msr_state s = { .hypercall_page = 0x5000, .pat = 0x0007040600070406ull };
	uint64_t v = 0;
	assert_int_equal(msr_policy_read(&s, KEEL_MSR_HYPERCALL_PAGE, &v), MSR_DONE);
	assert_int_equal(v, 0x5000);
	assert_int_equal(msr_policy_read(&s, 0x277, &v), MSR_DONE);
	assert_int_equal(v, 0x0007040600070406ull);
	assert_int_equal(msr_policy_read(&s, 0x10, &v), MSR_READ_TSC);
	/* Not on the list: the APIC base, the feature-control MSR, VM_CR, SVM's HSAVE, EFER. */
	static const uint32_t refused[] = { 0x1b, 0x3a, 0x480, 0xc0010114, 0xc0010117, 0xc0000080,
					    0xffffffff, 0 };
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		assert_int_equal(msr_policy_read(&s, refused[i], &v), MSR_GP);
}

static void test_msr_writes(void **state)
{
	(void)state;
	struct msr_state s = { 0 };
	uint64_t gpa = 0;
	const uint64_t ram = 8 << 20;
	assert_int_equal(msr_policy_write(&s, KEEL_MSR_HYPERCALL_PAGE, 0x101000, ram, &gpa), MSR_INSTALL_HYPERCALLS);
	assert_int_equal(gpa, 0x101000);
	assert_int_equal(s.hypercall_page, 0x101000);
	/* Misaligned, outside RAM, the last byte beyond RAM, or absurd: #GP and no change. */
	static const uint64_t bad[] = { 0x101001, ram, ram + 0x1000, ~0ull & ~0xfffull, 0xfff };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(msr_policy_write(&s, KEEL_MSR_HYPERCALL_PAGE, bad[i], ram, &gpa), MSR_GP);
		assert_int_equal(s.hypercall_page, 0x101000);
	}
	assert_int_equal(msr_policy_write(&s, KEEL_MSR_HYPERCALL_PAGE, ram - 0x1000, ram, &gpa),
			 MSR_INSTALL_HYPERCALLS);

	assert_int_equal(msr_policy_write(&s, 0x277, 0x0606060606060606ull, ram, &gpa), MSR_DONE);
	assert_int_equal(s.pat, 0x0606060606060606ull);
	assert_int_equal(msr_policy_write(&s, 0x277, 0x0000000000000002ull, ram, &gpa), MSR_GP);  /* reserved type */
	assert_int_equal(msr_policy_write(&s, 0x277, 0x0800000000000000ull, ram, &gpa), MSR_GP);
	assert_int_equal(s.pat, 0x0606060606060606ull);

	assert_int_equal(msr_policy_write(&s, 0x10, 0, ram, &gpa), MSR_GP);          /* TSC is read-only */
	assert_int_equal(msr_policy_write(&s, 0x1b, 0xfee00900, ram, &gpa), MSR_GP);
	assert_int_equal(msr_policy_write(&s, 0xc0000080, 0xd00, ram, &gpa), MSR_GP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_leaf1_masks_virtualization_and_apic),
		cmocka_unit_test(test_extended_leaf_masks_svm),
		cmocka_unit_test(test_keel_leaves),
		cmocka_unit_test(test_hidden_leaves_and_avx),
		cmocka_unit_test(test_msr_reads),
		cmocka_unit_test(test_msr_writes),
	};
	return cmocka_run_group_tests_name("cpuid and msr policy", tests, NULL, NULL);
}
