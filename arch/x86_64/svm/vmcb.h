/* vmcb.h: the AMD SVM Virtual Machine Control Block (APM vol. 2, appendix B) and its field encodings. */
#ifndef KEEL_SVM_VMCB_H
#define KEEL_SVM_VMCB_H

#include <stddef.h>
#include <stdint.h>

/*
 * The VMCB is one 4 KiB page: the control area (0x000-0x3ff) tells the CPU what to
 * intercept and reports exits; the state save area (0x400-) holds the guest's registers
 * while it is not running. Offsets below are the APM's, checked by _Static_assert.
 */

/* Control area, APM table B-1. */
struct vmcb_control {
	uint32_t intercept_cr;          /* 0x000: bits 0-15 CR reads, 16-31 CR writes */
	uint32_t intercept_dr;          /* 0x004: bits 0-15 DR reads, 16-31 DR writes */
	uint32_t intercept_exceptions;  /* 0x008: bit n = exception vector n */
	uint32_t intercept_misc1;       /* 0x00c: SVM_INTERCEPT1_* */
	uint32_t intercept_misc2;       /* 0x010: SVM_INTERCEPT2_* */
	uint32_t intercept_misc3;       /* 0x014 */
	uint8_t  reserved_018[0x03c - 0x018];
	uint16_t pause_filter_threshold;/* 0x03c */
	uint16_t pause_filter_count;    /* 0x03e */
	uint64_t iopm_base_pa;          /* 0x040 */
	uint64_t msrpm_base_pa;         /* 0x048 */
	uint64_t tsc_offset;            /* 0x050 */
	uint32_t guest_asid;            /* 0x058 */
	uint8_t  tlb_control;           /* 0x05c: SVM_TLB_* */
	uint8_t  reserved_05d[3];
	uint64_t vintr;                 /* 0x060: V_TPR, V_IRQ, V_INTR_MASKING, ... */
	uint64_t interrupt_shadow;      /* 0x068 */
	uint64_t exitcode;              /* 0x070: 64 bits wide: VMEXIT_INVALID is -1 */
	uint64_t exitinfo1;             /* 0x078 */
	uint64_t exitinfo2;             /* 0x080 */
	uint64_t exitintinfo;           /* 0x088: an event whose delivery the exit interrupted */
	uint64_t np_control;            /* 0x090: bit 0 NP_ENABLE */
	uint64_t avic_apic_bar;         /* 0x098 */
	uint64_t ghcb_pa;               /* 0x0a0 */
	uint64_t eventinj;              /* 0x0a8: an event to deliver on the next VMRUN */
	uint64_t n_cr3;                 /* 0x0b0: nested page table root */
	uint64_t virt_ext;              /* 0x0b8: LBR virtualization, virtual VMLOAD/VMSAVE */
	uint32_t clean_bits;            /* 0x0c0: 0 = the CPU may cache nothing */
	uint32_t reserved_0c4;
	uint64_t next_rip;              /* 0x0c8: only with NRIP save (CPUID 8000_000A EDX[3]) */
	uint8_t  insn_bytes_fetched;    /* 0x0d0: only with decode assists */
	uint8_t  insn_bytes[15];        /* 0x0d1 */
	uint8_t  reserved_0e0[0x400 - 0x0e0];
} __attribute__((packed));

/* A segment register as the VMCB stores it: attributes are descriptor bits 40-47 and 52-55. */
struct vmcb_segment {
	uint16_t selector;
	uint16_t attrib;
	uint32_t limit;
	uint64_t base;
} __attribute__((packed));

