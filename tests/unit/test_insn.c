/* test_insn.c: unit tests of the x86-64 instruction-length decoder used without NRIP save. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "insn.h"

#define LEN(kind, ...) ({ \
	const uint8_t b_[] = { __VA_ARGS__ }; \
	insn_length(b_, sizeof b_, (kind)); })

static void test_hypercalls(void **state)
{
	(void)state;
	assert_int_equal(LEN(INSN_HYPERCALL, 0x0f, 0x01, 0xd9), 3);   /* vmmcall */
	assert_int_equal(LEN(INSN_HYPERCALL, 0x0f, 0x01, 0xc1), 3);   /* vmcall */
	/* Trailing bytes (the stub's ret) do not count. */
	assert_int_equal(LEN(INSN_HYPERCALL, 0x0f, 0x01, 0xd9, 0xc3, 0xcc), 3);
	/* 0f 01 with another ModRM is some other instruction (here vmrun, d8). */
	assert_int_equal(LEN(INSN_HYPERCALL, 0x0f, 0x01, 0xd8), INSN_ERR_UNEXPECTED);
	assert_int_equal(LEN(INSN_HYPERCALL, 0x0f, 0x05), INSN_ERR_UNEXPECTED);
	assert_int_equal(LEN(INSN_HYPERCALL, 0x90), INSN_ERR_UNEXPECTED);
}

static void test_two_byte_opcodes(void **state)
{
	(void)state;
	assert_int_equal(LEN(INSN_CPUID, 0x0f, 0xa2), 2);
	assert_int_equal(LEN(INSN_RDMSR, 0x0f, 0x32), 2);
	assert_int_equal(LEN(INSN_WRMSR, 0x0f, 0x30), 2);
	/* Each one refuses the others' bytes. */
	assert_int_equal(LEN(INSN_CPUID, 0x0f, 0x32), INSN_ERR_UNEXPECTED);
	assert_int_equal(LEN(INSN_RDMSR, 0x0f, 0x30), INSN_ERR_UNEXPECTED);
	assert_int_equal(LEN(INSN_WRMSR, 0x0f, 0xa2), INSN_ERR_UNEXPECTED);
	assert_int_equal(LEN(INSN_WRMSR, 0x0f, 0x01, 0xd9), INSN_ERR_UNEXPECTED);
	assert_int_equal(LEN(INSN_CPUID, 0xa2), INSN_ERR_UNEXPECTED);
}

static void test_hlt(void **state)
{
	(void)state;
	assert_int_equal(LEN(INSN_HLT, 0xf4), 1);
	assert_int_equal(LEN(INSN_HLT, 0xf4, 0xf4), 1);
	assert_int_equal(LEN(INSN_HLT, 0x90), INSN_ERR_UNEXPECTED);
	assert_int_equal(LEN(INSN_HLT, 0x0f, 0xa2), INSN_ERR_UNEXPECTED);
}

static void test_io_every_form(void **state)
{
	(void)state;
	/* in al/eax, imm8 and out imm8, al/eax: opcode plus the port byte. */
	for (uint8_t op = 0xe4; op <= 0xe7; op++) {
		const uint8_t b[] = { op, 0x80 };
		assert_int_equal(insn_length(b, sizeof b, INSN_IO), 2);
	}
	/* in/out with the port in dx, and ins/outs: the opcode alone. */
	const uint8_t one_byte[] = { 0xec, 0xed, 0xee, 0xef, 0x6c, 0x6d, 0x6e, 0x6f };
	for (size_t i = 0; i < sizeof one_byte; i++)
		assert_int_equal(insn_length(&one_byte[i], 1, INSN_IO), 1);
	/* Neighbours of the I/O opcodes are not I/O. */
	const uint8_t not_io[] = { 0xe3, 0xe8, 0xeb, 0xf0 + 0x00, 0x6b, 0x70, 0x0f };
	for (size_t i = 0; i < sizeof not_io; i++) {
		const uint8_t b[] = { not_io[i], 0x00, 0x00 };
		int n = insn_length(b, sizeof b, INSN_IO);
		/* f0 is lock: a prefix, followed here by 00 (add), which is not I/O either. */
		assert_int_equal(n, INSN_ERR_UNEXPECTED);
	}
}

static void test_prefixes(void **state)
{
	(void)state;
	/* Operand size: out dx, ax. */
	assert_int_equal(LEN(INSN_IO, 0x66, 0xef), 2);
	/* rep outsb with a segment override and address size. */
	assert_int_equal(LEN(INSN_IO, 0xf3, 0x2e, 0x67, 0x6e), 4);
	/* in ax, imm8 with 66: the immediate stays one byte. */
	assert_int_equal(LEN(INSN_IO, 0x66, 0xe5, 0x60), 3);
	/* Every legacy prefix once. */
	assert_int_equal(LEN(INSN_CPUID, 0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x2e, 0x36, 0x3e, 0x26, 0x64, 0x65,
			     0x0f, 0xa2), 13);
	assert_int_equal(LEN(INSN_HLT, 0x3e, 0xf4), 2);
	assert_int_equal(LEN(INSN_HYPERCALL, 0x2e, 0x0f, 0x01, 0xd9), 4);
}

