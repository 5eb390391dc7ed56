/* vmx.c: the Intel VMX backend: detection, entering VMX root operation on each CPU, and the virt_ops table. */
#include "vmx.h"
#include "arch.h"

#include "cpu.h"
#include "ept.h"
#include "frame.h"
#include "io_bitmap.h"
#include "keel/abi.h"
#include "log.h"
#include "percpu.h"
#include "spinlock.h"
#include "string.h"
#include "vmcs_fields.h"
#include "vmx_insn.h"

struct vmx_config vmx_config;
uint32_t vmx_preemption_ticks;
struct vmx_caps vmx_caps;
paddr_t vmx_msr_bitmap;
struct io_bitmap *vmx_io_intercept_all;
struct vmx_cpu vmx_cpus[MAX_CPUS];

static spinlock_t setup_lock = SPINLOCK_INIT;
static bool setup_done;
static bool failure_reported;
static bool caps_logged;

#define CPUID_1_ECX_VMX (1u << 5)

/*
 * MSRs the guest reads and writes without an exit. FS/GS base and SYSENTER have VMCS fields
 * the CPU switches; the SYSCALL MSRs and KERNEL_GS_BASE are switched by vmx_exit.c when
 * another vCPU takes the CPU. Everything else exits to the kernel.
 */
static const uint32_t passthrough_msrs[] = {
	MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE, MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SFMASK,
	MSR_SYSENTER_CS, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP,
};

/*
 * The MSR bitmap (SDM 24.6.9): four 1 KiB bitmaps, read-low (MSRs 0..0x1fff), read-high
 * (0xc0000000..0xc0001fff), write-low, write-high. A set bit makes the access exit.
 */
static void msr_bitmap_allow(uint8_t *bitmap, uint32_t msr)
{
	unsigned int base = msr >= 0xc0000000u ? 1024 : 0;
	uint32_t bit = msr & 0x1fff;
	bitmap[base + bit / 8] &= (uint8_t)~(1u << (bit % 8));          /* read */
	bitmap[2048 + base + bit / 8] &= (uint8_t)~(1u << (bit % 8));   /* write */
}

static paddr_t msr_bitmap_create(void)
{
	paddr_t pa = frame_alloc_zeroed(0);
	if (pa == FRAME_NONE)
		return FRAME_NONE;
	uint8_t *bitmap = phys_to_virt(pa);
	memset(bitmap, 0xff, PAGE_SIZE);
	for (unsigned int i = 0; i < sizeof(passthrough_msrs) / sizeof(passthrough_msrs[0]); i++)
		msr_bitmap_allow(bitmap, passthrough_msrs[i]);
	return pa;
}

/* Bitmap A (ports 0-0x7fff) and B (0x8000-0xffff) in two contiguous pages, all intercepted. */
struct io_bitmap *vmx_io_bitmap_create(void)
{
	return io_bitmap_alloc(1, 2 * PAGE_SIZE);
}

static void read_caps(struct vmx_caps *c)
{
	*c = (struct vmx_caps){ 0 };
	c->basic = rdmsr(MSR_VMX_BASIC);
	c->pin = rdmsr(MSR_VMX_PINBASED_CTLS);
	c->proc = rdmsr(MSR_VMX_PROCBASED_CTLS);
	c->exit = rdmsr(MSR_VMX_EXIT_CTLS);
	c->entry = rdmsr(MSR_VMX_ENTRY_CTLS);
	if (c->basic & VMX_BASIC_TRUE_CTLS) {
		c->true_pin = rdmsr(MSR_VMX_TRUE_PINBASED_CTLS);
		c->true_proc = rdmsr(MSR_VMX_TRUE_PROCBASED_CTLS);
		c->true_exit = rdmsr(MSR_VMX_TRUE_EXIT_CTLS);
		c->true_entry = rdmsr(MSR_VMX_TRUE_ENTRY_CTLS);
	}
	c->cr0_fixed0 = rdmsr(MSR_VMX_CR0_FIXED0);
	c->cr0_fixed1 = rdmsr(MSR_VMX_CR0_FIXED1);
	c->cr4_fixed0 = rdmsr(MSR_VMX_CR4_FIXED0);
	c->cr4_fixed1 = rdmsr(MSR_VMX_CR4_FIXED1);
	/* These two MSRs exist only when the controls they describe may be 1 (SDM A.3.3, A.10). */
	if ((c->proc >> 32) & PROC_ACTIVATE_SECONDARY) {
		c->proc2 = rdmsr(MSR_VMX_PROCBASED_CTLS2);
		if ((c->proc2 >> 32) & (PROC2_ENABLE_EPT | PROC2_ENABLE_VPID))
			c->ept_vpid = rdmsr(MSR_VMX_EPT_VPID_CAP);
	}
}

