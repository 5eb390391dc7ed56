/* ops.c: hcfuzz's console_io, sched_op, set_timer, vcpu_op, privileged and unknown hypercalls, each with the results the ABI allows. */
#include "fuzz.h"

#include <keel/console_io.h>
#include <keel/sched.h>
#include <keel/vcpu_op.h>

#include "hypercall.h"
#include "string.h"
#include "timer.h"

long fuzz_console_io(struct fuzz *f)
{
	struct prng *p = &f->prng;
	uint64_t cmd = prng_chance(p, 85) ? KEEL_CONSOLE_WRITE : fuzz_u64(f);
	uint64_t len = fuzz_len(f, KEEL_CONSOLE_IO_MAX);
	/* Most good writes stay short: each lands in the log and dom0's history of hcfuzz, and
	 * kilobytes of noise would push hcfuzz's own report lines out of it. */
	if (len <= KEEL_CONSOLE_IO_MAX && prng_chance(p, 90))
		len &= 15;
	/* Only read: any pointer will do. Valid ones print the arena's random bytes to the log. */
	uint64_t buf = fuzz_pointer(f, len < KEEL_CONSOLE_IO_MAX ? len : KEEL_CONSOLE_IO_MAX, FUZZ_PTR_ANY);
	long rc = hypercall3(KEEL_HC_CONSOLE_IO, cmd, len, buf);
	if (rc >= 0 && (cmd != KEEL_CONSOLE_WRITE || len > KEEL_CONSOLE_IO_MAX))
		fuzz_violation(f, "console_io with a bad cmd or length", rc);
	return rc;
}

/*
 * YIELD often, BLOCK rarely and only with its own timer armed (a fuzzed far-away deadline
 * would sleep for ever), SHUTDOWN only with reasons the hypervisor must refuse: a real
 * shutdown would end the run, and the test counts on it finishing.
 */
long fuzz_sched_op(struct fuzz *f)
{
	struct prng *p = &f->prng;
	unsigned int pick = (unsigned int)prng_below(p, 100);
	long rc;
	if (pick < 70)
		return hypercall2(KEEL_HC_SCHED_OP, KEEL_SCHED_YIELD, fuzz_u64(f));
	if (pick < 74) {
		/* Take what is pending first (with interrupts on), or the block returns at once. */
		asm volatile("sti; nop; cli" : : : "memory");
		set_timer(time_now_ns() + 100000 + prng_below(p, 2000000));
		return hypercall2(KEEL_HC_SCHED_OP, KEEL_SCHED_BLOCK, fuzz_u64(f));
	}
	if (pick < 87) {
		uint64_t reason = fuzz_u64(f);
		if (reason <= KEEL_SHUTDOWN_CRASH)
			reason += KEEL_SHUTDOWN_CRASH + 1;
		rc = hypercall2(KEEL_HC_SCHED_OP, KEEL_SCHED_SHUTDOWN, reason);
		if (rc != -KEEL_EINVAL)
			fuzz_violation(f, "sched_op SHUTDOWN with a bad reason", rc);
		return rc;
	}
	uint64_t cmd = fuzz_u64(f);
	if (cmd <= KEEL_SCHED_SHUTDOWN)
		cmd += KEEL_SCHED_SHUTDOWN + 1;
	rc = hypercall2(KEEL_HC_SCHED_OP, cmd, fuzz_u64(f));
	if (rc != -KEEL_ENOSYS)
		fuzz_violation(f, "sched_op with an unknown cmd", rc);
	return rc;
}

long fuzz_set_timer(struct fuzz *f)
{
	struct prng *p = &f->prng;
	uint64_t now = time_now_ns(), deadline;
	switch (prng_below(p, 5)) {
	case 0:
		deadline = now - prng_below(p, now + 1);   /* the past: fires at once */
		break;
	case 1:
		deadline = now + prng_below(p, 5000000);
		break;
	default:
		deadline = fuzz_u64(f);
		break;
	}
	long rc = hypercall1(KEEL_HC_SET_TIMER, deadline);
	if (rc != 0)
		fuzz_violation(f, "set_timer", rc);
	return rc;
}

/* A context the hypervisor must refuse, each in one way vcpu_op.h names. */
static void refused_context(struct fuzz *f, struct keel_vcpu_context *ctx)
{
	struct prng *p = &f->prng;
	switch (prng_below(p, 5)) {
	case 0:
		ctx->rip = 0x8000000000000000ull | prng_next(p);
		break;
	case 1:
		ctx->rsp = 0x0000800000000000ull + prng_below(p, 1ull << 40);
		break;
	case 2:
		ctx->cr3 |= 1 + prng_below(p, 4095);
		break;
	case 3:
		ctx->cr3 = (f->mem_end + 4096 * prng_below(p, 1u << 20)) & ~4095ull;
		break;
	default:
		ctx->reserved[prng_below(p, 3)] |= 1ull << prng_below(p, 64);
		break;
	}
}

