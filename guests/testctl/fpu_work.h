/* fpu_work.h: a long SSE computation kept in registers, for proving vCPU FPU state survives preemption. */
#ifndef TESTCTL_FPU_WORK_H
#define TESTCTL_FPU_WORK_H

#include <stdint.h>

/*
 * Runs 'rounds' iterations of multiply-add on eight XMM registers without ever storing them,
 * under the MXCSR rounding mode 'rounding' (0 nearest, 1 down, 2 up, 3 toward zero). If
 * another vCPU's registers or MXCSR leaked in while this one was preempted, the result
 * differs. Deterministic: the same arguments give the same bits on any x86-64 CPU.
 */
static inline uint64_t fpu_work(uint64_t seed, unsigned int rounding, uint64_t rounds)
{
	uint64_t out[2];
	uint32_t mxcsr = 0x1f80u | ((rounding & 3u) << 13), saved;
	double start[2] = { 1.0 + (double)(seed & 0xffff) / 65536.0, 1.5 + (double)(seed >> 16 & 0xffff) / 131072.0 };
	const double factor[2] = { 1.0000001, 0.9999999 };
	__asm__ volatile(
		"stmxcsr %[saved]\n\t"
		"ldmxcsr %[mxcsr]\n\t"
		"movupd %[start], %%xmm0\n\t"
		"movupd %[factor], %%xmm7\n\t"
		"movapd %%xmm0, %%xmm1\n\t"
		"addpd %%xmm7, %%xmm1\n\t"
		"movapd %%xmm1, %%xmm2\n\t"
		"movapd %%xmm0, %%xmm3\n\t"
		"1:\n\t"
		"mulpd %%xmm7, %%xmm0\n\t"
		"addpd %%xmm0, %%xmm1\n\t"
		"mulpd %%xmm7, %%xmm2\n\t"
		"subpd %%xmm2, %%xmm1\n\t"
		"addpd %%xmm1, %%xmm3\n\t"
		"mulpd %%xmm7, %%xmm3\n\t"
		"dec %[n]\n\t"
		"jnz 1b\n\t"
		"addpd %%xmm1, %%xmm0\n\t"
		"addpd %%xmm3, %%xmm0\n\t"
		"addpd %%xmm2, %%xmm0\n\t"
		"movupd %%xmm0, %[out]\n\t"
		"ldmxcsr %[saved]\n\t"
		: [out] "=m"(out), [n] "+r"(rounds), [saved] "=m"(saved)
		: [start] "m"(start), [factor] "m"(factor), [mxcsr] "m"(mxcsr)
		: "xmm0", "xmm1", "xmm2", "xmm3", "xmm7", "cc");
	return out[0] ^ (out[1] * 0x9e3779b97f4a7c15ull);
}

#endif
