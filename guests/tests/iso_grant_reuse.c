/* iso_grant_reuse.c: isolation attack: forged and reused grant references and handles: stale refs after END, refs out of range, read-only mapped writable, double unmap, forged copies. */
#include "grant.h"
#include "hypercall.h"
#include "iso_attack.h"

const char xtf_test_name[] = "iso_grant_reuse";

static uint8_t page[4096] __attribute__((aligned(4096)));
static uint8_t ro_page[4096] __attribute__((aligned(4096)));
static uint8_t scratch[4096] __attribute__((aligned(4096)));

#define ROUNDS 16   /* grant/map/unmap/end cycles: stale refs and handles pile up */
#define WINDOW KEEL_GRANT_WINDOW_BASE

static struct keel_gnttab_copy copy_op(uint32_t domid, uint32_t ref, int into_grant)
{
	struct keel_gnttab_copy_ptr g = { .domid = domid, .ref = ref };
	struct keel_gnttab_copy_ptr own = { .domid = KEEL_DOMID_SELF, .gpa = (uintptr_t)scratch };
	return (struct keel_gnttab_copy){ .src = into_grant ? own : g, .dst = into_grant ? g : own, .len = 16,
					  .status = 1 };
}

void test_main(const struct keel_start_info *si)
{
	const uint32_t me = si->domid;
	uint32_t stale_refs[ROUNDS], stale_handles[ROUNDS], spare;

	/* Legitimate cycles first, keeping every ref and handle once it is dead. */
	for (int r = 0; r < ROUNDS; r++) {
		uint32_t ref = 0, handle = 0;
		if (grant_access((uintptr_t)page, me, 0, &ref) || grant_map(me, ref, WINDOW, 0, &handle) ||
		    grant_unmap(handle) || grant_end(ref)) {
			xtf_failure("legitimate grant cycle %d failed", r);
			break;
		}
		stale_refs[r] = ref;
		stale_handles[r] = handle;
	}

	/* Stale refs (after END) and stale handles (after UNMAP): all dead. */
	for (int r = 0; r < ROUNDS; r++) {
		iso_expect("MAP of a stale ref", grant_map(me, stale_refs[r], WINDOW, 0, &spare), -KEEL_EINVAL);
		iso_expect("END of a stale ref", grant_end(stale_refs[r]), -KEEL_EINVAL);
		iso_expect("UNMAP of a stale handle", grant_unmap(stale_handles[r]), -KEEL_EINVAL);
		struct keel_gnttab_copy op = copy_op(me, stale_refs[r], r & 1);
		iso_expect("COPY batch", grant_copy(&op, 1), 0);
		iso_expect("COPY through a stale ref", op.status, -KEEL_EINVAL);
	}

	/* Refs out of range, including ones that wrap a 32-bit index. */
	static const uint32_t out_of_range[] = { KEEL_GRANT_MAX_REFS, KEEL_GRANT_MAX_REFS + 1, 0x7fffffffu,
						 0x80000000u, 0xfffffffeu, 0xffffffffu };
	for (unsigned int i = 0; i < sizeof out_of_range / sizeof out_of_range[0]; i++) {
		uint32_t ref = out_of_range[i];
		iso_expect("MAP of an out-of-range ref", grant_map(me, ref, WINDOW, 0, &spare), -KEEL_EINVAL);
		iso_expect("MAP of an out-of-range ref from dom0", grant_map(0, ref, WINDOW, 0, &spare), -KEEL_EINVAL);
		iso_expect("END of an out-of-range ref", grant_end(ref), -KEEL_EINVAL);
		iso_expect("UNMAP of an out-of-range handle", grant_unmap(ref), -KEEL_EINVAL);
		struct keel_gnttab_copy op = copy_op(me, ref, 1);
		iso_expect("COPY batch", grant_copy(&op, 1), 0);
		iso_expect("COPY through an out-of-range ref", op.status, -KEEL_EINVAL);
	}

	/* Read-only granted, then mapped writable, copied into, or mapped twice at one GPA. */
	uint32_t ro_ref = 0, ro_handle = 0;
	iso_expect("GRANT read-only", grant_access((uintptr_t)ro_page, me, KEEL_GNTF_READONLY, &ro_ref), 0);
	for (int r = 0; r < 4; r++)
		iso_expect("writable MAP of a read-only grant", grant_map(me, ro_ref, WINDOW + 0x1000 * r, 0, &spare),
			   -KEEL_EPERM);
	struct keel_gnttab_copy into_ro = copy_op(me, ro_ref, 1);
	iso_expect("COPY batch", grant_copy(&into_ro, 1), 0);
	iso_expect("COPY into a read-only grant", into_ro.status, -KEEL_EPERM);
	iso_expect("read-only MAP", grant_map(me, ro_ref, WINDOW, KEEL_GNTF_READONLY, &ro_handle), 0);
	iso_expect("second MAP at the same GPA", grant_map(me, ro_ref, WINDOW, KEEL_GNTF_READONLY, &spare),
		   -KEEL_EEXIST);
	iso_expect("END while mapped", grant_end(ro_ref), -KEEL_EBUSY);

	/* Double unmap, then the dead handle and the ended ref once more. */
	iso_expect("UNMAP", grant_unmap(ro_handle), 0);
	iso_expect("UNMAP again", grant_unmap(ro_handle), -KEEL_EINVAL);
	iso_expect("END", grant_end(ro_ref), 0);
	iso_expect("END again", grant_end(ro_ref), -KEEL_EINVAL);
	iso_expect("UNMAP after END", grant_unmap(ro_handle), -KEEL_EINVAL);

	/* A live grant of its own, reached through forged copy pointers: offsets and lengths past the page. */
	uint32_t ref = 0;
	iso_expect("GRANT", grant_access((uintptr_t)page, me, 0, &ref), 0);
	static const struct { uint32_t offset, len; } bad_ranges[] = {
		{ 4096, 1 }, { 4095, 2 }, { 0, 4097 }, { 0xffffffffu, 2 }, { 1, 0xffffffffu }, { 2048, 4096 },
	};
	for (unsigned int i = 0; i < sizeof bad_ranges / sizeof bad_ranges[0]; i++) {
		struct keel_gnttab_copy op = copy_op(me, ref, 1);
		op.dst.offset = bad_ranges[i].offset;
		op.len = bad_ranges[i].len;
		iso_expect("COPY batch", grant_copy(&op, 1), 0);
		iso_expect("COPY past the granted page", op.status, -KEEL_EINVAL);
	}
	iso_expect("END", grant_end(ref), 0);
	iso_report();
}
