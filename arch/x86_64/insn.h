/* insn.h: an x86-64 instruction-length decoder for the few instructions Keel intercepts. */
#ifndef KEEL_ARCH_INSN_H
#define KEEL_ARCH_INSN_H

#include <stddef.h>
#include <stdint.h>

/*
 * Without NRIP save (QEMU TCG, old CPUs) an exit does not say how long the exiting
 * instruction was, yet the hypervisor must step over it. The kernel fetches the bytes at
 * the guest's RIP and asks here. The decoder knows only the instructions that cause those
 * exits, so bytes that are something else are reported instead of guessed at.
 * Guests run in 64-bit mode, so 0x40-0x4f are REX prefixes, never INC/DEC.
 */
enum insn_kind {
	INSN_HYPERCALL,   /* VMMCALL (0f 01 d9) or VMCALL (0f 01 c1) */
	INSN_CPUID,       /* 0f a2 */
	INSN_RDMSR,       /* 0f 32 */
	INSN_WRMSR,       /* 0f 30 */
	INSN_HLT,         /* f4 */
	INSN_IO,          /* in/out e4-e7 ib, ec-ef; ins/outs 6c-6f */
};

#define INSN_MAX_LENGTH 15   /* longer is #GP on every x86 CPU */

/* Negative results of insn_length(). */
#define INSN_ERR_TRUNCATED  (-1)   /* 'avail' ended inside the instruction */
#define INSN_ERR_TOO_LONG   (-2)   /* more than 15 bytes */
#define INSN_ERR_UNEXPECTED (-3)   /* the bytes are not the expected instruction */

/* The total length (prefixes included) of the 'expected' instruction at 'bytes', or INSN_ERR_*. */
int insn_length(const uint8_t *bytes, size_t avail, enum insn_kind expected);

/* A name for an INSN_ERR_* value, for log lines. */
const char *insn_error_name(int error);

#endif
