/* iso_privileged_ops.c: isolation attack: every domctl, sysctl and physdev command from a domU, aimed at dom0, itself and others, is -KEEL_EPERM. */
#include <keel/domctl.h>
#include <keel/event_channel.h>
#include <keel/physdev.h>
#include <keel/sysctl.h>

#include "control.h"
#include "events.h"
#include "hypercall.h"
#include "iso_attack.h"

const char xtf_test_name[] = "iso_privileged_ops";

/* One past the last command each op defines, and then some: unknown ones are refused the same way. */
#define DOMCTL_CMDS   (KEEL_DOMCTL_REQUEST_SHUTDOWN + 3)
#define SYSCTL_CMDS   (KEEL_SYSCTL_PCI_ECAM + 3)
#define PHYSDEV_CMDS  (KEEL_PHYSDEVOP_MAP_MSI + 3)

static uint8_t buffer[4096] __attribute__((aligned(4096)));

void test_main(const struct keel_start_info *si)
{
	const uint64_t mem_end = si->nr_pages * 4096;
	/* Targets: dom0, the caller, the next ids (other guests of the run), one nobody has. */
	const uint32_t targets[] = { 0, si->domid, si->domid > 1 ? si->domid - 1 : 1, si->domid + 1, 0x7000 };
	/* Argument pointers: good, beyond memory, non-canonical; EPERM comes before any is read. */
	const uint64_t args[] = { (uintptr_t)buffer, mem_end + 0x100000, 0x8000000000000000ull };

	for (uint32_t cmd = 0; cmd < DOMCTL_CMDS; cmd++)
		for (unsigned int t = 0; t < sizeof targets / sizeof targets[0]; t++) {
			struct keel_domctl *op = (struct keel_domctl *)buffer;
			op->cmd = cmd;
			op->domid = targets[t];
			op->u.max_pages = 1;   /* a plausible payload for the commands that take one */
			iso_expect("domctl", keel_domctl(op), -KEEL_EPERM);
		}
	for (unsigned int a = 1; a < sizeof args / sizeof args[0]; a++)
		iso_expect("domctl with a bad pointer", hypercall1(KEEL_HC_DOMCTL, args[a]), -KEEL_EPERM);
	((struct keel_domctl *)buffer)->cmd = ~0u;
	iso_expect("domctl cmd ~0", hypercall1(KEEL_HC_DOMCTL, (uintptr_t)buffer), -KEEL_EPERM);

	for (uint32_t cmd = 0; cmd < SYSCTL_CMDS; cmd++)
		for (unsigned int a = 0; a < sizeof args / sizeof args[0]; a++) {
			struct keel_sysctl *op = (struct keel_sysctl *)buffer;
			op->cmd = cmd;
			iso_expect("sysctl", hypercall1(KEEL_HC_SYSCTL, args[a]), -KEEL_EPERM);
		}

	for (uint64_t cmd = 0; cmd < PHYSDEV_CMDS; cmd++)
		for (unsigned int a = 0; a < sizeof args / sizeof args[0]; a++)
			iso_expect("physdev_op", hypercall2(KEEL_HC_PHYSDEV_OP, cmd, args[a]), -KEEL_EPERM);
	iso_expect("physdev_op cmd ~0", hypercall2(KEEL_HC_PHYSDEV_OP, ~0ull, 0), -KEEL_EPERM);

	/* dom0's VIRQs: who died, and every guest's console text. */
	uint32_t port;
	iso_expect("bind_virq(DOM_EXC)", evtchn_bind_virq(KEEL_VIRQ_DOM_EXC, 0, &port), -KEEL_EPERM);
	iso_expect("bind_virq(CONSOLE)", evtchn_bind_virq(KEEL_VIRQ_CONSOLE, 0, &port), -KEEL_EPERM);

	/* Still a working domain: the refusals took nothing from it. */
	if (keel_version() != KEEL_ABI_VERSION)
		xtf_failure("hypercalls broken after the refused privileged ones");
	iso_report();
}
