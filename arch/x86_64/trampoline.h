/* trampoline.h: offsets of the AP trampoline's patched parameter block (shared with assembly). */
#ifndef KEEL_ARCH_TRAMPOLINE_H
#define KEEL_ARCH_TRAMPOLINE_H

#define TRAMPOLINE_GDT         0x100   /* 3 descriptors */
#define TRAMPOLINE_GDTR        0x120   /* u16 limit, u32 base (linear) */
#define TRAMPOLINE_FARJMP      0x128   /* u32 offset (linear), u16 selector */
#define TRAMPOLINE_CR3         0x130   /* u32: temporary tables, below 4 GiB */
#define TRAMPOLINE_STACK       0x138   /* u64: the AP's stack top */
#define TRAMPOLINE_ENTRY       0x140   /* u64: ap_entry */
#define TRAMPOLINE_ARG         0x148   /* u64: struct cpu * */
#define TRAMPOLINE_PARAMS_END  0x150

#endif
