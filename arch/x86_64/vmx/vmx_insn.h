/* vmx_insn.h: inline wrappers for the VMX instructions (VMXON, VMCLEAR, VMPTRLD, VMREAD, VMWRITE, INVEPT, INVVPID). */
#ifndef KEEL_VMX_INSN_H
#define KEEL_VMX_INSN_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Every VMX instruction reports failure in RFLAGS (SDM 30.2): CF=1 is VMfailInvalid (no
 * current VMCS), ZF=1 is VMfailValid (the error number is in the VM-instruction error
 * field). "setna" catches both, so each wrapper returns true on success.
 */
static inline bool vmxon(uint64_t region_pa)
{
	bool failed;
	__asm__ volatile("vmxon %1; setna %0" : "=qm"(failed) : "m"(region_pa) : "cc", "memory");
	return !failed;
}

static inline void vmxoff(void)
{
	__asm__ volatile("vmxoff" ::: "cc", "memory");
}

static inline bool vmclear(uint64_t vmcs_pa)
{
	bool failed;
	__asm__ volatile("vmclear %1; setna %0" : "=qm"(failed) : "m"(vmcs_pa) : "cc", "memory");
	return !failed;
}

static inline bool vmptrld(uint64_t vmcs_pa)
{
	bool failed;
	__asm__ volatile("vmptrld %1; setna %0" : "=qm"(failed) : "m"(vmcs_pa) : "cc", "memory");
	return !failed;
}

static inline bool vmcs_write(uint64_t field, uint64_t value)
{
	bool failed;
	__asm__ volatile("vmwrite %2, %1; setna %0" : "=qm"(failed) : "r"(field), "rm"(value) : "cc", "memory");
	return !failed;
}

static inline uint64_t vmcs_read(uint64_t field)
{
	uint64_t value;
	__asm__ volatile("vmread %1, %0" : "=r"(value) : "r"(field) : "cc");
	return value;
}

/* INVEPT and INVVPID take a 128-bit descriptor in memory and the type in a register (SDM 30.3). */
#define INVEPT_SINGLE_CONTEXT   1
#define INVEPT_ALL_CONTEXT      2
#define INVVPID_SINGLE_CONTEXT  1
#define INVVPID_ALL_CONTEXT     2

static inline bool invept(uint64_t type, uint64_t eptp)
{
	struct { uint64_t eptp, reserved; } __attribute__((aligned(16))) desc = { eptp, 0 };
	bool failed;
	__asm__ volatile("invept %1, %2; setna %0" : "=qm"(failed) : "m"(desc), "r"(type) : "cc", "memory");
	return !failed;
}

static inline bool invvpid(uint64_t type, uint16_t vpid)
{
	struct { uint64_t vpid, linear; } __attribute__((aligned(16))) desc = { vpid, 0 };
	bool failed;
	__asm__ volatile("invvpid %1, %2; setna %0" : "=qm"(failed) : "m"(desc), "r"(type) : "cc", "memory");
	return !failed;
}

#endif
