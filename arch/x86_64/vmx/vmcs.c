/* vmcs.c: creating and freeing a vCPU's VMCS: controls, guest state from struct vcpu_boot_state, host state. */
#include "vmx.h"

#include "cpu.h"
#include "ept.h"
#include "frame.h"
#include "gdt.h"
#include "heap.h"
#include "io_bitmap.h"
#include "irq.h"
#include "log.h"
#include "paging.h"
#include "percpu.h"
#include "vmcs_fields.h"
#include "vmx_insn.h"

/* The PAT a CPU comes out of reset with (SDM 11.12.4): what a guest sees until it asks otherwise. */
#define PAT_POWER_ON_DEFAULT 0x0007040600070406ull
#define DR7_RESET            0x400ull
#define RFLAGS_RESERVED_1    0x2ull

/* The guest's task register: a 64-bit TSS VM entry accepts (busy, 104 bytes) though no guest uses it. */
#define GUEST_TSS_LIMIT      0x67u

/* Collects the success of a run of VMWRITEs, so one check covers them all. */
struct vmcs_writer {
	bool ok;
	uint64_t failed_field;
};

static void put(struct vmcs_writer *w, uint64_t field, uint64_t value)
{
	if (!vmcs_write(field, value) && w->ok) {
		w->ok = false;
		w->failed_field = field;
	}
}

