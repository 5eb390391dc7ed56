/* eperm.c (tc-eperm): an unprivileged domain tries every domctl, sysctl and physdev_op; each must be refused with -KEEL_EPERM. */
#include "console.h"
#include "control.h"
#include "guest.h"
#include "insn_safe.h"
#include "keel/physdev.h"
#include "string.h"

/* Far outside any mapping: a privileged caller would get -KEEL_EFAULT, we must still get EPERM. */
#define UNMAPPED_GVA 0x0000100000000000ull

static unsigned int failures;

static void expect_eperm(const char *what, unsigned int value, long rc)
{
	if (rc != -KEEL_EPERM) {
		gprintf("tc-eperm: %s %u returned %ld, want %d\n", what, value, rc, -KEEL_EPERM);
		failures++;
	}
}

void guest_main(const struct keel_start_info *si)
{
	static const uint32_t commands[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 99, 0xffffffffu };
	if (si->flags & KEEL_SIF_PRIVILEGED) {
		gprintf("tc-eperm: start-info says this domain is privileged\n");
		failures++;
	}
	for (unsigned int i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		/* Well-formed requests that would do harm if they ran: create, destroy dom0, map dom0. */
		struct keel_domctl dop;
		memset(&dop, 0, sizeof(dop));
		dop.cmd = commands[i];
		dop.domid = 0;
		strlcpy(dop.u.create.name, "tc-evil", sizeof(dop.u.create.name));
		dop.u.create.max_pages = 256;
		dop.u.create.nr_vcpus = 1;
		expect_eperm("domctl cmd", commands[i], keel_domctl(&dop));

		struct keel_sysctl sop;
		memset(&sop, 0, sizeof(sop));
		sop.cmd = commands[i];
		expect_eperm("sysctl cmd", commands[i], keel_sysctl(&sop));
	}
	/* physdev_op: dom0's devices. A well-formed BIND_IRQ of COM1's line, and every command. */
	for (uint64_t cmd = 0; cmd < 4; cmd++) {
		struct keel_physdev_bind_irq bind = { .irq = 4 };
		expect_eperm("physdev_op cmd", (unsigned int)cmd, hypercall2(KEEL_HC_PHYSDEV_OP, cmd, (uintptr_t)&bind));
	}
	expect_eperm("physdev_op with an unmapped arg, cmd", 1,
		     hypercall2(KEEL_HC_PHYSDEV_OP, KEEL_PHYSDEVOP_BIND_IRQ, UNMAPPED_GVA));
	/* No port reaches a device: an access to a port dom0 may use still raises #GP here. */
	trap_init(NULL);
	uint8_t value = 0;
	if (inb_safe(0x64, &value) != 13) {
		gprintf("tc-eperm: inb from port 0x64 did not raise #GP\n");
		failures++;
	}

	/* Privilege is checked before the argument is even read. */
	expect_eperm("domctl with an unmapped op, cmd", 0, hypercall1(KEEL_HC_DOMCTL, UNMAPPED_GVA));
	expect_eperm("sysctl with an unmapped op, cmd", 0, hypercall1(KEEL_HC_SYSCTL, UNMAPPED_GVA));

	/* vcpu_op is every domain's own: it answers (and says vCPU 0 is up). */
	long up = keel_vcpu_op(KEEL_VCPUOP_IS_UP, 0, NULL);
	if (up != 1) {
		gprintf("tc-eperm: vcpu_op IS_UP 0 returned %ld, want 1\n", up);
		failures++;
	}
	if (failures) {
		gprintf("tc-eperm: %u unexpected answers\n", failures);
		keel_sched_shutdown(KEEL_SHUTDOWN_CRASH);
	}
	gprintf("tc-eperm: every domctl, sysctl and physdev_op refused with EPERM\n");
}
