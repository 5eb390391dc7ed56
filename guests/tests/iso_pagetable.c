/* iso_pagetable.c: isolation attack: the guest maps guest-physical addresses beyond its memory in its own page tables (target= on the command line) and reads them. */
#include <keel/grant_table.h>

#include "cmdline.h"
#include "cpu.h"
#include "iso_attack.h"
#include "paging.h"
#include "string.h"

const char xtf_test_name[] = "iso_pagetable";

/* Where the guest maps its target: far from RAM, the grant window and the builder's tables. */
#define ATTACK_VA 0x8000000000ull   /* 512 GiB */

extern const char iso_pagetable_load[];

/* The GPA each target names; 0 for an unknown name. */
static uint64_t target_gpa(const char *name, const struct keel_start_info *si, unsigned int phys_bits)
{
	uint64_t mem_end = si->nr_pages * 4096;
	if (!strcmp(name, "ram_end"))   /* past RAM and the shared-info page after it */
		return (mem_end + PAGE_SIZE_4K + PAGE_SIZE_2M - 1) & ~(PAGE_SIZE_2M - 1);
	if (!strcmp(name, "window"))    /* the grant window with nothing mapped into it */
		return KEEL_GRANT_WINDOW_BASE + PAGE_SIZE_2M;
	if (!strcmp(name, "apic"))
		return 0xfee00000;
	if (!strcmp(name, "ioapic"))
		return 0xfec00000;
	if (!strcmp(name, "hpet"))
		return 0xfed00000;
	if (!strcmp(name, "high"))      /* the last 2 MiB below the physical-address limit */
		return (1ull << phys_bits) - PAGE_SIZE_2M;
	if (!strcmp(name, "beyond"))    /* above it: reserved bits in the guest's own PTE */
		return 1ull << phys_bits;
	return 0;
}

void test_main(const struct keel_start_info *si)
{
	char name[16] = "";
	uint64_t next_free = si->first_free_gpa;
	unsigned int phys_bits = cpuid(0x80000000).eax >= 0x80000008 ? cpuid(0x80000008).eax & 0xff : 36;

	cmdline_get(si->cmdline, "target", name, sizeof name);
	uint64_t gpa = target_gpa(name, si, phys_bits);
	if (!gpa) {
		xtf_failure("target= must be ram_end, window, apic, ioapic, hpet, high or beyond, not '%s'", name);
		return;
	}
	trap_init(xtf_unhandled_trap);
	uint64_t base = gpa & ~(PAGE_SIZE_2M - 1);
	if (paging_map_2m(ATTACK_VA, base, &next_free)) {
		xtf_failure("cannot map %#llx in the guest's own tables", (unsigned long long)base);
		return;
	}
	uint64_t va = ATTACK_VA + (gpa - base);

	iso_attempts = 1;
	gprintf("iso: %s: %s: 1 attempts\n", xtf_test_name, name);
	xtf_about_to("read gpa %#llx at rip %#llx (%s; memory ends at %#llx, %u physical-address bits)",
		     (unsigned long long)gpa, (unsigned long long)(uintptr_t)iso_pagetable_load, name,
		     (unsigned long long)si->nr_pages * 4096, phys_bits);
	uint64_t value = 0;
	trap_expect();
	asm volatile(".globl iso_pagetable_load\n"
		     "iso_pagetable_load: movq (%1), %0\n"
		     "2:\n\t" TRAP_EXTABLE(iso_pagetable_load, 2b)
		     : "+r"(value) : "r"(va) : "memory");
	/* Only 'beyond' may come back: as the guest's own #PF with the reserved-bit flag (error bit 3). */
	if (trap_caught.vector == X86_EXC_PF && (trap_caught.error_code & 8)) {
		iso_refused = 1;
		gprintf("iso: %s: %s: #PF (reserved bit) in the guest, error %#llx\n", xtf_test_name, name,
			(unsigned long long)trap_caught.error_code);
	} else {
		xtf_failure("read gpa %#llx and got %s, value %#llx", (unsigned long long)gpa,
			    trap_name(trap_caught.vector), (unsigned long long)value);
	}
	iso_report();
}