static void test_rex(void **state)
{
	(void)state;
	assert_int_equal(LEN(INSN_RDMSR, 0x48, 0x0f, 0x32), 3);
	assert_int_equal(LEN(INSN_WRMSR, 0x41, 0x0f, 0x30), 3);
	assert_int_equal(LEN(INSN_IO, 0x66, 0x48, 0xed), 3);
	assert_int_equal(LEN(INSN_HYPERCALL, 0x4f, 0x0f, 0x01, 0xc1), 4);
	/* A REX followed by a legacy prefix is ignored but still occupies a byte. */
	assert_int_equal(LEN(INSN_CPUID, 0x48, 0x66, 0x0f, 0xa2), 4);
	/* Two REX bytes: only the last counts, both are part of the instruction. */
	assert_int_equal(LEN(INSN_HLT, 0x40, 0x48, 0xf4), 3);
}

static void test_truncated(void **state)
{
	(void)state;
	const uint8_t vmmcall[] = { 0x66, 0x0f, 0x01, 0xd9 };
	for (size_t avail = 0; avail < sizeof vmmcall; avail++)
		assert_int_equal(insn_length(vmmcall, avail, INSN_HYPERCALL), INSN_ERR_TRUNCATED);
	assert_int_equal(insn_length(vmmcall, sizeof vmmcall, INSN_HYPERCALL), 4);

	const uint8_t in_imm[] = { 0xe4, 0x71 };
	assert_int_equal(insn_length(in_imm, 1, INSN_IO), INSN_ERR_TRUNCATED);
	assert_int_equal(insn_length(in_imm, 0, INSN_IO), INSN_ERR_TRUNCATED);

	const uint8_t rdmsr[] = { 0x0f, 0x32 };
	assert_int_equal(insn_length(rdmsr, 1, INSN_RDMSR), INSN_ERR_TRUNCATED);
	/* Wrong bytes are reported as wrong even when more would follow. */
	const uint8_t wrong[] = { 0x90 };
	assert_int_equal(insn_length(wrong, 1, INSN_RDMSR), INSN_ERR_UNEXPECTED);
}

static void test_fifteen_byte_limit(void **state)
{
	(void)state;
	uint8_t b[32];

	/* 12 prefixes + vmmcall = 15 bytes: the longest legal instruction. */
	memset(b, 0x66, sizeof b);
	memcpy(b + 12, (const uint8_t[]){ 0x0f, 0x01, 0xd9 }, 3);
	assert_int_equal(insn_length(b, sizeof b, INSN_HYPERCALL), 15);
	assert_int_equal(insn_length(b, 15, INSN_HYPERCALL), 15);

	/* 13 prefixes + vmmcall = 16 bytes. */
	memset(b, 0x2e, sizeof b);
	memcpy(b + 13, (const uint8_t[]){ 0x0f, 0x01, 0xd9 }, 3);
	assert_int_equal(insn_length(b, sizeof b, INSN_HYPERCALL), INSN_ERR_TOO_LONG);
	/* Only 15 bytes could be fetched: still known to be too long, not merely truncated. */
	assert_int_equal(insn_length(b, 15, INSN_HYPERCALL), INSN_ERR_TOO_LONG);

	/* 14 prefixes + hlt = 15; 15 prefixes + hlt = 16. */
	memset(b, 0xf3, sizeof b);
	b[14] = 0xf4;
	assert_int_equal(insn_length(b, sizeof b, INSN_HLT), 15);
	memset(b, 0xf3, sizeof b);
	b[15] = 0xf4;
	assert_int_equal(insn_length(b, sizeof b, INSN_HLT), INSN_ERR_TOO_LONG);

	/* Nothing but prefixes. */
	memset(b, 0x65, sizeof b);
	assert_int_equal(insn_length(b, sizeof b, INSN_CPUID), INSN_ERR_TOO_LONG);
	assert_int_equal(insn_length(b, 10, INSN_CPUID), INSN_ERR_TRUNCATED);

	/* 13 prefixes + in al, imm8 = 15; 14 prefixes = 16. */
	memset(b, 0x67, sizeof b);
	b[13] = 0xe4;
	b[14] = 0x10;
	assert_int_equal(insn_length(b, sizeof b, INSN_IO), 15);
	memset(b, 0x67, sizeof b);
	b[14] = 0xe4;
	b[15] = 0x10;
	assert_int_equal(insn_length(b, sizeof b, INSN_IO), INSN_ERR_TOO_LONG);
}

static void test_error_names(void **state)
{
	(void)state;
	assert_string_equal(insn_error_name(INSN_ERR_TRUNCATED), "truncated");
	assert_string_equal(insn_error_name(INSN_ERR_TOO_LONG), "longer than 15 bytes");
	assert_string_equal(insn_error_name(INSN_ERR_UNEXPECTED), "not the expected instruction");
	assert_non_null(insn_error_name(-99));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hypercalls),
		cmocka_unit_test(test_two_byte_opcodes),
		cmocka_unit_test(test_hlt),
		cmocka_unit_test(test_io_every_form),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_rex),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_fifteen_byte_limit),
		cmocka_unit_test(test_error_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
