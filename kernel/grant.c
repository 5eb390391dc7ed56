/* grant.c: grant tables: granting, mapping, copying, and the zombies that outlive a dead granter (grant.h). */
#include "grant.h"

#include "domain.h"
#include "frame.h"
#include "heap.h"
#include "keel/abi.h"
#include "keel/event_channel.h"
#include "keel/grant_table.h"
#include "log.h"
#include "spinlock.h"
#include "string.h"
#include "vcpu.h"
#include "virt.h"

/* First sizes of the two arrays: enough for a ring or two without growing. */
#define ENTRIES_INITIAL 16
#define MAPS_INITIAL    8

#define GNT_USED      (1u << 0)   /* a live grant (G1) */
#define GNT_READONLY  (1u << 1)
#define GNT_KEPT      (1u << 2)   /* zombie: the frame left the dead granter's RAM; never cleared */

/* Granter side: what a reference names. */
struct grant_entry {
	paddr_t hpa;
	uint32_t grantee;
	uint16_t flags;
	uint16_t maps;      /* mappings of this grant: only its one grantee maps it, at most MAX_MAPS times */
};
_Static_assert(KEEL_GRANT_MAX_MAPS <= UINT16_MAX, "grant_entry.maps must hold KEEL_GRANT_MAX_MAPS");

/* Grantee side: what a handle names. The granter's table outlives its domain while this exists. */
struct grant_mapping {
	struct grant_table *granter;   /* NULL: a free handle */
	uint64_t host_gpa;
	uint32_t ref;
};

struct grant_table {
	struct domain *owner;          /* NULL once a zombie (grant.h) */
	bool held;                     /* a zombie whose dead owner still frees its RAM */
	struct grant_entry *entries;   /* indexed by ref */
	uint32_t nr_entries;           /* capacity */
	uint32_t used_entries;
	struct grant_mapping *maps;    /* indexed by handle */
	uint32_t nr_maps;              /* capacity */
	uint32_t used_maps;
	uint32_t mapped;               /* sum of entries[].maps: what keeps a zombie alive */
};

static spinlock_t grant_lock = SPINLOCK_INIT;
static struct grant_stats stats;   /* under grant_lock */

/* ---- tables ---- */

static struct grant_table *table_of(struct domain *d)
{
	if (!d->grants) {
		d->grants = kzalloc(sizeof(*d->grants));
		if (d->grants)
			d->grants->owner = d;
	}
	return d->grants;
}

/* Doubles an array (to at most 'max' elements); false when memory is short. */
static bool grow(void **array, uint32_t *capacity, size_t size, uint32_t initial, uint32_t max)
{
	uint32_t n = *capacity ? *capacity * 2 : initial;
	if (n > max)
		n = max;
	void *bigger = kcalloc(n, size);
	if (!bigger)
		return false;
	if (*capacity)
		memcpy(bigger, *array, *capacity * size);
	kfree(*array);
	*array = bigger;
	*capacity = n;
	return true;
}

/* The lowest free ref, growing the array if needed (small refs keep the table small). */
static int alloc_ref(struct grant_table *gt, uint32_t *ref)
{
	if (gt->used_entries == KEEL_GRANT_MAX_REFS)
		return -KEEL_ENOSPC;
	if (gt->used_entries == gt->nr_entries) {
		uint32_t first_new = gt->nr_entries;
		if (!grow((void **)&gt->entries, &gt->nr_entries, sizeof(*gt->entries), ENTRIES_INITIAL,
			  KEEL_GRANT_MAX_REFS))
			return -KEEL_ENOMEM;
		*ref = first_new;
		return 0;
	}
	for (uint32_t i = 0; i < gt->nr_entries; i++) {
		if (!(gt->entries[i].flags & GNT_USED)) {
			*ref = i;
			return 0;
		}
	}
	return -KEEL_ENOSPC;   /* unreachable: used_entries < nr_entries */
}

static int alloc_handle(struct grant_table *gt, uint32_t *handle)
{
	if (gt->used_maps == KEEL_GRANT_MAX_MAPS)
		return -KEEL_ENOSPC;
	if (gt->used_maps == gt->nr_maps) {
		uint32_t first_new = gt->nr_maps;
		if (!grow((void **)&gt->maps, &gt->nr_maps, sizeof(*gt->maps), MAPS_INITIAL, KEEL_GRANT_MAX_MAPS))
			return -KEEL_ENOMEM;
		*handle = first_new;
		return 0;
	}
	for (uint32_t i = 0; i < gt->nr_maps; i++) {
		if (!gt->maps[i].granter) {
			*handle = i;
			return 0;
		}
	}
	return -KEEL_ENOSPC;   /* unreachable: used_maps < nr_maps */
}

