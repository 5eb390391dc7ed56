/* lapic.c: local APIC access (x2APIC MSRs or xAPIC MMIO), IPIs and the APIC timer. */
#include "lapic.h"

#include "cpu.h"
#include "log.h"
#include "paging.h"
#include "tsc.h"

enum {
	REG_ID = 0x020, REG_TPR = 0x080, REG_EOI = 0x0b0, REG_SVR = 0x0f0, REG_ESR = 0x280,
	REG_ICR_LOW = 0x300, REG_ICR_HIGH = 0x310, REG_LVT_TIMER = 0x320, REG_LVT_LINT0 = 0x350,
	REG_LVT_LINT1 = 0x360, REG_LVT_ERROR = 0x370, REG_TIMER_INIT = 0x380, REG_TIMER_CUR = 0x390,
	REG_TIMER_DIV = 0x3e0,
};

#define APIC_BASE_ENABLE  (1ull << 11)
#define APIC_BASE_X2APIC  (1ull << 10)
#define SVR_ENABLE        (1u << 8)
#define LVT_MASKED        (1u << 16)
#define LVT_PERIODIC      (1u << 17)
#define ICR_PENDING       (1u << 12)
#define ICR_LEVEL_ASSERT  (1u << 14)
#define ICR_ALL_BUT_SELF  (3u << 18)
#define SPURIOUS_VECTOR   0xff

static bool x2apic;
static volatile uint32_t *mmio;
static uint32_t timer_ticks_per_ms;   /* at divide-by-16 */

static uint32_t lapic_read(uint32_t reg)
{
	return x2apic ? (uint32_t)rdmsr(0x800 + (reg >> 4)) : mmio[reg / 4];
}

static void lapic_write(uint32_t reg, uint32_t v)
{
	if (x2apic)
		wrmsr(0x800 + (reg >> 4), v);
	else
		mmio[reg / 4] = v;
}

bool lapic_x2apic_mode(void)
{
	return x2apic;
}

void lapic_global_init(paddr_t madt_lapic_addr)
{
	x2apic = cpuid(1, 0).ecx & (1u << 21);
	if (!x2apic) {
		paddr_t base = madt_lapic_addr ? madt_lapic_addr : (rdmsr(MSR_APIC_BASE) & PTE_ADDR);
		mmio = paging_map_mmio(base, PAGE_SIZE);
		if (!mmio)
			panic("cannot map the local APIC");
	}
}

void lapic_cpu_init(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE;
	if (x2apic) {
		/* xAPIC -> x2APIC must pass through "enabled xAPIC" first (SDM 10.12.5). */
		wrmsr(MSR_APIC_BASE, base);
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_X2APIC);
	} else {
		wrmsr(MSR_APIC_BASE, base);
	}
	lapic_write(REG_TPR, 0);
	lapic_write(REG_LVT_TIMER, LVT_MASKED);
	lapic_write(REG_LVT_LINT0, LVT_MASKED);
	lapic_write(REG_LVT_LINT1, LVT_MASKED);
	lapic_write(REG_LVT_ERROR, LVT_MASKED);
	lapic_write(REG_SVR, SVR_ENABLE | SPURIOUS_VECTOR);
	/* ESR is cleared by a write before a read (SDM 10.5.3). */
	lapic_write(REG_ESR, 0);
	lapic_write(REG_ESR, 0);
}

uint32_t lapic_id(void)
{
	return x2apic ? lapic_read(REG_ID) : lapic_read(REG_ID) >> 24;
}

void lapic_eoi(void)
{
	lapic_write(REG_EOI, 0);
}

static void send_icr(uint32_t dest, uint32_t low)
{
	if (x2apic) {
		wrmsr(0x830, ((uint64_t)dest << 32) | low);
		return;
	}
	lapic_write(REG_ICR_HIGH, dest << 24);
	lapic_write(REG_ICR_LOW, low);
	for (int spins = 0; spins < 1000000 && (lapic_read(REG_ICR_LOW) & ICR_PENDING); spins++)
		cpu_relax();
}

void lapic_send_ipi(uint32_t apic_id, enum ipi_mode mode, uint8_t vector)
{
	send_icr(apic_id, (uint32_t)mode | ICR_LEVEL_ASSERT | vector);
}

void lapic_send_ipi_others(enum ipi_mode mode, uint8_t vector)
{
	send_icr(0, (uint32_t)mode | ICR_LEVEL_ASSERT | ICR_ALL_BUT_SELF | vector);
}

void lapic_timer_calibrate(void)
{
	lapic_write(REG_TIMER_DIV, 0x3);   /* divide by 16 */
	lapic_write(REG_LVT_TIMER, LVT_MASKED);
	/* Count for 10 ms of TSC time; if the counter ran out (an emulator whose APIC clock is
	 * far faster than its TSC claims), measure again over a tenth of that. */
	for (uint32_t us = 10000; us; us /= 10) {
		lapic_write(REG_TIMER_INIT, 0xffffffff);
		tsc_delay_us(us);
		uint32_t left = lapic_read(REG_TIMER_CUR);
		lapic_write(REG_TIMER_INIT, 0);
		if (left == 0 && us > 10)
			continue;
		uint64_t per_ms = (uint64_t)(0xffffffffu - left) * 1000 / us;
		timer_ticks_per_ms = per_ms > 0xffffffffu ? 0xffffffffu : per_ms ? (uint32_t)per_ms : 1;
		return;
	}
}

void lapic_timer_oneshot_init(uint8_t vector)
{
	lapic_write(REG_TIMER_DIV, 0x3);
	lapic_write(REG_LVT_TIMER, vector);   /* one-shot: counts down once, then interrupts */
}

void lapic_timer_oneshot_ns(uint64_t ns)
{
	/* ticks = ns * ticks_per_ms / 10^6, without overflow for any delay below ~4 s. */
	uint64_t ticks = ns / 1000 * timer_ticks_per_ms / 1000;
	if (ticks == 0)
		ticks = 1;
	if (ticks > 0xffffffffull)
		ticks = 0xffffffffull;
	lapic_write(REG_TIMER_INIT, (uint32_t)ticks);   /* writing the initial count restarts it */
}
