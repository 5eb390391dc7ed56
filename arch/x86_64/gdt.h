/* gdt.h: the per-CPU GDT and TSS (the TSS carries the IST stacks for #DF, NMI and #MC). */
#ifndef KEEL_ARCH_GDT_H
#define KEEL_ARCH_GDT_H

#include <stdint.h>

#define GDT_KERNEL_CS  0x08
#define GDT_KERNEL_DS  0x10
#define GDT_TSS        0x18   /* a 16-byte system descriptor: slots 3 and 4 */
#define GDT_ENTRIES    5

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

struct cpu_tables {
	uint64_t gdt[GDT_ENTRIES];
	struct tss tss;
};

/* Fills the tables; the IST pointers come from the CPU's stack slot. */
void gdt_setup(struct cpu_tables *t, uint64_t slot_base);
/* Loads GDTR, reloads segment registers and TR. */
void gdt_load(struct cpu_tables *t);

#endif
