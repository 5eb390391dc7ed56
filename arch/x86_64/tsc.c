/* tsc.c: calibrating the TSC and deriving time and delays from it. */
#include "tsc.h"

#include "arch.h"
#include "cpu.h"
#include "log.h"

#define PIT_HZ        1193182u
#define PIT_CH2_DATA  0x42
#define PIT_COMMAND   0x43
#define PORT_B        0x61     /* bit 0: channel 2 gate, bit 1: speaker, bit 5: channel 2 output */

static uint64_t khz;
static uint64_t tsc_at_calibration;
static const char *source = "none";

/* Counts TSC ticks while PIT channel 2 counts down 'ms' milliseconds in mode 0. */
static uint64_t pit_measure(unsigned int ms)
{
	uint32_t count = PIT_HZ * ms / 1000;
	uint8_t b = inb(PORT_B);
	outb(PORT_B, (b & ~0x02) | 0x01);          /* gate on, speaker off */
	outb(PIT_COMMAND, 0xb0);                   /* channel 2, lobyte/hibyte, mode 0, binary */
	outb(PIT_CH2_DATA, count & 0xff);
	outb(PIT_CH2_DATA, count >> 8);
	uint64_t start = rdtsc();
	uint64_t spins = 0;
	while (!(inb(PORT_B) & 0x20)) {
		if (++spins > 100000000ull)
			return 0;   /* no PIT: caller falls back */
	}
	uint64_t ticks = rdtsc() - start;
	outb(PORT_B, b);
	return ticks;
}

void tsc_calibrate(void)
{
	struct cpuid_regs r = cpuid(0, 0);
	if (r.eax >= 0x15) {
		struct cpuid_regs c = cpuid(0x15, 0);
		if (c.eax && c.ebx && c.ecx) {
			khz = (uint64_t)c.ecx * c.ebx / c.eax / 1000;
			source = "CPUID 0x15";
		}
	}
	if (!khz) {
		/* Best of three: an emulator or SMI can only make one run look slower. */
		uint64_t best = ~0ull;
		for (int i = 0; i < 3; i++) {
			uint64_t t = pit_measure(10);
			if (t && t < best)
				best = t;
		}
		if (best != ~0ull) {
			khz = best / 10;
			source = "PIT";
		}
	}
	if (!khz && r.eax >= 0x16 && (cpuid(0x16, 0).eax & 0xffff)) {
		khz = (uint64_t)(cpuid(0x16, 0).eax & 0xffff) * 1000;
		source = "CPUID 0x16";
	}
	if (!khz)
		panic("cannot calibrate the TSC: no CPUID 0x15/0x16 and no PIT");
	tsc_at_calibration = rdtsc();
}

uint64_t tsc_khz(void)
{
	return khz;
}

const char *tsc_source(void)
{
	return source;
}

void tsc_delay_us(uint64_t us)
{
	uint64_t end = rdtsc() + us * khz / 1000;
	while (rdtsc() < end)
		cpu_relax();
}

uint64_t arch_tsc_khz(void)
{
	return khz;
}

uint64_t arch_tsc_to_ns(uint64_t tsc)
{
	/* Split to avoid overflowing 64 bits for long uptimes. */
	uint64_t ticks = tsc - tsc_at_calibration;
	return ticks / khz * 1000000 + (ticks % khz) * 1000000 / khz;
}

uint64_t arch_time_ns(void)
{
	return arch_tsc_to_ns(rdtsc());
}

uint64_t arch_ms_since_tsc(uint64_t tsc)
{
	return (rdtsc() - tsc) / khz;
}
