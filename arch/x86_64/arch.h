/* arch.h: what kernel/ may ask of the CPU and the platform; implemented in arch/x86_64/. */
#ifndef KEEL_ARCH_H
#define KEEL_ARCH_H

#include <stddef.h>
#include <stdint.h>

#include "keel/boot_info.h"

/* Status codes for QEMU's isa-debug-exit device: QEMU exits with (code << 1) | 1. */
#define KEEL_EXIT_OK    0x10   /* QEMU status 33 */
#define KEEL_EXIT_PANIC 0x11   /* QEMU status 35 */

/* Boot: tables, paging and stacks for the boot CPU. Calls 'next' on the BSP's guarded stack. */
__attribute__((noreturn)) void arch_boot_cpu_init(const struct boot_info *bi, void (*next)(void));
/* Continues on another stack; never returns (entry.S). */
__attribute__((noreturn)) void arch_switch_stack(uint64_t new_top, void (*fn)(void *), void *arg);
/* ACPI, power control, the TSC and the boot CPU's APIC and timer. */
void arch_platform_init(const struct boot_info *bi);
/* Starts the other CPUs (at most 'max' in all, 0 = every CPU); returns the number online. */
unsigned int arch_smp_init(unsigned int max);
/* Where each application processor continues once it is up (kernel/main.c). */
__attribute__((noreturn)) void kernel_ap_main(void);

unsigned int arch_cpu_id(void);
void arch_irq_disable(void);
__attribute__((noreturn)) void arch_halt_forever(void);
/* Waits for an interrupt with interrupts enabled; returns after handling it. */
void arch_idle(void);
void arch_stop_other_cpus(void);
void arch_backtrace_here(void);
void arch_debug_exit(uint8_t code);
__attribute__((noreturn)) void arch_power_off(void);
__attribute__((noreturn)) void arch_reboot(void);
/* Raises a CPU exception on purpose (debug_fault=): ud, gp, pf or de. Returns if unknown. */
void arch_raise_fault(const char *which);

/* Makes sure this CPU's timer interrupt arrives by system time 'deadline_ns': arms it unless
 * it is already armed for that or earlier. A deadline already past arrives almost at once.
 * Called with interrupts disabled. */
void arch_timer_arm(uint64_t deadline_ns);
/* Nanoseconds since the TSC was calibrated, and the TSC rate. */
uint64_t arch_time_ns(void);
/* The system time (ns) at which the TSC read 'tsc': guests' time records pair the two exactly. */
uint64_t arch_tsc_to_ns(uint64_t tsc);
uint64_t arch_tsc_khz(void);
/* Milliseconds elapsed since a TSC value taken earlier (e.g. by the loader). */
uint64_t arch_ms_since_tsc(uint64_t tsc);

/* The host CPU's CPUID answer, and its TSC. */
void arch_host_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t *eax, uint32_t *ebx, uint32_t *ecx, uint32_t *edx);
uint64_t arch_read_tsc(void);

/* Wakes every other CPU (idle ones re-check the run queue; one in a guest takes an exit). */
void arch_kick_other_cpus(void);
/* This CPU's timer interrupts so far. */
uint64_t arch_timer_ticks(void);

/* The FPU/SSE/AVX registers of a vCPU (the hypervisor itself never uses them). */
void arch_fpu_cpu_init(void);
size_t arch_fpu_state_size(void);
const char *arch_fpu_describe(void);
void arch_fpu_init_state(void *area);   /* a whole 4 KiB page */
void arch_fpu_save(void *area);
void arch_fpu_restore(const void *area);

/* CPUs running, kicking one of them, and a short busy wait. */
unsigned int arch_cpus_online(void);
/* The CPUs that may run guests (bit n = CPU n): all online ones, unless an emulator bug
 * says otherwise; then arch_guest_cpus_reason() says why (NULL when all may). */
uint64_t arch_guest_cpus(void);
const char *arch_guest_cpus_reason(void);
void arch_kick_cpu(unsigned int cpu);
void arch_delay_us(uint64_t us);

/* Text for the boot report. */
struct arch_cpu_description {
	char vendor[13];
	char brand[49];
	unsigned int family, model, stepping;
	const char *virt;         /* e.g. "SVM present (NPT)" */
};
void arch_describe_cpu(struct arch_cpu_description *d);

#endif
