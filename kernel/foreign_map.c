/* foreign_map.c: a privileged domain's mappings of another domain's RAM, and their removal. */
#include "foreign_map.h"

#include <stdbool.h>

#include "domain.h"
#include "frame.h"
#include "heap.h"
#include "keel/abi.h"
#include "keel/domctl.h"
#include "mm.h"
#include "spinlock.h"
#include "vcpu.h"

struct foreign_map {
	struct domain *mapper;
	struct domain *target;
	uint64_t local_gpa;
	uint64_t count;
	struct foreign_map *next;
};

/* Few mappings live at once (one builder, a handful of ranges), so one list is enough. */
static spinlock_t maps_lock = SPINLOCK_INIT;
static struct foreign_map *maps;
static unsigned int maps_live;

static void unmap_pages(struct domain *mapper, uint64_t local_gpa, uint64_t count)
{
	for (uint64_t i = 0; i < count; i++)
		virt->p2m_unmap(&mapper->p2m, local_gpa + i * PAGE_SIZE, 0);
	/* Once this returns no CPU can still reach the target's frames through a stale translation. */
	virt->p2m_flush(&mapper->p2m, mapper->vcpus[0] ? mapper->vcpus[0]->asid : 0);
}

static bool overlaps(const struct foreign_map *m, uint64_t gpa, uint64_t count)
{
	return gpa < m->local_gpa + m->count * PAGE_SIZE && m->local_gpa < gpa + count * PAGE_SIZE;
}

int foreign_map_add(struct domain *mapper, struct domain *target, uint64_t local_gpa, uint64_t target_gpa,
		    uint64_t count)
{
	const uint64_t window_pages = KEEL_FOREIGN_WINDOW_SIZE / PAGE_SIZE;
	if ((local_gpa | target_gpa) & (PAGE_SIZE - 1) || count == 0 || count > window_pages ||
	    local_gpa < KEEL_FOREIGN_WINDOW_BASE || local_gpa - KEEL_FOREIGN_WINDOW_BASE > KEEL_FOREIGN_WINDOW_SIZE ||
	    (local_gpa - KEEL_FOREIGN_WINDOW_BASE) / PAGE_SIZE + count > window_pages ||
	    target_gpa / PAGE_SIZE > target->nr_pages || target->nr_pages - target_gpa / PAGE_SIZE < count)
		return -KEEL_EINVAL;
	struct foreign_map *m = kzalloc(sizeof(*m));
	if (!m)
		return -KEEL_ENOMEM;
	*m = (struct foreign_map){ mapper, target, local_gpa, count, NULL };

	spin_lock(&maps_lock);
	for (struct foreign_map *o = maps; o; o = o->next) {
		if (o->mapper == mapper && overlaps(o, local_gpa, count)) {
			spin_unlock(&maps_lock);
			kfree(m);
			return -KEEL_EBUSY;
		}
	}
	/* Claimed before mapping, so a concurrent add cannot take the same window range. */
	m->next = maps;
	maps = m;
	maps_live++;
	spin_unlock(&maps_lock);

	for (uint64_t i = 0; i < count; i++) {
		paddr_t hpa = domain_gpa_to_hpa(target, target_gpa + i * PAGE_SIZE);
		if (hpa == FRAME_NONE ||
		    virt->p2m_map(&mapper->p2m, local_gpa + i * PAGE_SIZE, hpa, 0, P2M_READ | P2M_WRITE) < 0) {
			m->count = i;   /* only what was mapped is undone */
			foreign_map_remove(mapper, local_gpa);
			return -KEEL_ENOMEM;
		}
	}
	return 0;
}

/* Unlinks every mapping 'match' selects, then unmaps them outside the lock; returns how many. */
static unsigned int release(bool (*match)(const struct foreign_map *m, const void *key), const void *key,
			    bool unmap)
{
	struct foreign_map *gone = NULL;
	unsigned int n = 0;
	spin_lock(&maps_lock);
	for (struct foreign_map **p = &maps; *p;) {
		struct foreign_map *m = *p;
		if (match(m, key)) {
			*p = m->next;
			m->next = gone;
			gone = m;
			maps_live--;
			n++;
		} else {
			p = &m->next;
		}
	}
	spin_unlock(&maps_lock);
	while (gone) {
		struct foreign_map *m = gone;
		gone = m->next;
		if (unmap && m->count)
			unmap_pages(m->mapper, m->local_gpa, m->count);
		kfree(m);
	}
	return n;
}

struct local_key {
	const struct domain *mapper;
	uint64_t local_gpa;
};

static bool match_local(const struct foreign_map *m, const void *key)
{
	const struct local_key *k = key;
	return m->mapper == k->mapper && m->local_gpa == k->local_gpa;
}

static bool match_target(const struct foreign_map *m, const void *key)
{
	return m->target == key;
}

static bool match_mapper(const struct foreign_map *m, const void *key)
{
	return m->mapper == key;
}

int foreign_map_remove(struct domain *mapper, uint64_t local_gpa)
{
	struct local_key key = { mapper, local_gpa };
	return release(match_local, &key, true) ? 0 : -KEEL_EINVAL;
}

void foreign_map_release_target(struct domain *target)
{
	release(match_target, target, true);
}

void foreign_map_release_mapper(struct domain *mapper)
{
	/* Its p2m is destroyed next, so there is nothing to unmap one page at a time. */
	release(match_mapper, mapper, false);
}

unsigned int foreign_map_count(void)
{
	return __atomic_load_n(&maps_live, __ATOMIC_RELAXED);
}
