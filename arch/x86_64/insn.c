/* insn.c: the length of an intercepted x86-64 instruction, prefixes included (see insn.h). */
#include "insn.h"

#include <stdbool.h>

static bool is_legacy_prefix(uint8_t b)
{
	switch (b) {
	case 0x66: case 0x67:                         /* operand / address size */
	case 0xf0: case 0xf2: case 0xf3:              /* lock, repne, rep */
	case 0x2e: case 0x36: case 0x3e: case 0x26:   /* cs, ss, ds, es */
	case 0x64: case 0x65:                         /* fs, gs */
		return true;
	default:
		return false;
	}
}

static bool is_rex(uint8_t b)
{
	return (b & 0xf0) == 0x40;
}

/* Length of the opcode (and its immediate) at 'op', or INSN_ERR_UNEXPECTED / TRUNCATED. */
static int opcode_length(const uint8_t *op, size_t avail, enum insn_kind expected)
{
	if (avail < 1)
		return INSN_ERR_TRUNCATED;
	uint8_t b0 = op[0];

	switch (expected) {
	case INSN_HLT:
		return b0 == 0xf4 ? 1 : INSN_ERR_UNEXPECTED;
	case INSN_IO:
		if ((b0 >= 0xe4 && b0 <= 0xe7))
			return avail < 2 ? INSN_ERR_TRUNCATED : 2;   /* imm8 port */
		if ((b0 >= 0xec && b0 <= 0xef) || (b0 >= 0x6c && b0 <= 0x6f))
			return 1;                                     /* port in dx */
		return INSN_ERR_UNEXPECTED;
	default:
		break;
	}

	/* Everything else is a two- or three-byte 0f opcode. */
	if (b0 != 0x0f)
		return INSN_ERR_UNEXPECTED;
	if (avail < 2)
		return INSN_ERR_TRUNCATED;
	uint8_t b1 = op[1];
	switch (expected) {
	case INSN_CPUID:
		return b1 == 0xa2 ? 2 : INSN_ERR_UNEXPECTED;
	case INSN_RDMSR:
		return b1 == 0x32 ? 2 : INSN_ERR_UNEXPECTED;
	case INSN_WRMSR:
		return b1 == 0x30 ? 2 : INSN_ERR_UNEXPECTED;
	case INSN_HYPERCALL:
		if (b1 != 0x01)
			return INSN_ERR_UNEXPECTED;
		if (avail < 3)
			return INSN_ERR_TRUNCATED;
		/* 0f 01 /3 with ModRM d9 is VMMCALL, 0f 01 /0 with c1 is VMCALL. */
		return (op[2] == 0xd9 || op[2] == 0xc1) ? 3 : INSN_ERR_UNEXPECTED;
	default:
		return INSN_ERR_UNEXPECTED;
	}
}

int insn_length(const uint8_t *bytes, size_t avail, enum insn_kind expected)
{
	size_t limit = avail < INSN_MAX_LENGTH ? avail : INSN_MAX_LENGTH;
	size_t pos = 0;

	/*
	 * Legacy prefixes in any order and number, then at most one REX right before the
	 * opcode. A REX followed by a legacy prefix is ignored by the CPU (SDM 2.2.1), so
	 * scanning both in one loop measures such sequences correctly.
	 */
	while (pos < limit && (is_legacy_prefix(bytes[pos]) || is_rex(bytes[pos])))
		pos++;
	if (pos == INSN_MAX_LENGTH)
		return INSN_ERR_TOO_LONG;
	if (pos == avail)
		return INSN_ERR_TRUNCATED;

	int op = opcode_length(bytes + pos, avail - pos, expected);
	/* Fifteen bytes were there and the instruction had not ended: it is too long. */
	if (op == INSN_ERR_TRUNCATED && avail >= INSN_MAX_LENGTH)
		return INSN_ERR_TOO_LONG;
	if (op < 0)
		return op;
	if (pos + (size_t)op > INSN_MAX_LENGTH)
		return INSN_ERR_TOO_LONG;
	return (int)pos + op;
}

const char *insn_error_name(int error)
{
	switch (error) {
	case INSN_ERR_TRUNCATED:  return "truncated";
	case INSN_ERR_TOO_LONG:   return "longer than 15 bytes";
	case INSN_ERR_UNEXPECTED: return "not the expected instruction";
	default:                  return "unknown decoder error";
	}
}
