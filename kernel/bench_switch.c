/* bench_switch.c: builds the throwaway guest for the switch-floor benchmark and logs the result. */
#include "bench_switch.h"

#include "arch.h"
#include "frame.h"
#include "guest_layout.h"
#include "irq.h"
#include "keel/abi.h"
#include "log.h"
#include "mm.h"
#include "string.h"
#include "virt.h"

/*
 * Guest-physical layout: one page each, identity-mapped by a single 2 MiB guest page.
 * The guest never loads a segment or takes an exception, but its GDTR points at a real
 * GDT so the state is what a domain's first vCPU gets (lib/guest_layout.h).
 */
enum { FLOOR_PML4, FLOOR_PDPT, FLOOR_PD, FLOOR_CODE, FLOOR_GDT, FLOOR_PAGES };
#define FLOOR_GPA(page) (((uint64_t)(page) + 1) * GUEST_LAYOUT_PAGE)
#define FLOOR_ROUNDS 5
#define PTE_PRESENT 0x1ull
#define PTE_WRITE   0x2ull
#define PTE_LARGE   0x80ull

/* "vmcall" (0f 01 c1) or "vmmcall" (0f 01 d9), then "jmp" back 5 bytes (eb fb). */
static void write_floor_code(uint8_t *code, bool vmx)
{
	const uint8_t loop[] = { 0x0f, 0x01, vmx ? 0xc1 : 0xd9, 0xeb, 0xfb };
	memset(code, 0xcc, GUEST_LAYOUT_PAGE);   /* int3 anywhere else */
	memcpy(code, loop, sizeof(loop));
}

static void build_floor_guest(paddr_t frames[FLOOR_PAGES], bool vmx)
{
	uint64_t *pml4 = phys_to_virt(frames[FLOOR_PML4]);
	uint64_t *pdpt = phys_to_virt(frames[FLOOR_PDPT]);
	uint64_t *pd = phys_to_virt(frames[FLOOR_PD]);
	pml4[0] = FLOOR_GPA(FLOOR_PDPT) | PTE_PRESENT | PTE_WRITE;
	pdpt[0] = FLOOR_GPA(FLOOR_PD) | PTE_PRESENT | PTE_WRITE;
	pd[0] = 0 | PTE_PRESENT | PTE_WRITE | PTE_LARGE;
	write_floor_code(phys_to_virt(frames[FLOOR_CODE]), vmx);
	memcpy(phys_to_virt(frames[FLOOR_GDT]), guest_layout_gdt, sizeof(guest_layout_gdt));
}

static void log_result(int round, uint64_t trips, uint64_t ticks, uint64_t other)
{
	uint64_t khz = arch_tsc_khz();
	uint64_t per_trip_centi = ticks * 100 / trips;
	uint64_t rate = khz && ticks ? trips * khz * 1000 / ticks : 0;
	pr_info("bench: switch floor: %s: round %d: %llu round trips, %llu.%02llu TSC ticks each, %llu per second, %llu other exits\n",
		virt->name, round, (unsigned long long)trips, (unsigned long long)(per_trip_centi / 100),
		(unsigned long long)(per_trip_centi % 100), (unsigned long long)rate, (unsigned long long)other);
}

void bench_switch_floor(uint64_t trips)
{
	if (!virt || !virt->switch_floor) {
		pr_warn("bench: switch floor: no virtualization backend; skipped\n");
		return;
	}
	paddr_t frames[FLOOR_PAGES];
	struct p2m p2m = { 0 };
	int n, rc = virt->p2m_init(&p2m);
	for (n = 0; !rc && n < FLOOR_PAGES; n++) {
		frames[n] = frame_alloc_zeroed(0);
		if (frames[n] == FRAME_NONE) {
			rc = -KEEL_ENOMEM;
			break;
		}
		rc = virt->p2m_map(&p2m, FLOOR_GPA(n), frames[n], 0, P2M_RWX);
	}
	if (!rc) {
		build_floor_guest(frames, virt == &vmx_ops);
		struct vcpu_boot_state boot = {
			.cr0 = GUEST_LAYOUT_CR0, .cr3 = FLOOR_GPA(FLOOR_PML4), .cr4 = GUEST_LAYOUT_CR4,
			.efer = GUEST_LAYOUT_EFER, .gdtr_base = FLOOR_GPA(FLOOR_GDT),
			.gdtr_limit = sizeof(guest_layout_gdt) - 1,
			.code_selector = GUEST_LAYOUT_CS, .data_selector = GUEST_LAYOUT_DS,
		};
		/* Several rounds: emulators on shared machines are noisy, so the reader wants a spread. */
		for (int round = 1; !rc && round <= FLOOR_ROUNDS; round++) {
			uint64_t ticks = 0, other = 0;
			unsigned long flags = irq_save();
			rc = virt->switch_floor(&boot, &p2m, FLOOR_GPA(FLOOR_CODE), trips, &ticks, &other);
			irq_restore(flags);
			if (!rc)
				log_result(round, trips, ticks, other);
		}
	}
	if (rc)
		pr_err("bench: switch floor: failed (error %d)\n", rc);
	if (p2m.root)
		virt->p2m_destroy(&p2m);
	while (n-- > 0)
		frame_free(frames[n], 0);
}
