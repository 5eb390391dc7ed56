/* gdt.c: building and loading each CPU's GDT and TSS. */
#include "gdt.h"

#include "layout.h"
#include "string.h"

struct descriptor_pointer {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

/* Long mode ignores base and limit of code and data segments; only these bits matter. */
#define SEG_PRESENT   (1ull << 47)
#define SEG_CODE_DATA (1ull << 44)
#define SEG_EXEC      (1ull << 43)
#define SEG_RW        (1ull << 41)
#define SEG_LONG      (1ull << 53)
#define SEG_GRAN      (1ull << 55)

void gdt_setup(struct cpu_tables *t, uint64_t slot_base)
{
	memset(t, 0, sizeof(*t));
	t->gdt[0] = 0;
	t->gdt[1] = SEG_PRESENT | SEG_CODE_DATA | SEG_EXEC | SEG_RW | SEG_LONG | SEG_GRAN | 0xffff;
	t->gdt[2] = SEG_PRESENT | SEG_CODE_DATA | SEG_RW | SEG_GRAN | (0xfull << 48) | 0xffff;

	t->tss.ist[IST_DF - 1]  = slot_base + CPU_IST_DF_OFFSET + CPU_IST_SIZE;
	t->tss.ist[IST_NMI - 1] = slot_base + CPU_IST_NMI_OFFSET + CPU_IST_SIZE;
	t->tss.ist[IST_MC - 1]  = slot_base + CPU_IST_MC_OFFSET + CPU_IST_SIZE;
	/* No I/O bitmap: a base beyond the limit denies every port to CPL 3 (there is none). */
	t->tss.iomap_base = sizeof(struct tss);

	uint64_t base = (uint64_t)&t->tss;
	uint64_t limit = sizeof(struct tss) - 1;
	t->gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x9ull << 40) /* available 64-bit TSS */
		    | SEG_PRESENT | (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	t->gdt[4] = base >> 32;
}

void gdt_load(struct cpu_tables *t)
{
	struct descriptor_pointer p = { sizeof(t->gdt) - 1, (uint64_t)t->gdt };
	__asm__ volatile(
		"lgdt %0\n\t"
		"pushq %1\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movw %w2, %%ax\n\t"
		"movw %%ax, %%ds\n\t"
		"movw %%ax, %%es\n\t"
		"movw %%ax, %%ss\n\t"
		"xorl %%eax, %%eax\n\t"
		"movw %%ax, %%fs\n\t"
		/* gs keeps selector 0; its base lives in MSR_GS_BASE */
		:
		: "m"(p), "i"(GDT_KERNEL_CS), "i"(GDT_KERNEL_DS)
		: "rax", "memory");
	__asm__ volatile("ltr %w0" :: "r"(GDT_TSS));
}
