/* vmcb.c: creating a vCPU's VMCB from the vendor-neutral boot state, and freeing it. */
#include "svm/svm.h"

#include "cpu.h"
#include "frame.h"
#include "heap.h"
#include "log.h"
#include "io_bitmap.h"
#include "string.h"

#define PAT_DEFAULT  0x0007040600070406ull   /* the power-on PAT: WB, WT, UC-, UC twice */
#define DR6_DEFAULT  0xffff0ff0ull
#define DR7_DEFAULT  0x400ull
#define RFLAGS_FIXED 0x2ull

static uint64_t next_vcpu_id = 1;

/*
 * What exits, and why. The guest must never be able to change state the host depends on
 * or stall the physical CPU:
 *  - INTR, NMI: physical interrupts belong to the host (with V_INTR_MASKING below, the
 *    guest's IF only masks virtual interrupts, and its CR8 writes reach only V_TPR).
 *  - VMRUN is mandatory (APM 15.5.1). The guest's EFER.SVME is set (VMRUN requires it),
 *    so every SVM instruction is legal in the guest: VMLOAD/VMSAVE would move state at
 *    guest-chosen physical addresses, CLGI would mask the host's interrupts, SKINIT
 *    would reinitialize the CPU, INVLPGA would flush other ASIDs. All exit.
 *  - INVD would discard the host's dirty cache lines; XSETBV would change XCR0, which
 *    VMRUN does not switch and the host's XSAVE of guest FPU state depends on.
 *  - MONITOR/MWAIT could park the CPU; Keel does not offer them.
 *  - CPUID, HLT, VMMCALL, MSR and I/O accesses are the hypervisor's interface.
 *  - SHUTDOWN: a triple fault in the guest must not reset the machine.
 *  - #MC goes to the host. #AC and #DB exit so that an endless chain of them during
 *    event delivery (CVE-2015-5307, CVE-2015-8104) cannot lock up the CPU; vcpu_run.c
 *    hands them back to the guest.
 */
#define GUEST_INTERCEPT1 (SVM_INTERCEPT1_INTR | SVM_INTERCEPT1_NMI | SVM_INTERCEPT1_CPUID | \
	SVM_INTERCEPT1_INVD | SVM_INTERCEPT1_HLT | SVM_INTERCEPT1_INVLPGA | \
	SVM_INTERCEPT1_IOIO_PROT | SVM_INTERCEPT1_MSR_PROT | SVM_INTERCEPT1_SHUTDOWN)
#define GUEST_INTERCEPT2 (SVM_INTERCEPT2_VMRUN | SVM_INTERCEPT2_VMMCALL | SVM_INTERCEPT2_VMLOAD | \
	SVM_INTERCEPT2_VMSAVE | SVM_INTERCEPT2_STGI | SVM_INTERCEPT2_CLGI | SVM_INTERCEPT2_SKINIT | \
	SVM_INTERCEPT2_MONITOR | SVM_INTERCEPT2_MWAIT | SVM_INTERCEPT2_MWAIT_ARMED | \
	SVM_INTERCEPT2_XSETBV)
#define GUEST_INTERCEPT_EXCEPTIONS ((1u << X86_VECTOR_DB) | (1u << X86_VECTOR_AC) | \
	(1u << X86_VECTOR_MC))

static void set_segment(struct vmcb_segment *s, uint16_t selector, uint16_t attrib, uint32_t limit)
{
	s->selector = selector;
	s->attrib = attrib;
	s->limit = limit;
	s->base = 0;
}

/*
 * ASID 0 is the host's and VMRUN refuses it. The kernel's number is used when it fits;
 * otherwise it is folded into the usable range. Sharing an ASID is safe because
 * vcpu_run.c flushes whenever a CPU switches between vCPUs (see its TLB policy).
 */
static uint32_t usable_asid(uint16_t asid)
{
	uint32_t usable = svm_caps.nr_asids > 1 ? svm_caps.nr_asids - 1 : 1;
	if (asid >= 1 && asid <= usable)
		return asid;
	return 1 + (uint32_t)asid % usable;
}