/* A live grant of this table, or NULL for a ref that is out of range or not granted (G1). */
static struct grant_entry *live_entry(struct grant_table *gt, uint32_t ref)
{
	if (!gt || ref >= gt->nr_entries || !(gt->entries[ref].flags & GNT_USED))
		return NULL;
	return &gt->entries[ref];
}

static void table_free(struct grant_table *gt)
{
	kfree(gt->entries);
	kfree(gt->maps);
	kfree(gt);
}

/* ---- domains ---- */

/* The domain a domid names for 'caller', or NULL. Called with grant_lock held (grant.h). */
static struct domain *find_domain(struct domain *caller, uint32_t domid)
{
	if (domid == KEEL_DOMID_SELF || domid == caller->id)
		return caller;
	return domain_find(domid);
}

/*
 * One flush covers every vCPU of the domain: both backends drop the p2m's translations on
 * every CPU, whatever ASID or VPID tagged them.
 */
static void flush_p2m(struct domain *d)
{
	virt->p2m_flush(&d->p2m, d->vcpus[0] ? d->vcpus[0]->asid : 0);
}

/* ---- zombies ---- */

static bool frame_still_mapped(const struct grant_table *zombie, paddr_t hpa)
{
	for (uint32_t i = 0; i < zombie->nr_entries; i++) {
		const struct grant_entry *e = &zombie->entries[i];
		if ((e->flags & GNT_KEPT) && e->hpa == hpa && e->maps)
			return true;
	}
	return false;
}

/* The last mapping of a zombie's grant went: the grant ends, and its frame goes if no other grant maps it. */
static void zombie_grant_unmapped(struct grant_table *zombie, struct grant_entry *e)
{
	e->flags &= (uint16_t)~GNT_USED;   /* GNT_KEPT stays: the dead owner must still skip the frame */
	zombie->used_entries--;
	stats.grants--;
	if (!frame_still_mapped(zombie, e->hpa)) {
		frame_free(e->hpa, 0);
		stats.zombie_frames--;
	}
	if (!zombie->mapped && !zombie->held) {
		table_free(zombie);
		stats.zombies--;
	}
}

/* Drops a mapping whose p2m entry is already gone and flushed. */
static void release_mapping(struct grant_table *grantee, struct grant_mapping *m)
{
	struct grant_table *gt = m->granter;
	struct grant_entry *e = &gt->entries[m->ref];
	*m = (struct grant_mapping){ 0 };
	grantee->used_maps--;
	stats.maps--;
	e->maps--;
	gt->mapped--;
	if (!gt->owner && !e->maps)
		zombie_grant_unmapped(gt, e);
}

/* ---- the operations ---- */

int grant_create(struct domain *caller, uint64_t gpa, uint32_t grantee, uint32_t flags, uint32_t *ref)
{
	if (flags & ~KEEL_GNTF_READONLY || gpa & (PAGE_SIZE - 1))
		return -KEEL_EINVAL;
	paddr_t hpa = domain_gpa_to_hpa(caller, gpa);
	if (hpa == FRAME_NONE)
		return -KEEL_EINVAL;   /* not RAM of the caller: a mapped grant cannot be passed on */

	spin_lock(&grant_lock);
	int rc = -KEEL_ESRCH;
	struct domain *to = find_domain(caller, grantee);
	if (!to)
		goto out;
	rc = -KEEL_ENOMEM;
	struct grant_table *gt = table_of(caller);
	if (!gt)
		goto out;
	rc = alloc_ref(gt, ref);
	if (rc)
		goto out;
	gt->entries[*ref] = (struct grant_entry){
		.hpa = hpa, .grantee = to->id,
		.flags = (uint16_t)(GNT_USED | (flags & KEEL_GNTF_READONLY ? GNT_READONLY : 0)),
	};
	gt->used_entries++;
	stats.grants++;
out:
	spin_unlock(&grant_lock);
	return rc;
}

int grant_end(struct domain *caller, uint32_t ref)
{
	spin_lock(&grant_lock);
	int rc = -KEEL_EINVAL;
	struct grant_entry *e = live_entry(caller->grants, ref);
	if (!e)
		goto out;
	rc = -KEEL_EBUSY;   /* G4: the grantee unmaps first */
	if (e->maps)
		goto out;
	*e = (struct grant_entry){ 0 };
	caller->grants->used_entries--;
	stats.grants--;
	rc = 0;
out:
	spin_unlock(&grant_lock);
	return rc;
}

