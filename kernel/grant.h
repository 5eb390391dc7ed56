/* grant.h: grant tables: one domain lends a page to another (pv-abi/keel/grant_table.h, rules G1-G8). */
#ifndef KEEL_GRANT_H
#define KEEL_GRANT_H

#include <stdbool.h>
#include <stdint.h>

#include "mm.h"

struct domain;

/*
 * Per-domain state. struct domain holds one pointer, NULL until the domain first grants or
 * maps, so a domain that never uses grants costs eight bytes. Its two arrays grow by
 * doubling up to KEEL_GRANT_MAX_REFS entries (granter side: ref -> frame, grantee, flags,
 * how often it is mapped) and KEEL_GRANT_MAX_MAPS mappings (grantee side: handle -> the
 * granter's table, ref, host_gpa). The frame is resolved once at GRANT: guest RAM never
 * moves while its domain lives, and G4 keeps it allocated while mapped after that.
 *
 * Teardown (G6), in domain_destroy(), after the domain has left the domain list and its
 * vCPUs are gone:
 *   1. grant_domain_teardown(d): as grantee, every mapping d holds is removed from d's p2m,
 *      the p2m is flushed, then each mapping is released (below). As granter, every grant
 *      nobody maps is ended; if some are still mapped, d's table becomes a ZOMBIE: it
 *      forgets its owner and marks each mapped grant's frame KEPT. From this moment those
 *      frames belong to the zombie, not to d.
 *   2. d's RAM is returned with grant_free_frames() instead of frame_free(): every frame of
 *      an extent except the KEPT ones, in the largest aligned blocks around them (the buddy
 *      allocator records no allocation order, so part of an allocated block may be freed on
 *      its own, and the pieces merge back as their buddies come home).
 *   3. grant_domain_release(d): d lets go of its zombie (which it held so that step 2 could
 *      read the KEPT marks); a zombie with no mappings left is freed now.
 * Releasing a mapping (UNMAP, or step 1 of the grantee's teardown) always happens after the
 * p2m entry is gone and flushed. It decrements the grant's map count; in a zombie, when the
 * last mapping of a KEPT frame goes (several grants may name one frame), that frame is
 * freed, exactly once, and when the zombie's last mapping goes the zombie is freed too. So
 * a frame returns to the allocator only when no p2m anywhere maps it, and no domain ever
 * reaches a frame after it was freed.
 *
 * Locking: one global grant lock serialises every grant operation, teardown, the zombies
 * and the counters. It is what keeps a granter found by domid alive: domain_destroy()
 * unlinks the domain first and then needs the grant lock for step 1, so a domain found in
 * the list while the lock is held is not torn down until it is released.
 * Lock order: grant lock -> domain-list lock (domain_find) -> heap lock -> frame lock.
 * No path holds any of those and then takes the grant lock; domain locks (d->lock) are
 * never taken under it. p2m_flush() is called with the grant lock held: it waits only for
 * CPUs that are inside a guest, and those hold no hypervisor lock, so it cannot deadlock.
 * Grant operations are short (one p2m edit and flush, or one copy of at most a page), so a
 * single lock costs little; a domain dying on one CPU and its peer dying on another simply
 * take turns.
 */

/* Operations on behalf of 'caller' (already-copied arguments; 0 or -KEEL_E*). */
int grant_create(struct domain *caller, uint64_t gpa, uint32_t grantee, uint32_t flags, uint32_t *ref);
int grant_end(struct domain *caller, uint32_t ref);
int grant_map(struct domain *caller, uint32_t granter, uint32_t ref, uint64_t host_gpa, uint32_t flags,
	      uint32_t *handle);
int grant_unmap(struct domain *caller, uint32_t handle);

/* One side of a copy: domid == KEEL_DOMID_SELF names the caller's own page 'gpa'. */
struct grant_copy_side {
	uint32_t domid;
	uint32_t ref;
	uint64_t gpa;
	uint32_t offset;
};
/* One COPY entry (G7): its status. */
int grant_copy(struct domain *caller, const struct grant_copy_side *src, const struct grant_copy_side *dst,
	       uint32_t len);

/* Teardown (see above), called by domain_destroy() in this order. */
void grant_domain_teardown(struct domain *d);
void grant_free_frames(struct domain *d, paddr_t hpa, unsigned int order);
void grant_domain_release(struct domain *d);

/* Leak checks: everything in use right now, in all domains. */
struct grant_stats {
	uint64_t grants;          /* live grant entries, zombies' included */
	uint64_t maps;            /* live mappings */
	uint64_t zombie_frames;   /* frames of dead granters kept for mappings */
	uint64_t zombies;         /* tables of dead granters still mapped somewhere */
};
void grant_get_stats(struct grant_stats *out);

#endif
