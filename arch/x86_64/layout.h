/* layout.h: the hypervisor's virtual address layout and stack geometry (shared with assembly). */
#ifndef KEEL_ARCH_LAYOUT_H
#define KEEL_ARCH_LAYOUT_H

/*
 * 0xffff800000000000  direct map of all physical memory (kernel/mm.h: DIRECT_MAP_BASE)
 * 0xffffff0000000000  per-CPU stack slots, each surrounded by unmapped guard pages
 * 0xffffffff80000000  the hypervisor image (linker.ld)
 */
#define STACK_AREA_BASE    0xffffff0000000000
#define BOOT_STACK_SIZE    16384

/* One CPU's slot: a guard page below every stack, so an overflow faults instead of corrupting. */
#define CPU_SLOT_SIZE      0x20000
#define CPU_STACK_OFFSET   0x01000   /* main stack: 0x01000 .. 0x09000 */
#define CPU_STACK_SIZE     0x8000
#define CPU_IST_DF_OFFSET  0x0a000   /* double fault:   0x0a000 .. 0x0c000 */
#define CPU_IST_NMI_OFFSET 0x0d000   /* NMI:            0x0d000 .. 0x0f000 */
#define CPU_IST_MC_OFFSET  0x10000   /* machine check:  0x10000 .. 0x12000 */
#define CPU_IST_SIZE       0x2000

/* IST slot numbers in the TSS (1-based, as the IDT gate encodes them). */
#define IST_DF  1
#define IST_NMI 2
#define IST_MC  3

#endif