/* State save area, APM table B-2; offsets are from the start of the VMCB. */
struct vmcb_save {
	struct vmcb_segment es;         /* 0x400 */
	struct vmcb_segment cs;         /* 0x410 */
	struct vmcb_segment ss;         /* 0x420 */
	struct vmcb_segment ds;         /* 0x430 */
	struct vmcb_segment fs;         /* 0x440 */
	struct vmcb_segment gs;         /* 0x450 */
	struct vmcb_segment gdtr;       /* 0x460: only limit and base are used */
	struct vmcb_segment ldtr;       /* 0x470 */
	struct vmcb_segment idtr;       /* 0x480: only limit and base are used */
	struct vmcb_segment tr;         /* 0x490 */
	uint8_t  reserved_4a0[0x4cb - 0x4a0];
	uint8_t  cpl;                   /* 0x4cb */
	uint32_t reserved_4cc;
	uint64_t efer;                  /* 0x4d0 */
	uint8_t  reserved_4d8[0x548 - 0x4d8];
	uint64_t cr4;                   /* 0x548 */
	uint64_t cr3;                   /* 0x550 */
	uint64_t cr0;                   /* 0x558 */
	uint64_t dr7;                   /* 0x560 */
	uint64_t dr6;                   /* 0x568 */
	uint64_t rflags;                /* 0x570 */
	uint64_t rip;                   /* 0x578 */
	uint8_t  reserved_580[0x5d8 - 0x580];
	uint64_t rsp;                   /* 0x5d8 */
	uint64_t s_cet;                 /* 0x5e0 */
	uint64_t ssp;                   /* 0x5e8 */
	uint64_t isst_addr;             /* 0x5f0 */
	uint64_t rax;                   /* 0x5f8 */
	uint64_t star;                  /* 0x600: STAR .. SYSENTER_EIP are moved by VMLOAD/VMSAVE */
	uint64_t lstar;                 /* 0x608 */
	uint64_t cstar;                 /* 0x610 */
	uint64_t sfmask;                /* 0x618 */
	uint64_t kernel_gs_base;        /* 0x620 */
	uint64_t sysenter_cs;           /* 0x628 */
	uint64_t sysenter_esp;          /* 0x630 */
	uint64_t sysenter_eip;          /* 0x638 */
	uint64_t cr2;                   /* 0x640 */
	uint8_t  reserved_648[0x668 - 0x648];
	uint64_t g_pat;                 /* 0x668: the guest's PAT while nested paging is on */
	uint64_t dbgctl;                /* 0x670 */
	uint64_t br_from;               /* 0x678 */
	uint64_t br_to;                 /* 0x680 */
	uint64_t last_excp_from;        /* 0x688 */
	uint64_t last_excp_to;          /* 0x690 */
	uint8_t  reserved_698[0x1000 - 0x400 - 0x298];
} __attribute__((packed));

struct vmcb {
	struct vmcb_control control;
	struct vmcb_save save;
} __attribute__((packed));

