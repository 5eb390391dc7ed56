/* vcpu.c: creating and destroying vCPUs. */
#include "vcpu.h"

#include "domain.h"
#include "arch.h"
#include "frame.h"
#include "heap.h"
#include "mm.h"
#include "keel/abi.h"

/* IA32_PAT at reset (SDM 11.12.4): WB, WT, UC-, UC, repeated. */
#define PAT_RESET_VALUE 0x0007040600070406ull

/* Address-space ids tag TLB entries per guest; 0 belongs to the host. */
#define ASID_COUNT 15   /* what every SVM implementation (and QEMU's) offers at least */
static uint16_t next_asid;
static uint64_t next_serial = 1;

struct vcpu *vcpu_create(struct domain *d, unsigned int id, const struct vcpu_boot_state *boot,
			 const struct vcpu_regs *regs, int *error)
{
	if (id >= d->nr_vcpus || d->vcpus[id]) {
		*error = -KEEL_EINVAL;
		return NULL;
	}
	struct vcpu *v = kzalloc(sizeof(*v));
	if (!v) {
		*error = -KEEL_ENOMEM;
		return NULL;
	}
	v->domain = d;
	v->id = id;
	v->state = VCPU_DOWN;
	v->regs = *regs;
	v->msrs.pat = PAT_RESET_VALUE;
	v->serial = __atomic_fetch_add(&next_serial, 1, __ATOMIC_RELAXED);
	sched_vcpu_init(v);
	/* A whole frame: XSAVE areas need 64-byte alignment and reach ~2.7 KiB with AVX-512. */
	paddr_t fpu = frame_alloc(0);
	if (fpu == FRAME_NONE) {
		kfree(v);
		*error = -KEEL_ENOMEM;
		return NULL;
	}
	v->fpu_state = phys_to_virt(fpu);
	arch_fpu_init_state(v->fpu_state);
	/* ASIDs are recycled: the backend flushes a reused one before its first run. */
	v->asid = (uint16_t)(1 + __atomic_fetch_add(&next_asid, 1, __ATOMIC_RELAXED) % ASID_COUNT);
	v->arch = virt->vcpu_create(boot, &d->p2m, d->io_ports, v->asid);
	if (!v->arch) {
		frame_free(virt_to_phys(v->fpu_state), 0);
		kfree(v);
		*error = -KEEL_ENOMEM;
		return NULL;
	}
	d->vcpus[id] = v;
	return v;
}

void vcpu_destroy(struct vcpu *v)
{
	timer_cancel(v);   /* no CPU may fire at it once it is freed */
	v->domain->vcpus[v->id] = NULL;
	virt->vcpu_destroy(v->arch);
	frame_free(virt_to_phys(v->fpu_state), 0);
	kfree(v);
}

int vcpu_reset(struct vcpu *v, const struct vcpu_boot_state *boot, const struct vcpu_regs *regs)
{
	struct vcpu_arch *fresh = virt->vcpu_create(boot, &v->domain->p2m, v->domain->io_ports, v->asid);
	if (!fresh)
		return -KEEL_ENOMEM;
	virt->vcpu_destroy(v->arch);
	v->arch = fresh;
	v->regs = *regs;
	v->msrs.pat = PAT_RESET_VALUE;
	arch_fpu_init_state(v->fpu_state);
	/* A new serial: no CPU may believe it still holds this vCPU's old FPU registers. */
	v->serial = __atomic_fetch_add(&next_serial, 1, __ATOMIC_RELAXED);
	return 0;
}

uint64_t vcpu_cpu_time_ns(const struct vcpu *v)
{
	/* The scheduler charges a slice when it ends: a vCPU alone on its CPU may run for long
	 * without one ending, so the part since its slice began is added here. Racy but harmless:
	 * a reader may see the slice charged and not yet restarted, or the reverse, for a moment. */
	uint64_t ns = __atomic_load_n(&v->sched.runtime_ns, __ATOMIC_RELAXED);
	uint64_t start = __atomic_load_n(&v->sched.slice_start_ns, __ATOMIC_RELAXED);
	uint64_t now = arch_time_ns();
	if (__atomic_load_n(&v->sched.on_cpu, __ATOMIC_ACQUIRE) && now > start)
		ns += now - start;
	return ns;
}