static bool in_window(uint64_t gpa)
{
	return gpa >= KEEL_GRANT_WINDOW_BASE && gpa - KEEL_GRANT_WINDOW_BASE < KEEL_GRANT_WINDOW_SIZE;
}

/*
 * Finds the grant 'ref' of 'granter' that 'caller' may use (G2): 'write' for a writable
 * mapping or a copy into it. With grant_lock held.
 */
static int usable_grant(struct domain *caller, uint32_t granter, uint32_t ref, bool write,
			struct grant_table **table, struct grant_entry **entry)
{
	struct domain *from = find_domain(caller, granter);
	if (!from)
		return -KEEL_ESRCH;
	struct grant_entry *e = live_entry(from->grants, ref);
	if (!e)
		return -KEEL_EINVAL;
	if (e->grantee != caller->id || (write && (e->flags & GNT_READONLY)))
		return -KEEL_EPERM;
	*table = from->grants;
	*entry = e;
	return 0;
}

int grant_map(struct domain *caller, uint32_t granter, uint32_t ref, uint64_t host_gpa, uint32_t flags,
	      uint32_t *handle)
{
	if (flags & ~KEEL_GNTF_READONLY || host_gpa & (PAGE_SIZE - 1) || !in_window(host_gpa) ||
	    domain_gpa_to_hpa(caller, host_gpa) != FRAME_NONE)
		return -KEEL_EINVAL;   /* G3; RAM reaching into the window is never replaced */
	bool readonly = flags & KEEL_GNTF_READONLY;

	spin_lock(&grant_lock);
	struct grant_table *gt;
	struct grant_entry *e;
	int rc = usable_grant(caller, granter, ref, !readonly, &gt, &e);
	if (rc)
		goto out;
	rc = -KEEL_ENOMEM;
	struct grant_table *mine = table_of(caller);
	if (!mine)
		goto out;
	rc = -KEEL_EEXIST;
	for (uint32_t i = 0; i < mine->nr_maps; i++)
		if (mine->maps[i].granter && mine->maps[i].host_gpa == host_gpa)
			goto out;
	rc = alloc_handle(mine, handle);
	if (rc)
		goto out;
	/* Not executable: a granted page is data. The entry was absent, so nothing is cached to flush. */
	rc = virt->p2m_map(&caller->p2m, host_gpa, e->hpa, 0, readonly ? P2M_READ : P2M_READ | P2M_WRITE);
	if (rc) {
		rc = -KEEL_ENOMEM;
		goto out;
	}
	mine->maps[*handle] = (struct grant_mapping){ .granter = gt, .host_gpa = host_gpa, .ref = ref };
	mine->used_maps++;
	e->maps++;
	gt->mapped++;
	stats.maps++;
out:
	spin_unlock(&grant_lock);
	return rc;
}

int grant_unmap(struct domain *caller, uint32_t handle)
{
	spin_lock(&grant_lock);
	struct grant_table *mine = caller->grants;
	int rc = -KEEL_EINVAL;
	if (!mine || handle >= mine->nr_maps || !mine->maps[handle].granter)
		goto out;
	struct grant_mapping *m = &mine->maps[handle];
	/* Gone from every TLB before the count drops: the frame may be freed right after (G5, G6). */
	virt->p2m_unmap(&caller->p2m, m->host_gpa, 0);
	flush_p2m(caller);
	release_mapping(mine, m);
	rc = 0;
out:
	spin_unlock(&grant_lock);
	return rc;
}

/* The frame behind one side of a copy. With grant_lock held. */
static int copy_side(struct domain *caller, const struct grant_copy_side *side, bool write, paddr_t *hpa)
{
	if (side->domid == KEEL_DOMID_SELF) {
		if (side->gpa & (PAGE_SIZE - 1))
			return -KEEL_EINVAL;
		*hpa = domain_gpa_to_hpa(caller, side->gpa);
		return *hpa == FRAME_NONE ? -KEEL_EFAULT : 0;
	}
	struct grant_table *gt;
	struct grant_entry *e;
	int rc = usable_grant(caller, side->domid, side->ref, write, &gt, &e);
	if (!rc)
		*hpa = e->hpa;
	return rc;
}

