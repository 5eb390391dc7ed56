/* mem_outside.c: reading guest-physical memory the domain does not own crashes the domain, not the hypervisor. */
#include "console.h"
#include "paging.h"
#include "xtf.h"

const char xtf_test_name[] = "mem_outside";

/* The load, at a named address so the announcement can give the RIP the hypervisor will report. */
extern const char mem_outside_load[];

void test_main(const struct keel_start_info *si)
{
	uint64_t mem_end = si->nr_pages * 4096;
	/* Past the shared-info page too: that one page after RAM is mapped (start_info.h). */
	uint64_t gpa = (mem_end + PAGE_SIZE_4K + PAGE_SIZE_2M - 1) & ~(PAGE_SIZE_2M - 1);
	uint64_t next_free = si->first_free_gpa;

	/*
	 * The builder maps only RAM, so map the first 2 MiB above it ourselves (identity): the
	 * access then passes the guest's page tables and reaches the hypervisor's NPT/EPT. If the
	 * builder's last large page already covers it, it is just as far outside RAM.
	 */
	paging_map_2m(gpa, gpa, &next_free);

	xtf_about_to("read gpa %#llx at rip %#llx (memory ends at %#llx)", (unsigned long long)gpa,
		     (unsigned long long)(uintptr_t)mem_outside_load, (unsigned long long)mem_end);
	uint64_t value;
	asm volatile(".globl mem_outside_load\n"
		     "mem_outside_load: movq (%1), %0"
		     : "=r"(value) : "r"(gpa) : "memory");
	xtf_failure("read gpa %#llx beyond memory and got %#llx", (unsigned long long)gpa,
		    (unsigned long long)value);
}
