/* domain.c: creating, populating, ending and destroying domains. */
#include "domain.h"

#include <stdarg.h>

#include "fmt.h"
#include "foreign_map.h"
#include "frame.h"
#include "grant.h"
#include "heap.h"
#include "io_policy.h"
#include "keel/abi.h"
#include "keel/sched.h"
#include "log.h"
#include "sched.h"
#include "shared_info.h"
#include "string.h"
#include "vcpu.h"

/* Guest RAM comes in 2 MiB pieces where possible so the second-level tables can use large pages. */
#define EXTENT_ORDER_MAX 9

static spinlock_t domains_lock = SPINLOCK_INIT;
static struct domain *domains;
static uint32_t next_domid = 1;   /* 0 is reserved for dom0 */
struct domain *dom0;

struct domain *domain_create(const char *name, uint64_t max_pages, unsigned int nr_vcpus,
			     bool privileged, int *error)
{
	if (!name[0] || strlen(name) >= DOMAIN_NAME_MAX || nr_vcpus == 0 || nr_vcpus > DOMAIN_MAX_VCPUS ||
	    max_pages == 0) {
		*error = -KEEL_EINVAL;
		return NULL;
	}
	struct domain *d = kzalloc(sizeof(*d));
	if (!d) {
		*error = -KEEL_ENOMEM;
		return NULL;
	}
	strlcpy(d->name, name, sizeof(d->name));
	sched_domain_init(d);
	d->privileged = privileged;
	d->max_pages = max_pages;
	d->nr_vcpus = nr_vcpus;
	d->state = DOMAIN_BUILDING;
	if (virt->p2m_init(&d->p2m) < 0) {
		kfree(d);
		*error = -KEEL_ENOMEM;
		return NULL;
	}
	if (io_policy_domain_init(d) < 0) {
		virt->p2m_destroy(&d->p2m);
		kfree(d);
		*error = -KEEL_ENOMEM;
		return NULL;
	}

	spin_lock(&domains_lock);
	/* Names identify domains in the log and to the operator: two alike would be ambiguous. */
	for (struct domain *o = domains; o; o = o->next) {
		if (!strcmp(o->name, d->name) || (privileged && o->privileged)) {
			spin_unlock(&domains_lock);
			io_policy_domain_destroy(d);
			virt->p2m_destroy(&d->p2m);
			kfree(d);
			*error = -KEEL_EEXIST;
			return NULL;
		}
	}
	d->id = privileged ? 0 : next_domid++;
	if (privileged)
		dom0 = d;
	d->next = domains;
	domains = d;
	spin_unlock(&domains_lock);
	return d;
}

struct domain *domain_find_next(uint32_t id)
{
	struct domain *best = NULL;
	spin_lock(&domains_lock);
	for (struct domain *d = domains; d; d = d->next)
		if (d->id >= id && (!best || d->id < best->id))
			best = d;
	spin_unlock(&domains_lock);
	return best;
}

struct domain *domain_lookup_locked(uint32_t id)
{
	spin_lock(&domains_lock);
	for (struct domain *d = domains; d; d = d->next)
		if (d->id == id && d->state != DOMAIN_DYING)
			return d;
	spin_unlock(&domains_lock);
	return NULL;
}

void domain_list_unlock(void)
{
	spin_unlock(&domains_lock);
}

struct domain *domain_find(uint32_t id)
{
	struct domain *d = domain_find_next(id);
	return d && d->id == id ? d : NULL;
}

unsigned int domain_vcpus_up(const struct domain *d)
{
	unsigned int n = 0;
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		n += d->vcpus[i] && d->vcpus[i]->up;
	return n;
}

/* Maps guest-physical pages to host frames, with 2 MiB entries wherever both sides allow. */
static int map_range(struct domain *d, uint64_t gpa, paddr_t hpa, uint64_t pages)
{
	const uint64_t large = 1ull << 21;
	while (pages) {
		bool big = pages >= 512 && !(gpa & (large - 1)) && !(hpa & (large - 1));
		if (virt->p2m_map(&d->p2m, gpa, hpa, big ? 9 : 0, P2M_RWX) < 0)
			return -KEEL_ENOMEM;
		uint64_t step = big ? 512 : 1;
		gpa += step * PAGE_SIZE;
		hpa += step * PAGE_SIZE;
		pages -= step;
	}
	return 0;
}

/* Gives back all of the domain's RAM (a failed populate, or the end of the domain). */
static void release_memory(struct domain *d)
{
	for (unsigned int i = 0; i < d->nr_extents; i++) {
		virt->p2m_unmap(&d->p2m, d->extents[i].gpa, d->extents[i].order);
		grant_free_frames(d, d->extents[i].hpa, d->extents[i].order);   /* G6: keeps mapped grants */
	}
	kfree(d->extents);
	d->extents = NULL;
	d->nr_extents = 0;
	d->nr_pages = 0;
}