static void log_caps(const struct vmx_caps *c)
{
	/* Raw values at debug level: they are what tests/unit/test_vmx_controls.c is built from. */
	pr_debug("vmx: basic %#llx pin %#llx proc %#llx exit %#llx entry %#llx\n", (unsigned long long)c->basic,
		 (unsigned long long)c->pin, (unsigned long long)c->proc, (unsigned long long)c->exit,
		 (unsigned long long)c->entry);
	pr_debug("vmx: true pin %#llx proc %#llx exit %#llx entry %#llx\n", (unsigned long long)c->true_pin,
		 (unsigned long long)c->true_proc, (unsigned long long)c->true_exit,
		 (unsigned long long)c->true_entry);
	pr_debug("vmx: proc2 %#llx ept_vpid %#llx cr0 %#llx/%#llx cr4 %#llx/%#llx\n", (unsigned long long)c->proc2,
		 (unsigned long long)c->ept_vpid, (unsigned long long)c->cr0_fixed0,
		 (unsigned long long)c->cr0_fixed1, (unsigned long long)c->cr4_fixed0,
		 (unsigned long long)c->cr4_fixed1);
}

static void log_config(const struct vmx_config *cfg)
{
	pr_info("vmx: EPT (%s%s%s), %s, revision %#x\n", cfg->ept_2m ? "2M pages" : "4K pages only",
		cfg->ept_1g ? ", 1G pages" : "", cfg->ept_ad ? ", A/D" : "", cfg->vpid ? "VPID" : "no VPID",
		cfg->revision);
	pr_debug("vmx: controls pin %#x proc %#x proc2 %#x exit %#x entry %#x\n", cfg->pin, cfg->proc,
		 cfg->proc2, cfg->exit, cfg->entry);
}

/* Reports why VMX cannot be used, once for all CPUs (they normally fail alike), and returns err. */
static int refuse(int err, const char *why)
{
	if (!__atomic_exchange_n(&failure_reported, true, __ATOMIC_SEQ_CST))
		pr_err("vmx: %s\n", why);
	return err;
}

/* The first CPU picks the configuration and builds what all share; the others must match it. */
static int setup_shared(const struct vmx_caps *caps, const struct vmx_config *cfg)
{
	int err = 0;
	spin_lock(&setup_lock);
	if (!setup_done) {
		vmx_msr_bitmap = msr_bitmap_create();
		vmx_io_intercept_all = vmx_io_bitmap_create();
		if (vmx_msr_bitmap == FRAME_NONE || !vmx_io_intercept_all) {
			err = -KEEL_ENOMEM;
		} else {
			vmx_caps = *caps;
			vmx_config = *cfg;
			/* One timer tick (10 ms) in preemption-timer units: the TSC >> IA32_VMX_MISC[4:0]. */
			uint64_t ticks = (arch_tsc_khz() * 10) >> (rdmsr(MSR_VMX_MISC) & 0x1f);
			vmx_preemption_ticks = ticks > 0xffffffffull ? 0xffffffffu : (uint32_t)(ticks ? ticks : 1);
			vmx_migrate_init();
			log_config(cfg);
			setup_done = true;
		}
	} else if (memcmp(cfg, &vmx_config, sizeof(*cfg)) != 0 || caps->cr0_fixed0 != vmx_caps.cr0_fixed0 ||
		   caps->cr4_fixed0 != vmx_caps.cr4_fixed0) {
		err = 1;
	}
	spin_unlock(&setup_lock);
	return err;
}