#define VMCB_CHECK(field, off) \
	_Static_assert(offsetof(struct vmcb, field) == (off), "VMCB offset of " #field)
VMCB_CHECK(control.intercept_exceptions, 0x008);
VMCB_CHECK(control.intercept_misc1, 0x00c);
VMCB_CHECK(control.intercept_misc2, 0x010);
VMCB_CHECK(control.iopm_base_pa, 0x040);
VMCB_CHECK(control.msrpm_base_pa, 0x048);
VMCB_CHECK(control.tsc_offset, 0x050);
VMCB_CHECK(control.guest_asid, 0x058);
VMCB_CHECK(control.tlb_control, 0x05c);
VMCB_CHECK(control.vintr, 0x060);
VMCB_CHECK(control.exitcode, 0x070);
VMCB_CHECK(control.exitinfo1, 0x078);
VMCB_CHECK(control.exitinfo2, 0x080);
VMCB_CHECK(control.exitintinfo, 0x088);
VMCB_CHECK(control.np_control, 0x090);
VMCB_CHECK(control.eventinj, 0x0a8);
VMCB_CHECK(control.n_cr3, 0x0b0);
VMCB_CHECK(control.clean_bits, 0x0c0);
VMCB_CHECK(control.next_rip, 0x0c8);
VMCB_CHECK(control.insn_bytes, 0x0d1);
VMCB_CHECK(save.es, 0x400);
VMCB_CHECK(save.cs, 0x410);
VMCB_CHECK(save.ss, 0x420);
VMCB_CHECK(save.ds, 0x430);
VMCB_CHECK(save.fs, 0x440);
VMCB_CHECK(save.gs, 0x450);
VMCB_CHECK(save.gdtr, 0x460);
VMCB_CHECK(save.ldtr, 0x470);
VMCB_CHECK(save.idtr, 0x480);
VMCB_CHECK(save.tr, 0x490);
VMCB_CHECK(save.cpl, 0x4cb);
VMCB_CHECK(save.efer, 0x4d0);
VMCB_CHECK(save.cr4, 0x548);
VMCB_CHECK(save.cr3, 0x550);
VMCB_CHECK(save.cr0, 0x558);
VMCB_CHECK(save.dr7, 0x560);
VMCB_CHECK(save.dr6, 0x568);
VMCB_CHECK(save.rflags, 0x570);
VMCB_CHECK(save.rip, 0x578);
VMCB_CHECK(save.rsp, 0x5d8);
VMCB_CHECK(save.rax, 0x5f8);
VMCB_CHECK(save.star, 0x600);
VMCB_CHECK(save.sysenter_eip, 0x638);
VMCB_CHECK(save.cr2, 0x640);
VMCB_CHECK(save.g_pat, 0x668);
_Static_assert(sizeof(struct vmcb) == 4096, "the VMCB is one page");
#undef VMCB_CHECK

/* intercept_misc1 (VMCB 0x00c); the exit code of bit n is 0x60 + n. */
#define SVM_INTERCEPT1_INTR        (1u << 0)
#define SVM_INTERCEPT1_NMI         (1u << 1)
#define SVM_INTERCEPT1_SMI         (1u << 2)
#define SVM_INTERCEPT1_INIT        (1u << 3)
#define SVM_INTERCEPT1_CPUID       (1u << 18)
#define SVM_INTERCEPT1_INVD        (1u << 22)
#define SVM_INTERCEPT1_HLT         (1u << 24)
#define SVM_INTERCEPT1_INVLPGA     (1u << 26)
#define SVM_INTERCEPT1_IOIO_PROT   (1u << 27)
#define SVM_INTERCEPT1_MSR_PROT    (1u << 28)
#define SVM_INTERCEPT1_TASK_SWITCH (1u << 29)
#define SVM_INTERCEPT1_SHUTDOWN    (1u << 31)

/* intercept_misc2 (VMCB 0x010); the exit code of bit n is 0x80 + n. */
#define SVM_INTERCEPT2_VMRUN       (1u << 0)
#define SVM_INTERCEPT2_VMMCALL     (1u << 1)
#define SVM_INTERCEPT2_VMLOAD      (1u << 2)
#define SVM_INTERCEPT2_VMSAVE      (1u << 3)
#define SVM_INTERCEPT2_STGI        (1u << 4)
#define SVM_INTERCEPT2_CLGI        (1u << 5)
#define SVM_INTERCEPT2_SKINIT      (1u << 6)
#define SVM_INTERCEPT2_MONITOR     (1u << 10)
#define SVM_INTERCEPT2_MWAIT       (1u << 11)
#define SVM_INTERCEPT2_MWAIT_ARMED (1u << 12)
#define SVM_INTERCEPT2_XSETBV      (1u << 13)

/* Exception vectors the backend intercepts. */
#define X86_VECTOR_DB 1
#define X86_VECTOR_NMI 2
#define X86_VECTOR_AC 17
#define X86_VECTOR_MC 18

/* tlb_control (VMCB 0x05c). */
#define SVM_TLB_NOTHING         0
#define SVM_TLB_FLUSH_ALL       1   /* every ASID: the only flush QEMU TCG implements */
#define SVM_TLB_FLUSH_ASID      3   /* this guest's ASID only (CPUID 8000_000A EDX[6]) */

/* vintr (VMCB 0x060). */
#define SVM_VINTR_IRQ           (1ull << 8)    /* a virtual interrupt is pending (V_IRQ) */
#define SVM_VINTR_PRIO_SHIFT    16             /* V_INTR_PRIO, bits 19:16 */
#define SVM_VINTR_PRIO_MASK     (0xfull << 16)
#define SVM_VINTR_IGN_TPR       (1ull << 20)   /* deliver V_IRQ whatever V_TPR says */
#define SVM_VINTR_MASKING       (1ull << 24)   /* host RFLAGS.IF alone masks physical interrupts */
#define SVM_VINTR_VECTOR_SHIFT  32             /* V_INTR_VECTOR, bits 39:32 */
#define SVM_VINTR_VECTOR_MASK   (0xffull << 32)

/* np_control (VMCB 0x090). */
#define SVM_NP_ENABLE           (1ull << 0)

/* EVENTINJ and EXITINTINFO share one format (APM 15.20). */
#define SVM_EVENT_VECTOR_MASK   0xffull
#define SVM_EVENT_TYPE_SHIFT    8
#define SVM_EVENT_TYPE_INTR     (0ull << 8)
#define SVM_EVENT_TYPE_NMI      (2ull << 8)
#define SVM_EVENT_TYPE_EXCEPTION (3ull << 8)
#define SVM_EVENT_TYPE_SOFT_INT (4ull << 8)
#define SVM_EVENT_TYPE_MASK     (7ull << 8)
#define SVM_EVENT_ERROR_VALID   (1ull << 11)
#define SVM_EVENT_VALID         (1ull << 31)
#define SVM_EVENT_ERROR_SHIFT   32

/* Exit codes (APM table C-1). */
#define SVM_EXIT_EXCEPTION_BASE 0x040ull   /* + vector */
#define SVM_EXIT_INTR           0x060ull
#define SVM_EXIT_NMI            0x061ull
#define SVM_EXIT_SMI            0x062ull
#define SVM_EXIT_INIT           0x063ull
#define SVM_EXIT_CPUID          0x072ull
#define SVM_EXIT_INVD           0x076ull
#define SVM_EXIT_HLT            0x078ull
#define SVM_EXIT_INVLPGA        0x07aull
#define SVM_EXIT_IOIO           0x07bull
#define SVM_EXIT_MSR            0x07cull
#define SVM_EXIT_SHUTDOWN       0x07full
#define SVM_EXIT_VMRUN          0x080ull
#define SVM_EXIT_VMMCALL        0x081ull
#define SVM_EXIT_VMLOAD         0x082ull
#define SVM_EXIT_VMSAVE         0x083ull
#define SVM_EXIT_STGI           0x084ull
#define SVM_EXIT_CLGI           0x085ull
#define SVM_EXIT_SKINIT         0x086ull
#define SVM_EXIT_MONITOR        0x08aull
#define SVM_EXIT_MWAIT          0x08bull
#define SVM_EXIT_MWAIT_ARMED    0x08cull
#define SVM_EXIT_XSETBV         0x08dull
#define SVM_EXIT_NPF            0x400ull
#define SVM_EXIT_INVALID        ((uint64_t)-1)
#define SVM_EXIT_BUSY           ((uint64_t)-2)

/* IOIO EXITINFO1 (APM 15.10.2). */
#define SVM_IOIO_TYPE_IN        (1ull << 0)
#define SVM_IOIO_STRING         (1ull << 2)
#define SVM_IOIO_REP            (1ull << 3)
#define SVM_IOIO_SIZE8          (1ull << 4)
#define SVM_IOIO_SIZE16         (1ull << 5)
#define SVM_IOIO_SIZE32         (1ull << 6)
#define SVM_IOIO_PORT_SHIFT     16

/* Nested page fault EXITINFO1: a page-fault error code (APM 15.25.6). */
#define SVM_NPF_PRESENT         (1ull << 0)
#define SVM_NPF_WRITE           (1ull << 1)
#define SVM_NPF_USER            (1ull << 2)
#define SVM_NPF_RESERVED        (1ull << 3)
#define SVM_NPF_FETCH           (1ull << 4)

/* Segment attributes in the VMCB's compressed form. */
#define SVM_SEG_CODE64          0x0a9b   /* P, S, type 0xb (exec/read, accessed), L, G */
#define SVM_SEG_DATA            0x0c93   /* P, S, type 0x3 (read/write, accessed), D/B, G */
#define SVM_SEG_TSS64_BUSY      0x008b   /* P, type 0xb */
#define SVM_SEG_LDT             0x0082   /* P, type 0x2 */

#endif
