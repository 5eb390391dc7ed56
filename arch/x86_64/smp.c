/* smp.c: starting the application processors with INIT-SIPI-SIPI through the low trampoline. */
#include "arch.h"

#include "cpu.h"
#include "frame.h"
#include "lapic.h"
#include "layout.h"
#include "log.h"
#include "paging.h"
#include "percpu.h"
#include "platform.h"
#include "string.h"
#include "trampoline.h"
#include "tsc.h"

extern char __trampoline_start[], __trampoline_end[];

struct cpu cpu_data[MAX_CPUS];
unsigned int cpus_online = 1;

static paddr_t trampoline_page;
static paddr_t trampoline_root;   /* a copy of the root plus an identity map of the trampoline */

#define AP_START_TIMEOUT_US 2000000   /* TCG can take a while to schedule a new vCPU thread */

__attribute__((noreturn)) void ap_entry(struct cpu *c);
__attribute__((noreturn)) void ap_entry(struct cpu *c)
{
	/* Leave the trampoline's tables for the real ones (no identity map in them). */
	write_cr3(paging_root());
	cpu_local_init(c);
	__atomic_add_fetch(&cpus_online, 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&c->online, true, __ATOMIC_RELEASE);
	kernel_ap_main();
}

static void *page(paddr_t pa)
{
	return phys_to_virt(pa);
}

static paddr_t low_table(void)
{
	paddr_t pa = frame_alloc_below(0, FRAME_BELOW_4G);
	if (pa == FRAME_NONE)
		panic("smp: no memory below 4 GiB for the trampoline tables");
	memset(page(pa), 0, PAGE_SIZE);
	return pa;
}

/* The AP loads CR3 in real mode (32 bits), so every table it walks first must be low. */
static void trampoline_prepare(void)
{
	trampoline_page = frame_alloc_below(0, FRAME_BELOW_1M);
	if (trampoline_page == FRAME_NONE)
		panic("smp: no free page below 1 MiB for the AP trampoline");
	size_t size = (size_t)(__trampoline_end - __trampoline_start);
	memset(page(trampoline_page), 0, PAGE_SIZE);
	memcpy(page(trampoline_page), __trampoline_start, size);

	trampoline_root = low_table();
	paddr_t pdpt = low_table(), pd = low_table(), pt = low_table();
	uint64_t *root = page(trampoline_root);
	root[0] = pdpt | PTE_P | PTE_W;
	((uint64_t *)page(pdpt))[0] = pd | PTE_P | PTE_W;
	((uint64_t *)page(pd))[0] = pt | PTE_P | PTE_W;
	((uint64_t *)page(pt))[trampoline_page >> PAGE_SHIFT] = trampoline_page | PTE_P;

	uint8_t *t = page(trampoline_page);
	uint32_t linear = (uint32_t)trampoline_page;
	extern char trampoline_long_offset[];
	*(uint16_t *)(t + TRAMPOLINE_GDTR) = 3 * 8 - 1;
	*(uint32_t *)(t + TRAMPOLINE_GDTR + 2) = linear + TRAMPOLINE_GDT;
	*(uint32_t *)(t + TRAMPOLINE_FARJMP) = linear + (uint32_t)(uintptr_t)trampoline_long_offset;
	*(uint16_t *)(t + TRAMPOLINE_FARJMP + 4) = 0x08;
	*(uint32_t *)(t + TRAMPOLINE_CR3) = (uint32_t)trampoline_root;
}

static bool start_cpu(struct cpu *c)
{
	uint64_t slot = paging_map_cpu_slot(c->id);
	c->stack_top = slot + CPU_STACK_OFFSET + CPU_STACK_SIZE;

	/* The higher half (including the slot just mapped) must be visible through the copy. */
	uint64_t *copy = page(trampoline_root);
	const uint64_t *real = page(paging_root());
	for (int i = 256; i < 512; i++)
		copy[i] = real[i];

	uint8_t *t = page(trampoline_page);
	*(uint64_t *)(t + TRAMPOLINE_STACK) = c->stack_top;
	*(uint64_t *)(t + TRAMPOLINE_ENTRY) = (uint64_t)ap_entry;
	*(uint64_t *)(t + TRAMPOLINE_ARG) = (uint64_t)c;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);

	/* The MP start-up sequence (SDM 8.4.4.1): INIT, 10 ms, SIPI, 200 us, SIPI. */
	uint8_t sipi_vector = (uint8_t)(trampoline_page >> PAGE_SHIFT);
	lapic_send_ipi(c->apic_id, IPI_INIT, 0);
	tsc_delay_us(10000);
	lapic_send_ipi(c->apic_id, IPI_STARTUP, sipi_vector);
	tsc_delay_us(200);
	if (!__atomic_load_n(&c->online, __ATOMIC_ACQUIRE))
		lapic_send_ipi(c->apic_id, IPI_STARTUP, sipi_vector);

	for (uint64_t waited = 0; waited < AP_START_TIMEOUT_US; waited += 100) {
		if (__atomic_load_n(&c->online, __ATOMIC_ACQUIRE))
			return true;
		tsc_delay_us(100);
	}
	return false;
}

unsigned int arch_smp_init(unsigned int max)
{
	const struct acpi_info *a = &platform_acpi;
	uint32_t self = lapic_id();
	unsigned int next_id = 1;

	if (!a->have_madt || a->cpu_count <= 1)
		return cpus_online;
	trampoline_prepare();

	for (uint32_t i = 0; i < a->cpu_count; i++) {
		if (max && cpus_online >= max)
			break;
		if (!a->cpus[i].enabled || a->cpus[i].apic_id == self)
			continue;
		if (next_id >= MAX_CPUS)
			break;
		struct cpu *c = &cpu_data[next_id];
		c->id = next_id;
		c->apic_id = a->cpus[i].apic_id;
		if (start_cpu(c)) {
			next_id++;
		} else {
			pr_warn("smp: cpu with APIC id %u did not start\n", c->apic_id);
			memset(c, 0, sizeof(*c));
		}
	}
	return cpus_online;
}
