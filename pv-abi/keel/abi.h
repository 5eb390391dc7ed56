/*
 * abi.h: Keel's paravirtual ABI, version 0: how a guest calls the hypervisor, and what
 * comes back. Everything a guest needs starts here; the other headers in this directory
 * describe one interface each.
 *
 * Self-contained by design: it needs only a C compiler's <stdint.h> and may be copied
 * into a guest kernel's tree unchanged.
 *
 * ---------------------------------------------------------------------------------
 * 1. Discovering Keel
 * ---------------------------------------------------------------------------------
 * CPUID leaf 0x40000000 returns
 *     eax = highest Keel leaf (0x40000002)
 *     ebx, ecx, edx = "KeelKeelKeel" (KEEL_CPUID_SIGNATURE_EBX/ECX/EDX)
 * CPUID leaf 0x40000001 returns eax = KEEL_ABI_VERSION.
 * CPUID leaf 0x40000002 returns
 *     eax = number of hypercall pages (1)
 *     ebx = MSR index through which the guest places the hypercall page
 *     ecx = KEEL_FEATURE_* bits
 *
 * ---------------------------------------------------------------------------------
 * 2. The hypercall page
 * ---------------------------------------------------------------------------------
 * The guest picks one 4 KiB-aligned page of its own memory and writes its guest-physical
 * address to MSR KEEL_MSR_HYPERCALL_PAGE (wrmsr, edx:eax = GPA). The hypervisor fills the
 * page with KEEL_HYPERCALL_MAX stubs of KEEL_HYPERCALL_STUB_SIZE bytes each; stub N loads
 * N into eax, executes the vendor's hypercall instruction (VMCALL on Intel, VMMCALL on
 * AMD) and returns. That is how one guest binary runs on both vendors. The page must be
 * mapped executable in the guest's own page tables. A GPA that is not page-aligned or
 * outside the guest's memory makes the WRMSR raise #GP.
 *
 * ---------------------------------------------------------------------------------
 * 3. Calling convention
 * ---------------------------------------------------------------------------------
 *     call hypercall_page + N * KEEL_HYPERCALL_STUB_SIZE
 *         in:  rdi, rsi, rdx, r10, r8 = arguments 1..5
 *         out: rax = result: >= 0 success, < 0 a negated KEEL_E* error
 *         clobbered: rax only (and rcx, r11 are reserved for future use: treat them as
 *                    clobbered too). Everything else is preserved.
 * The fourth argument is in r10, not rcx, exactly as with the SYSCALL instruction. Guest
 * pointers are guest-virtual addresses in the calling vCPU's current address space; the
 * hypervisor walks the guest's page tables and checks every byte against the guest's
 * memory before touching it. No argument value can fault the hypervisor: a bad one
 * returns an error to the caller.
 */
#ifndef KEEL_PV_ABI_H
#define KEEL_PV_ABI_H

#include <stdint.h>

#define KEEL_ABI_VERSION_MAJOR 0
#define KEEL_ABI_VERSION_MINOR 3
#define KEEL_ABI_VERSION ((KEEL_ABI_VERSION_MAJOR << 16) | KEEL_ABI_VERSION_MINOR)

/* CPUID discovery (section 1). */
#define KEEL_CPUID_BASE          0x40000000u
#define KEEL_CPUID_VERSION       0x40000001u
#define KEEL_CPUID_HYPERCALLS    0x40000002u
#define KEEL_CPUID_SIGNATURE_EBX 0x6c65654bu   /* "Keel" */
#define KEEL_CPUID_SIGNATURE_ECX 0x6c65654bu
#define KEEL_CPUID_SIGNATURE_EDX 0x6c65654bu

/* Feature bits (CPUID 0x40000002 ecx, and the 'features' hypercall). */
#define KEEL_FEATURE_CONSOLE_IO  (1u << 0)
#define KEEL_FEATURE_SCHED_OP    (1u << 1)
#define KEEL_FEATURE_GRANT_TABLE (1u << 2)   /* grant_table.h */
#define KEEL_FEATURE_EVENT_CHANNEL (1u << 3) /* event_channel.h and the shared-info page */
#define KEEL_FEATURE_SET_TIMER   (1u << 4)   /* timer.h */

/* The hypercall page (section 2). */
#define KEEL_MSR_HYPERCALL_PAGE  0x40000000u
#define KEEL_HYPERCALL_STUB_SIZE 32
#define KEEL_HYPERCALL_MAX       (4096 / KEEL_HYPERCALL_STUB_SIZE)

/*
 * Hypercall numbers. Each is documented with its arguments where it is defined:
 * version and features below, the others in the header named beside them.
 */
#define KEEL_HC_VERSION          0   /* () -> KEEL_ABI_VERSION */
#define KEEL_HC_FEATURES         1   /* () -> KEEL_FEATURE_* bits */
#define KEEL_HC_CONSOLE_IO       2   /* console_io.h */
#define KEEL_HC_SCHED_OP         3   /* sched.h */
#define KEEL_HC_EVENT_CHANNEL_OP 4   /* event_channel.h */
#define KEEL_HC_SET_TIMER        5   /* timer.h */
#define KEEL_HC_VCPU_OP          6   /* vcpu_op.h */
#define KEEL_HC_GRANT_TABLE_OP   7   /* grant_table.h */
#define KEEL_HC_DOMCTL           8   /* domctl.h: dom0 only */
#define KEEL_HC_SYSCTL           9   /* sysctl.h: dom0 only */
#define KEEL_HC_PHYSDEV_OP      10   /* physdev.h: dom0 only */

/*
 * Errors, returned negated in rax. The values are Linux's, so a porter's errno tables
 * need no translation.
 */
#define KEEL_EPERM     1   /* the caller lacks the privilege for this operation */
#define KEEL_ENOENT    2   /* no such object */
#define KEEL_ESRCH     3   /* no such domain */
#define KEEL_EIO       5   /* device or protocol error */
#define KEEL_E2BIG     7   /* argument list or batch too long */
#define KEEL_EBADF     9   /* bad port or handle */
#define KEEL_EAGAIN   11   /* try again later */
#define KEEL_ENOMEM   12   /* out of memory */
#define KEEL_EFAULT   14   /* a guest pointer or range is not in the guest's memory */
#define KEEL_EBUSY    16   /* the object is in use */
#define KEEL_EEXIST   17   /* the object already exists */
#define KEEL_ENODEV   19   /* no such device */
#define KEEL_EINVAL   22   /* an argument is invalid */
#define KEEL_ENOSPC   28   /* no room left */
#define KEEL_ENOSYS   38   /* no such hypercall or sub-command */

#endif