static int populate(struct domain *d, uint64_t nr_pages);

int domain_populate(struct domain *d, uint64_t nr_pages)
{
	if (d->state != DOMAIN_BUILDING || d->nr_pages || nr_pages == 0 || nr_pages > d->max_pages)
		return -KEEL_EINVAL;
	if (nr_pages > frame_free_count())
		return -KEEL_ENOMEM;   /* cannot succeed: fail before touching anything */
	int rc = populate(d, nr_pages);
	if (!rc)
		rc = shared_info_attach(d);   /* right after the RAM, so it needs the final size */
	if (rc)
		release_memory(d);   /* all or nothing: the domain may try again with less */
	return rc;
}

/* One machine-contiguous run, recorded as 2 MiB extents (and smaller ones for the rest) so it is freed like any RAM. */
static int populate_contiguous(struct domain *d, uint64_t nr_pages, paddr_t *machine_base)
{
	unsigned int cap = (unsigned int)((nr_pages >> EXTENT_ORDER_MAX) + EXTENT_ORDER_MAX + 1);
	d->extents = kcalloc(cap, sizeof(*d->extents));
	if (!d->extents)
		return -KEEL_ENOMEM;
	paddr_t base = frame_alloc_contiguous(nr_pages);
	if (base == FRAME_NONE)
		return -KEEL_ENOMEM;
	/* Whole 2 MiB extents first, then ever smaller ones: each stays naturally aligned. */
	for (uint64_t gpa = 0; d->nr_pages < nr_pages;) {
		unsigned int order = EXTENT_ORDER_MAX;
		while (order && (1ull << order) > nr_pages - d->nr_pages)
			order--;
		memset(phys_to_virt(base + gpa), 0, PAGE_SIZE << order);   /* nothing of an earlier owner survives */
		d->extents[d->nr_extents++] = (struct mem_extent){ gpa, base + gpa, order };
		gpa += PAGE_SIZE << order;
		d->nr_pages += 1ull << order;
	}
	*machine_base = base;
	return map_range(d, 0, base, nr_pages);
}

int domain_populate_contiguous(struct domain *d, uint64_t nr_pages, paddr_t *machine_base)
{
	if (d->state != DOMAIN_BUILDING || d->nr_pages || nr_pages == 0 || nr_pages > d->max_pages)
		return -KEEL_EINVAL;
	int rc = populate_contiguous(d, nr_pages, machine_base);
	if (!rc)
		rc = shared_info_attach(d);
	if (rc)
		release_memory(d);
	return rc;
}

static int populate(struct domain *d, uint64_t nr_pages)
{
	unsigned int cap = (unsigned int)((nr_pages >> EXTENT_ORDER_MAX) + EXTENT_ORDER_MAX + 1);
	d->extents = kcalloc(cap, sizeof(*d->extents));
	if (!d->extents)
		return -KEEL_ENOMEM;

	uint64_t gpa = 0;
	while (d->nr_pages < nr_pages) {
		/* The largest naturally aligned piece that still fits; smaller if memory is fragmented. */
		unsigned int order = EXTENT_ORDER_MAX;
		while (order && ((1ull << order) > nr_pages - d->nr_pages || (gpa >> PAGE_SHIFT) & ((1ull << order) - 1)))
			order--;
		paddr_t hpa;
		while ((hpa = frame_alloc_zeroed(order)) == FRAME_NONE && order > 0)
			order--;   /* zeroed: nothing of an earlier owner survives into this domain */
		if (hpa == FRAME_NONE || d->nr_extents == cap)
			return -KEEL_ENOMEM;   /* the caller frees what was allocated */
		d->extents[d->nr_extents++] = (struct mem_extent){ gpa, hpa, order };
		if (map_range(d, gpa, hpa, 1ull << order) < 0)
			return -KEEL_ENOMEM;
		gpa += (1ull << order) * PAGE_SIZE;
		d->nr_pages += 1ull << order;
	}
	return 0;
}

paddr_t domain_gpa_to_hpa(const struct domain *d, uint64_t gpa)
{
	unsigned int lo = 0, hi = d->nr_extents;
	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;
		const struct mem_extent *e = &d->extents[mid];
		uint64_t size = (1ull << e->order) * PAGE_SIZE;
		if (gpa < e->gpa)
			hi = mid;
		else if (gpa >= e->gpa + size)
			lo = mid + 1;
		else
			return e->hpa + (gpa - e->gpa);
	}
	return FRAME_NONE;
}