static void fill_control(struct vmcb_control *c, const struct p2m *p2m, const struct io_bitmap *io,
			 uint16_t asid)
{
	c->intercept_misc1 = GUEST_INTERCEPT1;
	c->intercept_misc2 = GUEST_INTERCEPT2;
	c->intercept_exceptions = GUEST_INTERCEPT_EXCEPTIONS;
	c->iopm_base_pa = io ? io->pa : svm_iopm_pa;
	c->msrpm_base_pa = svm_msrpm_pa;
	c->guest_asid = usable_asid(asid);
	c->tlb_control = SVM_TLB_FLUSH_ALL;   /* first run; vcpu_run.c decides from then on */
	c->vintr = SVM_VINTR_MASKING;
	c->np_control = SVM_NP_ENABLE;
	c->n_cr3 = p2m->root;
	c->clean_bits = 0;                     /* nothing cached: the CPU reads every field */
}

/* start_info.h: flat 64-bit code and data, FS = GS = 0, no LDT, IDT limit 0. */
static void fill_save(struct vmcb_save *s, const struct vcpu_boot_state *boot)
{
	set_segment(&s->cs, boot->code_selector, SVM_SEG_CODE64, 0xffffffff);
	set_segment(&s->ds, boot->data_selector, SVM_SEG_DATA, 0xffffffff);
	set_segment(&s->es, boot->data_selector, SVM_SEG_DATA, 0xffffffff);
	set_segment(&s->ss, boot->data_selector, SVM_SEG_DATA, 0xffffffff);
	/* Null FS/GS: in 64-bit mode only their bases matter, and those the guest sets. */
	set_segment(&s->fs, 0, 0, 0);
	set_segment(&s->gs, 0, 0, 0);
	/* The guest has no TSS yet; a busy 64-bit TSS at 0 keeps TR well-formed until it loads one. */
	set_segment(&s->tr, 0, SVM_SEG_TSS64_BUSY, 0x67);
	set_segment(&s->ldtr, 0, SVM_SEG_LDT, 0);
	s->gdtr.base = boot->gdtr_base;
	s->gdtr.limit = boot->gdtr_limit;
	s->idtr.base = 0;
	s->idtr.limit = 0;
	s->cpl = 0;

	s->cr0 = boot->cr0;
	s->cr3 = boot->cr3;
	s->cr4 = boot->cr4;
	s->efer = boot->efer | EFER_SVME;     /* VMRUN fails without it (APM 15.5.1) */
	s->g_pat = PAT_DEFAULT;
	s->dr6 = DR6_DEFAULT;
	s->dr7 = DR7_DEFAULT;
	s->rflags = RFLAGS_FIXED;
}

struct vcpu_arch *svm_vcpu_create(const struct vcpu_boot_state *boot, const struct p2m *p2m,
				  const struct io_bitmap *io, uint16_t asid)
{
	struct vcpu_arch *va = kzalloc(sizeof *va);
	if (!va)
		return NULL;
	va->vmcb_pa = frame_alloc_zeroed(0);
	if (va->vmcb_pa == FRAME_NONE) {
		kfree(va);
		return NULL;
	}
	va->vmcb = phys_to_virt(va->vmcb_pa);
	va->id = __atomic_fetch_add(&next_vcpu_id, 1, __ATOMIC_RELAXED);
	va->flushed_gen = 0;
	va->last_cpu = -1;

	fill_control(&va->vmcb->control, p2m, io, asid);
	fill_save(&va->vmcb->save, boot);
	if (va->vmcb->control.guest_asid != asid)
		pr_debug("svm: vCPU asid %u runs as hardware ASID %u\n", asid, va->vmcb->control.guest_asid);
	return va;
}

void svm_vcpu_destroy(struct vcpu_arch *va)
{
	if (!va)
		return;
	frame_free(va->vmcb_pa, 0);
	kfree(va);
}
