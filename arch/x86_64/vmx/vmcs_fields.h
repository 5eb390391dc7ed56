/* vmcs_fields.h: VMCS field encodings and the bits of the VMX capability MSRs (Intel SDM Vol. 3 Appendix A, B). */
#ifndef KEEL_VMX_VMCS_FIELDS_H
#define KEEL_VMX_VMCS_FIELDS_H

/* Capability MSRs (SDM Appendix A). */
#define MSR_VMX_BASIC               0x480
#define MSR_VMX_PINBASED_CTLS       0x481
#define MSR_VMX_PROCBASED_CTLS      0x482
#define MSR_VMX_EXIT_CTLS           0x483
#define MSR_VMX_ENTRY_CTLS          0x484
#define MSR_VMX_MISC                0x485
#define MSR_VMX_CR0_FIXED0          0x486
#define MSR_VMX_CR0_FIXED1          0x487
#define MSR_VMX_CR4_FIXED0          0x488
#define MSR_VMX_CR4_FIXED1          0x489
#define MSR_VMX_PROCBASED_CTLS2     0x48b
#define MSR_VMX_EPT_VPID_CAP        0x48c
#define MSR_VMX_TRUE_PINBASED_CTLS  0x48d
#define MSR_VMX_TRUE_PROCBASED_CTLS 0x48e
#define MSR_VMX_TRUE_EXIT_CTLS      0x48f
#define MSR_VMX_TRUE_ENTRY_CTLS     0x490

#define MSR_SYSENTER_CS             0x174
#define MSR_SYSENTER_ESP            0x175
#define MSR_SYSENTER_EIP            0x176

#define FEATURE_CONTROL_LOCKED        (1ull << 0)
#define FEATURE_CONTROL_VMX_IN_SMX    (1ull << 1)
#define FEATURE_CONTROL_VMX_OUTSIDE   (1ull << 2)

/* IA32_VMX_BASIC (A.1). */
#define VMX_BASIC_REVISION_MASK     0x7fffffffull
#define VMX_BASIC_TRUE_CTLS         (1ull << 55)

/* IA32_VMX_EPT_VPID_CAP (A.10). */
#define EPT_CAP_EXEC_ONLY           (1ull << 0)
#define EPT_CAP_WALK_4              (1ull << 6)
#define EPT_CAP_MEMTYPE_WB          (1ull << 14)
#define EPT_CAP_2M_PAGES            (1ull << 16)
#define EPT_CAP_1G_PAGES            (1ull << 17)
#define EPT_CAP_INVEPT              (1ull << 20)
#define EPT_CAP_AD_BITS             (1ull << 21)
#define EPT_CAP_INVEPT_SINGLE       (1ull << 25)
#define EPT_CAP_INVEPT_ALL          (1ull << 26)
#define VPID_CAP_INVVPID            (1ull << 32)
#define VPID_CAP_INVVPID_SINGLE     (1ull << 41)
#define VPID_CAP_INVVPID_ALL        (1ull << 42)

/* Pin-based VM-execution controls (24.6.1). */
#define PIN_EXTERNAL_INTERRUPT_EXITING (1u << 0)
#define PIN_NMI_EXITING                (1u << 3)
#define PIN_VIRTUAL_NMIS               (1u << 5)
#define PIN_PREEMPTION_TIMER           (1u << 6)
#define PIN_POSTED_INTERRUPTS          (1u << 7)

/* Primary processor-based VM-execution controls (24.6.2, table 24-6). */
#define PROC_INTERRUPT_WINDOW_EXITING  (1u << 2)
#define PROC_TSC_OFFSETTING            (1u << 3)
#define PROC_HLT_EXITING               (1u << 7)
#define PROC_INVLPG_EXITING            (1u << 9)
#define PROC_MWAIT_EXITING             (1u << 10)
#define PROC_RDPMC_EXITING             (1u << 11)
#define PROC_RDTSC_EXITING             (1u << 12)
#define PROC_CR3_LOAD_EXITING          (1u << 15)
#define PROC_CR3_STORE_EXITING         (1u << 16)
#define PROC_CR8_LOAD_EXITING          (1u << 19)
#define PROC_CR8_STORE_EXITING         (1u << 20)
#define PROC_USE_TPR_SHADOW            (1u << 21)
#define PROC_NMI_WINDOW_EXITING        (1u << 22)
#define PROC_MOV_DR_EXITING            (1u << 23)
#define PROC_UNCONDITIONAL_IO_EXITING  (1u << 24)
#define PROC_USE_IO_BITMAPS            (1u << 25)
#define PROC_MONITOR_TRAP_FLAG         (1u << 27)
#define PROC_USE_MSR_BITMAPS           (1u << 28)
#define PROC_MONITOR_EXITING           (1u << 29)
#define PROC_PAUSE_EXITING             (1u << 30)
#define PROC_ACTIVATE_SECONDARY        (1u << 31)

