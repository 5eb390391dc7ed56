/* hc_timer.c: the set_timer hypercall: arms, re-arms or cancels the calling vCPU's one-shot timer. */
#include "hc_timer.h"

#include "timer.h"

int64_t hc_set_timer(struct vcpu *v, uint64_t deadline_ns, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	(void)a2, (void)a3, (void)a4, (void)a5;
	/* Every value is a valid deadline: 0 cancels, the past fires now, the far future never. */
	timer_set(v, deadline_ns);
	return 0;
}
