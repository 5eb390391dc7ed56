/* ops_grant.c: hcfuzz's grant_table_op calls: grants, ends, maps, unmaps and copy batches, real references mixed with forged ones. */
#include "fuzz.h"

#include <keel/event_channel.h>
#include <keel/grant_table.h>

#include "hypercall.h"
#include "string.h"


/*
 * A GPA of its own that hcfuzz may grant, or copy into, without hurting itself: an arena page,
 * a low page, or something that is not one of its pages at all (unaligned, past RAM, huge).
 * Never the image, the page tables or the console ring: a copy there would be suicide.
 */
static uint64_t own_gpa_for_writing(struct fuzz *f)
{
	struct prng *p = &f->prng;
	switch (prng_below(p, 8)) {
	case 0:
		return 4096 * prng_below(p, FUZZ_LOW_RAM_END / 4096);
	case 1:
		return fuzz_arena_page(f) + 1 + prng_below(p, 4095);
	case 2:
		return f->mem_end + 4096 * prng_below(p, 4);
	case 3:
		return prng_next(p) | (1ull << 63);
	default:
		return fuzz_arena_page(f);
	}
}

static uint32_t fuzz_ref(struct fuzz *f)
{
	struct prng *p = &f->prng;
	if (prng_chance(p, 60))
		return fuzz_recent(f, f->recent_refs);
	return prng_chance(p, 70) ? (uint32_t)prng_below(p, KEEL_GRANT_MAX_REFS + 4) : (uint32_t)prng_next(p);
}

static void fill_copy_ptr(struct fuzz *f, struct keel_gnttab_copy_ptr *ptr, bool written)
{
	struct prng *p = &f->prng;
	ptr->domid = prng_chance(p, 50) ? KEEL_DOMID_SELF : fuzz_domid(f);
	ptr->ref = fuzz_ref(f);
	if (written)
		ptr->gpa = own_gpa_for_writing(f);
	else
		ptr->gpa = prng_chance(p, 50) ? (prng_below(p, f->mem_end + 8192) & ~4095ull) : fuzz_u64(f);
	ptr->offset = prng_chance(p, 80) ? (uint32_t)prng_below(p, 4096) : (uint32_t)prng_next(p);
	ptr->pad = prng_chance(p, 95) ? 0 : (uint32_t)prng_next(p);
}

static long fuzz_copy(struct fuzz *f)
{
	struct prng *p = &f->prng;
	uint64_t count;
	switch (prng_below(p, 8)) {
	case 0:
		count = KEEL_GRANT_COPY_MAX + prng_below(p, 3);
		break;
	case 1:
		count = fuzz_u64(f);
		break;
	default:
		count = 1 + prng_below(p, 8);
		break;
	}
	uint64_t filled = count < KEEL_GRANT_COPY_MAX + 2 ? count : KEEL_GRANT_COPY_MAX + 2;
	/* The batch is read from, and statuses written to, 'arg': so it is arena or unreadable. */
	uint64_t arg = fuzz_pointer(f, filled * sizeof(struct keel_gnttab_copy), FUZZ_PTR_CONTROLLED);
	if (fuzz_in_arena(f, arg, filled * sizeof(struct keel_gnttab_copy))) {
		for (uint64_t i = 0; i < filled; i++) {
			struct keel_gnttab_copy op;
			fill_copy_ptr(f, &op.src, false);
			fill_copy_ptr(f, &op.dst, true);
			op.len = (uint32_t)fuzz_len(f, 4096);
			op.status = (int32_t)prng_next(p);
			memcpy((void *)(uintptr_t)(arg + i * sizeof op), &op, sizeof op);
		}
	}
	return hypercall3(KEEL_HC_GRANT_TABLE_OP, KEEL_GNTTABOP_COPY, arg, count);
}

long fuzz_grant_table_op(struct fuzz *f)
{
	struct prng *p = &f->prng;
	uint64_t cmd = prng_chance(p, 92) ? prng_below(p, 5) : fuzz_u64(f);
	if (cmd == KEEL_GNTTABOP_COPY)
		return fuzz_copy(f);

	/* GRANT's page must be one hcfuzz may let itself copy into (see own_gpa_for_writing). */
	enum fuzz_ptr_kind kind = cmd == KEEL_GNTTABOP_GRANT ? FUZZ_PTR_CONTROLLED : FUZZ_PTR_ANY;
	uint64_t arg = fuzz_pointer(f, 24, kind);
	bool ours = fuzz_in_arena(f, arg, 24);
	if (ours && prng_chance(p, 85)) {
		union {
			struct keel_gnttab_grant grant;
			struct keel_gnttab_end end;
			struct keel_gnttab_map map;
			struct keel_gnttab_unmap unmap;
		} u;
		memcpy(&u, (const void *)(uintptr_t)arg, sizeof u);
		switch (cmd) {
		case KEEL_GNTTABOP_GRANT:
			u.grant.gpa = own_gpa_for_writing(f);
			u.grant.grantee = fuzz_domid(f);
			u.grant.flags = prng_chance(p, 85) ? (uint32_t)prng_below(p, 2) : (uint32_t)prng_next(p);
			break;
		case KEEL_GNTTABOP_END:
			u.end.ref = fuzz_ref(f);
			break;
		case KEEL_GNTTABOP_MAP:
			u.map.granter = prng_chance(p, 50) ? f->domid : fuzz_domid(f);
			u.map.ref = fuzz_ref(f);
			u.map.host_gpa = fuzz_window_gpa(f);
			u.map.flags = prng_chance(p, 85) ? (uint32_t)prng_below(p, 2) : (uint32_t)prng_next(p);
			break;
		case KEEL_GNTTABOP_UNMAP:
			u.unmap.handle = prng_chance(p, 70) ? fuzz_recent(f, f->recent_handles) : (uint32_t)prng_next(p);
			break;
		}
		memcpy((void *)(uintptr_t)arg, &u, sizeof u);
	} else if (cmd == KEEL_GNTTABOP_GRANT && ours) {
		/* Random bytes would name a random page of its own, maybe its code: keep the page safe. */
		uint64_t gpa = own_gpa_for_writing(f);
		memcpy((void *)(uintptr_t)arg, &gpa, sizeof gpa);
	}
	long rc = hypercall3(KEEL_HC_GRANT_TABLE_OP, cmd, arg, fuzz_u64(f));
	if (rc == 0 && ours && cmd == KEEL_GNTTABOP_GRANT) {
		struct keel_gnttab_grant out;
		memcpy(&out, (const void *)(uintptr_t)arg, sizeof out);
		fuzz_remember(f->recent_refs, out.ref, f);
	}
	if (rc == 0 && ours && cmd == KEEL_GNTTABOP_MAP) {
		struct keel_gnttab_map out;
		memcpy(&out, (const void *)(uintptr_t)arg, sizeof out);
		fuzz_remember(f->recent_handles, out.handle, f);
	}
	if (cmd > KEEL_GNTTABOP_COPY && rc != -KEEL_EINVAL && rc != -KEEL_ENOSYS)
		fuzz_violation(f, "grant_table_op with an unknown cmd", rc);
	return rc;
}