static int vmx_cpu_enable(void)
{
	struct vmx_cpu *c = &vmx_cpus[cpu_id()];
	if (c->vmxon_region)
		return 0;

	if (!(cpuid(1, 0).ecx & CPUID_1_ECX_VMX))
		return refuse(-KEEL_ENOSYS, "the CPU has no VMX");

	/* Firmware may lock VMX off; OVMF leaves the MSR unlocked, so Keel sets and locks it. */
	uint64_t fc = rdmsr(MSR_FEATURE_CONTROL);
	if (fc & FEATURE_CONTROL_LOCKED) {
		if (!(fc & FEATURE_CONTROL_VMX_OUTSIDE))
			return refuse(-KEEL_EPERM, "VMX disabled by firmware (IA32_FEATURE_CONTROL is locked)");
	} else {
		wrmsr(MSR_FEATURE_CONTROL, fc | FEATURE_CONTROL_VMX_OUTSIDE | FEATURE_CONTROL_LOCKED);
	}

	struct vmx_caps caps;
	struct vmx_config cfg;
	const char *why;
	read_caps(&caps);
	if (!__atomic_exchange_n(&caps_logged, true, __ATOMIC_SEQ_CST))
		log_caps(&caps);
	if (vmx_config_from_caps(&caps, &cfg, &why) != 0)
		return refuse(-KEEL_ENOSYS, why);
	int err = setup_shared(&caps, &cfg);
	if (err < 0)
		return refuse(err, "out of memory for the MSR bitmap");
	if (err > 0)
		return refuse(-KEEL_ENOSYS, "CPUs differ in their VMX capabilities");

	paddr_t region = frame_alloc_zeroed(0);
	if (region == FRAME_NONE)
		return refuse(-KEEL_ENOMEM, "out of memory for a VMXON region");
	*(uint32_t *)phys_to_virt(region) = cfg.revision;

	/* VMXON needs the CR0/CR4 bits VMX fixes (SDM 23.8), CR4.VMXE among them. */
	write_cr0(vmx_fixed_cr(read_cr0(), caps.cr0_fixed0, caps.cr0_fixed1));
	write_cr4(vmx_fixed_cr(read_cr4() | CR4_VMXE, caps.cr4_fixed0, caps.cr4_fixed1));
	if (!vmxon(region)) {
		write_cr4(read_cr4() & ~CR4_VMXE);
		frame_free(region, 0);
		return refuse(-KEEL_EIO, "VMXON failed");
	}
	/* Nothing from before (firmware, an earlier hypervisor) may linger in the TLBs. */
	invept(INVEPT_ALL_CONTEXT, 0);
	c->vmxon_region = region;
	return 0;
}

/* Stub N: mov $N, %eax; vmcall; ret. The rest of each 32-byte slot is int3 (pv-abi/keel/abi.h section 2). */
static void vmx_write_hypercall_page(void *page)
{
	uint8_t *p = page;
	memset(p, 0xcc, PAGE_SIZE);
	for (uint32_t n = 0; n < KEEL_HYPERCALL_MAX; n++) {
		uint8_t *stub = p + n * KEEL_HYPERCALL_STUB_SIZE;
		stub[0] = 0xb8;
		memcpy(stub + 1, &n, 4);
		stub[5] = 0x0f;
		stub[6] = 0x01;
		stub[7] = 0xc1;
		stub[8] = 0xc3;
	}
}

const struct virt_ops vmx_ops = {
	.name = "VMX",
	.paging_name = "EPT",
	.cpu_enable = vmx_cpu_enable,
	.vcpu_create = vmx_vcpu_create,
	.vcpu_destroy = vmx_vcpu_destroy,
	.vcpu_run = vmx_vcpu_run,
	.inject_exception = vmx_inject_exception,
	.set_upcall = vmx_set_upcall,
	.guest_cr3 = vmx_guest_cr3,
	.write_hypercall_page = vmx_write_hypercall_page,
	.p2m_init = ept_init,
	.p2m_map = ept_map,
	.p2m_unmap = ept_unmap,
	.p2m_destroy = vmx_p2m_destroy,
	.p2m_lookup = ept_translate,
	.p2m_flush = vmx_p2m_flush,
	.io_bitmap_create = vmx_io_bitmap_create,
	.io_bitmap_destroy = io_bitmap_free,
	.io_allow = io_bitmap_allow,
	.switch_floor = vmx_switch_floor,
};
