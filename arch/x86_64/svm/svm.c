/* svm.c: turning AMD SVM on for a CPU, and the backend's table of operations (svm_ops). */
#include "svm/svm.h"

#include "cpu.h"
#include "frame.h"
#include "io_bitmap.h"
#include "keel/abi.h"
#include "log.h"
#include "percpu.h"
#include "spinlock.h"
#include "string.h"

#define MSR_VM_CR        0xc0010114
#define MSR_VM_HSAVE_PA  0xc0010117
#define VM_CR_SVMDIS     (1u << 4)

#define CPUID_EXT_MAX        0x80000000
#define CPUID_EXT_FEATURES   0x80000001
#define CPUID_SVM            0x8000000a
#define CPUID_EXT_ECX_SVM    (1u << 2)
#define CPUID_SVM_EDX_NP     (1u << 0)
#define CPUID_SVM_EDX_NRIPS  (1u << 3)
#define CPUID_SVM_EDX_CLEAN  (1u << 5)
#define CPUID_SVM_EDX_FLUSH_BY_ASID (1u << 6)
#define CPUID_SVM_EDX_DECODE (1u << 7)

struct svm_caps svm_caps;
struct svm_cpu svm_cpus[MAX_CPUS];
paddr_t svm_msrpm_pa = FRAME_NONE, svm_iopm_pa = FRAME_NONE;

static spinlock_t shared_setup_lock = SPINLOCK_INIT;
static bool shared_setup_done;

/* Capabilities, the permission maps and the log line: once, by the first CPU to get here. */
static int shared_setup(void)
{
	int rc = 0;
	spin_lock(&shared_setup_lock);
	if (shared_setup_done)
		goto out;

	struct cpuid_regs r = cpuid(CPUID_SVM, 0);
	svm_caps.nr_asids = r.ebx;
	svm_caps.nrip_save = r.edx & CPUID_SVM_EDX_NRIPS;
	svm_caps.clean_bits = r.edx & CPUID_SVM_EDX_CLEAN;
	svm_caps.flush_by_asid = r.edx & CPUID_SVM_EDX_FLUSH_BY_ASID;
	svm_caps.decode_assists = r.edx & CPUID_SVM_EDX_DECODE;
	/* NX in nested entries is legal only while the host has EFER.NXE (APM 15.25.5). */
	npt_use_nx = rdmsr(MSR_EFER) & EFER_NXE;

	svm_msrpm_pa = frame_alloc_zeroed(SVM_MSRPM_ORDER);
	svm_iopm_pa = frame_alloc_zeroed(SVM_IOPM_ORDER);
	if (svm_msrpm_pa == FRAME_NONE || svm_iopm_pa == FRAME_NONE) {
		rc = -KEEL_ENOMEM;
		goto out;
	}
	svm_msrpm_build(phys_to_virt(svm_msrpm_pa));
	svm_iopm_build(phys_to_virt(svm_iopm_pa));

	pr_info("svm: NPT, %u ASIDs, %s, %s%s\n", svm_caps.nr_asids,
		svm_caps.nrip_save ? "NRIP save" : "no NRIP save",
		svm_caps.flush_by_asid ? "flush by ASID" : "no flush by ASID",
		svm_caps.decode_assists ? ", decode assists" : "");
	shared_setup_done = true;
out:
	spin_unlock(&shared_setup_lock);
	return rc;
}

/*
 * Errors (the caller prints the line): -KEEL_ENOSYS no SVM or no nested paging,
 * -KEEL_EPERM SVM disabled by the firmware (VM_CR.SVMDIS), -KEEL_ENOMEM.
 */
static int svm_cpu_enable(void)
{
	if (cpuid(CPUID_EXT_MAX, 0).eax < CPUID_SVM ||
	    !(cpuid(CPUID_EXT_FEATURES, 0).ecx & CPUID_EXT_ECX_SVM))
		return -KEEL_ENOSYS;
	/* With SVMDIS set, writing EFER.SVME raises #GP (APM 15.4). */
	if (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS)
		return -KEEL_EPERM;
	if (!(cpuid(CPUID_SVM, 0).edx & CPUID_SVM_EDX_NP))
		return -KEEL_ENOSYS;

	int rc = shared_setup();
	if (rc)
		return rc;

	struct svm_cpu *sc = &svm_cpus[cpu_id()];
	if (!sc->have_pages) {
		paddr_t hsave = frame_alloc_zeroed(0), host_state = frame_alloc_zeroed(0);
		if (hsave == FRAME_NONE || host_state == FRAME_NONE)
			return -KEEL_ENOMEM;
		sc->hsave_pa = hsave;
		sc->host_state_pa = host_state;
		sc->have_pages = true;
	}
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	/* Must be set before the first VMRUN; the host's state goes there on every entry. */
	wrmsr(MSR_VM_HSAVE_PA, sc->hsave_pa);
	return 0;
}

static uint64_t svm_guest_cr3(struct vcpu_arch *va)
{
	return va->vmcb->save.cr3;
}

/* pv-abi/keel/abi.h section 2: stub N is "mov $N, %eax; vmmcall; ret", padded with int3. */
static void svm_write_hypercall_page(void *page)
{
	uint8_t *p = page;
	memset(p, 0xcc, PAGE_SIZE);
	for (uint32_t n = 0; n < KEEL_HYPERCALL_MAX; n++) {
		uint8_t *stub = p + n * KEEL_HYPERCALL_STUB_SIZE;
		stub[0] = 0xb8;                    /* mov imm32, %eax */
		memcpy(stub + 1, &n, 4);
		stub[5] = 0x0f;                    /* vmmcall */
		stub[6] = 0x01;
		stub[7] = 0xd9;
		stub[8] = 0xc3;                    /* ret */
	}
}

static int svm_p2m_init(struct p2m *p2m)
{
	return npt_init(p2m);
}

const struct virt_ops svm_ops = {
	.name = "SVM",
	.paging_name = "NPT",
	.cpu_enable = svm_cpu_enable,
	.vcpu_create = svm_vcpu_create,
	.vcpu_destroy = svm_vcpu_destroy,
	.vcpu_run = svm_vcpu_run,
	.inject_exception = svm_inject_exception,
	.set_upcall = svm_set_upcall,
	.guest_cr3 = svm_guest_cr3,
	.write_hypercall_page = svm_write_hypercall_page,
	.p2m_init = svm_p2m_init,
	.p2m_map = npt_map,
	.p2m_unmap = npt_unmap,
	.p2m_destroy = npt_destroy,
	.p2m_lookup = npt_lookup,
	.p2m_flush = svm_p2m_flush,
	.io_bitmap_create = svm_io_bitmap_create,
	.io_bitmap_destroy = io_bitmap_free,
	.io_allow = io_bitmap_allow,
	.switch_floor = svm_switch_floor,
};
