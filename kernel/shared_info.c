/* shared_info.c: the per-domain shared-info page: allocation, its guest-physical mapping, the vCPU time records and the wallclock. */
#include "shared_info.h"

#include "arch.h"
#include "domain.h"
#include "frame.h"
#include "keel/abi.h"
#include "log.h"
#include "mm.h"
#include "rtc.h"
#include "spinlock.h"
#include "vcpu.h"
#include "virt.h"

#define NS_PER_SEC 1000000000ull

/* The UTC time at system time 0, read from the RTC once, when the first domain is made. */
static spinlock_t wallclock_lock = SPINLOCK_INIT;
static bool wallclock_known;
static uint64_t wallclock_sec;
static uint32_t wallclock_nsec;

static void wallclock_init(void)
{
	spin_lock(&wallclock_lock);
	if (!wallclock_known) {
		uint64_t now_sec;
		uint64_t uptime = arch_time_ns();
		if (rtc_read_unix_seconds(&now_sec) && now_sec * NS_PER_SEC / NS_PER_SEC == now_sec &&
		    now_sec * NS_PER_SEC >= uptime) {
			uint64_t boot = now_sec * NS_PER_SEC - uptime;
			wallclock_sec = boot / NS_PER_SEC;
			wallclock_nsec = (uint32_t)(boot % NS_PER_SEC);
			pr_info("time: wallclock %llu s since 1970 at boot (CMOS RTC)\n", (unsigned long long)wallclock_sec);
		} else {
			pr_warn("time: the CMOS RTC gave no valid date; guests see a wallclock of 1970\n");
		}
		wallclock_known = true;
	}
	spin_unlock(&wallclock_lock);
}

void shared_info_tsc_scale(uint64_t tsc_khz, uint32_t *mul, int8_t *shift)
{
	/* ns per tick is 1e6 / khz; bring num/den into [1/2, 1) by powers of two, then mul = 2^32 * num/den. */
	uint64_t num = 1000000, den = tsc_khz ? tsc_khz : 1;
	int s = 0;
	while (num >= den) {
		den <<= 1;
		s++;
	}
	while (num * 2 < den) {
		num <<= 1;
		s--;
	}
	*mul = (uint32_t)((num << 32) / den);
	*shift = (int8_t)s;
}

uint64_t shared_info_gpa(const struct domain *d)
{
	return d->nr_pages * PAGE_SIZE;
}

int shared_info_attach(struct domain *d)
{
	wallclock_init();
	paddr_t pa = frame_alloc_zeroed(0);
	if (pa == FRAME_NONE)
		return -KEEL_ENOMEM;
	struct keel_shared_info *si = phys_to_virt(pa);
	si->wc_sec = wallclock_sec;
	si->wc_nsec = wallclock_nsec;
	si->wc_version = 2;   /* even: complete; it never changes afterwards */
	/* Read-write, never executable: nothing in it is code. */
	if (virt->p2m_map(&d->p2m, shared_info_gpa(d), pa, 0, P2M_READ | P2M_WRITE) < 0) {
		frame_free(pa, 0);
		return -KEEL_ENOMEM;
	}
	d->shared_info_pa = pa;
	__atomic_store_n(&d->shared_info, si, __ATOMIC_RELEASE);
	return 0;
}

void shared_info_destroy(struct domain *d)
{
	if (!d->shared_info)
		return;
	d->shared_info = NULL;
	frame_free(d->shared_info_pa, 0);
}

void shared_info_update_time(struct vcpu *v)
{
	struct keel_shared_info *si = v->domain->shared_info;
	if (!si || v->id >= KEEL_MAX_VCPUS)
		return;
	static uint32_t mul;
	static int8_t shift;
	if (!mul)
		shared_info_tsc_scale(arch_tsc_khz(), &mul, &shift);

	struct keel_vcpu_time_info *t = &si->vcpu_info[v->id].time;
	uint64_t tsc = arch_read_tsc();
	/* Odd while the record changes: a guest reading meanwhile retries (shared_info.h). */
	uint32_t version = __atomic_load_n(&t->version, __ATOMIC_RELAXED);
	__atomic_store_n(&t->version, version | 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	t->tsc_timestamp = tsc;
	t->system_time = arch_tsc_to_ns(tsc);
	t->tsc_to_system_mul = mul;
	t->tsc_shift = shift;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(&t->version, (version | 1) + 1, __ATOMIC_RELAXED);
}