int grant_copy(struct domain *caller, const struct grant_copy_side *src, const struct grant_copy_side *dst,
	       uint32_t len)
{
	if (len == 0 || len > PAGE_SIZE || src->offset > PAGE_SIZE - len || dst->offset > PAGE_SIZE - len)
		return -KEEL_EINVAL;
	paddr_t from, to;
	spin_lock(&grant_lock);   /* held across the copy: no granter can die and free the frame meanwhile */
	int rc = copy_side(caller, src, false, &from);
	if (!rc)
		rc = copy_side(caller, dst, true, &to);
	if (!rc)   /* memmove: both sides may be the same page */
		memmove((char *)phys_to_virt(to) + dst->offset, (char *)phys_to_virt(from) + src->offset, len);
	spin_unlock(&grant_lock);
	return rc;
}

/* ---- teardown (grant.h) ---- */

void grant_domain_teardown(struct domain *d)
{
	spin_lock(&grant_lock);
	struct grant_table *gt = d->grants;
	if (!gt)
		goto out;

	/* As grantee: every mapping out of the p2m, one flush, then the counts. */
	if (gt->used_maps) {
		for (uint32_t i = 0; i < gt->nr_maps; i++)
			if (gt->maps[i].granter)
				virt->p2m_unmap(&d->p2m, gt->maps[i].host_gpa, 0);
		flush_p2m(d);
		for (uint32_t i = 0; i < gt->nr_maps; i++)
			if (gt->maps[i].granter)
				release_mapping(gt, &gt->maps[i]);
	}

	/* As granter: unmapped grants end; mapped ones keep their frames in a zombie. */
	uint32_t kept = 0;
	for (uint32_t i = 0; i < gt->nr_entries; i++) {
		struct grant_entry *e = &gt->entries[i];
		if (!(e->flags & GNT_USED))
			continue;
		if (!e->maps) {
			*e = (struct grant_entry){ 0 };
			gt->used_entries--;
			stats.grants--;
			continue;
		}
		bool counted = false;   /* a frame granted twice is one frame */
		for (uint32_t j = 0; j < i && !counted; j++)
			counted = (gt->entries[j].flags & GNT_KEPT) && gt->entries[j].hpa == e->hpa;
		e->flags |= GNT_KEPT;
		kept += !counted;
	}
	if (!gt->mapped) {
		table_free(gt);
		d->grants = NULL;
		goto out;
	}
	kfree(gt->maps);   /* a zombie maps nothing itself */
	gt->maps = NULL;
	gt->nr_maps = 0;
	gt->owner = NULL;
	gt->held = true;
	stats.zombies++;
	stats.zombie_frames += kept;
	pr_info("grant: dom%u died with %u frame(s) mapped by other domains; they stay until unmapped\n",
		d->id, kept);
out:
	spin_unlock(&grant_lock);
}

static bool kept_in(const struct grant_table *zombie, paddr_t hpa, uint64_t bytes)
{
	for (uint32_t i = 0; i < zombie->nr_entries; i++) {
		const struct grant_entry *e = &zombie->entries[i];
		if ((e->flags & GNT_KEPT) && e->hpa >= hpa && e->hpa - hpa < bytes)
			return true;
	}
	return false;
}

/* Frees [hpa, hpa + 2^order frames) but the kept frames, as the largest aligned blocks around them. */
static void free_around_kept(const struct grant_table *zombie, paddr_t hpa, unsigned int order)
{
	if (!kept_in(zombie, hpa, PAGE_SIZE << order)) {
		frame_free(hpa, order);
		return;
	}
	if (order == 0)
		return;   /* the zombie's now: its last unmap frees it */
	free_around_kept(zombie, hpa, order - 1);
	free_around_kept(zombie, hpa + (PAGE_SIZE << (order - 1)), order - 1);
}

void grant_free_frames(struct domain *d, paddr_t hpa, unsigned int order)
{
	spin_lock(&grant_lock);
	if (d->grants)
		free_around_kept(d->grants, hpa, order);
	else
		frame_free(hpa, order);
	spin_unlock(&grant_lock);
}

void grant_domain_release(struct domain *d)
{
	spin_lock(&grant_lock);
	struct grant_table *zombie = d->grants;
	d->grants = NULL;
	if (zombie) {
		zombie->held = false;
		if (!zombie->mapped) {   /* unmapped while its owner was freeing its RAM */
			table_free(zombie);
			stats.zombies--;
		}
	}
	spin_unlock(&grant_lock);
}

void grant_get_stats(struct grant_stats *out)
{
	spin_lock(&grant_lock);
	*out = stats;
	spin_unlock(&grant_lock);
}