/* Secondary processor-based VM-execution controls (table 24-7). */
#define PROC2_VIRTUALIZE_APIC_ACCESSES (1u << 0)
#define PROC2_ENABLE_EPT               (1u << 1)
#define PROC2_DESCRIPTOR_TABLE_EXITING (1u << 2)
#define PROC2_ENABLE_RDTSCP            (1u << 3)
#define PROC2_ENABLE_VPID              (1u << 5)
#define PROC2_WBINVD_EXITING           (1u << 6)
#define PROC2_UNRESTRICTED_GUEST       (1u << 7)
#define PROC2_ENABLE_INVPCID           (1u << 12)
#define PROC2_ENABLE_XSAVES            (1u << 20)

/* VM-exit controls (table 24-13). */
#define EXIT_SAVE_DEBUG_CONTROLS       (1u << 2)
#define EXIT_HOST_ADDRESS_SPACE_SIZE   (1u << 9)
#define EXIT_LOAD_PERF_GLOBAL_CTRL     (1u << 12)
#define EXIT_ACK_INTERRUPT_ON_EXIT     (1u << 15)
#define EXIT_SAVE_PAT                  (1u << 18)
#define EXIT_LOAD_PAT                  (1u << 19)
#define EXIT_SAVE_EFER                 (1u << 20)
#define EXIT_LOAD_EFER                 (1u << 21)
#define EXIT_SAVE_PREEMPTION_TIMER     (1u << 22)

/* VM-entry controls (table 24-15). */
#define ENTRY_LOAD_DEBUG_CONTROLS      (1u << 2)
#define ENTRY_IA32E_MODE_GUEST         (1u << 9)
#define ENTRY_SMM                      (1u << 10)
#define ENTRY_DUAL_MONITOR             (1u << 11)
#define ENTRY_LOAD_PERF_GLOBAL_CTRL    (1u << 13)
#define ENTRY_LOAD_PAT                 (1u << 14)
#define ENTRY_LOAD_EFER                (1u << 15)

/* 16-bit fields (B.1). */
#define VMCS_VPID                      0x0000
#define VMCS_GUEST_ES_SELECTOR         0x0800
#define VMCS_GUEST_CS_SELECTOR         0x0802
#define VMCS_GUEST_SS_SELECTOR         0x0804
#define VMCS_GUEST_DS_SELECTOR         0x0806
#define VMCS_GUEST_FS_SELECTOR         0x0808
#define VMCS_GUEST_GS_SELECTOR         0x080a
#define VMCS_GUEST_LDTR_SELECTOR       0x080c
#define VMCS_GUEST_TR_SELECTOR         0x080e
#define VMCS_HOST_ES_SELECTOR          0x0c00
#define VMCS_HOST_CS_SELECTOR          0x0c02
#define VMCS_HOST_SS_SELECTOR          0x0c04
#define VMCS_HOST_DS_SELECTOR          0x0c06
#define VMCS_HOST_FS_SELECTOR          0x0c08
#define VMCS_HOST_GS_SELECTOR          0x0c0a
#define VMCS_HOST_TR_SELECTOR          0x0c0c

/* 64-bit fields (B.2): the full encodings; the high half is encoding + 1. */
#define VMCS_IO_BITMAP_A               0x2000
#define VMCS_IO_BITMAP_B               0x2002
#define VMCS_MSR_BITMAP                0x2004
#define VMCS_EXIT_MSR_STORE_ADDR       0x2006
#define VMCS_EXIT_MSR_LOAD_ADDR        0x2008
#define VMCS_ENTRY_MSR_LOAD_ADDR       0x200a
#define VMCS_TSC_OFFSET                0x2010
#define VMCS_EPT_POINTER               0x201a
#define VMCS_GUEST_PHYSICAL_ADDRESS    0x2400
#define VMCS_LINK_POINTER              0x2800
#define VMCS_GUEST_DEBUGCTL            0x2802
#define VMCS_GUEST_PAT                 0x2804
#define VMCS_GUEST_EFER                0x2806
#define VMCS_HOST_PAT                  0x2c00
#define VMCS_HOST_EFER                 0x2c02

