/* grant_self.c: one domain as granter and grantee of its own page: map, share, copy, END while mapped, unmap. */
#include "grant.h"
#include "hypercall.h"
#include "paging.h"
#include "string.h"
#include "xtf.h"

const char xtf_test_name[] = "grant_self";

static uint8_t shared[4096] __attribute__((aligned(4096)));
static uint8_t scratch[4096] __attribute__((aligned(4096)));
static uint8_t readonly[4096] __attribute__((aligned(4096)));

static void expect(const char *what, long got, long want)
{
	if (got != want)
		xtf_failure("%s returned %ld, want %ld", what, got, want);
}

/* One COPY entry between the caller's own page and a grant of its own (domid given numerically). */
static struct keel_gnttab_copy copy_op(uint32_t domid, uint32_t ref, const void *own, uint32_t len, int to_grant)
{
	struct keel_gnttab_copy_ptr g = { .domid = domid, .ref = ref };
	struct keel_gnttab_copy_ptr o = { .domid = KEEL_DOMID_SELF, .gpa = (uintptr_t)own };
	struct keel_gnttab_copy op = { .src = to_grant ? o : g, .dst = to_grant ? g : o, .len = len, .status = 1 };
	return op;
}

void test_main(const struct keel_start_info *si)
{
	const uint32_t me = si->domid;
	uint64_t next_free = si->first_free_gpa;
	uint32_t ref, ro_ref, handle, ro_handle, spare;

	trap_init(xtf_unhandled_trap);   /* a fault through the window becomes a FAIL with its details */
	if (!(keel_features() & KEEL_FEATURE_GRANT_TABLE))
		xtf_failure("KEEL_FEATURE_GRANT_TABLE not offered");

	/* The guest's own view of the window: one 2 MiB page of its tables, identity. */
	if (paging_map_2m(KEEL_GRANT_WINDOW_BASE, KEEL_GRANT_WINDOW_BASE, &next_free))
		xtf_failure("cannot map the grant window in the guest's page tables");
	volatile uint8_t *window = (volatile uint8_t *)(uintptr_t)KEEL_GRANT_WINDOW_BASE;

	for (int i = 0; i < 4096; i++)
		shared[i] = (uint8_t)i;
	expect("GRANT to itself", grant_access((uintptr_t)shared, KEEL_DOMID_SELF, 0, &ref), 0);
	expect("MAP of its grant", grant_map(me, ref, KEEL_GRANT_WINDOW_BASE, 0, &handle), 0);

	/* Both addresses are one frame: writes through either show through the other. */
	if (window[77] != 77 || window[4095] != (uint8_t)4095)
		xtf_failure("the mapping does not show the page (%u at 77)", window[77]);
	window[5] = 0xa5;
	shared[6] = 0x5a;
	if (shared[5] != 0xa5 || window[6] != 0x5a)
		xtf_failure("writes do not show through (%#x, %#x)", shared[5], window[6]);

	/* G3/G4: the GPA is taken; END while mapped is refused; the mapped page is not RAM to pass on. */
	expect("MAP at a GPA in use", grant_map(me, ref, KEEL_GRANT_WINDOW_BASE, 0, &spare), -KEEL_EEXIST);
	expect("END while mapped", grant_end(ref), -KEEL_EBUSY);
	expect("GRANT of the mapped window page",
	       grant_access(KEEL_GRANT_WINDOW_BASE, KEEL_DOMID_SELF, 0, &spare), -KEEL_EINVAL);

	/* COPY through the grant (by domid, not SELF), both ways, and a failing entry in between. */
	memcpy(scratch, "copied into the grant", 22);
	struct keel_gnttab_copy ops[3] = {
		copy_op(me, ref, scratch, 22, 1),
		copy_op(me, ref + 1000, scratch, 8, 1),   /* no such ref: fails alone */
		copy_op(me, ref, scratch + 2048, 4096, 0),
	};
	ops[0].dst.offset = 100;
	expect("COPY batch", grant_copy(ops, 3), 0);
	expect("COPY 0 (own -> grant)", ops[0].status, 0);
	expect("COPY 1 (forged ref)", ops[1].status, -KEEL_EINVAL);
	expect("COPY 2 (grant -> own, page past the end)", ops[2].status, -KEEL_EINVAL);
	if (memcmp((const void *)&window[100], "copied into the grant", 22))
		xtf_failure("the copy did not reach the mapped page");
	ops[2] = copy_op(me, ref, scratch, 4096, 0);
	expect("COPY grant -> own", grant_copy(&ops[2], 1), 0);
	expect("COPY grant -> own status", ops[2].status, 0);
	if (scratch[100] != 'c' || scratch[5] != 0xa5 || scratch[4095] != (uint8_t)4095)
		xtf_failure("the copy back does not match the page");

	/* A read-only grant: mapped read-only (readable), never writable, never copied into. */
	readonly[9] = 0x99;
	expect("GRANT read-only", grant_access((uintptr_t)readonly, me, KEEL_GNTF_READONLY, &ro_ref), 0);
	expect("writable MAP of a read-only grant",
	       grant_map(me, ro_ref, KEEL_GRANT_WINDOW_BASE + 0x1000, 0, &spare), -KEEL_EPERM);
	expect("read-only MAP", grant_map(me, ro_ref, KEEL_GRANT_WINDOW_BASE + 0x1000, KEEL_GNTF_READONLY,
					 &ro_handle), 0);
	if (window[0x1000 + 9] != 0x99)
		xtf_failure("the read-only mapping reads %#x, want 0x99", window[0x1000 + 9]);
	ops[0] = copy_op(me, ro_ref, scratch, 8, 1);
	expect("COPY batch into a read-only grant", grant_copy(ops, 1), 0);
	expect("COPY into a read-only grant", ops[0].status, -KEEL_EPERM);
	expect("UNMAP read-only", grant_unmap(ro_handle), 0);
	expect("END read-only", grant_end(ro_ref), 0);

	/* G5 and G1: unmap once, then END works, once. */
	expect("UNMAP", grant_unmap(handle), 0);
	expect("UNMAP again", grant_unmap(handle), -KEEL_EINVAL);
	expect("END", grant_end(ref), 0);
	expect("END again", grant_end(ref), -KEEL_EINVAL);
	expect("MAP after END", grant_map(me, ref, KEEL_GRANT_WINDOW_BASE, 0, &spare), -KEEL_EINVAL);
	if (shared[5] != 0xa5 || shared[100] != 'c')
		xtf_failure("the page changed after unmapping");
}
