/* grant_forged.c: grant_table_op refuses forged refs, unknown domains, pages not the caller's, and grants meant for others. */
#include "grant.h"
#include "hypercall.h"
#include "xtf.h"

const char xtf_test_name[] = "grant_forged";

static uint8_t page[4096] __attribute__((aligned(4096)));

/* A domid no domain has: ids count up from 1, one per domain started since boot. */
#define NO_SUCH_DOMAIN 0x7000u

static void expect(const char *what, long got, long want)
{
	if (got != want)
		xtf_failure("%s returned %ld, want %ld", what, got, want);
}

/* Another live domain to grant to: the suite's guests run together (the HLT guest stays). */
static long grant_to_another(uint32_t me, uint32_t *ref)
{
	for (uint32_t id = 0; id < me + 64; id++) {
		if (id == me)
			continue;
		long rc = grant_access((uintptr_t)page, id, 0, ref);
		if (rc != -KEEL_ESRCH)
			return rc;
	}
	return -KEEL_ESRCH;
}

void test_main(const struct keel_start_info *si)
{
	const uint32_t me = si->domid;
	const uint64_t mem_end = si->nr_pages * 4096;
	const uint64_t window = KEEL_GRANT_WINDOW_BASE;
	uint32_t ref = 0, handle;

	/* Refs that were never granted. */
	static const uint32_t forged[] = { 0, 1, KEEL_GRANT_MAX_REFS - 1, KEEL_GRANT_MAX_REFS, 0xffffffffu };
	for (unsigned int i = 0; i < sizeof(forged) / sizeof(forged[0]); i++) {
		expect("END of a forged ref", grant_end(forged[i]), -KEEL_EINVAL);
		expect("MAP of a forged ref", grant_map(me, forged[i], window, 0, &handle), -KEEL_EINVAL);
	}
	expect("UNMAP of a forged handle", grant_unmap(0), -KEEL_EINVAL);
	expect("UNMAP of handle ~0", grant_unmap(0xffffffffu), -KEEL_EINVAL);

	/* Domains that do not exist. */
	expect("MAP from no such domain", grant_map(NO_SUCH_DOMAIN, 0, window, 0, &handle), -KEEL_ESRCH);
	expect("GRANT to no such domain", grant_access((uintptr_t)page, NO_SUCH_DOMAIN, 0, &ref), -KEEL_ESRCH);

	/* Pages that are not the caller's RAM, and bad arguments. */
	expect("GRANT beyond memory", grant_access(mem_end, me, 0, &ref), -KEEL_EINVAL);
	expect("GRANT far beyond memory", grant_access(mem_end + (1ull << 32), me, 0, &ref), -KEEL_EINVAL);
	expect("GRANT in the window", grant_access(window, me, 0, &ref), -KEEL_EINVAL);
	expect("GRANT unaligned", grant_access((uintptr_t)page + 8, me, 0, &ref), -KEEL_EINVAL);
	expect("GRANT unknown flags", grant_access((uintptr_t)page, me, 0x80, &ref), -KEEL_EINVAL);

	/* A good grant of its own, then bad places to map it (G3). */
	expect("GRANT to itself", grant_access((uintptr_t)page, me, 0, &ref), 0);
	expect("MAP into RAM", grant_map(me, ref, 0x200000, 0, &handle), -KEEL_EINVAL);
	expect("MAP below the window", grant_map(me, ref, window - 4096, 0, &handle), -KEEL_EINVAL);
	expect("MAP past the window", grant_map(me, ref, window + KEEL_GRANT_WINDOW_SIZE, 0, &handle),
	       -KEEL_EINVAL);
	expect("MAP unaligned", grant_map(me, ref, window + 8, 0, &handle), -KEEL_EINVAL);
	expect("MAP unknown flags", grant_map(me, ref, window, 0x10, &handle), -KEEL_EINVAL);
	expect("END", grant_end(ref), 0);

	/* G2: a grant meant for another domain is no use to the caller, not even its granter. */
	expect("GRANT to another live domain", grant_to_another(me, &ref), 0);
	expect("MAP of a grant for another", grant_map(me, ref, window, 0, &handle), -KEEL_EPERM);
	expect("MAP read-only of a grant for another", grant_map(me, ref, window, KEEL_GNTF_READONLY, &handle),
	       -KEEL_EPERM);
	struct keel_gnttab_copy ops[3] = {
		{ .src = { .domid = me, .ref = ref }, .dst = { .domid = KEEL_DOMID_SELF, .gpa = (uintptr_t)page },
		  .len = 8, .status = 1 },
		{ .src = { .domid = me, .ref = 0x1234 }, .dst = { .domid = KEEL_DOMID_SELF, .gpa = (uintptr_t)page },
		  .len = 8, .status = 1 },
		{ .src = { .domid = NO_SUCH_DOMAIN }, .dst = { .domid = KEEL_DOMID_SELF, .gpa = (uintptr_t)page },
		  .len = 8, .status = 1 },
	};
	expect("COPY batch", grant_copy(ops, 3), 0);
	expect("COPY through a grant for another", ops[0].status, -KEEL_EPERM);
	expect("COPY through a forged ref", ops[1].status, -KEEL_EINVAL);
	expect("COPY from no such domain", ops[2].status, -KEEL_ESRCH);
	expect("END of the grant for another", grant_end(ref), 0);

	/* The batch itself. */
	expect("COPY of KEEL_GRANT_COPY_MAX + 1", grant_copy(ops, KEEL_GRANT_COPY_MAX + 1), -KEEL_E2BIG);
	expect("COPY from beyond memory", grant_copy((struct keel_gnttab_copy *)(uintptr_t)mem_end, 1),
	       -KEEL_EFAULT);
	expect("unknown command", hypercall3(KEEL_HC_GRANT_TABLE_OP, 5, (uintptr_t)page, 0), -KEEL_ENOSYS);
}
