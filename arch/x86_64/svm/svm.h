/* svm.h: what the files of the AMD SVM backend share with each other (not with kernel/). */
#ifndef KEEL_SVM_H
#define KEEL_SVM_H

#include "vcpu_regs.h"

#ifndef __ASSEMBLY__

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "mm.h"
#include "virt.h"
#include "vmcb.h"

/* What CPUID 8000_000A said on the first CPU that enabled SVM. */
struct svm_caps {
	uint32_t nr_asids;         /* ASIDs 1 .. nr_asids - 1 are usable (0 is the host's) */
	bool nrip_save;            /* the VMCB's next_rip is filled on instruction exits */
	bool flush_by_asid;        /* TLB_CONTROL 3 works */
	bool clean_bits;
	bool decode_assists;
};
extern struct svm_caps svm_caps;

/* Each physical CPU's SVM state. */
struct svm_cpu {
	bool have_pages;            /* hsave and host_state allocated (0 is a valid frame) */
	paddr_t hsave_pa;          /* VM_HSAVE_PA: where VMRUN keeps the host's state */
	paddr_t host_state_pa;     /* a VMCB-format page for VMSAVE/VMLOAD of host FS/GS/TR/... */
	uint64_t last_vcpu_id;     /* the vCPU whose translations this CPU's TLB may hold */
	uint64_t in_guest_gen;     /* 0, SVM_CPU_ENTERING or the flush generation it runs with */
};
extern struct svm_cpu svm_cpus[MAX_CPUS];
#define SVM_CPU_ENTERING UINT64_MAX

/* A vCPU's hardware state (virt.h leaves the definition to the backend). */
struct vcpu_arch {
	struct vmcb *vmcb;
	paddr_t vmcb_pa;
	uint64_t id;               /* unique and never reused, unlike the pointer */
	uint64_t flushed_gen;      /* the p2m flush generation its TLB entries are from */
	int last_cpu;              /* the CPU it last ran on, -1 before the first run */
};

/* The permission maps every vCPU shares (read-only once built). */
extern paddr_t svm_msrpm_pa, svm_iopm_pa;
#define SVM_MSRPM_ORDER 1          /* 8 KiB */
#define SVM_IOPM_ORDER  2          /* 12 KiB used of 16 KiB */
#define SVM_MSRPM_SIZE  0x2000
#define SVM_IOPM_SIZE   0x3000
/* Fills an MSRPM that intercepts every MSR except the ones VMLOAD/VMSAVE switch. */
void svm_msrpm_build(uint8_t *msrpm);
/* Fills an IOPM that intercepts every port. */
void svm_iopm_build(uint8_t *iopm);
/* A domain's own IOPM (io_bitmap.h), every port intercepted until io_allow. */
struct io_bitmap *svm_io_bitmap_create(void);
/* Whether an MSRPM lets the guest read/write the MSR without an exit (for checks and tests). */
bool svm_msrpm_passes(const uint8_t *msrpm, uint32_t msr, bool write);

/* World switch (svm_run.S): runs the guest until the next #VMEXIT. */
void svm_world_switch(paddr_t vmcb_pa, struct vcpu_regs *regs, paddr_t host_state_pa);

/* Turns the VMCB's exit information into the vendor-neutral form. */
void svm_decode_exit(const struct vmcb *vmcb, const struct svm_caps *caps, struct virt_exit *exit);

/* VMCB allocation and setup (vmcb.c). */
struct vcpu_arch *svm_vcpu_create(const struct vcpu_boot_state *boot, const struct p2m *p2m,
				  const struct io_bitmap *io, uint16_t asid);
void svm_vcpu_destroy(struct vcpu_arch *va);
/* virt_ops.switch_floor (switch_floor.c): the bare VMRUN loop for the benchmark. */
int svm_switch_floor(const struct vcpu_boot_state *boot, const struct p2m *p2m, uint64_t rip,
		     uint64_t trips, uint64_t *tsc_ticks, uint64_t *other_exits);

/* Entering the guest and the TLB policy (vcpu_run.c). */
void svm_vcpu_run(struct vcpu_arch *va, struct vcpu_regs *regs, struct virt_exit *exit);
void svm_inject_exception(struct vcpu_arch *va, uint8_t vector, bool has_error, uint32_t error);
/* The event-channel upcall as a virtual interrupt (upcall.c). */
void svm_set_upcall(struct vcpu_arch *va, uint8_t vector, bool pending);
void svm_p2m_flush(struct p2m *p2m, uint16_t asid);

/* Nested page tables (npt.c). */
extern bool npt_use_nx;    /* set when the host runs with EFER.NXE: only then is NX legal */
int  npt_init(struct p2m *p2m);
int  npt_map(struct p2m *p2m, uint64_t gpa, paddr_t hpa, unsigned int order, unsigned int perms);
void npt_unmap(struct p2m *p2m, uint64_t gpa, unsigned int order);
void npt_destroy(struct p2m *p2m);
/* Looks up one GPA: the host-physical address and P2M_* permissions, or -1 if unmapped. */
int  npt_lookup(const struct p2m *p2m, uint64_t gpa, paddr_t *hpa, unsigned int *perms);

#endif /* __ASSEMBLY__ */
#endif
