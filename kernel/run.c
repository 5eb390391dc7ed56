/* run.c: each physical CPU's loop: pick a vCPU, run it until it must give way, handle its exits. */
#include "arch.h"
#include "domain.h"
#include "evtchn.h"
#include "exit.h"
#include "irq.h"
#include "sched.h"
#include "sched_internal.h"
#include "shared_info.h"
#include "timer.h"
#include "vcpu.h"

/* Per CPU: whose FPU registers are loaded (a vCPU serial, never a pointer that could be reused). */
static uint64_t fpu_loaded[MAX_CPUS];

static void fpu_switch_in(unsigned int cpu, struct vcpu *v)
{
	if (fpu_loaded[cpu] != v->serial) {
		arch_fpu_restore(v->fpu_state);
		fpu_loaded[cpu] = v->serial;
	}
}

/* Runs v until it blocks, yields, dies, is paused, or its slice ends and another may run. */
static void run_slice(unsigned int cpu, struct vcpu *v)
{
	struct virt_exit exit;

	fpu_switch_in(cpu, v);
	shared_info_update_time(v);   /* it may have been off a CPU for long: a fresh time record */
	uint64_t now = arch_time_ns();
	for (;;) {
		evtchn_upcall_before_entry(v);
		/* The slice only ends early if someone else may want the CPU; checking that needs
		 * sched_lock, so the interrupt comes at the slice's end and the loop below decides. */
		timer_arm_cpu(cpu, now, v->sched.slice_start_ns + sched_slice_ns);
		virt->vcpu_run(v->arch, &v->regs, &exit);
		/* The interrupt that caused the exit (timer tick, kick) is taken here. */
		irq_window();
		vcpu_handle_exit(v, &exit);
		now = arch_time_ns();   /* once per exit: the timers, the slice and the next arming share it */
		timer_run_expired(cpu, now);
		if (__atomic_load_n(&v->state, __ATOMIC_ACQUIRE) != VCPU_RUNNING)
			break;
		if (now - v->sched.slice_start_ns < sched_slice_ns && !v->sched.pause_count)
			continue;   /* the common case decides without the lock */
		spin_lock(&sched_lock);
		bool give_way = sched_should_preempt(cpu, v, now);
		if (give_way && v->state == VCPU_RUNNING)
			v->state = VCPU_RUNNABLE;
		else if (!give_way)
			sched_renew_slice(v, now);   /* nobody else wants this CPU: another slice */
		spin_unlock(&sched_lock);
		if (give_way)
			break;
	}
	/* The hypervisor never touches FPU registers, so this is the guest's state, intact. */
	arch_fpu_save(v->fpu_state);
}

void sched_run(void)
{
	unsigned int cpu = arch_cpu_id();
	for (;;) {
		irq_disable();
		uint64_t now = arch_time_ns();
		timer_run_expired(cpu, now);   /* before sched_lock: it may wake vCPUs */
		timer_watchdog(cpu, now);
		spin_lock(&sched_lock);
		struct vcpu *v = sched_pick(cpu, now);
		spin_unlock(&sched_lock);

		if (!v) {
			sched_idle_hook();
			timer_arm_cpu(cpu, now, TIMER_NEVER);
			arch_idle();
			continue;
		}
		run_slice(cpu, v);

		bool reap;
		struct domain *d = v->domain;   /* v may be freed by another CPU once put back */
		spin_lock(&sched_lock);
		int kick = sched_put(cpu, v, arch_time_ns(), &reap);
		spin_unlock(&sched_lock);
		sched_kick_cpu(kick);
		if (reap)
			domain_reap(d);
	}
}
