/* hypercall.c: the hypercall table, the hypercall page, and the version/features calls. */
#include "hypercall.h"

#include "domain.h"
#include "guest_access.h"
#include "frame.h"
#include "domctl.h"
#include "hc_console.h"
#include "hc_evtchn.h"
#include "hc_grant.h"
#include "hc_physdev.h"
#include "hc_sched.h"
#include "hc_timer.h"
#include "hc_vcpu.h"
#include "keel/abi.h"
#include "sysctl.h"
#include "vcpu.h"

typedef int64_t (*hypercall_fn)(struct vcpu *v, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
				uint64_t a5);

static int64_t hc_version(struct vcpu *v, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	(void)v, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	return KEEL_ABI_VERSION;
}

static int64_t hc_features(struct vcpu *v, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	(void)v, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	return hypercall_features();
}

static const hypercall_fn hypercall_table[] = {
	[KEEL_HC_VERSION]    = hc_version,
	[KEEL_HC_FEATURES]   = hc_features,
	[KEEL_HC_CONSOLE_IO] = hc_console_io,
	[KEEL_HC_SCHED_OP]   = hc_sched_op,
	[KEEL_HC_EVENT_CHANNEL_OP] = hc_event_channel_op,
	[KEEL_HC_SET_TIMER]  = hc_set_timer,
	[KEEL_HC_VCPU_OP]    = hc_vcpu_op,
	[KEEL_HC_DOMCTL]     = hc_domctl,
	[KEEL_HC_SYSCTL]     = hc_sysctl,
	[KEEL_HC_GRANT_TABLE_OP] = hc_grant_table_op,
	[KEEL_HC_PHYSDEV_OP] = hc_physdev_op,
};

#define HYPERCALL_COUNT (sizeof(hypercall_table) / sizeof(hypercall_table[0]))

uint32_t hypercall_features(void)
{
	return KEEL_FEATURE_CONSOLE_IO | KEEL_FEATURE_SCHED_OP | KEEL_FEATURE_GRANT_TABLE |
	       KEEL_FEATURE_EVENT_CHANNEL | KEEL_FEATURE_SET_TIMER;
}

int64_t hypercall_dispatch(struct vcpu *v)
{
	const struct vcpu_regs *r = &v->regs;
	uint64_t nr = r->rax;
	if (nr >= HYPERCALL_COUNT || !hypercall_table[nr])
		return -KEEL_ENOSYS;
	return hypercall_table[nr](v, r->rdi, r->rsi, r->rdx, r->r10, r->r8);
}

int hypercall_page_install(struct domain *d, uint64_t gpa)
{
	/* Built in a scratch frame so the vendor code never sees guest memory directly. */
	paddr_t scratch = frame_alloc(0);
	if (scratch == FRAME_NONE)
		return -KEEL_ENOMEM;
	virt->write_hypercall_page(phys_to_virt(scratch));
	int rc = copy_to_guest_phys(d, gpa, phys_to_virt(scratch), PAGE_SIZE);
	frame_free(scratch, 0);
	return rc;
}
