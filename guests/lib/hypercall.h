/* hypercall.h: finding Keel, placing the hypercall page, and calling hypercalls through it (pv-abi/keel/abi.h). */
#ifndef GUEST_HYPERCALL_H
#define GUEST_HYPERCALL_H

#include <stddef.h>
#include <stdint.h>

#include <keel/abi.h>
#include <keel/console_io.h>
#include <keel/sched.h>

/* The page the hypervisor fills with stubs (hypercall_page.S). */
extern uint8_t hypercall_page[4096];

/* What CPUID reported, kept for guests that want to print or check it. */
struct keel_discovery {
	uint32_t max_leaf;          /* CPUID 0x40000000 eax */
	uint32_t version;           /* CPUID 0x40000001 eax */
	uint32_t hypercall_pages;   /* CPUID 0x40000002 eax */
	uint32_t hypercall_msr;     /* CPUID 0x40000002 ebx */
	uint32_t features;          /* CPUID 0x40000002 ecx */
};
extern struct keel_discovery keel_discovery;

/* Why hypercall_init() failed: the code is left in eax when the runtime gives up. */
enum hypercall_init_error {
	HYPERCALL_INIT_OK = 0,
	HYPERCALL_INIT_NOT_KEEL,        /* no "KeelKeelKeel" signature at 0x40000000 */
	HYPERCALL_INIT_TOO_FEW_LEAVES,  /* the hypercall leaf is missing */
	HYPERCALL_INIT_WRONG_VERSION,   /* another major version, or an older minor one */
	HYPERCALL_INIT_NO_PAGES,        /* the hypervisor offers no hypercall page */
};

/* Discovers Keel through CPUID and places hypercall_page; the runtime calls it before guest_main. */
enum hypercall_init_error hypercall_init(void);

/*
 * The raw calls: arguments in rdi, rsi, rdx, r10, r8, result in rax. The stub is called
 * through a register, so 'nr' need not be a constant and any optimisation level works.
 * The stub clobbers rax and (reserved) rcx and r11; "memory" because the hypervisor reads
 * and writes guest memory through pointer arguments.
 */
static inline uint64_t hypercall_stub(unsigned int nr)
{
	return (uint64_t)(uintptr_t)hypercall_page + (uint64_t)nr * KEEL_HYPERCALL_STUB_SIZE;
}

static inline long hypercall0(unsigned int nr)
{
	long ret;
	asm volatile("call *%[stub]"
		     : "=a"(ret)
		     : [stub] "r"(hypercall_stub(nr))
		     : "rcx", "r11", "memory");
	return ret;
}

static inline long hypercall1(unsigned int nr, uint64_t a1)
{
	long ret;
	asm volatile("call *%[stub]"
		     : "=a"(ret)
		     : [stub] "r"(hypercall_stub(nr)), "D"(a1)
		     : "rcx", "r11", "memory");
	return ret;
}

static inline long hypercall2(unsigned int nr, uint64_t a1, uint64_t a2)
{
	long ret;
	asm volatile("call *%[stub]"
		     : "=a"(ret)
		     : [stub] "r"(hypercall_stub(nr)), "D"(a1), "S"(a2)
		     : "rcx", "r11", "memory");
	return ret;
}

static inline long hypercall3(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3)
{
	long ret;
	asm volatile("call *%[stub]"
		     : "=a"(ret)
		     : [stub] "r"(hypercall_stub(nr)), "D"(a1), "S"(a2), "d"(a3)
		     : "rcx", "r11", "memory");
	return ret;
}

/* r10 and r8 have no constraint letters: explicit register variables pin them. */
static inline long hypercall4(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
	long ret;
	register uint64_t r10 asm("r10") = a4;
	asm volatile("call *%[stub]"
		     : "=a"(ret)
		     : [stub] "r"(hypercall_stub(nr)), "D"(a1), "S"(a2), "d"(a3), "r"(r10)
		     : "rcx", "r11", "memory");
	return ret;
}

static inline long hypercall5(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
			      uint64_t a5)
{
	long ret;
	register uint64_t r10 asm("r10") = a4;
	register uint64_t r8 asm("r8") = a5;
	asm volatile("call *%[stub]"
		     : "=a"(ret)
		     : [stub] "r"(hypercall_stub(nr)), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8)
		     : "rcx", "r11", "memory");
	return ret;
}

/* The typed calls, one per hypercall and sub-command. */

static inline long keel_version(void)
{
	return hypercall0(KEEL_HC_VERSION);
}

static inline long keel_features(void)
{
	return hypercall0(KEEL_HC_FEATURES);
}

static inline long keel_console_write(const char *buf, size_t len)
{
	return hypercall3(KEEL_HC_CONSOLE_IO, KEEL_CONSOLE_WRITE, len, (uintptr_t)buf);
}

static inline long keel_sched_yield(void)
{
	return hypercall2(KEEL_HC_SCHED_OP, KEEL_SCHED_YIELD, 0);
}

static inline long keel_sched_block(void)
{
	return hypercall2(KEEL_HC_SCHED_OP, KEEL_SCHED_BLOCK, 0);
}

/* Returns only for an unknown reason (-KEEL_EINVAL). */
static inline long keel_sched_shutdown(unsigned int reason)
{
	return hypercall2(KEEL_HC_SCHED_OP, KEEL_SCHED_SHUTDOWN, reason);
}

#endif
