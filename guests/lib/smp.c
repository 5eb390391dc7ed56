/* smp.c: starting a guest's other vCPUs through vcpu_op UP. */
#include "smp.h"

#include <keel/shared_info.h>
#include <keel/vcpu_op.h>

#include "control.h"
#include "cpu.h"

/* What smp_vcpu_entry calls; one record per vCPU, read by that vCPU only once it runs. */
struct smp_start {
	uint64_t fn;
	uint64_t arg;
};

static struct smp_start starts[KEEL_MAX_VCPUS];

void smp_vcpu_entry(void);

long smp_start_vcpu(unsigned int id, void (*fn)(uint64_t arg), uint64_t arg, void *stack_top)
{
	if (id >= KEEL_MAX_VCPUS)
		return -KEEL_EINVAL;
	starts[id].fn = (uint64_t)(uintptr_t)fn;
	starts[id].arg = arg;
	struct keel_vcpu_context ctx = {
		.rip = (uint64_t)(uintptr_t)smp_vcpu_entry,
		.rsp = (uint64_t)(uintptr_t)stack_top,
		.rdi = (uint64_t)(uintptr_t)&starts[id],
		.cr3 = read_cr3(),
		.gdt_gpa = 0,   /* the builder's */
	};
	return keel_vcpu_op(KEEL_VCPUOP_UP, id, &ctx);
}