struct descriptor_table_register {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static uint64_t host_idt_base(void)
{
	struct descriptor_table_register idtr;
	__asm__ volatile("sidt %0" : "=m"(idtr));
	return idtr.base;
}

void vmcs_write_host_cpu_state(void)
{
	struct cpu *c = this_cpu();
	struct vmcs_writer w = { .ok = true };

	/* The exit must land with this CPU's per-CPU pointer, GDT and TSS (the TSS carries the IST stacks). */
	put(&w, VMCS_HOST_GS_BASE, (uint64_t)c);
	put(&w, VMCS_HOST_TR_BASE, (uint64_t)&c->tables.tss);
	put(&w, VMCS_HOST_GDTR_BASE, (uint64_t)c->tables.gdt);
	put(&w, VMCS_HOST_IDTR_BASE, host_idt_base());
	put(&w, VMCS_HOST_FS_BASE, rdmsr(MSR_FS_BASE));
	put(&w, VMCS_HOST_CR0, read_cr0());
	put(&w, VMCS_HOST_CR4, read_cr4());
	if (!w.ok)
		panic("vmx: VMWRITE of host field %#llx failed", (unsigned long long)w.failed_field);
}

static void write_host_state(struct vmcs_writer *w)
{
	put(w, VMCS_HOST_CR3, paging_root());
	put(w, VMCS_HOST_CS_SELECTOR, GDT_KERNEL_CS);
	put(w, VMCS_HOST_SS_SELECTOR, GDT_KERNEL_DS);
	put(w, VMCS_HOST_DS_SELECTOR, GDT_KERNEL_DS);
	put(w, VMCS_HOST_ES_SELECTOR, GDT_KERNEL_DS);
	put(w, VMCS_HOST_FS_SELECTOR, 0);
	put(w, VMCS_HOST_GS_SELECTOR, 0);
	put(w, VMCS_HOST_TR_SELECTOR, GDT_TSS);
	/* The hypervisor never uses SYSENTER; canonical zeros satisfy the host-state checks. */
	put(w, VMCS_HOST_SYSENTER_CS, 0);
	put(w, VMCS_HOST_SYSENTER_ESP, 0);
	put(w, VMCS_HOST_SYSENTER_EIP, 0);
	put(w, VMCS_HOST_EFER, rdmsr(MSR_EFER));
	put(w, VMCS_HOST_PAT, rdmsr(MSR_PAT));
	put(w, VMCS_HOST_RIP, (uint64_t)vmx_exit_stub);
	/* HOST_RSP is written by vmx_enter() right before each entry. */
}

static void write_segment(struct vmcs_writer *w, unsigned int index, uint16_t selector, uint32_t limit,
			  uint32_t access)
{
	/* ES, CS, SS, DS, FS, GS, LDTR, TR: each kind of field is laid out in this order, 2 apart. */
	put(w, VMCS_GUEST_ES_SELECTOR + 2 * index, selector);
	put(w, VMCS_GUEST_ES_LIMIT + 2 * index, limit);
	put(w, VMCS_GUEST_ES_ACCESS + 2 * index, access);
	put(w, VMCS_GUEST_ES_BASE + 2 * index, 0);
}

enum { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR, SEG_TR };

static void write_guest_state(struct vmcs_writer *w, const struct vcpu_boot_state *boot)
{
	const struct vmx_caps *c = &vmx_caps;

	/*
	 * VMX operation needs some CR0/CR4 bits fixed (PE, NE, PG, VMXE). The hardware gets them;
	 * the guest sees its own values through the read shadows, and the guest/host masks make
	 * exactly those bits host-owned, so a guest writing them back unchanged causes no exit.
	 */
	put(w, VMCS_GUEST_CR0, vmx_fixed_cr(boot->cr0, c->cr0_fixed0, c->cr0_fixed1));
	put(w, VMCS_CR0_READ_SHADOW, boot->cr0);
	put(w, VMCS_CR0_GUEST_HOST_MASK, c->cr0_fixed0);
	put(w, VMCS_GUEST_CR4, vmx_fixed_cr(boot->cr4 | CR4_VMXE, c->cr4_fixed0, c->cr4_fixed1));
	put(w, VMCS_CR4_READ_SHADOW, boot->cr4 & ~CR4_VMXE);
	put(w, VMCS_CR4_GUEST_HOST_MASK, c->cr4_fixed0 | CR4_VMXE);
	put(w, VMCS_GUEST_CR3, boot->cr3);
	put(w, VMCS_GUEST_DR7, DR7_RESET);
	put(w, VMCS_GUEST_DEBUGCTL, 0);

	/* Flat 64-bit segments (start_info.h); FS and GS are null, their bases come from the MSRs. */
	write_segment(w, SEG_CS, boot->code_selector, 0xffffffff, VMX_AR_CODE64);
	write_segment(w, SEG_SS, boot->data_selector, 0xffffffff, VMX_AR_DATA);
	write_segment(w, SEG_DS, boot->data_selector, 0xffffffff, VMX_AR_DATA);
	write_segment(w, SEG_ES, boot->data_selector, 0xffffffff, VMX_AR_DATA);
	write_segment(w, SEG_FS, 0, 0, VMX_AR_UNUSABLE);
	write_segment(w, SEG_GS, 0, 0, VMX_AR_UNUSABLE);
	write_segment(w, SEG_LDTR, 0, 0, VMX_AR_UNUSABLE);
	/* VM entry refuses an unusable TR in IA-32e mode (SDM 26.3.1.2). */
	write_segment(w, SEG_TR, 0, GUEST_TSS_LIMIT, VMX_AR_TSS64_BUSY);

	put(w, VMCS_GUEST_GDTR_BASE, boot->gdtr_base);
	put(w, VMCS_GUEST_GDTR_LIMIT, boot->gdtr_limit);
	put(w, VMCS_GUEST_IDTR_BASE, 0);
	put(w, VMCS_GUEST_IDTR_LIMIT, 0);

	put(w, VMCS_GUEST_RFLAGS, RFLAGS_RESERVED_1);
	put(w, VMCS_GUEST_INTERRUPTIBILITY, 0);
	put(w, VMCS_GUEST_ACTIVITY_STATE, 0);
	put(w, VMCS_GUEST_PENDING_DEBUG, 0);
	put(w, VMCS_GUEST_SYSENTER_CS, 0);
	put(w, VMCS_GUEST_SYSENTER_ESP, 0);
	put(w, VMCS_GUEST_SYSENTER_EIP, 0);
	put(w, VMCS_GUEST_EFER, boot->efer);
	put(w, VMCS_GUEST_PAT, PAT_POWER_ON_DEFAULT);
	/* No shadow VMCS: the link pointer must be all ones (SDM 26.3.1.5). */
	put(w, VMCS_LINK_POINTER, ~0ull);
}

static void write_controls(struct vmcs_writer *w, const struct p2m *p2m, const struct io_bitmap *io,
			   uint16_t vpid)
{
	uint32_t proc2 = vmx_config.proc2;
	/* VPID 0 belongs to the host: a vCPU without its own runs untagged. */
	if (!vpid)
		proc2 &= ~PROC2_ENABLE_VPID;

	put(w, VMCS_PIN_CONTROLS, vmx_config.pin);
	put(w, VMCS_PROC_CONTROLS, vmx_config.proc);
	put(w, VMCS_PROC2_CONTROLS, proc2);
	put(w, VMCS_EXIT_CONTROLS, vmx_config.exit);
	put(w, VMCS_ENTRY_CONTROLS, vmx_config.entry);
	/* Only machine checks: every other exception belongs to the guest's own IDT. */
	put(w, VMCS_EXCEPTION_BITMAP, 1u << 18);
	put(w, VMCS_PAGE_FAULT_ERROR_MASK, 0);
	put(w, VMCS_PAGE_FAULT_ERROR_MATCH, 0);
	put(w, VMCS_CR3_TARGET_COUNT, 0);
	put(w, VMCS_EXIT_MSR_STORE_COUNT, 0);
	put(w, VMCS_EXIT_MSR_LOAD_COUNT, 0);
	put(w, VMCS_ENTRY_MSR_LOAD_COUNT, 0);
	put(w, VMCS_ENTRY_INTERRUPTION_INFO, 0);
	put(w, VMCS_MSR_BITMAP, vmx_msr_bitmap);
	paddr_t io_pa = (io ? io : vmx_io_intercept_all)->pa;
	put(w, VMCS_IO_BITMAP_A, io_pa);
	put(w, VMCS_IO_BITMAP_B, io_pa + PAGE_SIZE);
	put(w, VMCS_EPT_POINTER, ept_pointer(p2m));
	if (vpid)
		put(w, VMCS_VPID, vpid);
}

struct vcpu_arch *vmx_vcpu_create(const struct vcpu_boot_state *boot, const struct p2m *p2m,
				  const struct io_bitmap *io, uint16_t asid)
{
	struct vcpu_arch *va = kzalloc(sizeof(*va));
	if (!va)
		return NULL;
	va->vmcs = frame_alloc_zeroed(0);
	if (va->vmcs == FRAME_NONE) {
		kfree(va);
		return NULL;
	}
	/* The first 32 bits of a VMCS region carry the revision identifier, bit 31 clear (SDM 24.2). */
	*(uint32_t *)phys_to_virt(va->vmcs) = vmx_config.revision;
	va->vpid = vmx_config.vpid ? asid : 0;
	va->cpu = VMX_NO_CPU;
	va->cr3 = boot->cr3;

	unsigned long flags = irq_save();
	struct vmx_cpu *c = &vmx_cpus[cpu_id()];
	struct vmcs_writer w = { .ok = true };
	bool loaded = vmclear(va->vmcs) && vmptrld(va->vmcs);
	if (loaded) {
		write_controls(&w, p2m, io, va->vpid);
		write_guest_state(&w, boot);
		write_host_state(&w);
		/*
		 * Clear it again: that writes everything to memory and leaves the VMCS inactive, so
		 * its first run may be on any CPU (which then loads it and adds its own host state).
		 */
		vmclear(va->vmcs);
	}
	c->current = NULL;
	irq_restore(flags);

	if (!loaded || !w.ok) {
		pr_err("vmx: cannot set up a VMCS (%s %#llx)\n", loaded ? "VMWRITE to field" : "VMCLEAR/VMPTRLD",
		       (unsigned long long)(loaded ? w.failed_field : va->vmcs));
		frame_free(va->vmcs, 0);
		kfree(va);
		return NULL;
	}
	return va;
}

void vmx_vcpu_destroy(struct vcpu_arch *va)
{
	if (!va)
		return;
	/*
	 * The CPU it is active on writes it back now rather than later into a reused page, and
	 * gives up its syscall MSRs (a vCPU owns them only on the CPU its VMCS is active on).
	 */
	unsigned long flags = irq_save();
	vmx_vmcs_release(va, true);
	irq_restore(flags);
	frame_free(va->vmcs, 0);
	kfree(va);
}
