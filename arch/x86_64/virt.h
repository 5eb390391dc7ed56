/*
 * virt.h: the one table of operations that both virtualization backends fill
 * (vmx/ for Intel VMX with EPT, svm/ for AMD SVM with NPT). kernel/ drives vCPUs and
 * guest-physical memory only through this table and the vendor-neutral types below;
 * no VMCS field or VMCB offset is visible outside arch/x86_64/vmx and svm.
 */
#ifndef KEEL_ARCH_VIRT_H
#define KEEL_ARCH_VIRT_H

#include <stdbool.h>
#include <stdint.h>

#include "mm.h"

/* General-purpose registers of a vCPU, plus the three the hardware keeps in its state area. */
struct vcpu_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip, rsp, rflags;
};

#include "vcpu_regs.h"
#define VCPU_REGS_CHECK(field, offset) \
	_Static_assert(__builtin_offsetof(struct vcpu_regs, field) == (offset), "vcpu_regs.h: " #field)
VCPU_REGS_CHECK(rax, VCPU_REGS_RAX); VCPU_REGS_CHECK(rbx, VCPU_REGS_RBX); VCPU_REGS_CHECK(rcx, VCPU_REGS_RCX);
VCPU_REGS_CHECK(rdx, VCPU_REGS_RDX); VCPU_REGS_CHECK(rsi, VCPU_REGS_RSI); VCPU_REGS_CHECK(rdi, VCPU_REGS_RDI);
VCPU_REGS_CHECK(rbp, VCPU_REGS_RBP); VCPU_REGS_CHECK(r8, VCPU_REGS_R8); VCPU_REGS_CHECK(r9, VCPU_REGS_R9);
VCPU_REGS_CHECK(r10, VCPU_REGS_R10); VCPU_REGS_CHECK(r11, VCPU_REGS_R11); VCPU_REGS_CHECK(r12, VCPU_REGS_R12);
VCPU_REGS_CHECK(r13, VCPU_REGS_R13); VCPU_REGS_CHECK(r14, VCPU_REGS_R14); VCPU_REGS_CHECK(r15, VCPU_REGS_R15);
#undef VCPU_REGS_CHECK

/* The control state a vCPU starts with: flat 64-bit segments are implied (see start_info.h). */
struct vcpu_boot_state {
	uint64_t cr0, cr3, cr4, efer;
	uint64_t gdtr_base;
	uint16_t gdtr_limit;
	uint16_t code_selector, data_selector;
};

/* Why a vCPU stopped, decoded into terms kernel/ understands. */
enum virt_exit_reason {
	VIRT_EXIT_NONE,            /* nothing to do (host interrupt taken, ...): enter again */
	VIRT_EXIT_HYPERCALL,       /* VMCALL / VMMCALL */
	VIRT_EXIT_CPUID,
	VIRT_EXIT_RDMSR,
	VIRT_EXIT_WRMSR,
	VIRT_EXIT_IO,              /* IN/OUT/INS/OUTS: io_port, io_size, io_in */
	VIRT_EXIT_HLT,
	VIRT_EXIT_MONITOR,         /* MONITOR (the kernel's CPUID hides it) */
	VIRT_EXIT_MWAIT,           /* MWAIT, armed or not */
	VIRT_EXIT_XSETBV,          /* XSETBV (the guest set CR4.OSXSAVE although CPUID hides XSAVE) */
	VIRT_EXIT_VIRT_INSN,       /* the guest's own VMX or SVM instruction (VMXON, VMRUN, INVEPT, ...) */
	VIRT_EXIT_MEM_VIOLATION,   /* EPT violation / nested page fault: gpa, access */
	VIRT_EXIT_TRIPLE_FAULT,    /* triple fault / SHUTDOWN */
	VIRT_EXIT_ENTRY_FAILED,    /* the hardware refused to enter: detail says why */
	VIRT_EXIT_UNHANDLED,       /* anything else: raw is the vendor's code */
};

#define VIRT_ACCESS_READ   (1u << 0)
#define VIRT_ACCESS_WRITE  (1u << 1)
#define VIRT_ACCESS_EXEC   (1u << 2)

struct virt_exit {
	enum virt_exit_reason reason;
	uint32_t insn_len;         /* bytes of the exiting instruction, when the reason has one */
	uint64_t raw;              /* vendor exit code, for reports */
	uint64_t gpa;              /* MEM_VIOLATION */
	uint32_t access;           /* MEM_VIOLATION: VIRT_ACCESS_* of the faulting access */
	uint16_t io_port;
	uint8_t  io_size;          /* 1, 2 or 4 */
	bool     io_in;
	const char *detail;        /* ENTRY_FAILED: a sentence naming the error */
};

/* A guest-physical address space (EPT or NPT tables). */
struct p2m {
	paddr_t root;              /* top-level table */
	uint64_t table_pages;      /* pages of tables, for accounting */
};

/* Permissions of a guest-physical mapping. */
#define P2M_READ   (1u << 0)
#define P2M_WRITE  (1u << 1)
#define P2M_EXEC   (1u << 2)
#define P2M_RWX    (P2M_READ | P2M_WRITE | P2M_EXEC)
/*
 * The leaf maps device registers, not RAM: uncached whatever the guest's own page tables
 * and PAT say (EPT: memory type UC in the leaf, which wins over the guest's PAT type;
 * NPT: PCD|PWT in the leaf, host PAT entry 3, UC, which wins when combined with the
 * guest's type). Without it a leaf is write-back RAM. Only dom0's MMIO uses it.
 */
#define P2M_UNCACHED (1u << 3)

struct vcpu_arch;   /* owned by the backend */
struct io_bitmap;   /* a domain's I/O port permissions, owned by arch (io_bitmap.h) */

struct virt_ops {
	const char *name;          /* "VMX" or "SVM" */
	const char *paging_name;   /* "EPT" or "NPT" */

	/* Checks support and enters root mode on the calling CPU; 0 or a negative error. */
	int  (*cpu_enable)(void);

	/*
	 * Creates and frees a vCPU's hardware state (VMCS / VMCB). 'io' is the domain's I/O
	 * permission bitmap; NULL means the shared one that intercepts every port.
	 */
	struct vcpu_arch *(*vcpu_create)(const struct vcpu_boot_state *boot, const struct p2m *p2m,
					 const struct io_bitmap *io, uint16_t asid);
	void (*vcpu_destroy)(struct vcpu_arch *va);

	/*
	 * Enters the guest with 'regs' and returns at the next exit with 'regs' updated and
	 * the exit decoded. Interrupts that arrive meanwhile are taken by the host before
	 * this returns (reason VIRT_EXIT_NONE).
	 */
	void (*vcpu_run)(struct vcpu_arch *va, struct vcpu_regs *regs, struct virt_exit *exit);

	/* Makes the next entry deliver a hardware exception (e.g. #GP(0) for a bad MSR). */
	void (*inject_exception)(struct vcpu_arch *va, uint8_t vector, bool has_error, uint32_t error);

	/*
	 * The event-channel upcall (pv-abi/keel/shared_info.h), set before every entry. While
	 * 'pending', the guest takes 'vector' through its IDT as an external interrupt as soon
	 * as it can (RFLAGS.IF = 1, no STI/MOV SS shadow), once; 'pending' false withdraws it.
	 */
	void (*set_upcall)(struct vcpu_arch *va, uint8_t vector, bool pending);

	/* Guest CR3, for walking the guest's own page tables. */
	uint64_t (*guest_cr3)(struct vcpu_arch *va);

	/* Writes the vendor's hypercall stubs (see pv-abi/keel/abi.h) into a 4 KiB page. */
	void (*write_hypercall_page)(void *page);

	/* Guest-physical memory: build, edit and free the second-level tables. */
	int  (*p2m_init)(struct p2m *p2m);
	int  (*p2m_map)(struct p2m *p2m, uint64_t gpa, paddr_t hpa, unsigned int order, unsigned int perms);
	void (*p2m_unmap)(struct p2m *p2m, uint64_t gpa, unsigned int order);
	void (*p2m_destroy)(struct p2m *p2m);
	/* What gpa maps to: 0 with *hpa and *perms (P2M_*, P2M_UNCACHED included), or -1 when unmapped. */
	int  (*p2m_lookup)(const struct p2m *p2m, uint64_t gpa, paddr_t *hpa, unsigned int *perms);
	/* Drops cached translations of this address space on every CPU that may hold them. */
	void (*p2m_flush)(struct p2m *p2m, uint16_t asid);

	/*
	 * I/O port permissions of one domain: a new bitmap intercepts every port; io_allow lets
	 * 'count' ports from 'first' through without an exit (or intercepts them again). The
	 * change reaches the domain's running vCPUs at their next port access. kernel/
	 * decides which ports (io_policy.c); the backend only flips bits.
	 */
	struct io_bitmap *(*io_bitmap_create)(void);
	void (*io_bitmap_destroy)(struct io_bitmap *io);
	void (*io_allow)(struct io_bitmap *io, uint16_t first, uint32_t count, bool allow);

	/*
	 * Benchmark (kernel/bench_switch.c): enters a throwaway guest whose code at 'rip' is
	 * "vmcall/vmmcall; jmp back" and re-enters at once on each hypercall exit, 'trips' times;
	 * 0 with *tsc_ticks (the loop's TSC delta) and *other_exits, or a negative error.
	 */
	int  (*switch_floor)(const struct vcpu_boot_state *boot, const struct p2m *p2m, uint64_t rip,
			     uint64_t trips, uint64_t *tsc_ticks, uint64_t *other_exits);
};

/* The backend chosen at boot, or NULL when the CPU has neither usable VMX nor SVM. */
extern const struct virt_ops *virt;

/* Picks the backend for this CPU; logs one clear line and returns NULL if none works. */
const struct virt_ops *virt_detect(void);

extern const struct virt_ops vmx_ops;
extern const struct virt_ops svm_ops;

#endif