int domain_unpause(struct domain *d)
{
	spin_lock(&d->lock);
	if (d->state != DOMAIN_PAUSED && d->state != DOMAIN_BUILDING) {
		spin_unlock(&d->lock);
		return -KEEL_EINVAL;
	}
	bool first = !d->started;
	if (first && !(d->vcpus[0] && d->vcpus[0]->up)) {
		spin_unlock(&d->lock);
		return -KEEL_EINVAL;   /* nothing would run: vCPU 0 has no start context */
	}
	d->state = DOMAIN_RUNNING;
	d->started = true;
	spin_unlock(&d->lock);
	if (first)
		foreign_map_release_target(d);   /* the builder's view of it ends as it starts */
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = d->vcpus[i];
		if (!v)
			continue;
		if (first && v->up)
			sched_wake(v);
		else if (!first)
			sched_vcpu_unpause(v);
	}
	return 0;
}

int domain_pause(struct domain *d)
{
	struct vcpu *paused[DOMAIN_MAX_VCPUS];
	unsigned int n = 0;
	spin_lock(&d->lock);
	if (d->state != DOMAIN_RUNNING) {
		spin_unlock(&d->lock);
		return -KEEL_EINVAL;
	}
	d->state = DOMAIN_PAUSED;
	/* vcpu_op UP pauses a vCPU it creates in a paused domain itself (under d->lock). */
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		if (d->vcpus[i])
			paused[n++] = d->vcpus[i];
	spin_unlock(&d->lock);
	/* Waiting happens outside d->lock: a vCPU of d may need the lock to finish its exit. */
	for (unsigned int i = 0; i < n; i++)
		sched_vcpu_pause(paused[i]);
	return 0;
}

static void domain_end(struct domain *d, enum domain_state state)
{
	d->state = state;
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		if (d->vcpus[i])
			sched_kill(d->vcpus[i]);
	evtchn_notify_domain_ended(d);   /* KEEL_VIRQ_DOM_EXC to dom0, if it listens */
}

void domain_shutdown(struct domain *d, unsigned int reason)
{
	static const char *const reasons[] = { "poweroff", "reboot", "crash" };
	if (d->state == DOMAIN_SHUTDOWN || d->state == DOMAIN_CRASHED)
		return;
	d->shutdown_reason = reason;
	pr_info("dom%u (%s): shut down (%s)\n", d->id, d->name, reason < 3 ? reasons[reason] : "?");
	domain_end(d, DOMAIN_SHUTDOWN);
}

void domain_crash(struct domain *d, const char *fmt, ...)
{
	char why[160];
	va_list ap;
	if (d->state == DOMAIN_SHUTDOWN || d->state == DOMAIN_CRASHED)
		return;
	va_start(ap, fmt);
	fmt_vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	pr_warn("dom%u (%s): crashed: %s\n", d->id, d->name, why);
	domain_end(d, DOMAIN_CRASHED);
}

void domain_destroy(struct domain *d)
{
	spin_lock(&domains_lock);
	for (struct domain **p = &domains; *p; p = &(*p)->next) {
		if (*p == d) {
			*p = d->next;
			break;
		}
	}
	spin_unlock(&domains_lock);

	d->state = DOMAIN_DYING;
	if (d == dom0)
		dom0 = NULL;
	/* Nobody may keep a view of frames that are about to be freed, nor of this p2m. */
	foreign_map_release_target(d);
	foreign_map_release_mapper(d);
	evtchn_domain_destroy(d);   /* peers' ends become unbound while our vCPUs still exist */
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		if (d->vcpus[i])
			vcpu_destroy(d->vcpus[i]);
	grant_domain_teardown(d);   /* unmaps what it mapped; its frames others map are kept (grant.h) */
	release_memory(d);
	grant_domain_release(d);
	virt->p2m_destroy(&d->p2m);
	io_policy_domain_destroy(d);   /* after its vCPUs: no VMCB/VMCS points at it any more */
	shared_info_destroy(d);   /* only now: no translation to it is left */
	kfree(d);
}

unsigned int domain_count_live(void)
{
	unsigned int n = 0;
	spin_lock(&domains_lock);
	for (struct domain *d = domains; d; d = d->next)
		if (d->state != DOMAIN_SHUTDOWN && d->state != DOMAIN_CRASHED && d->state != DOMAIN_DYING)
			n++;
	spin_unlock(&domains_lock);
	return n;
}

void domain_reap(struct domain *d)
{
	uint64_t pages = d->nr_pages;
	uint32_t id = d->id;
	char name[DOMAIN_NAME_MAX];
	strlcpy(name, d->name, sizeof(name));
	domain_destroy(d);
	pr_info("dom%u (%s): destroyed, %llu pages freed\n", id, name, (unsigned long long)pages);
}

void domain_report_blocked(void)
{
	spin_lock(&domains_lock);
	for (struct domain *d = domains; d; d = d->next)
		for (unsigned int i = 0; i < d->nr_vcpus; i++)
			if (d->vcpus[i] && d->vcpus[i]->state == VCPU_BLOCKED)
				pr_info("dom%u (%s): vCPU%u blocked in %s, nothing pending\n", d->id, d->name, i,
					d->vcpus[i]->blocked_in ? d->vcpus[i]->blocked_in : "?");
	spin_unlock(&domains_lock);
}
