/* main.c: the hypervisor's boot sequence, from the loader's handover to the idle loop. */
#include "arch.h"
#include "keel/boot_info.h"
#include "console.h"
#include "config.h"
#include "frame.h"
#include "heap.h"
#include "log.h"
#include "memory.h"
#include "mm.h"
#include "bench_switch.h"
#include "options.h"
#include "boot_guests.h"
#include "sched.h"
#include "timer.h"
#include "virt.h"

static paddr_t boot_info_phys;
static unsigned int cpus_up = 1;
static bool boot_finished;

static const struct boot_info *boot_info(void)
{
	return phys_to_virt(boot_info_phys);
}

static void boot_report(void)
{
	struct arch_cpu_description cpu;
	arch_describe_cpu(&cpu);
	uint64_t total_mib = memory_total_bytes() >> 20;
	uint64_t free_mib = (frame_free_count() * PAGE_SIZE) >> 20;

	pr_info("Keel %s boot report\n", KEEL_VERSION_STRING);
	pr_info("  cpu      %s family %u model %u stepping %u \"%s\"\n", cpu.vendor, cpu.family, cpu.model,
		cpu.stepping, cpu.brand);
	pr_info("  virt     %s\n", cpu.virt);
	pr_info("  cpus     %u online\n", cpus_up);
	pr_info("  memory   %llu MiB total, %llu MiB free\n", (unsigned long long)total_mib,
		(unsigned long long)free_mib);
	pr_info("  boot     %llu ms from loader start\n",
		(unsigned long long)arch_ms_since_tsc(boot_info()->loader_start_tsc));
}

/* Continues on the boot CPU's guarded stack with the hypervisor's own page tables. */
static void kernel_main_late(void)
{
	const struct boot_info *bi = boot_info();

	memory_reclaim_boot(bi);
	heap_init();
	arch_platform_init(bi);
	virt = virt_detect();
	cpus_up = arch_smp_init(boot_options.smp_max);
	sched_init(boot_options.sched_slice_ms);
	pr_info("sched: %u CPUs, %u ms slices, vCPU FPU state saved by %s\n", cpus_up,
		boot_options.sched_slice_ms, arch_fpu_describe());
	boot_report();
	pr_info("keel: ready\n");

	if (boot_options.bench_switch_floor)
		bench_switch_floor(boot_options.bench_switch_floor);
	arch_raise_fault(boot_options.debug_fault);
	boot_guests_init(bi);
	sched_run();
}

/* Every CPU, once idle: at boot the boot CPU starts the next boot guest or finishes the run. */
void sched_idle_hook(void)
{
	/* An armed timer is work to come: a sleeping guest has not finished. */
	if (arch_cpu_id() != 0 || !sched_quiescent() || timer_armed_count())
		return;
	if (boot_guests_start_next())
		return;
	if (boot_finished)
		return;
	boot_finished = true;
	boot_guests_report();
	if (boot_options.test_exit)
		arch_debug_exit(KEEL_EXIT_OK);
	if (boot_options.after_boot == AFTER_BOOT_POWEROFF)
		arch_power_off();
	if (boot_options.after_boot == AFTER_BOOT_REBOOT)
		arch_reboot();
}

void kernel_ap_main(void)
{
	/* A CPU whose virtualization cannot be enabled must never be handed a vCPU. */
	if (virt && virt->cpu_enable() < 0) {
		pr_err("cpu %u: cannot enable %s; it stays idle\n", arch_cpu_id(), virt->name);
		for (;;)
			arch_idle();
	}
	sched_run();
}

void kernel_main(paddr_t bi_phys);
void kernel_main(paddr_t bi_phys)
{
	/* The loader's identity map is live, so the physical address is usable as is. */
	const struct boot_info *bi = (const struct boot_info *)bi_phys;
	boot_info_phys = bi_phys;

	options_parse(bi->magic == BOOT_INFO_MAGIC ? bi->cmdline : "");
	console_init(boot_options.console);
	log_set_console_level(boot_options.loglevel);
	pr_info("Keel %s hypervisor starting\n", KEEL_VERSION_STRING);
	if (bi->magic != BOOT_INFO_MAGIC || bi->version != BOOT_INFO_VERSION)
		panic("boot info has magic %#llx version %u; this hypervisor needs version %u",
		      (unsigned long long)bi->magic, bi->version, BOOT_INFO_VERSION);
	options_report();
	pr_info("cmdline: %s\n", bi->cmdline);

	memory_init(bi);
	arch_boot_cpu_init(bi, kernel_main_late);
}
