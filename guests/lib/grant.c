/* grant.c: the grant_table_op wrappers: fill the command's structure, call, hand back the OUT field. */
#include "grant.h"

#include "hypercall.h"

static long gnttab_op(uint64_t cmd, void *arg, uint64_t count)
{
	return hypercall3(KEEL_HC_GRANT_TABLE_OP, cmd, (uintptr_t)arg, count);
}

long grant_access(uint64_t gpa, uint32_t grantee, uint32_t flags, uint32_t *ref)
{
	struct keel_gnttab_grant g = { .gpa = gpa, .grantee = grantee, .flags = flags };
	long rc = gnttab_op(KEEL_GNTTABOP_GRANT, &g, 0);
	if (rc == 0)
		*ref = g.ref;
	return rc;
}

long grant_end(uint32_t ref)
{
	struct keel_gnttab_end e = { .ref = ref };
	return gnttab_op(KEEL_GNTTABOP_END, &e, 0);
}

long grant_map(uint32_t granter, uint32_t ref, uint64_t host_gpa, uint32_t flags, uint32_t *handle)
{
	struct keel_gnttab_map m = { .granter = granter, .ref = ref, .host_gpa = host_gpa, .flags = flags };
	long rc = gnttab_op(KEEL_GNTTABOP_MAP, &m, 0);
	if (rc == 0)
		*handle = m.handle;
	return rc;
}

long grant_unmap(uint32_t handle)
{
	struct keel_gnttab_unmap u = { .handle = handle };
	return gnttab_op(KEEL_GNTTABOP_UNMAP, &u, 0);
}

long grant_copy(struct keel_gnttab_copy *ops, uint64_t count)
{
	return gnttab_op(KEEL_GNTTABOP_COPY, ops, count);
}
