/* fpu.c: saving and restoring a vCPU's x87/SSE/AVX registers with XSAVE (or FXSAVE without it). */
#include "arch.h"

#include <stdbool.h>

#include "cpu.h"
#include "log.h"
#include "string.h"

#define XCR0_X87 (1ull << 0)
#define XCR0_SSE (1ull << 1)
#define XCR0_AVX (1ull << 2)

static bool use_xsave;
static uint64_t xcr0;
static uint32_t state_size = 512;

static void xsetbv(uint32_t index, uint64_t value)
{
	__asm__ volatile("xsetbv" :: "c"(index), "a"((uint32_t)value), "d"((uint32_t)(value >> 32)));
}

/*
 * On every CPU: FPU on, SSE on, and XSAVE with x87|SSE|AVX when the CPU has them. Guests
 * see the same XCR0 (CPUID hides XSAVE from them until they can set their own).
 */
void arch_fpu_cpu_init(void)
{
	write_cr0((read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE);
	uint64_t cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;
	struct cpuid_regs id = cpuid(1, 0);
	use_xsave = id.ecx & (1u << 26);
	if (use_xsave) {
		write_cr4(cr4 | CR4_OSXSAVE);
		uint64_t supported = cpuid(0xd, 0).eax | ((uint64_t)cpuid(0xd, 0).edx << 32);
		xcr0 = XCR0_X87 | XCR0_SSE | (supported & XCR0_AVX);
		xsetbv(0, xcr0);
		state_size = cpuid(0xd, 0).ebx;   /* for the features enabled in XCR0 */
	} else {
		write_cr4(cr4);
	}
}

size_t arch_fpu_state_size(void)
{
	return state_size;
}

const char *arch_fpu_describe(void)
{
	return use_xsave ? ((xcr0 & XCR0_AVX) ? "XSAVE (x87, SSE, AVX)" : "XSAVE (x87, SSE)") : "FXSAVE";
}

/* The state after reset: FNINIT's control word and the default MXCSR, nothing in use. */
void arch_fpu_init_state(void *area)
{
	memset(area, 0, state_size > 4096 ? 4096 : state_size);
	uint8_t *legacy = area;
	*(uint16_t *)(legacy + 0) = 0x037f;   /* FCW */
	*(uint32_t *)(legacy + 24) = 0x1f80;  /* MXCSR */
	/* XSAVE header (byte 512): XSTATE_BV 0 = every component in its initial state. */
}

void arch_fpu_save(void *area)
{
	if (use_xsave)
		__asm__ volatile("xsave64 (%0)" :: "r"(area), "a"((uint32_t)xcr0), "d"((uint32_t)(xcr0 >> 32)) : "memory");
	else
		__asm__ volatile("fxsave64 (%0)" :: "r"(area) : "memory");
}

void arch_fpu_restore(const void *area)
{
	if (use_xsave)
		__asm__ volatile("xrstor64 (%0)" :: "r"(area), "a"((uint32_t)xcr0), "d"((uint32_t)(xcr0 >> 32)) : "memory");
	else
		__asm__ volatile("fxrstor64 (%0)" :: "r"(area) : "memory");
}