/*
 * Never DOWN vCPU 0 (it is the one fuzzing: it would stop for ever), and never UP a vCPU with
 * a context that could pass: either the real parking context, or one refused_context() broke.
 */
long fuzz_vcpu_op(struct fuzz *f)
{
	struct prng *p = &f->prng;
	uint64_t vcpu = fuzz_vcpu(f);
	unsigned int pick = (unsigned int)prng_below(p, 100);
	if (pick < 30)
		return hypercall3(KEEL_HC_VCPU_OP, KEEL_VCPUOP_IS_UP, vcpu, fuzz_pointer(f, 64, FUZZ_PTR_ANY));
	if (pick < 55) {
		if (vcpu == 0)
			vcpu = 1;
		return hypercall3(KEEL_HC_VCPU_OP, KEEL_VCPUOP_DOWN, vcpu, fuzz_pointer(f, 64, FUZZ_PTR_ANY));
	}
	if (pick < 80) {
		if (vcpu >= 1 && vcpu < f->nr_vcpus && prng_chance(p, 50))
			return fuzz_start_parked_vcpu(f, (unsigned int)vcpu);
		uint64_t arg = fuzz_pointer(f, sizeof(struct keel_vcpu_context), FUZZ_PTR_CONTROLLED);
		bool ours = fuzz_in_arena(f, arg, sizeof(struct keel_vcpu_context));
		if (ours) {
			struct keel_vcpu_context ctx;
			memcpy(&ctx, (const void *)(uintptr_t)arg, sizeof ctx);
			refused_context(f, &ctx);
			memcpy((void *)(uintptr_t)arg, &ctx, sizeof ctx);
		}
		long rc = hypercall3(KEEL_HC_VCPU_OP, KEEL_VCPUOP_UP, vcpu, arg);
		if (rc == 0)
			fuzz_violation(f, "vcpu_op UP with a broken context", rc);
		return rc;
	}
	uint64_t cmd = fuzz_u64(f);
	if (cmd <= KEEL_VCPUOP_IS_UP)
		cmd += KEEL_VCPUOP_IS_UP + 1;
	long rc = hypercall3(KEEL_HC_VCPU_OP, cmd, vcpu, fuzz_pointer(f, 64, FUZZ_PTR_ANY));
	if (rc != -KEEL_EINVAL)
		fuzz_violation(f, "vcpu_op with an unknown cmd", rc);
	return rc;
}

/* domctl and sysctl take one struct pointer, physdev_op a cmd and one: all must refuse a domU first. */
long fuzz_privileged(struct fuzz *f, unsigned int nr)
{
	struct prng *p = &f->prng;
	uint64_t arg = fuzz_pointer(f, 128, FUZZ_PTR_ANY);
	if (fuzz_in_arena(f, arg, 128) && prng_chance(p, 80)) {
		uint32_t head[2] = { (uint32_t)prng_below(p, 16), fuzz_domid(f) };   /* cmd, domid */
		memcpy((void *)(uintptr_t)arg, head, sizeof head);
	}
	long rc;
	if (nr == KEEL_HC_PHYSDEV_OP)
		rc = hypercall5(nr, prng_below(p, 6), arg, fuzz_u64(f), fuzz_u64(f), fuzz_u64(f));
	else
		rc = hypercall5(nr, arg, fuzz_u64(f), fuzz_u64(f), fuzz_u64(f), fuzz_u64(f));
	if (rc != -KEEL_EPERM)
		fuzz_violation(f, nr == KEEL_HC_DOMCTL ? "domctl from a domU" :
				  nr == KEEL_HC_SYSCTL ? "sysctl from a domU" : "physdev_op from a domU", rc);
	return rc;
}

long fuzz_unknown(struct fuzz *f, unsigned int nr)
{
	long rc = hypercall5(nr, fuzz_u64(f), fuzz_u64(f), fuzz_u64(f), fuzz_u64(f), fuzz_u64(f));
	if (nr == KEEL_HC_VERSION) {
		if (rc != KEEL_ABI_VERSION)
			fuzz_violation(f, "version", rc);
	} else if (nr == KEEL_HC_FEATURES) {
		if (rc != (long)keel_discovery.features)
			fuzz_violation(f, "features", rc);
	} else if (rc != -KEEL_ENOSYS) {
		fuzz_violation(f, "a hypercall number with no hypercall", rc);
	}
	return rc;
}