/* 32-bit fields (B.3). */
#define VMCS_PIN_CONTROLS              0x4000
#define VMCS_PREEMPTION_TIMER_VALUE    0x482e
#define VMCS_PROC_CONTROLS             0x4002
#define VMCS_EXCEPTION_BITMAP          0x4004
#define VMCS_PAGE_FAULT_ERROR_MASK     0x4006
#define VMCS_PAGE_FAULT_ERROR_MATCH    0x4008
#define VMCS_CR3_TARGET_COUNT          0x400a
#define VMCS_EXIT_CONTROLS             0x400c
#define VMCS_EXIT_MSR_STORE_COUNT      0x400e
#define VMCS_EXIT_MSR_LOAD_COUNT       0x4010
#define VMCS_ENTRY_CONTROLS            0x4012
#define VMCS_ENTRY_MSR_LOAD_COUNT      0x4014
#define VMCS_ENTRY_INTERRUPTION_INFO   0x4016
#define VMCS_ENTRY_EXCEPTION_ERROR     0x4018
#define VMCS_ENTRY_INSTRUCTION_LENGTH  0x401a
#define VMCS_PROC2_CONTROLS            0x401e
#define VMCS_INSTRUCTION_ERROR         0x4400
#define VMCS_EXIT_REASON               0x4402
#define VMCS_EXIT_INTERRUPTION_INFO    0x4404
#define VMCS_EXIT_INTERRUPTION_ERROR   0x4406
#define VMCS_IDT_VECTORING_INFO        0x4408
#define VMCS_IDT_VECTORING_ERROR       0x440a
#define VMCS_EXIT_INSTRUCTION_LENGTH   0x440c
#define VMCS_EXIT_INSTRUCTION_INFO     0x440e
#define VMCS_GUEST_ES_LIMIT            0x4800
#define VMCS_GUEST_CS_LIMIT            0x4802
#define VMCS_GUEST_SS_LIMIT            0x4804
#define VMCS_GUEST_DS_LIMIT            0x4806
#define VMCS_GUEST_FS_LIMIT            0x4808
#define VMCS_GUEST_GS_LIMIT            0x480a
#define VMCS_GUEST_LDTR_LIMIT          0x480c
#define VMCS_GUEST_TR_LIMIT            0x480e
#define VMCS_GUEST_GDTR_LIMIT          0x4810
#define VMCS_GUEST_IDTR_LIMIT          0x4812
#define VMCS_GUEST_ES_ACCESS           0x4814
#define VMCS_GUEST_CS_ACCESS           0x4816
#define VMCS_GUEST_SS_ACCESS           0x4818
#define VMCS_GUEST_DS_ACCESS           0x481a
#define VMCS_GUEST_FS_ACCESS           0x481c
#define VMCS_GUEST_GS_ACCESS           0x481e
#define VMCS_GUEST_LDTR_ACCESS         0x4820
#define VMCS_GUEST_TR_ACCESS           0x4822
#define VMCS_GUEST_INTERRUPTIBILITY    0x4824
#define VMCS_GUEST_ACTIVITY_STATE      0x4826
#define VMCS_GUEST_SYSENTER_CS         0x482a
#define VMCS_HOST_SYSENTER_CS          0x4c00

/* Natural-width fields (B.4). */
#define VMCS_CR0_GUEST_HOST_MASK       0x6000
#define VMCS_CR4_GUEST_HOST_MASK       0x6002
#define VMCS_CR0_READ_SHADOW           0x6004
#define VMCS_CR4_READ_SHADOW           0x6006
#define VMCS_EXIT_QUALIFICATION        0x6400
#define VMCS_GUEST_LINEAR_ADDRESS      0x640a
#define VMCS_GUEST_CR0                 0x6800
#define VMCS_GUEST_CR3                 0x6802
#define VMCS_GUEST_CR4                 0x6804
#define VMCS_GUEST_ES_BASE             0x6806
#define VMCS_GUEST_CS_BASE             0x6808
#define VMCS_GUEST_SS_BASE             0x680a
#define VMCS_GUEST_DS_BASE             0x680c
#define VMCS_GUEST_FS_BASE             0x680e
#define VMCS_GUEST_GS_BASE             0x6810
#define VMCS_GUEST_LDTR_BASE           0x6812
#define VMCS_GUEST_TR_BASE             0x6814
#define VMCS_GUEST_GDTR_BASE           0x6816
#define VMCS_GUEST_IDTR_BASE           0x6818
#define VMCS_GUEST_DR7                 0x681a
#define VMCS_GUEST_RSP                 0x681c
#define VMCS_GUEST_RIP                 0x681e
#define VMCS_GUEST_RFLAGS              0x6820
#define VMCS_GUEST_PENDING_DEBUG       0x6822
#define VMCS_GUEST_SYSENTER_ESP        0x6824
#define VMCS_GUEST_SYSENTER_EIP        0x6826
#define VMCS_HOST_CR0                  0x6c00
#define VMCS_HOST_CR3                  0x6c02
#define VMCS_HOST_CR4                  0x6c04
#define VMCS_HOST_FS_BASE              0x6c06
#define VMCS_HOST_GS_BASE              0x6c08
#define VMCS_HOST_TR_BASE              0x6c0a
#define VMCS_HOST_GDTR_BASE            0x6c0c
#define VMCS_HOST_IDTR_BASE            0x6c0e
#define VMCS_HOST_SYSENTER_ESP         0x6c10
#define VMCS_HOST_SYSENTER_EIP         0x6c12
#define VMCS_HOST_RSP                  0x6c14
#define VMCS_HOST_RIP                  0x6c16

