/* vmx.h: what the files of the VMX backend share with each other (never included outside arch/x86_64/vmx). */
#ifndef KEEL_VMX_H
#define KEEL_VMX_H

#include "trap.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "cpu.h"
#include "virt.h"
#include "vmx_controls.h"

/* Chosen by the first CPU that enables VMX; every later CPU must agree with it. */
extern struct vmx_config vmx_config;
/* The VMX-preemption timer value that makes a guest exit after one timer tick. */
extern uint32_t vmx_preemption_ticks;
extern struct vmx_caps vmx_caps;

/* The one MSR bitmap every VMCS points at: everything intercepted but the MSRs listed in vmx.c. */
extern paddr_t vmx_msr_bitmap;
/* I/O bitmaps A and B (contiguous, SDM 24.6.4) that intercept every port: what domUs get. */
extern struct io_bitmap *vmx_io_intercept_all;
struct io_bitmap *vmx_io_bitmap_create(void);

/* The MSRs a guest reaches directly that the VMCS does not switch: see vmx_switch_syscall_msrs(). */
struct vmx_syscall_msrs {
	uint64_t star, lstar, cstar, sfmask, kernel_gs_base;
};

#define MSR_STAR   0xc0000081
#define MSR_LSTAR  0xc0000082
#define MSR_CSTAR  0xc0000083
#define MSR_SFMASK 0xc0000084

static inline void vmx_syscall_msrs_save(struct vmx_syscall_msrs *m)
{
	m->star = rdmsr(MSR_STAR);
	m->lstar = rdmsr(MSR_LSTAR);
	m->cstar = rdmsr(MSR_CSTAR);
	m->sfmask = rdmsr(MSR_SFMASK);
	m->kernel_gs_base = rdmsr(MSR_KERNEL_GS_BASE);
}

static inline void vmx_syscall_msrs_load(const struct vmx_syscall_msrs *m)
{
	wrmsr(MSR_STAR, m->star);
	wrmsr(MSR_LSTAR, m->lstar);
	wrmsr(MSR_CSTAR, m->cstar);
	wrmsr(MSR_SFMASK, m->sfmask);
	wrmsr(MSR_KERNEL_GS_BASE, m->kernel_gs_base);
}

#define VMX_NO_CPU (-1)

struct vcpu_arch {
	paddr_t vmcs;                 /* the VMCS page */
	int cpu;                      /* CPU the VMCS is active on, or VMX_NO_CPU when clear */
	bool launched;                /* VMLAUNCH done since the last VMCLEAR: enter with VMRESUME */
	uint16_t vpid;                /* 0 when VPID is off */
	uint64_t cr2;                 /* not in the VMCS: switched by hand */
	uint64_t cr3;                 /* read back at every exit, for guest_cr3 */
	struct vmx_syscall_msrs msrs; /* valid while another vCPU owns the hardware copies */
	uint32_t event;               /* VM-entry interruption information for the next entry, or 0 */
	uint32_t event_error;
	uint32_t event_insn_len;
	uint8_t upcall_vector;        /* the event-channel upcall is due on this vector, or 0 (vmx_upcall.c) */
	bool upcall_window;           /* interrupt-window exiting is on in its VMCS */
	char detail[112];             /* text behind VIRT_EXIT_ENTRY_FAILED */
};

/* State of one physical CPU in VMX root operation. */
struct vmx_cpu {
	paddr_t vmxon_region;
	struct vcpu_arch *current;        /* the current VMCS (VMPTRLD), or NULL */
	struct vcpu_arch *msr_owner;      /* whose syscall MSRs are loaded in the hardware */
	volatile bool in_guest;           /* between VM entry and VM exit */
	volatile bool ept_flush_pending;  /* another CPU changed a p2m: INVEPT before the next entry */
	volatile uint64_t exits;          /* counts VM exits, so a flusher can see one happened */
	struct vcpu_arch *release_request; /* another CPU wants this vCPU: VMCLEAR it (vmcs_migrate.c) */
};

extern struct vmx_cpu vmx_cpus[MAX_CPUS];

/* vmcs.c */
struct vcpu_arch *vmx_vcpu_create(const struct vcpu_boot_state *boot, const struct p2m *p2m,
				  const struct io_bitmap *io, uint16_t asid);
void vmx_vcpu_destroy(struct vcpu_arch *va);
/* virt_ops.switch_floor (switch_floor.c): the bare VMRESUME loop for the benchmark. */
int vmx_switch_floor(const struct vcpu_boot_state *boot, const struct p2m *p2m, uint64_t rip,
		     uint64_t trips, uint64_t *tsc_ticks, uint64_t *other_exits);
/* Host fields that differ between CPUs (GS base, TSS, GDT); after the VMCS becomes current here. */
void vmcs_write_host_cpu_state(void);

/* vmx_exit.c */
void vmx_vcpu_run(struct vcpu_arch *va, struct vcpu_regs *regs, struct virt_exit *exit);
void vmx_inject_exception(struct vcpu_arch *va, uint8_t vector, bool has_error, uint32_t error);
uint64_t vmx_guest_cr3(struct vcpu_arch *va);

/*
 * The IPI that asks a CPU to VMCLEAR a VMCS it holds. The vectors in trap.h are the
 * hypervisor's own; this one sits next to them, unused by anything else.
 */
#define VMX_VECTOR_RELEASE VECTOR_VMCS_RELEASE

/* vmx_upcall.c: the event-channel upcall (virt.h set_upcall), and its part of each entry (VMCS current). */
void vmx_set_upcall(struct vcpu_arch *va, uint8_t vector, bool pending);
void vmx_upcall_before_entry(struct vcpu_arch *va, const struct vcpu_regs *regs);

/* vmcs_migrate.c */
void vmx_migrate_init(void);
/*
 * Makes va's VMCS inactive wherever it is active (here or on another CPU); interrupts
 * disabled. Without wait_until_done it may give up after a millisecond and return false.
 */
bool vmx_vmcs_release(struct vcpu_arch *va, bool wait_until_done);
/* Answers another CPU's release request, if one is waiting. */
void vmx_serve_release_request(struct vmx_cpu *c);

/* vmx_flush.c */
void vmx_p2m_flush(struct p2m *p2m, uint16_t asid);
/* ept_destroy() after every CPU has dropped the translations of this p2m. */
void vmx_p2m_destroy(struct p2m *p2m);
/* Before each entry: completes flushes other CPUs asked of this one. */
void vmx_flush_pending(struct vmx_cpu *c);

/* vmx_errors.c: the SDM's text for a VM-instruction error number. */
const char *vmx_instruction_error_text(uint32_t number);

/* vmx_run.S: enters the guest with regs loaded; 0 after a VM exit, 1 VMfailInvalid, 2 VMfailValid. */
int vmx_enter(struct vcpu_regs *regs, bool launched);
void vmx_exit_stub(void);

#endif