/* Basic exit reasons (Appendix C). */
#define EXIT_REASON_EXCEPTION_NMI       0
#define EXIT_REASON_EXTERNAL_INTERRUPT  1
#define EXIT_REASON_PREEMPTION_TIMER    52
#define EXIT_REASON_TRIPLE_FAULT        2
#define EXIT_REASON_INIT                3
#define EXIT_REASON_INTERRUPT_WINDOW    7
#define EXIT_REASON_SIPI                4
#define EXIT_REASON_CPUID               10
#define EXIT_REASON_HLT                 12
#define EXIT_REASON_INVLPG              14
#define EXIT_REASON_RDTSC               16
#define EXIT_REASON_VMCALL              18
#define EXIT_REASON_VMCLEAR             19
#define EXIT_REASON_VMLAUNCH            20
#define EXIT_REASON_VMPTRLD             21
#define EXIT_REASON_VMPTRST             22
#define EXIT_REASON_VMREAD              23
#define EXIT_REASON_VMRESUME            24
#define EXIT_REASON_VMWRITE             25
#define EXIT_REASON_VMXOFF              26
#define EXIT_REASON_VMXON               27
#define EXIT_REASON_CR_ACCESS           28
#define EXIT_REASON_IO_INSTRUCTION      30
#define EXIT_REASON_RDMSR               31
#define EXIT_REASON_WRMSR               32
#define EXIT_REASON_INVALID_GUEST_STATE 33
#define EXIT_REASON_MSR_LOADING         34
#define EXIT_REASON_MWAIT               36
#define EXIT_REASON_MONITOR             39
#define EXIT_REASON_MACHINE_CHECK       41
#define EXIT_REASON_EPT_VIOLATION       48
#define EXIT_REASON_EPT_MISCONFIG       49
#define EXIT_REASON_INVEPT              50
#define EXIT_REASON_INVVPID             53
#define EXIT_REASON_XSETBV              55

#define EXIT_REASON_BASIC_MASK          0xffffu
#define EXIT_REASON_ENTRY_FAILURE       (1u << 31)

/* VM-entry/exit interruption information and IDT-vectoring information (24.8.3, 24.9.2). */
#define INTR_INFO_VECTOR_MASK           0xffu
#define INTR_INFO_TYPE_SHIFT            8
#define INTR_INFO_TYPE_MASK             (7u << 8)
#define INTR_TYPE_EXTERNAL              0u
#define INTR_TYPE_NMI                   2u
#define INTR_TYPE_HARD_EXCEPTION        3u
#define INTR_TYPE_SOFT_INTERRUPT        4u
#define INTR_TYPE_PRIV_SOFT_EXCEPTION   5u
#define INTR_TYPE_SOFT_EXCEPTION        6u
#define INTR_INFO_DELIVER_ERROR_CODE    (1u << 11)
#define INTR_INFO_VALID                 (1u << 31)

/* Exit qualification of I/O instructions (table 27-5) and EPT violations (table 27-7). */
#define IO_QUAL_SIZE_MASK               0x7u
#define IO_QUAL_IN                      (1u << 3)
#define IO_QUAL_STRING                  (1u << 4)
#define IO_QUAL_PORT_SHIFT              16
#define EPT_QUAL_READ                   (1u << 0)
#define EPT_QUAL_WRITE                  (1u << 1)
#define EPT_QUAL_EXEC                   (1u << 2)

/* Segment access rights as the VMCS stores them (24.4.1). */
#define VMX_AR_CODE64                   0xa09bu   /* present, DPL 0, L, G, execute/read, accessed */
#define VMX_AR_DATA                     0xc093u   /* present, DPL 0, D/B, G, read/write, accessed */
#define VMX_AR_TSS64_BUSY               0x008bu   /* present, busy 64-bit TSS */
#define VMX_AR_LDT                      0x0082u
#define VMX_AR_UNUSABLE                 (1u << 16)

#endif
